import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { availableEngines, openDatabase } from '../helpers/sqlite-engines.js';
import { tempDir } from '../helpers/temp-dir.js';

// The summaries `llm experiments compare` reads instead of every run (experiment_summaries):
// written when an experiment finishes, used while they cover the experiment's runs, computed
// again (and stored again) when runs were added, and giving the very figures the runs give.
// Offline: the experiments use the echo model.

const [engine] = await availableEngines(); // the one the CLI picks by default here
const native = engine!.kind === 'file';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('llm-experiment-summaries-');
});
afterEach(() => dir.remove());

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, dir.path, { env });
const query = <T extends object>(sql: string): T[] => {
  const db = openDatabase(engine!, join(dir.path, 'logs.db'));
  try {
    return db.all<T>(sql);
  } finally {
    db.close();
  }
};
/** Changes the log with Python's sqlite3, which writes the file whatever engine this process has. */
const change = (sql: string) => {
  const script = 'import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.executescript(sys.stdin.read())\ndb.commit()\ndb.close()';
  const result = spawnSync('python3', ['-c', script, join(dir.path, 'logs.db')], { input: sql, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
};
const summaries = () => query<{ experiment_id: string; runs: number; last_rowid: number; summary: string }>('SELECT experiment_id, runs, last_rowid, summary FROM experiment_summaries ORDER BY experiment_id');
const fingerprints = () =>
  query<{ experiment_id: string; runs: number; last_rowid: number }>('SELECT experiment_id, COUNT(*) AS runs, MAX(rowid) AS last_rowid FROM experiment_runs GROUP BY experiment_id ORDER BY experiment_id');

interface ComparisonJson {
  paired: boolean;
  metrics: { name: string; method: string; executionsA: number; executionsB: number; difference: number; pValue: number; b: { mean: number } }[];
}

it('an experiment run stores its summary; compare reads it, gives the figures of the runs, and computes it again when runs are added', async () => {
  const path = join(dir.path, 'summed.mjs');
  writeFileSync(
    path,
    `import { bot, experiment, metric } from 'llm-host/experiments';
const echo = bot({ model: 'echo' });
const shift = Number(process.env.SHIFT ?? 0);
export default experiment('summed', ({ input, index }) => echo(input.word + ' ' + 'x'.repeat(((index * 7) % 5) + shift)).text(), {
  inputs: [{ word: 'ab' }, { word: 'cde' }, { word: 'f' }],
  executions: 9,
  concurrency: 3,
  metrics: ['length', metric('long', (output) => output.length > 6)],
});
`,
  );
  expect((await run(['experiments', 'run', path, '--json'])).code).toBe(0);
  expect((await run(['experiments', 'run', path, '--json'], { SHIFT: '2' })).code).toBe(0);
  // Each finished experiment has its summary, covering its 9 runs.
  expect(summaries().map(({ experiment_id, runs, last_rowid }) => ({ experiment_id, runs, last_rowid }))).toEqual(fingerprints());
  expect(fingerprints().map((f) => f.runs)).toEqual([9, 9]);

  const compare = async (env: Record<string, string> = {}) => {
    const result = await run(['experiments', 'compare', 'summed~1', 'summed', '--json'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return result.stdout;
  };
  const fromSummaries = await compare();
  const parsed = JSON.parse(fromSummaries) as ComparisonJson;
  expect(parsed.paired).toBe(true);
  expect(parsed.metrics.map((m) => [m.name, m.method, m.executionsA, m.executionsB])).toEqual([
    ['length', 'paired-t', 9, 9],
    ['long', 'paired-t', 9, 9],
  ]);
  expect(parsed.metrics[0]!.difference).toBeGreaterThan(1); // B's outputs are longer

  const show = async () => {
    const result = await run(['experiments', 'show', 'summed', '--runs', '2']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return result.stdout.replace(/in [\d.]+ m?s/g, 'in ...');
  };
  const shownFromSummary = await show();
  expect(shownFromSummary).toContain('9 of 9 runs logged, 9 ok, 0 failed');

  // Without the summaries, show and compare read every run: the same output, to the byte.
  const stored = summaries();
  change('DELETE FROM experiment_summaries');
  expect(await show()).toBe(shownFromSummary);
  change('DELETE FROM experiment_summaries');
  expect(await compare()).toBe(fromSummaries);
  // ... and stores them again (a native engine; reads on sql.js never write).
  expect(summaries()).toEqual(native ? stored : []);

  // Compare reads the summary: one changed by hand shows in its figures.
  change('DELETE FROM experiment_summaries');
  const [newest] = JSON.parse((await run(['experiments', 'list', '--json'])).stdout) as { id: string }[];
  const forged = JSON.parse(stored.find((s) => s.experiment_id === newest!.id)!.summary) as { metrics: { length: { mean: number } } };
  forged.metrics.length.mean = 1234.5;
  const row = stored.find((s) => s.experiment_id === newest!.id)!;
  change(`INSERT INTO experiment_summaries (experiment_id, runs, last_rowid, format, summary) VALUES ('${row.experiment_id}', ${row.runs}, ${row.last_rowid}, 1, '${JSON.stringify(forged)}')`);
  expect((JSON.parse(await compare()) as ComparisonJson).metrics[0]!.b.mean).toBe(1234.5);

  // A run added to B (as a resume or a merge adds them): that summary no longer covers the runs,
  // so compare reads them, counts the tenth run, and (native engines) stores the new summary.
  change(`
INSERT INTO experiment_runs (id, experiment_id, run_index, status, error, started_at, duration_ms, input, output, info, pipeline_ms, cached)
  SELECT 'added-run', experiment_id, 9, status, error, started_at, duration_ms, input, output, info, pipeline_ms, cached
    FROM experiment_runs WHERE experiment_id = '${newest!.id}' AND run_index = 0;
INSERT INTO experiment_metric_values (run_id, metric, value, error)
  SELECT 'added-run', metric, value, error FROM experiment_metric_values
   WHERE run_id = (SELECT id FROM experiment_runs WHERE experiment_id = '${newest!.id}' AND run_index = 0);`);
  const afterAdding = JSON.parse(await compare()) as ComparisonJson;
  expect(afterAdding.metrics.map((m) => [m.name, m.executionsA, m.executionsB])).toEqual([
    ['length', 9, 10],
    ['long', 9, 10],
  ]);
  expect(afterAdding.metrics[0]!.b.mean).not.toBe(1234.5);
  if (native) expect(summaries().find((s) => s.experiment_id === newest!.id)).toMatchObject({ runs: 10 });
  // And the figures are those of the runs, summary or not.
  change('DELETE FROM experiment_summaries');
  expect(JSON.parse(await compare())).toEqual(afterAdding);
  // On sql.js, the same figures (its compare reads every run, and writes nothing).
  if (native) {
    change('DELETE FROM experiment_summaries');
    expect(JSON.parse(await compare({ LLM_SQLITE_ENGINE: 'sql.js' }))).toEqual(afterAdding);
    expect(summaries()).toEqual([]);
  }
});
