import type { SqlDatabase } from 'llm-host';
import { canonicalJson } from '../lib/paired.js';
import { parseColumn } from './parse-column.js';

/** A run as statistics over every run need it: its status, input and metric values. */
export interface RunMetrics {
  readonly index: number;
  readonly status: 'ok' | 'error';
  readonly input: unknown;
  /** Metric values by name (null: the metric failed, see metricErrors). */
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly metricErrors: Readonly<Record<string, string>>;
}

/**
 * The runs' inputs, numbered: `keys` are the distinct inputs (canonical JSON) in the order of
 * their first run, `ids` each run's number. A comparison groups every metric's values by input
 * with these, an array index per run instead of a lookup of the input per run and metric.
 */
export interface RunInputs {
  readonly keys: readonly string[];
  readonly ids: Int32Array;
}

/** One metric over the runs, in run order: each run's value (null: none, failed or not logged) and error (null: none). */
export interface MetricColumn {
  readonly values: readonly (number | null)[];
  readonly errors: readonly (string | null)[];
}

/**
 * Every run of an experiment as `show` and `compare` summarize it, a list per field in run order
 * rather than an object per run: at 10,000 runs the objects, not the arithmetic, were the cost.
 */
export interface RunColumns {
  readonly count: number;
  readonly indexes: readonly number[];
  readonly statuses: readonly RunMetrics['status'][];
  /** Read with `inputs`: the runs' inputs numbered; null when some run has none (they cannot be paired or grouped). */
  readonly inputs?: RunInputs | null;
  /** By metric name. */
  readonly metrics: ReadonlyMap<string, MetricColumn>;
}

/**
 * Every run of an experiment, oldest first, with the values of the metrics named (and the input,
 * with `inputs`), and nothing else: what `show` and `compare` summarize, without each run's
 * output, info and responses. SQLite aggregates the runs into one row of lists (read from the
 * runs' index, a join per metric on the values' primary key), so no row object is made per run;
 * each distinct input is parsed and made canonical once, however many runs share it. Values travel
 * as `quote()` text, which SQLite writes so that it reads back as the same double (JSON would round
 * to 15 digits); joined with commas, NULL as null, they are a JSON array that JSON.parse reads as
 * Number() would read each (both round correctly), without a string per value.
 */
export function loadRunColumns(db: SqlDatabase, experimentId: string, metrics: readonly string[], options: { inputs: boolean }): RunColumns {
  const columns = metrics.map((_, i) => `, group_concat(CASE WHEN v${i}.[value] IS NULL THEN 'null' ELSE quote(v${i}.[value]) END, ',') AS v${i}, json_group_array(v${i}.[error]) AS e${i}`).join('');
  const joins = metrics.map((_, i) => ` LEFT JOIN [experiment_metric_values] v${i} ON v${i}.[run_id] = r.[id] AND v${i}.[metric] = ?`).join('');
  const row = db.get<Record<string, string | number | null>>(
    `SELECT count(*) AS n, json_group_array(r.[run_index]) AS i, json_group_array(r.[status]) AS s${options.inputs ? ', count(r.[input]) AS inputs, group_concat(r.[input], char(30)) AS input' : ''}${columns}
       FROM [experiment_runs] r${joins} WHERE r.[experiment_id] = ?`,
    [...metrics, experimentId],
  );
  const count = Number(row?.n ?? 0);
  if (count === 0) return { count: 0, indexes: [], statuses: [], inputs: options.inputs ? null : undefined, metrics: new Map(metrics.map((name) => [name, { values: [], errors: [] }])) };
  let indexes = JSON.parse(String(row!.i)) as number[];
  // Every list is in the order the rows were aggregated, the same for all; by run index, as the
  // index is read, unless SQLite chose otherwise: then every list is put in run index order.
  let order = <T>(list: T[]): T[] => list;
  if (indexes.some((index, k) => k > 0 && index < indexes[k - 1]!)) {
    const positions = Array.from({ length: count }, (_, k) => k).sort((x, y) => indexes[x]! - indexes[y]!);
    order = <T>(list: T[]): T[] => positions.map((k) => list[k]!);
    indexes = order(indexes);
  }
  return {
    count,
    indexes,
    statuses: order(JSON.parse(String(row!.s)) as RunMetrics['status'][]),
    inputs: options.inputs ? numberInputs(inputTexts(db, experimentId, row!, count, order)) : undefined,
    metrics: new Map(metrics.map((name, i) => [name, { values: order(readValues(String(row![`v${i}`]))), errors: order(JSON.parse(String(row![`e${i}`])) as (string | null)[]) }])),
  };
}

/** `quote()` texts joined by commas, NULL as null, as numbers (a value stored as text or a blob reads as NaN, as Number() reads it). */
function readValues(text: string): (number | null)[] {
  try {
    return JSON.parse(`[${text}]`) as (number | null)[];
  } catch {
    return text.split(',').map((value) => (value === 'null' ? null : Number(value)));
  }
}

/**
 * The runs' input texts in run order, or null when some run has none. They come joined by the
 * record separator (U+001E), which JSON text always escapes, so splitting is all the reading they
 * need (no string is unescaped and copied, as JSON.parse of a list would); an input that holds one
 * raw (a text that is not JSON) makes the split come out long, and the inputs are read again as a
 * JSON list, in run order.
 */
function inputTexts(db: SqlDatabase, experimentId: string, row: Record<string, string | number | null>, count: number, order: <T>(list: T[]) => T[]): string[] | null {
  if (Number(row.inputs) < count) return null;
  const texts = String(row.input).split('\u001e');
  if (texts.length === count) return order(texts);
  const list = db.get<{ input: string }>('SELECT json_group_array([input]) AS input FROM (SELECT [input] FROM [experiment_runs] WHERE [experiment_id] = ? ORDER BY [run_index])', [experimentId]);
  return JSON.parse(list!.input) as string[];
}

/** The inputs' texts numbered by canonical JSON, each distinct text parsed once. */
function numberInputs(texts: readonly string[] | null): RunInputs | null {
  if (texts === null) return null;
  const byText = new Map<string, number>();
  const numbers = keyNumbers();
  const ids = new Int32Array(texts.length);
  for (let run = 0; run < texts.length; run++) {
    const text = texts[run]!;
    let id = byText.get(text);
    if (id === undefined) byText.set(text, (id = numbers.of(canonicalJson(parseColumn(text)))));
    ids[run] = id;
  }
  return { keys: numbers.keys, ids };
}

/** Numbers keys in the order they first come. */
function keyNumbers(): { keys: string[]; of(key: string): number } {
  const byKey = new Map<string, number>();
  const keys: string[] = [];
  return {
    keys,
    of(key) {
      let id = byKey.get(key);
      if (id === undefined) {
        byKey.set(key, (id = keys.length));
        keys.push(key);
      }
      return id;
    },
  };
}

/** The columns of runs already read whole (`show --json`, reports): what `loadRunColumns` reads of them. */
export function columnsOfRuns(runs: readonly RunMetrics[], metrics: readonly string[]): RunColumns {
  let inputs: RunInputs | null = null;
  if (runs.length > 0 && runs.every((run) => run.input !== undefined)) {
    const numbers = keyNumbers();
    inputs = { keys: numbers.keys, ids: Int32Array.from(runs, (run) => numbers.of(canonicalJson(run.input))) };
  }
  return {
    count: runs.length,
    indexes: runs.map((run) => run.index),
    statuses: runs.map((run) => run.status),
    inputs,
    metrics: new Map(metrics.map((name) => [name, { values: runs.map((run) => run.metrics[name] ?? null), errors: runs.map((run) => run.metricErrors[name] ?? null) }])),
  };
}
