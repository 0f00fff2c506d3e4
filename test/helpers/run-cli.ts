import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built CLI. */
export const cliPath = join(repoRoot, 'bin', 'run.js');

/** What a finished CLI run printed. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run the CLI. */
export interface RunOptions {
  /** Extra environment (merged over a clean one: no OPENAI_API_KEY, no LLM_* from the shell). */
  env?: Record<string, string | undefined>;
  /** Working directory (default: the user directory, so no project config is found). */
  cwd?: string;
  /** Text or bytes for stdin; stdin is closed after it (or at once when omitted). */
  input?: string | Buffer;
  /** Leave stdin open for the test to write to (startCli only). */
  keepStdinOpen?: boolean;
  /** Run a different CLI entry (e.g. an installed copy). */
  bin?: string;
}

/** A clean environment for a child CLI whose user directory is `userDir`. */
export function cliEnv(userDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('LLM_') || key.startsWith('OPENAI_') || key === 'NODE_OPTIONS' || key.startsWith('JEST')) continue;
    env[key] = value;
  }
  env.LLM_USER_PATH = userDir;
  env.HOME = userDir;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts the CLI as a child process, as a user would run it. */
export function startCli(args: readonly string[], userDir: string, options: RunOptions = {}): ChildProcess {
  const child = spawn(process.execPath, [options.bin ?? cliPath, ...args], {
    cwd: options.cwd ?? userDir,
    env: cliEnv(userDir, options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else if (!options.keepStdinOpen) child.stdin!.end();
  return child;
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], userDir: string, options: RunOptions = {}): Promise<CliResult> {
  const child = startCli(args, userDir, options);
  return collect(child);
}

/** Collects a child's output until it exits. */
export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
