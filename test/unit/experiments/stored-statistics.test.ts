import { compareMetric, metricStats, compareMetricStats, type MetricSample, type RunValue } from '../../../default-plugins/experiments/lib/comparison.js';
import { groupByInput } from '../../../default-plugins/experiments/lib/paired.js';
import { EXPERIMENT_MIGRATIONS } from '../../../default-plugins/experiments/lib/schema.js';
import type { MetricKind } from '../../../default-plugins/experiments/lib/statistics.js';
import { readStoredSummary, writeStoredSummary, type StoredSummary } from '../../../default-plugins/experiments/services/stored-statistics.js';
import { availableEngines } from '../../helpers/sqlite-engines.js';

// A summary stored in the log gives the very comparison the runs give: every figure, to the bit,
// for every method (paired t, McNemar, Welch, Newcombe with Fisher's p) and for the values JSON
// cannot write (NaN, the infinities, -0), on every SQLite engine.

const [engine] = await availableEngines();
const SUMMARIES = EXPERIMENT_MIGRATIONS.find((m) => m.name === 'experiments_008_summaries')!;

/** A log in memory with the summaries' table (and the experiments it refers to). */
function openLog() {
  const db = engine!.kind === 'file' ? engine!.open(':memory:', { busyTimeoutMs: 1_000 }) : engine!.load(undefined);
  db.exec("CREATE TABLE experiments (id TEXT PRIMARY KEY); INSERT INTO experiments VALUES ('a'), ('b'), ('x'), ('y')");
  SUMMARIES.apply(db);
  return db;
}

/** A deterministic sequence in [0, 1). */
function randomFrom(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Runs over `inputs` inputs, `executions` each, with values from `value` (null: missing). */
function runsOf(inputs: number, executions: number, value: (input: number, execution: number) => number | null, withInputs = true): RunValue[] {
  const runs: RunValue[] = [];
  for (let e = 0; e < executions; e++) for (let i = 0; i < inputs; i++) runs.push({ input: withInputs ? { q: `input ${i}` } : undefined, value: value(i, e) });
  return runs;
}

function sampleOf(runs: readonly RunValue[]): MetricSample {
  const values = runs.map((run) => run.value).filter((v): v is number => v !== null && v !== undefined);
  return { values, groups: runs.every((run) => run.input !== undefined) ? groupByInput(runs) : null };
}

/** Each side's statistics, written to a log and read back. */
function throughTheLog(a: readonly RunValue[], b: readonly RunValue[]) {
  const db = openLog();
  try {
    const read = (id: string, runs: readonly RunValue[]) => {
      const stats = metricStats(sampleOf(runs));
      const inputs = stats.groups ? [...stats.groups.keys()] : null;
      const summary: StoredSummary = { runs: runs.length, ok: runs.length, errors: { m: 0 }, statistics: { inputs, metrics: new Map([['m', stats]]) }, prompts: [], bots: [] };
      writeStoredSummary(db, id, { runs: runs.length, last: 7 }, summary);
      expect(readStoredSummary(db, id, { runs: runs.length + 1, last: 7 }, ['m'])).toBeUndefined(); // other runs
      expect(readStoredSummary(db, id, { runs: runs.length, last: 8 }, ['m'])).toBeUndefined();
      expect(readStoredSummary(db, id, { runs: runs.length, last: 7 }, ['m', 'another'])).toBeUndefined(); // another metric
      return readStoredSummary(db, id, { runs: runs.length, last: 7 }, ['m'])!.statistics.metrics.get('m')!;
    };
    return [read('a', a), read('b', b)] as const;
  } finally {
    db.close();
  }
}

const random = randomFrom(11);
const cases: [string, RunValue[], RunValue[], MetricKind, boolean][] = [
  ['scores, 3 executions of 8 inputs, some missing (paired t)', runsOf(8, 3, (i) => (random() < 0.1 ? null : 1 + Math.floor(random() * 5) + i / 10)), runsOf(8, 3, () => (random() < 0.1 ? null : 1.3 + random() * 4)), 'number', true],
  ['a rate, one execution per input (McNemar)', runsOf(30, 1, () => (random() < 0.6 ? 1 : 0)), runsOf(30, 1, () => (random() < 0.8 ? 1 : 0)), 'boolean', true],
  ['a rate with repeats (paired t)', runsOf(10, 4, () => (random() < 0.5 ? 1 : 0)), runsOf(10, 4, () => (random() < 0.7 ? 1 : 0)), 'boolean', true],
  ['integers without inputs (Welch)', runsOf(25, 1, () => Math.floor(random() * 100), false), runsOf(31, 1, () => Math.floor(random() * 90), false), 'integer', false],
  ['a rate without inputs (Newcombe, Fisher)', runsOf(40, 1, () => (random() < 0.3 ? 1 : 0), false), runsOf(35, 1, () => (random() < 0.5 ? 1 : 0), false), 'boolean', false],
  ['an input with no values, one with a single one', runsOf(5, 2, (i, e) => (i === 0 ? null : i === 1 && e === 1 ? null : random() * 10)), runsOf(5, 2, () => random() * 10), 'number', true],
  ['-0 and huge values', runsOf(4, 2, (i) => (i === 0 ? -0 : 1e300 * (i + 1))), runsOf(4, 2, (i) => (i === 0 ? -0 : -1e300 * i)), 'number', true],
  ['infinite and NaN values', runsOf(4, 2, (i) => (i === 0 ? Infinity : i === 1 ? Number.NaN : i)), runsOf(4, 2, (i) => (i === 2 ? -Infinity : i)), 'number', true],
  ['no values at all on one side', runsOf(3, 2, () => null), runsOf(3, 2, () => 1), 'number', true],
];

describe.each(cases)('%s', (_name, a, b, kind, paired) => {
  it('compares from the stored summaries exactly as from the runs', () => {
    const fromRuns = compareMetric(a, b, kind, paired);
    const [storedA, storedB] = throughTheLog(a, b);
    const fromSummaries = compareMetricStats(storedA, storedB, kind, paired);
    // toEqual tells -0 from 0 and compares NaN as equal to NaN: every figure the same, to the bit.
    expect(fromSummaries).toEqual(fromRuns);
    expect(storedA).toEqual(metricStats(sampleOf(a)));
  });
});

it('a summary that is not JSON, of another format, or not of the expected shape, is not used', () => {
  const db = openLog();
  try {
    db.run("INSERT INTO experiment_summaries VALUES ('x', 2, 5, 1, '{not json')");
    db.run("INSERT INTO experiment_summaries VALUES ('y', 2, 5, 2, '{}')");
    db.run('INSERT INTO experiment_summaries VALUES (\'a\', 2, 5, 1, \'{"ok":2,"errors":{"m":0},"inputs":null,"metrics":{"m":null},"prompts":[],"bots":[]}\')');
    expect(readStoredSummary(db, 'a', { runs: 2, last: 5 }, ['m'])).toBeUndefined();
    expect(readStoredSummary(db, 'x', { runs: 2, last: 5 }, [])).toBeUndefined();
    expect(readStoredSummary(db, 'y', { runs: 2, last: 5 }, [])).toBeUndefined();
    expect(readStoredSummary(db, 'z', { runs: 0, last: 0 }, [])).toBeUndefined();
  } finally {
    db.close();
  }
});
