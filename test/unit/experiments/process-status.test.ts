import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { currentStatus, processAlive } from '../../../default-plugins/experiments/services/process-status.js';

// A process that has exited (and been reaped): its pid is free.
const gone = spawnSync(process.execPath, ['-e', '']).pid;

describe("an experiment's status as readers see it", () => {
  it('a running experiment whose process is gone on this host is interrupted', () => {
    expect(processAlive(gone)).toBe(false);
    expect(currentStatus({ status: 'running', pid: gone, host: hostname() })).toBe('interrupted');
  });

  it('stays running while its process lives, on another host (which cannot be checked), or without a pid', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(currentStatus({ status: 'running', pid: process.pid, host: hostname() })).toBe('running');
    expect(currentStatus({ status: 'running', pid: gone, host: 'another-host' })).toBe('running');
    expect(currentStatus({ status: 'running', pid: null, host: null })).toBe('running');
  });

  it('never changes a finished status', () => {
    for (const status of ['completed', 'interrupted', 'failed']) expect(currentStatus({ status, pid: gone, host: hostname() })).toBe(status);
  });
});
