import echoPlugin from '../../../default-plugins/echo/index.js';
import experimentsPlugin from '../../../default-plugins/experiments/index.js';
import sqliteLogger from '../../../default-plugins/sqlite-logger/index.js';
import { findExperiment, loadExperiment, loadSummary } from '../../../default-plugins/experiments/services/queries.js';
import { canonicalJson } from '../../../default-plugins/experiments/lib/paired.js';
import { createLlm } from '../../../src/host/llm.js';
import { availableEngines } from '../../helpers/sqlite-engines.js';
import { tempDir } from '../../helpers/temp-dir.js';

const engines = await availableEngines();

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
        return [loadSummary(db, experiment, { inputs: true }), loadExperiment(db, experiment)] as const;
      }))!;
      // A value of NULL with an error and no value row at all count alike (no value).
      const present = (metrics: Readonly<Record<string, number | null>>) => Object.fromEntries(Object.entries(metrics).filter(([, v]) => v !== null));
      expect(summary.runs.map((run) => run.index)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(summary.runs.map((run) => ({ index: run.index, status: run.status, input: run.input, key: run.inputKey, metrics: present(run.metrics), errors: run.metricErrors }))).toEqual(
        details.runs.map((run) => ({ index: run.index, status: run.status, input: run.input, key: canonicalJson(run.input), metrics: present(run.metrics), errors: run.metricErrors })),
      );
      expect(Object.is(summary.runs[2]!.metrics.score, -0)).toBe(Object.is(details.runs[2]!.metrics.score, -0));
      expect(summary.runs.filter((run) => run.metrics.score !== undefined).length).toBeGreaterThan(25);
      expect(summary.runs[0]!.metrics.score).toBe(0.1 + 0.2);
    } finally {
      dir.remove();
    }
  });
});
