import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { repoRoot } from '../../helpers/run-cli.js';
import { tempDir } from '../../helpers/temp-dir.js';

// quiesceJit changes V8's flags for the whole process, so it runs in a child node, never in the
// test runner. The child starts with --allow-natives-syntax to watch V8's optimizer through
// %GetOptimizationStatus, and with every optimizing job held back 300 ms, so a job is surely in
// flight when quiesceJit is called.

/** %GetOptimizationStatus bits (V8's test/mjsunit/mjsunit.js, V8OptimizationStatus). */
const OPTIMIZED = 16;
const OPTIMIZING_CONCURRENTLY = 1024;
/** Optimized (by Maglev or Turbofan), marked for it, or being optimized. */
const ANY_OPTIMIZATION = OPTIMIZED | 32 | 64 | 256 | 512 | OPTIMIZING_CONCURRENTLY;

const CHILD = `
import { quiesceJitEarly, quiesceJit } from './quiesce-jit.mjs';
// Compiled now (new Function compiles at once): the natives syntax is off after quiesceJitEarly.
const status = new Function('f', 'return %GetOptimizationStatus(f)');
function hot(x) { return x * 2 + 1; }
%PrepareFunctionForOptimization(hot); hot(1); hot(2);
%OptimizeFunctionOnNextCall(hot, 'concurrent'); hot(3);
if (process.argv[2] === 'early') quiesceJitEarly();
const before = status(hot);
const started = performance.now();
if (process.argv[2] !== 'control') quiesceJit();
const waitedMs = performance.now() - started;
const after = status(hot);
// A function that gets hot only now: V8 would optimize it by itself.
function later(x) { return (x * 3) % 7; }
let sum = 0;
for (let i = 0; i < 3e6; i++) sum += later(i);
await new Promise((resolve) => setTimeout(resolve, 300));
for (let i = 0; i < 3e6; i++) sum += later(i);
let natives = true;
try { new Function('%GetOptimizationStatus(later)'); } catch { natives = false; }
console.log(JSON.stringify({ before, after, waitedMs, later: status(later), natives, sum }));
`;

interface Outcome {
  before: number;
  after: number;
  waitedMs: number;
  later: number;
  natives: boolean;
}

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('llm-quiesce-jit-');
  const source = readFileSync(join(repoRoot, 'src', 'cli', 'quiesce-jit.ts'), 'utf8');
  writeFileSync(join(dir.path, 'quiesce-jit.mjs'), transformSync(source, { loader: 'ts', format: 'esm' }).code);
  writeFileSync(join(dir.path, 'child.mjs'), CHILD);
});
afterAll(() => dir.remove());

function runChild(mode: 'quiesce' | 'early' | 'control'): Outcome {
  const child = spawnSync(process.execPath, ['--allow-natives-syntax', '--concurrent-recompilation-delay=300', 'child.mjs', mode], {
    cwd: dir.path,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(child.stdout) as Outcome;
}

describe('quiesceJit', () => {
  it.each(['quiesce', 'early'] as const)('waits for the optimizing job in flight, then lets no new one start (%s)', (mode) => {
    // 'early': quiesceJitEarly() ran with the job in flight (as a prompt calls it after its first
    // chunk), then quiesceJit(): the job still finishes, and no new one starts.
    const outcome = runChild(mode);
    expect(outcome.before & OPTIMIZING_CONCURRENTLY).toBe(OPTIMIZING_CONCURRENTLY);
    // The job finished (its 300 ms delay included) and its code is installed.
    expect(outcome.waitedMs).toBeGreaterThan(250);
    expect(outcome.after & OPTIMIZING_CONCURRENTLY).toBe(0);
    expect(outcome.after & OPTIMIZED).toBe(OPTIMIZED);
    // Optimizing is off for the rest of the process, and so is the natives syntax it turned on.
    expect(outcome.later & ANY_OPTIMIZATION).toBe(0);
    expect(outcome.natives).toBe(false);
  });

  it('changes nothing when not called (the control for the test above)', () => {
    const outcome = runChild('control');
    expect(outcome.after & OPTIMIZING_CONCURRENTLY).toBe(OPTIMIZING_CONCURRENTLY);
    // V8 optimizes the hot function by itself (done or under way: a busy machine may still be
    // compiling it, each job being held back 300 ms).
    expect(outcome.later & ANY_OPTIMIZATION).not.toBe(0);
    expect(outcome.natives).toBe(true);
  });
});
