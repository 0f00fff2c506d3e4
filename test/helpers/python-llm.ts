import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './run-cli.js';

/** The Python llm 0.31's migrations.py, kept as a fixture. */
export const PYTHON_MIGRATIONS_PY = join(repoRoot, 'test', 'fixtures', 'python-llm-0.31', 'migrations.py');

/**
 * A python3 that can import sqlite_utils (Debian's sqlite-utils package installs it for the
 * system python3, which a pyenv python3 earlier on PATH may hide), or undefined.
 */
export function pythonWithSqliteUtils(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import sqlite_utils'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Try the next one.
    }
  }
  return undefined;
}

/**
 * Runs Python code with `db` (a sqlite_utils.Database of `path`) and `migrate` (the Python llm
 * 0.31's) in scope; returns what it printed as JSON.
 */
export function runPython(python: string, path: string, code: string): unknown {
  const script = `import json, runpy, sqlite_utils\nmigrate = runpy.run_path(${JSON.stringify(PYTHON_MIGRATIONS_PY)})['migrate']\ndb = sqlite_utils.Database(${JSON.stringify(path)})\n${code}\n`;
  return JSON.parse(execFileSync(python, ['-c', script], { encoding: 'utf8' }));
}
