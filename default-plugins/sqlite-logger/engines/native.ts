import { PROBE_SQL } from './probe.js';
import type { Row, SqliteDatabase, SqlValue } from './types.js';

/** A prepared statement, as both native engines (node:sqlite, better-sqlite3) have them. */
export interface NativeStatement {
  run(...params: unknown[]): { changes: number | bigint };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  /** Missing on node:sqlite before 22.13. */
  iterate?(...params: unknown[]): IterableIterator<unknown>;
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
    all: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => prepare(sql).all(...params) as T[],
    get: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => prepare(sql).get(...params) as T | undefined,
    // Not the cached statement: a statement being iterated cannot run again until the loop ends.
    iterate: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => {
      const statement = db.prepare(sql);
      return (statement.iterate ? statement.iterate(...params) : statement.all(...params)[Symbol.iterator]()) as IterableIterator<T>;
    },
    close: () => db.close(),
  };
  wrapped.exec('PRAGMA foreign_keys = ON');
  return wrapped;
}
