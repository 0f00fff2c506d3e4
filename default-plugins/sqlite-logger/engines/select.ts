import { LlmError } from 'llm-host';
import { messageOf } from '../util.js';
import { ENGINE_NAMES, type EngineName, type SqliteEngine } from './types.js';

/** The environment variable that forces one engine (tests and benchmarks run each one). */
export const ENGINE_ENV = 'LLM_SQLITE_ENGINE';

const loaders: Record<EngineName, () => Promise<SqliteEngine>> = {
  'node:sqlite': async () => (await import('./node-sqlite.js')).loadNodeSqlite(),
  'better-sqlite3': async () => (await import('./better-sqlite3.js')).loadBetterSqlite3(),
  'sql.js': async () => (await import('./sql-js.js')).loadSqlJs(),
};

const ALIASES: Record<string, EngineName> = { 'node-sqlite': 'node:sqlite', node: 'node:sqlite', sqljs: 'sql.js', 'sql-js': 'sql.js' };

// One load per engine per process, failed or not: loading is the costly part (a native binding,
// a WASM module), and an engine that is missing here (node:sqlite on Node 20, an unbuilt
// better-sqlite3) stays missing, so it is not tried again on every logged response.
const loaded = new Map<EngineName, Promise<SqliteEngine>>();

function load(name: EngineName): Promise<SqliteEngine> {
  let engine = loaded.get(name);
  if (!engine) {
    engine = loaders[name]();
    engine.catch(() => {}); // Callers see the failure; it is not also an unhandled rejection.
    loaded.set(name, engine);
  }
  return engine;
}

/**
 * The engine to use: the one LLM_SQLITE_ENGINE names, else the first that loads of node:sqlite
 * (Node 22.13+), better-sqlite3 (if it was built) and sql.js (always there).
 */
export async function selectEngine(env: Readonly<Record<string, string | undefined>>): Promise<SqliteEngine> {
  const forced = env[ENGINE_ENV]?.trim();
  if (forced) {
    const name = (ENGINE_NAMES as readonly string[]).includes(forced) ? (forced as EngineName) : ALIASES[forced];
    if (!name) throw new LlmError(`${ENGINE_ENV}=${forced} is not an engine: use one of ${ENGINE_NAMES.join(', ')}, or unset it to pick the fastest available.`);
    try {
      return await load(name);
    } catch (error) {
      throw new LlmError(`${ENGINE_ENV}=${forced}, but ${name} is not available here: ${messageOf(error)}. Unset ${ENGINE_ENV} to pick an available engine.`);
    }
  }
  const failures: string[] = [];
  for (const name of ENGINE_NAMES) {
    try {
      return await load(name);
    } catch (error) {
      failures.push(`${name}: ${messageOf(error)}`);
    }
  }
  throw new LlmError(`No SQLite engine could be loaded (${failures.join('; ')}). Reinstall llm (npm ci) to restore sql.js.`);
}

/** A one-line description: `better-sqlite3 (SQLite 3.53.2, full-text search with FTS5)`. */
export function describeEngine(engine: SqliteEngine): string {
  const search = engine.hasFts5 ? 'full-text search with FTS5' : 'no FTS5: -q matches and ranks the same way in JavaScript';
  return `${engine.name} (SQLite ${engine.sqliteVersion}, ${search})`;
}
