import { spawnSync } from 'node:child_process';
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

/**
 * Writes PYTHON_LLM_031_SQL to a new file at `path` with Python's own sqlite3 module, as the
 * Python llm would: a real SQLite with FTS5, whatever engines load in this process (sql.js alone
 * has no FTS5), so the tests that read a Python log run on every engine.
 */
export function writePythonLog(path: string): string {
  const script = 'import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.executescript(sys.stdin.read())\ndb.commit()\ndb.close()';
  const result = spawnSync('python3', ['-c', script, path], { input: PYTHON_LLM_031_SQL, encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`python3 could not write the Python llm fixture (${result.error?.message ?? result.stderr.trim()}): install python3 (apt-get install python3), which .ci/run does`);
  }
  return path;
}

/**
 * Makes every logged response in the logs.db at `path` `ageMs` older (its `datetime_utc`, in the
 * log's own format), with Python's sqlite3 so that it writes the file on every engine (sql.js
 * works on a copy): how tests see a `--cache-ttl` expire without waiting.
 */
export function ageLoggedResponses(path: string, ageMs: number): void {
  const script = [
    'import sqlite3, sys, datetime',
    'db = sqlite3.connect(sys.argv[1])',
    'age = datetime.timedelta(milliseconds=int(sys.argv[2]))',
    'for (id, at) in db.execute("SELECT id, datetime_utc FROM responses").fetchall():',
    '    older = datetime.datetime.fromisoformat(at) - age',
    '    db.execute("UPDATE responses SET datetime_utc = ? WHERE id = ?", (older.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"), id))',
    'db.commit()',
    'db.close()',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, path, String(ageMs)], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`python3 could not age the responses in ${path}: ${result.error?.message ?? result.stderr.trim()}`);
}

/** Column names of a table, in order. */
export function columnsOf(db: SqliteDatabase, table: string): string[] {
  return db.all<{ name: string }>(`PRAGMA table_info([${table}])`).map((c) => c.name);
}

/**
 * `describe.each` over some engines, named `title` with `%s` for each engine's name. Jest aborts a
 * whole file on `describe.each([])`; a list that is empty here (no native engine on a machine
 * without a C++ compiler and on Node < 22.13) shows as one skipped block instead.
 */
export function describeEachEngine<E extends SqliteEngine>(engines: readonly E[], title: string, body: (name: EngineName, engine: E) => void): void {
  if (engines.length === 0) {
    describe.skip(title.replace('%s', 'no such engine here'), () => it('has nothing to run', () => undefined));
    return;
  }
  describe.each(engines.map((engine) => [engine.name, engine] as const))(title, (name, engine) => body(name, engine));
}
