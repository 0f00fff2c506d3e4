import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectEngine } from '../../default-plugins/sqlite-logger/engines/select.js';
import { ENGINE_NAMES, type EngineName, type SqliteDatabase, type SqliteEngine } from '../../default-plugins/sqlite-logger/engines/types.js';
import { repoRoot } from './run-cli.js';

/**
 * The SQLite engines that load on this machine. node:sqlite needs Node 22.13+; better-sqlite3
 * must have been built by npm ci; sql.js is always there. Tests run once per engine found.
 */
export async function availableEngines(): Promise<SqliteEngine[]> {
  const engines: SqliteEngine[] = [];
  for (const name of ENGINE_NAMES) {
    try {
      engines.push(await selectEngine({ LLM_SQLITE_ENGINE: name }));
    } catch {
      // Not on this machine; the engines that are run the same tests.
    }
  }
  return engines;
}

/** Names of the engines that load here, for describe.each and for CLI runs (LLM_SQLITE_ENGINE). */
export async function availableEngineNames(): Promise<EngineName[]> {
  return (await availableEngines()).map((engine) => engine.name);
}

/** Opens a database file on any engine; sql.js works on a copy in memory. */
export function openDatabase(engine: SqliteEngine, path: string): SqliteDatabase {
  if (engine.kind === 'file') return engine.open(path, { busyTimeoutMs: 5_000 });
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileSync(path);
  } catch {
    bytes = undefined;
  }
  return engine.load(bytes);
}

/** The SQL of a logs.db as the Python llm 0.31 leaves it, with a few rows. */
export const PYTHON_LLM_031_SQL = readFileSync(join(repoRoot, 'test', 'fixtures', 'python-llm-0.31', 'logs.sql'), 'utf8');

/** Column names of a table, in order. */
export function columnsOf(db: SqliteDatabase, table: string): string[] {
  return db.all<{ name: string }>(`PRAGMA table_info([${table}])`).map((c) => c.name);
}
