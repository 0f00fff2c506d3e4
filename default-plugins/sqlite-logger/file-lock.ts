import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { codeOf } from './util.js';

/** A lock someone else holds, as its file describes it. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly since: number;
}

/** Waiting for the lock took longer than the caller allows. */
export class LockTimeoutError extends Error {
  constructor(
    readonly path: string,
    readonly owner: LockOwner | undefined,
  ) {
    super(`${path} is held by ${owner ? `process ${owner.pid} on ${owner.host}` : 'another process'}`);
  }
}

/** How to wait for the lock. */
export interface LockOptions {
  /** Give up after this long (default 30 s): never wait forever. */
  readonly timeoutMs?: number;
  /** A lock older than this is stale even if its process seems alive (default 10 min: pid reuse). */
  readonly staleMs?: number;
}

/** A held lock. */
export interface FileLock {
  release(): void;
}

/**
 * A cross-process lock file, created with O_EXCL. A lock left by a crashed process is recovered:
 * its pid is gone (same host), or it is older than `staleMs`. Breaking a stale lock is itself
 * guarded by a second lock, so two waiters never both break it and take it.
 */
export async function acquireFileLock(path: string, options: LockOptions = {}): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const deadline = Date.now() + timeoutMs;
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomUUID(), since: Date.now() };
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, JSON.stringify(owner))) return held(path, owner.token);
    const current = readOwner(path);
    if (current === 'gone') continue;
    if (isStale(path, current, staleMs)) {
      breakStaleLock(path, current, staleMs);
      continue;
    }
    if (Date.now() >= deadline) throw new LockTimeoutError(path, current === 'unreadable' ? undefined : current);
    // Short waits first (a sql.js write takes tens of milliseconds), with jitter against convoys.
    await sleep(Math.min(10 + attempt * 5, 100) + Math.random() * 10);
  }
}

/** Creates the lock file; false if it exists. Other errors (read-only directory...) are thrown. */
function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof data.pid === 'number' && typeof data.token === 'string') return data as LockOwner;
    return 'unreadable';
  } catch (error) {
    return codeOf(error) === 'ENOENT' ? 'gone' : 'unreadable';
  }
}

function ageOf(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function isStale(path: string, owner: LockOwner | 'unreadable', staleMs: number): boolean {
  const age = ageOf(path);
  // An unreadable lock is one being written this instant, or one whose writer died mid-write.
  if (owner === 'unreadable') return age > 2_000;
  if (age > staleMs) return true;
  return owner.host === hostname() && !isAlive(owner.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

/** Removes a stale lock, unless someone else is doing so or it changed since it was judged stale. */
function breakStaleLock(path: string, judged: LockOwner | 'unreadable', staleMs: number): void {
  const guard = `${path}.break`;
  if (!tryCreate(guard, String(process.pid))) {
    // Breaking takes microseconds: a guard older than that was left by a crash.
    if (ageOf(guard) > 5_000) unlinkQuietly(guard);
    return;
  }
  try {
    const now = readOwner(path);
    const same = now === judged || (typeof now === 'object' && typeof judged === 'object' && now.token === judged.token);
    if (same && isStale(path, judged, staleMs)) unlinkQuietly(path);
  } finally {
    unlinkQuietly(guard);
  }
}

function held(path: string, token: string): FileLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const owner = readOwner(path);
    if (typeof owner === 'object' && owner.token === token) unlinkQuietly(path);
  };
  // Ctrl-C or process.exit() while the lock is held must not leave it behind.
  process.on('exit', release);
  return { release };
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
