import type { FileEngine, Row, SqliteDatabase, SqlValue } from './types.js';
import { PROBE_SQL } from './probe.js';

interface StatementSync {
  run(...params: unknown[]): { changes: number | bigint };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}
interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}
type DatabaseSyncClass = new (path: string) => DatabaseSync;

/**
 * node:sqlite, the engine built into Node 22.13+ (22.5+ behind a flag). Detected, never assumed:
 * on a Node without it the import throws and the next engine is tried.
 */
export async function loadNodeSqlite(): Promise<FileEngine> {
  const { DatabaseSync } = (await importQuietly('node:sqlite')) as { DatabaseSync: DatabaseSyncClass };
  const probe = new DatabaseSync(':memory:');
  let facts: { version: string; fts5: number };
  try {
    facts = probe.prepare(PROBE_SQL).get() as typeof facts;
  } finally {
    probe.close();
  }
  return {
    kind: 'file',
    name: 'node:sqlite',
    sqliteVersion: facts.version,
    hasFts5: Number(facts.fts5) === 1,
    open(path, { busyTimeoutMs }) {
      const db = new DatabaseSync(path);
      // Prepared once per connection: a batch runs the same few statements many times.
      const statements = new Map<string, ReturnType<typeof db.prepare>>();
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
        close: () => db.close(),
      };
      wrapped.exec(`PRAGMA busy_timeout = ${Math.round(busyTimeoutMs)}`);
      wrapped.exec('PRAGMA foreign_keys = ON');
      return wrapped;
    },
  };
}

/**
 * Imports a built-in module without the ExperimentalWarning some Node versions print for
 * node:sqlite: the user asked for an answer, not for news about Node's SQLite module. The
 * specifier is a variable so TypeScript (whose Node 20 types lack node:sqlite) leaves it alone.
 */
async function importQuietly(specifier: string): Promise<unknown> {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && /sqlite/i.test(String(warning))) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await import(specifier);
  } finally {
    process.emitWarning = emitWarning;
  }
}
