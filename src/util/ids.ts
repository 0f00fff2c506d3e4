import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid's own generator asks the system for one random byte per character (16 calls per id);
// under load (an experiment makes thousands of ids) that showed up in profiles. The same
// bytes, from the same source, are drawn from a pool refilled 4 KB at a time.
const pool = new Uint8Array(4096);
let used = pool.length;

function pooledRandom(): number {
  if (used >= pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]! / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

/** A new lowercase ULID, as the Python llm uses for response and conversation ids. */
export function newId(): string {
  return nextUlid().toLowerCase();
}

/** The current time as the Python llm writes `datetime_utc`: `2025-01-31T12:00:00.123000+00:00`. */
export function utcNow(date: Date = new Date()): string {
  return isoUtc(date).replace('Z', '000+00:00');
}

/**
 * `date.toISOString()`, from the date's UTC fields: the first toISOString in a process costs
 * ~0.8 ms (V8 sets up its date formatting), the fields ~0.01 ms. Years outside 0-9999, which
 * toISOString writes with a sign and six digits, go to toISOString.
 */
export function isoUtc(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}` +
    `T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${String(date.getUTCMilliseconds()).padStart(3, '0')}Z`
  );
}

/**
 * Milliseconds on a monotonic clock, for durations: the global `performance` loads Node's
 * perf_hooks on first use (~1.5 ms of every prompt); process.hrtime is already there.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
