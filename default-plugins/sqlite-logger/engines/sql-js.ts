import type { Database as SqlJsDatabase } from 'sql.js';
import type { ImageDatabase, ImageEngine, Row, SqlValue } from './types.js';
import { PROBE_SQL } from './probe.js';

/**
 * sql.js, SQLite compiled to WebAssembly: needs no native build, so it is always there. It works
 * on an in-memory copy of the file; `log-file.ts` loads and writes the file under a lock. Its
 * build has FTS3/FTS4 but no FTS5.
 */
export async function loadSqlJs(): Promise<ImageEngine> {
  // A CommonJS package: its exports are the default export of import().
  const initSqlJs = (await import('sql.js')).default;
  const SQL = await initSqlJs();
  const probe = new SQL.Database();
  let facts: { version: string; fts5: number };
  try {
    facts = first(probe, PROBE_SQL, []) as typeof facts;
  } finally {
    probe.close();
  }
  return {
    kind: 'image',
    name: 'sql.js',
    sqliteVersion: facts.version,
    hasFts5: facts.fts5 === 1,
    load(bytes) {
      const db = new SQL.Database(bytes && bytes.length > 0 ? bytes : undefined);
      const wrapped: ImageDatabase = {
        exec: (sql) => void db.exec(sql),
        run: (sql, params = []) => {
          db.run(sql, [...params]);
          return db.getRowsModified();
        },
        all: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => rows(db, sql, params) as T[],
        get: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => first(db, sql, params) as T | undefined,
        iterate: <T extends object = Row>(sql: string, params: readonly SqlValue[] = []) => each(db, sql, params) as IterableIterator<T>,
        export: () => db.export(),
        close: () => db.close(),
      };
      wrapped.exec('PRAGMA foreign_keys = ON');
      return wrapped;
    },
  };
}

function rows(db: SqlJsDatabase, sql: string, params: readonly SqlValue[]): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind([...params]);
    const result: Row[] = [];
    while (statement.step()) result.push(statement.getAsObject() as Row);
    return result;
  } finally {
    statement.free();
  }
}

function* each(db: SqlJsDatabase, sql: string, params: readonly SqlValue[]): IterableIterator<Row> {
  const statement = db.prepare(sql);
  try {
    statement.bind([...params]);
    while (statement.step()) yield statement.getAsObject() as Row;
  } finally {
    statement.free();
  }
}

function first(db: SqlJsDatabase, sql: string, params: readonly SqlValue[]): Row | undefined {
  const statement = db.prepare(sql);
  try {
    statement.bind([...params]);
    return statement.step() ? (statement.getAsObject() as Row) : undefined;
  } finally {
    statement.free();
  }
}
