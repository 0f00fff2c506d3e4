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

/** The metric errors of the many runs that have none: one shared, frozen object. */
const NO_ERRORS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Every run of an experiment, oldest first, with the values of the metrics named (and the input,
 * with `inputs`), and nothing else: what `show` and `compare` summarize, without each run's
 * output, info and responses. SQLite aggregates the runs into one row of lists (read from the
 * runs' index, a join per metric on the values' primary key), so no row object is made per run; each distinct input is parsed
 * and made canonical once, however many runs share it. Values travel as `quote()` text, which
 * SQLite writes so that it reads back as the same double (JSON would round to 15 digits).
 */
export function loadRunMetrics(db: SqlDatabase, experimentId: string, metrics: readonly string[], options: { inputs: boolean }): RunMetrics[] {
  const columns = metrics.map((_, i) => `, group_concat(quote(v${i}.[value]), ',') AS v${i}, json_group_array(v${i}.[error]) AS e${i}`).join('');
  const joins = metrics.map((_, i) => ` LEFT JOIN [experiment_metric_values] v${i} ON v${i}.[run_id] = r.[id] AND v${i}.[metric] = ?`).join('');
  const row = db.get<Record<string, string | number | null>>(
    `SELECT count(*) AS n, json_group_array(r.[run_index]) AS i, json_group_array(r.[status]) AS s${options.inputs ? ', json_group_array(r.[input]) AS input' : ''}${columns}
       FROM [experiment_runs] r${joins} WHERE r.[experiment_id] = ?`,
    [...metrics, experimentId],
  );
  const count = Number(row?.n ?? 0);
  if (count === 0) return [];
  const indexes = JSON.parse(String(row!.i)) as number[];
  const statuses = JSON.parse(String(row!.s)) as RunMetrics['status'][];
  const inputTexts = options.inputs ? (JSON.parse(String(row!.input)) as (string | null)[]) : undefined;
  const values = metrics.map((_, i) => String(row![`v${i}`]).split(','));
  const errors = metrics.map((_, i) => JSON.parse(String(row![`e${i}`])) as (string | null)[]);
  const inputs = new Map<string | null, { input: unknown; key: string }>();
  const inputOf = (text: string | null) => {
    let known = inputs.get(text);
    if (!known) {
      const input = parseColumn(text);
      inputs.set(text, (known = { input, key: canonicalJson(input) }));
    }
    return known;
  };
  // Every list is in the order the rows were aggregated, the same for all; by run index, as the
  // index is read, unless SQLite chose otherwise: then the positions are sorted by run index.
  const positions = Array.from({ length: count }, (_, k) => k);
  if (indexes.some((index, k) => k > 0 && index < indexes[k - 1]!)) positions.sort((x, y) => indexes[x]! - indexes[y]!);
  const runs: RunMetrics[] = new Array(count);
  for (let at = 0; at < count; at++) {
    const run = positions[at]!;
    const runValues: Record<string, number | null> = {};
    let runErrors: Record<string, string> = NO_ERRORS;
    for (let i = 0; i < metrics.length; i++) {
      const name = metrics[i]!;
      const value = values[i]![run]!;
      const error = errors[i]![run];
      if (value !== 'NULL') runValues[name] = Number(value);
      else if (error !== null && error !== undefined) runValues[name] = null;
      if (error) {
        if (runErrors === NO_ERRORS) runErrors = {};
        runErrors[name] = error;
      }
    }
    const input = inputTexts ? inputOf(inputTexts[run] ?? null) : undefined;
    runs[at] = { index: indexes[run]!, status: statuses[run]!, input: input?.input, inputKey: input?.key, metrics: runValues, metricErrors: runErrors };
  }
  return runs;
}
