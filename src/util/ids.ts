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
  return date.toISOString().replace('Z', '000+00:00');
}
