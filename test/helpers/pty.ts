import { spawn } from 'node:child_process';
import { cliEnv, cliPath, type RunOptions } from './run-cli.js';

/** Escape sequences (CSI, OSC, and the two-character ones) that draw a terminal screen. */
const ESCAPES = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/g;

/** A CLI running in a real pseudo-terminal (util-linux `script`), as a user at a terminal runs it. */
export interface PtyCli {
  /** Types keys (raw bytes: `'\u001B[A'` is the up arrow, `'\r'` Enter). */
  type(keys: string): void;
  /** Everything the terminal showed so far, escape sequences removed. */
  text(): string;
  /** Where the text ends now: waitFor(..., since) looks only at what comes after. */
  mark(): number;
  /** Resolves with the text once it shows `expected` after `since`; fails with the screen after 60 s. */
  waitFor(expected: string | RegExp, since?: number): Promise<string>;
  /** The exit code of the CLI. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts the built CLI inside a pseudo-terminal of `cols` x `rows` (stdin, stdout and stderr are
 * the terminal), through `script -qefc` (util-linux), which copies the keys the test types to it
 * and its screen back. Ink's CI mode (one frame at the end) is switched off by removing CI and
 * CI_* from its environment.
 */
export function startCliInPty(args: readonly string[], userDir: string, options: RunOptions & { cols?: number; rows?: number } = {}): PtyCli {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = `stty cols ${options.cols ?? 120} rows ${options.rows ?? 50}; exec ${[process.execPath, cliPath, ...args].map(quote).join(' ')}`;
  const notCi: Record<string, undefined> = { CI: undefined, CONTINUOUS_INTEGRATION: undefined };
  for (const key of Object.keys(process.env)) if (key.startsWith('CI_')) notCi[key] = undefined;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: options.cwd ?? userDir,
    env: cliEnv(userDir, { TERM: 'xterm-256color', ...notCi, ...options.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let plain = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    plain = raw.replace(ESCAPES, '').replace(/\r/g, '');
    for (const listener of listeners) listener();
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      for (const listener of listeners) listener();
      resolve(code);
    });
  });
  return {
    type: (keys) => child.stdin.write(keys),
    text: () => plain,
    mark: () => plain.length,
    exited,
    waitFor(expected, since = 0) {
      const found = () => {
        const after = plain.slice(since);
        return typeof expected === 'string' ? after.includes(expected) : expected.test(after);
      };
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the terminal never showed ${String(expected)}; it showed:\n${plain.slice(since).slice(-3000)}${stderr ? `\n(script: ${stderr})` : ''}`));
        }, 60_000);
        const check = () => {
          if (found()) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(plain);
          } else if (child.exitCode !== null) {
            // Gone without showing it: the text will not change any more.
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`the CLI exited (${child.exitCode}) without showing ${String(expected)}; it showed:\n${plain.slice(since).slice(-3000)}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
  };
}
