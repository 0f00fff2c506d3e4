import echoPlugin from '../../../default-plugins/echo/index.js';
import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import sqliteLogger from '../../../default-plugins/sqlite-logger/index.js';
import { findExperiment, loadExperiment, summaryOf, type ExperimentRow } from '../../../default-plugins/experiments/services/queries.js';
import { loadRunColumns } from '../../../default-plugins/experiments/services/run-metrics.js';
import type { SqlDatabase } from '../../../src/log-store.js';
import { canonicalJson } from '../../../default-plugins/experiments/lib/paired.js';
import { createLlm } from '../../../src/host/llm.js';
import { availableEngines } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engines = await availableEngines();

/** Every run's metric values and inputs, as show and compare summarize them when the log has no summary. */
function columns(db: SqlDatabase, experiment: ExperimentRow) {
  const metrics = db.all<{ name: string }>('SELECT name FROM experiment_metrics WHERE experiment_id = ? ORDER BY position', [experiment.id]).map((m) => m.name);
  return { runs: loadRunColumns(db, experiment.id, metrics, { inputs: true }) };
}

// show and compare read every run's metric values as lists SQLite aggregates (run-metrics.ts):
// they must be the values loadExperiment reads run by run, exactly (doubles that 15 digits do not
// round-trip, -0, huge and tiny numbers), in run order, with failed metrics and missing values.
describe.each(engines.map((engine) => engine.name))('an experiment summary on %s', (engine) => {
  it('has every run, in run order, with exactly the values and inputs read run by run', async () => {
    const dir = tempDir('llm-run-metrics-');
    try {
      const llm = await createLlm({ userDir: dir.path, env: { LLM_SQLITE_ENGINE: engine }, defaultPlugins: false, loadInstalled: false, plugins: [echoPlugin, sqliteLogger, experimentsPlugin] });
      const store = await llm.logStore();
      const values = [0.1 + 0.2, 1 / 3, -0, 1e-300, 2 ** 53 + 2, 17, Math.PI * 1e20, -2.5e-7];
      await store.write((db) => {
        db.run("INSERT INTO experiments (id, name, executions, concurrency, status, started_at) VALUES ('e1', 'exact', 40, 1, 'completed', '2026-01-01')");
        db.run("INSERT INTO experiment_metrics (experiment_id, name, better, kind, position) VALUES ('e1', 'score', 'higher', 'number', 0), ('e1', 'ok', 'higher', 'boolean', 1)");
        // Inserted out of run order, so that the table's order is not the runs' order.
        for (let k = 0; k < 40; k++) {
          const index = (k * 17) % 40;
          const id = `r${String(index).padStart(2, '0')}`;
          const input = index % 5 === 4 ? null : JSON.stringify(index % 2 ? { b: index % 3, a: 'x' } : { a: 'x', b: index % 3 });
          db.run("INSERT INTO experiment_runs (id, experiment_id, run_index, status, started_at, duration_ms, input) VALUES (?, 'e1', ?, ?, '2026-01-01', 5, ?)", [id, index, index % 7 === 6 ? 'error' : 'ok', input]);
          if (index % 7 === 6) continue;
          if (index % 9 === 8) db.run("INSERT INTO experiment_metric_values (run_id, metric, value, error) VALUES (?, 'score', NULL, 'the judge failed')", [id]);
          else db.run("INSERT INTO experiment_metric_values (run_id, metric, value) VALUES (?, 'score', ?)", [id, values[index % values.length]!]);
          if (index % 4 !== 3) db.run("INSERT INTO experiment_metric_values (run_id, metric, value) VALUES (?, 'ok', ?)", [id, index % 2]);
        }
      });
      const [summary, details] = (await store.read((db) => {
        const experiment = findExperiment(db, 'exact');
        return [columns(db, experiment), loadExperiment(db, experiment)] as const;
      }))!;
      // A value of NULL with an error and no value row at all count alike (no value).
      const runs = summary.runs;
      expect(runs.count).toBe(40);
      expect(runs.indexes).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(runs.statuses).toEqual(details.runs.map((run) => run.status));
      for (const metric of ['score', 'ok']) {
        const column = runs.metrics.get(metric)!;
        expect(column.values).toEqual(details.runs.map((run) => run.metrics[metric] ?? null));
        expect(column.errors).toEqual(details.runs.map((run) => run.metricErrors[metric] ?? null));
      }
      // Every fifth run has no input: the runs cannot be grouped by input.
      expect(runs.inputs).toBeNull();
      expect(Object.is(runs.metrics.get('score')!.values[2], -0)).toBe(Object.is(details.runs[2]!.metrics.score, -0));
      expect(runs.metrics.get('score')!.values.filter((value) => value !== null).length).toBeGreaterThan(25);
      expect(runs.metrics.get('score')!.values[0]).toBe(0.1 + 0.2);
      // What a summary read whole gives is what loadRunColumns reads.
      expect(summaryOf(details).runs).toEqual({ ...runs, inputs: null });

      // Inputs are numbered by canonical JSON, in the order of their first run.
      const texts = ['{"a":1,"b":2}', '{"b":2,"a":1}', '"text"', 'not json', '{"a":1,"b":2}', 'null'];
      await store.write((db) => {
        db.run("INSERT INTO experiments (id, name, executions, concurrency, status, started_at) VALUES ('e2', 'keys', 6, 1, 'completed', '2026-01-02')");
        texts.forEach((input, index) =>
          db.run("INSERT INTO experiment_runs (id, experiment_id, run_index, status, started_at, duration_ms, input) VALUES (?, 'e2', ?, 'ok', '2026-01-02', 5, ?)", [`k${index}`, index, input]),
        );
        // A value that is not a number (text kept by the NUMERIC column) reads as NaN, as run by run.
        db.run("INSERT INTO experiment_metrics (experiment_id, name, better, kind, position) VALUES ('e2', 'score', 'higher', 'number', 0)");
        db.run("INSERT INTO experiment_metric_values (run_id, metric, value) VALUES ('k0', 'score', 'high'), ('k1', 'score', 2.5)");
      });
      const [keyed, keyedDetails] = (await store.read((db) => {
        const experiment = findExperiment(db, 'keys');
        return [columns(db, experiment), loadExperiment(db, experiment)] as const;
      }))!;
      expect(keyed.runs.inputs!.keys).toEqual(['{"a":1,"b":2}', '"text"', '"not json"', 'null']);
      expect([...keyed.runs.inputs!.ids]).toEqual([0, 0, 1, 2, 0, 3]);
      expect(summaryOf(keyedDetails).runs).toEqual(keyed.runs);
      expect(keyed.runs.metrics.get('score')!.values).toEqual([Number.NaN, 2.5, null, null, null, null]);

      // An input that is not JSON and holds the separator the inputs travel with is read all the same.
      const raw = ['one\u001etwo', '{"a":1}', 'one\u001etwo'];
      await store.write((db) => {
        db.run("INSERT INTO experiments (id, name, executions, concurrency, status, started_at) VALUES ('e3', 'separator', 3, 1, 'completed', '2026-01-03')");
        raw.forEach((input, index) =>
          db.run("INSERT INTO experiment_runs (id, experiment_id, run_index, status, started_at, duration_ms, input) VALUES (?, 'e3', ?, 'ok', '2026-01-03', 5, ?)", [`s${index}`, index, input]),
        );
      });
      const separated = (await store.read((db) => columns(db, findExperiment(db, 'separator'))))!;
      expect(separated.runs.inputs!.keys).toEqual([JSON.stringify('one\u001etwo'), '{"a":1}']);
      expect([...separated.runs.inputs!.ids]).toEqual([0, 1, 0]);
    } finally {
      dir.remove();
    }
  });
});
