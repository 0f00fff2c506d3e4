import type { SqlDatabase } from 'llm-host';
import { canonicalJson } from '../lib/paired.js';
import { parseColumn } from './parse-column.js';

/** A run as statistics over every run need it: its status, input and metric values. */
export interface RunMetrics {
  readonly index: number;
  readonly status: 'ok' | 'error';
  readonly input: unknown;
  /** The input as canonical JSON (keys sorted), when the loader computed it (else see `canonicalJson`). */
  readonly inputKey?: string | undefined;
  /** Metric values by name (null: the metric failed, see metricErrors). */
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly metricErrors: Readonly<Record<string, string>>;
}

/**
 * Every run of an experiment, oldest first, with the values of the metrics named (and the input,
 * with `inputs`), and nothing else: what `show` and `compare` summarize, without each run's
 * output, info and responses. One row per run (a join per metric on the values' primary key), and
 * each distinct input parsed and made canonical once, however many runs share it.
 */
export function loadRunMetrics(db: SqlDatabase, experimentId: string, metrics: readonly string[], options: { inputs: boolean }): RunMetrics[] {
  const columns = metrics.map((_, i) => `, v${i}.[value] AS v${i}, v${i}.[error] AS e${i}`).join('');
  const joins = metrics.map((_, i) => ` LEFT JOIN [experiment_metric_values] v${i} ON v${i}.[run_id] = r.[id] AND v${i}.[metric] = ?`).join('');
  const rows = db.all<Record<string, string | number | null>>(
    `SELECT r.[run_index] AS i, r.[status] AS s${options.inputs ? ', r.[input] AS input' : ''}${columns}
       FROM [experiment_runs] r${joins} WHERE r.[experiment_id] = ? ORDER BY r.[run_index]`,
    [...metrics, experimentId],
  );
  const inputs = new Map<string | null, { input: unknown; key: string }>();
  const inputOf = (text: string | null) => {
    let known = inputs.get(text);
    if (!known) {
      const input = parseColumn(text);
      inputs.set(text, (known = { input, key: canonicalJson(input) }));
    }
    return known;
  };
  return rows.map((row) => {
    const values: Record<string, number | null> = {};
    const errors: Record<string, string> = {};
    metrics.forEach((name, i) => {
      const value = row[`v${i}`];
      const error = row[`e${i}`];
      if (value !== null && value !== undefined) values[name] = Number(value);
      else if (error !== null && error !== undefined) values[name] = null;
      if (error) errors[name] = String(error);
    });
    const input = options.inputs ? inputOf(row.input as string | null) : undefined;
    return { index: Number(row.i), status: row.s as RunMetrics['status'], input: input?.input, inputKey: input?.key, metrics: values, metricErrors: errors };
  });
}
