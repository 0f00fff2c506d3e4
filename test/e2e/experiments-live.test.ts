import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliInPty } from '../helpers/pty.js';
import { runCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// The live view of `llm experiments run` in a real pseudo-terminal: keys typed, screen read.
// Every step waits for what the screen or the experiment shows, never for time.

const [engine] = await availableEngines();
let dir: ReturnType<typeof tempDir>;
beforeEach(() => (dir = tempDir('llm-experiments-live-')));
afterEach(() => dir.remove());

const UP = '\u001B[A';

/** Resolves once `check` holds (it looks at files the experiment writes). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}
const ESC = '\u001B';

it('p pauses and resumes, up and Enter show a run, Esc returns, m compares with --baseline, q stops; without a terminal, the lines and the baseline table', async () => {
  // With GATE set, run i marks its start and waits for the file go-i; without, it runs at once.
  const gate = join(dir.path, 'gate');
  const path = join(dir.path, 'keys.mjs');
  writeFileSync(
    path,
    `import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { experiment, metric } from 'llm-host/experiments';
const gate = process.env.GATE;
export default experiment('keys', async ({ index, input }) => {
  if (gate) {
    writeFileSync(gate + '-started-' + index, '');
    while (!existsSync(gate + '-go-' + index)) await sleep(10);
  }
  return 'answer ' + index + ' for ' + input;
}, { inputs: ['a', 'b'], executions: 4, concurrency: 1, metrics: [metric('chars', (output) => output.length)] });
`,
  );
  const started = (i: number) => existsSync(`${gate}-started-${i}`);
  const go = (i: number) => writeFileSync(`${gate}-go-${i}`, '');
  // The baseline: the same experiment, logged before (no terminal: one line per run).
  expect((await runCli(['experiments', 'run', path], dir.path)).code).toBe(0);
  // Without a terminal, --baseline adds the table after the summary; the run lines stay as they are.
  const plain = await runCli(['experiments', 'run', path, '-n', '2', '--baseline', 'keys'], dir.path);
  expect(plain.code).toBe(0);
  expect(plain.stdout).toMatch(/^\[1\/2\] #0 ok \d+ ms \(pipeline \d+ ms\) chars=14\n\[2\/2\] #1 ok /);
  expect(plain.stdout).toMatch(/\nAgainst keys \([0-9a-z]{26}\), paired by input; now - baseline\n {2}metric +baseline +now +difference +95% CI +n +method\n {2}chars +14 +14 +±0 +\[±?0, ±?0\] +2 inputs +paired t\n$/);

  const cli = startCliInPty(['experiments', 'run', path, '--baseline', 'keys'], dir.path, { env: { GATE: gate } });
  await cli.waitFor('↑↓ select a run · p pause · q stop · m compare with keys');
  await until(() => started(0));

  // p: run 0 goes on and finishes; run 1 does not start until p again.
  let since = cli.mark();
  cli.type('p');
  await cli.waitFor('Paused: no new runs start; running ones go on (p resumes).', since);
  go(0);
  await cli.waitFor(/done 1 · failed 0 · running 0/, since);
  expect(started(1)).toBe(false);
  since = cli.mark();
  cli.type('p');
  await cli.waitFor('p pause', since);
  await until(() => started(1));
  go(1);
  await cli.waitFor(/done 2 · failed 0 · running 1/, since);

  // Up selects the newest finished run; Enter shows it; Esc returns.
  since = cli.mark();
  cli.type(UP);
  await cli.waitFor(/› #1 ok \d+ ms \(pipeline \d+ ms\) chars=14/, since);
  since = cli.mark();
  cli.type('\r');
  const detail = (await cli.waitFor('esc back', since)).slice(since);
  expect(detail).toMatch(/Run #1 \([0-9a-z]{26}\): ok, took \d+ ms \(pipeline \d+ ms\)/);
  expect(detail).toContain('Input\n  b\n');
  expect(detail).toContain('Output\n  answer 1 for b');
  expect(detail).toMatch(/Metrics\n {2}chars +14/);
  since = cli.mark();
  cli.type(ESC);
  await cli.waitFor('Finished runs (2)', since);

  // m: the metric table against the baseline, paired by input (both ran a and b).
  since = cli.mark();
  cli.type('m');
  const table = (await cli.waitFor(/chars +14 +14 +±0 +\[±?0, ±?0\] +2 inputs +paired t/, since)).slice(since);
  expect(table).toMatch(/Against keys \([0-9a-z]{26}\), paired by input; now - baseline/);

  // q: as the first Ctrl-C, no new run starts; the running one (run 2) finishes and is logged.
  since = cli.mark();
  cli.type('q');
  await cli.waitFor('Stopping: no new runs start', since);
  go(2);
  expect(await cli.exited).toBe(130);
  expect(cli.text()).toContain('Interrupted: 3 finished runs logged.');
  expect(cli.text()).toMatch(/keys \([0-9a-z]{26}\): interrupted, 3 of 4 runs, 3 ok, 0 failed/);
  // After the summary, the runs against the baseline, as a table.
  expect(cli.text().split('see it with: llm experiments show ')[1]).toMatch(
    /Against keys \([0-9a-z]{26}\), paired by input; now - baseline\n {2}metric +baseline +now +difference +95% CI +n +method\n {2}chars +14 +14 +±0 +\[±?0, ±?0\] +2 inputs +paired t\n/,
  );
  expect(started(3)).toBe(false);
  const db = openDatabase(engine!, join(dir.path, 'logs.db'));
  try {
    expect(db.all<{ status: string; runs: number }>('SELECT status, (SELECT COUNT(*) FROM experiment_runs r WHERE r.experiment_id = e.id) AS runs FROM experiments e ORDER BY id')).toEqual([
      { status: 'completed', runs: 4 },
      { status: 'completed', runs: 2 },
      { status: 'interrupted', runs: 3 },
    ]);
  } finally {
    db.close();
  }
});
