import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireFileLock, LockTimeoutError } from '../../../default-plugins/sqlite-logger/file-lock.js';
import { tempDir } from '../../helpers/temp-dir.js';

let dir: ReturnType<typeof tempDir>;
let lockPath: string;
beforeEach(() => {
  dir = tempDir('llm-lock-');
  lockPath = join(dir.path, 'logs.db.lock');
});
afterEach(() => dir.remove());

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('acquireFileLock', () => {
  it('holds the lock until released, and lets the next holder in after', async () => {
    const first = await acquireFileLock(lockPath);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    let secondHasIt = false;
    const second = acquireFileLock(lockPath).then((lock) => {
      secondHasIt = true;
      return lock;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondHasIt).toBe(false);
    first.release();
    (await second).release();
    expect(secondHasIt).toBe(true);
    expect(existsSync(lockPath)).toBe(false);
  });

  it('recovers a lock whose process is gone, without waiting', async () => {
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'crashed', since: Date.now() }));
    // No time to wait at all: a lock that had to be waited out would fail with LockTimeoutError.
    const lock = await acquireFileLock(lockPath, { timeoutMs: 0 });
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('recovers an old lock even if its pid is alive (pid reuse), and an empty one left mid-write', async () => {
    writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'old', since: 0 }));
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lockPath, old, old);
    (await acquireFileLock(lockPath, { timeoutMs: 2_000, staleMs: 30_000 })).release();
    writeFileSync(lockPath, '');
    utimesSync(lockPath, old, old);
    (await acquireFileLock(lockPath, { timeoutMs: 2_000 })).release();
  });

  it('gives up after the timeout on a live lock, naming its holder', async () => {
    writeFileSync(lockPath, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'busy', since: Date.now() }));
    const error = await acquireFileLock(lockPath, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).message).toBe(`${lockPath} is held by process ${process.ppid} on ${hostname()}`);
    // A lock that is not ours is never removed.
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).token).toBe('busy');
  });

  it('lets exactly one of many waiters break a stale lock at a time', async () => {
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'crashed', since: 0 }));
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const lock = await acquireFileLock(lockPath, { timeoutMs: 10_000 });
        inside++;
        most = Math.max(most, inside);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inside--;
        lock.release();
      }),
    );
    expect(most).toBe(1);
  });
});
