import type { FileEngine, Row, SqliteDatabase, SqlValue } from './types.js';
import { PROBE_SQL } from './probe.js';

/**
 * better-sqlite3, the native engine for Node versions without node:sqlite. An optional dependency
 * compiled at install time: if it was not built, loading it throws and the next engine is tried.
 */
export async function loadBetterSqlite3(): Promise<FileEngine> {
  // A CommonJS package: its exports are the default export of import().
  const Database = (await import('better-sqlite3')).default;
  // The native binding loads with the first database: this throws if it was never built.
  const probe = new Database(':memory:');
  let facts: { version: string; fts5: number };
  try {
    facts = probe.prepare(PROBE_SQL).get() as typeof facts;
  } finally {
    probe.close();
  }
  return {
    kind: 'file',
    name: 'better-sqlite3',
    sqliteVersion: facts.version,
    hasFts5: facts.fts5 === 1,
    open(path, { busyTimeoutMs }) {
      const db = new Database(path, { timeout: busyTimeoutMs });
      // Prepared once per connection: a batch runs the same few statements many times.
      const statements = new Map<string, ReturnType<typeof db.prepare>>();
      const prepare = (sql: string) => {
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = db.prepare(sql)));
        return statement;
      };
      const wrapped: SqliteDatabase = {
        exec: (sql) => db.exec(sql),
        run: (sql, params = []) => prepare(sql).run(...params).changes,
        all: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => prepare(sql).all(...params) as T[],
        get: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => prepare(sql).get(...params) as T | undefined,
        close: () => db.close(),
      };
      wrapped.exec('PRAGMA foreign_keys = ON');
      return wrapped;
    },
  };
}
