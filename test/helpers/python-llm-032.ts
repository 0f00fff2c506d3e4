import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEngine } from '../../default-plugins/sqlite-logger/engines/types.js';
import { repoRoot } from './run-cli.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'python-llm-0.32');

/** The SQL of a logs.db as the Python llm 0.32 leaves it (built by its own code: build.py). */
export const PYTHON_LLM_032_SQL = readFileSync(join(fixtures, 'logs.sql'), 'utf8');

/** What the Python llm 0.32's `llm logs -n 0 --json` prints for that log. */
export const PYTHON_LLM_032_LOGS_JSON = JSON.parse(readFileSync(join(fixtures, 'python-logs.json'), 'utf8')) as Record<string, unknown>[];

/** What the Python llm 0.32's `llm logs -n 0` prints for that log. */
export const PYTHON_LLM_032_LOGS_MD = readFileSync(join(fixtures, 'python-logs.md'), 'utf8');

/** The fixture's thread (its id) and its turns, oldest first. */
export const FIXTURE_THREAD_ID = (PYTHON_LLM_032_LOGS_JSON.at(-1) as { conversation_id: string }).conversation_id;

/** Writes the fixture to `path` as a SQLite file (needs a native engine with FTS5). */
export function writePythonLlm032Log(engine: FileEngine, path: string): void {
  const db = engine.open(path, { busyTimeoutMs: 1000 });
  try {
    db.exec(PYTHON_LLM_032_SQL);
  } finally {
    db.close();
  }
}
