import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** A new lowercase ULID, as the Python llm uses for response and conversation ids. */
export function newId(): string {
  return nextUlid().toLowerCase();
}

/** The current time as the Python llm writes `datetime_utc`: `2025-01-31T12:00:00.123000+00:00`. */
export function utcNow(date: Date = new Date()): string {
  return date.toISOString().replace('Z', '000+00:00');
}
