import { PROBE_SQL } from './probe.js';
import type { Row, SqliteDatabase, SqlValue } from './types.js';

/** A prepared statement, as both native engines (node:sqlite, better-sqlite3) have them. */
export interface NativeStatement {
  run(...params: unknown[]): { changes: number | bigint };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  /** Missing on node:sqlite before 22.13. */
  iterate?(...params: unknown[]): IterableIterator<unknown>;
  /** node:sqlite only: read integers as BigInt (it throws for those past 2^53 otherwise). */
  setReadBigInts?(enabled: boolean): void;
}

/** A connection, as both native engines have them. */
export interface NativeDatabase {
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  close(): void;
}

/** The SQLite build's facts (see PROBE_SQL), read from a probe connection, which is closed. */
export function probeFacts(probe: NativeDatabase): { version: string; fts5: boolean } {
  try {
    const facts = probe.prepare(PROBE_SQL).get() as { version: string; fts5: number | bigint };
    return { version: facts.version, fts5: Number(facts.fts5) === 1 };
  } finally {
    probe.close();
  }
}

/**
 * A native connection as a SqliteDatabase, with foreign keys on. Statements are prepared once per
 * connection: a batch runs the same few statements many times.
 */
export function wrapNative(db: NativeDatabase): SqliteDatabase {
  const statements = new Map<string, NativeStatement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const wrapped: SqliteDatabase = {
    exec: (sql) => db.exec(sql),
    run: (sql, params = []) => Number(prepare(sql).run(...params).changes),
    all: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => {
      const statement = prepare(sql);
      return readingHugeIntegers(statement, () => statement.all(...params), (rows) => (rows as object[]).map(toNumbers)) as T[];
    },
    get: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => {
      const statement = prepare(sql);
      return readingHugeIntegers(statement, () => statement.get(...params), (row) => row && toNumbers(row as object)) as T | undefined;
    },
    // Not the cached statement: a statement being iterated cannot run again until the loop ends.
    iterate: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => iterateRows(db, sql, params) as IterableIterator<T>,
    prepare: (sql) => void prepare(sql),
    close: () => db.close(),
  };
  wrapped.exec('PRAGMA foreign_keys = ON');
  return wrapped;
}

/**
 * node:sqlite throws for an integer past 2^53 where better-sqlite3 and sql.js read the nearest
 * double (a metric value of 2^53 + 2 stored in a NUMERIC column is one): on that error the statement
 * runs again reading BigInts, which become that same nearest double, so every engine reads alike.
 * Only reads come here, so running one again changes nothing.
 */
function readingHugeIntegers<R>(statement: NativeStatement, read: () => R, convert: (result: R) => R): R {
  try {
    return read();
  } catch (error) {
    if (!isOutOfRange(error) || !statement.setReadBigInts) throw error;
    statement.setReadBigInts(true);
    try {
      return convert(read());
    } finally {
      statement.setReadBigInts(false);
    }
  }
}

function* iterateRows(db: NativeDatabase, sql: string, params: readonly SqlValue[]): IterableIterator<unknown> {
  const statement = db.prepare(sql);
  if (!statement.iterate) return yield* statement.all(...params);
  let yielded = 0;
  try {
    for (const row of statement.iterate(...params)) {
      yield row;
      yielded++;
    }
  } catch (error) {
    if (!isOutOfRange(error) || !statement.setReadBigInts) throw error;
    // Again from the start, reading BigInts, past the rows already given.
    const again = db.prepare(sql);
    again.setReadBigInts!(true);
    let index = 0;
    for (const row of again.iterate!(...params)) if (index++ >= yielded) yield toNumbers(row as object);
  }
}

function isOutOfRange(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_OUT_OF_RANGE';
}

function toNumbers(row: object): object {
  const record = row as Record<string, unknown>;
  for (const key of Object.keys(record)) if (typeof record[key] === 'bigint') record[key] = Number(record[key]);
  return record;
}
