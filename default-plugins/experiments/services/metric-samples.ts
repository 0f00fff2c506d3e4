import type { MetricSample } from '../lib/comparison.js';
import { canonicalJson } from '../lib/paired.js';
import type { RunMetrics } from './run-metrics.js';

/**
 * The inputs of an experiment's runs, numbered once for all its metrics: `keys` are the distinct
 * inputs (canonical JSON) in the order of their first run, `ids` each run's input number. A
 * comparison groups every metric's values by input with these, an array index per run instead
 * of a lookup of the input's text per run and metric.
 */
export interface RunInputs {
  readonly keys: readonly string[];
  readonly ids: Int32Array;
}

/** The runs' inputs, numbered; null when some run has no input (it cannot be grouped by input). */
export function indexInputs(runs: readonly RunMetrics[]): RunInputs | null {
  if (runs.length === 0 || runs.some((run) => run.input === undefined)) return null;
  const numbers = new Map<string, number>();
  const keys: string[] = [];
  const ids = new Int32Array(runs.length);
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i]!;
    const key = run.inputKey ?? canonicalJson(run.input);
    let id = numbers.get(key);
    if (id === undefined) {
      numbers.set(key, (id = keys.length));
      keys.push(key);
    }
    ids[i] = id;
  }
  return { keys, ids };
}

/**
 * One metric of the runs as `compareMetricSamples` reads it: the values present, in run order,
 * and grouped by input when the runs have inputs (the groups `groupByInput` makes, in the same order).
 */
export function metricSample(runs: readonly RunMetrics[], metric: string, inputs: RunInputs | null): MetricSample {
  const values: number[] = [];
  const lists: number[][] | undefined = inputs?.keys.map(() => []);
  for (let i = 0; i < runs.length; i++) {
    const value = runs[i]!.metrics[metric];
    if (value === null || value === undefined) continue;
    values.push(value);
    if (lists) lists[inputs!.ids[i]!]!.push(value);
  }
  return { values, groups: inputs && lists ? new Map(inputs.keys.map((key, id) => [key, lists[id]!])) : null };
}
