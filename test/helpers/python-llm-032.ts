import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** The script that runs the Python llm itself from its git mirror (see its header). */
const RUN_SH = join(fixtures, 'run.sh');

/**
 * Whether the Python llm itself can run here through run.sh: the git mirrors of simonw/llm and
 * simonw/sqlite-utils, and the Python packages it needs (check.py adds Debian's dist-packages to
 * the path, as this does). CI has neither, so tests that use it check more where they can.
 */
export const PYTHON_LLM_RUNNABLE = (() => {
  if (!existsSync('/work/.mirror/simonw+llm/repo') || !existsSync('/work/.mirror/simonw+sqlite-utils/repo')) return false;
  try {
    const modules = 'pydantic, click, pluggy, yaml, httpx, puremagic, click_default_group, dateutil, tabulate';
    execFileSync('python3', ['-c', `import sys; sys.path.append('/usr/lib/python3/dist-packages'); import ${modules}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** What the Python llm 0.32's check.py says of a log (run.sh check). */
export function pythonLlm032Check(path: string): string {
  return execFileSync(RUN_SH, ['check', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** What `llm logs -d PATH ARGS` of the Python llm at `commit` prints (5ce40fd: 0.31). */
export function pythonLlmLogs(commit: string, path: string, args: readonly string[]): string {
  return execFileSync(RUN_SH, ['logs', path, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LLM_COMMIT: commit } });
}
