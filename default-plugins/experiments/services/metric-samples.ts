import type { MetricSample } from '../lib/comparison.js';
import type { RunColumns } from './run-metrics.js';

/**
 * One metric of an experiment's runs as `compareMetricSamples` reads it: the values present, in
 * run order, and, when every run has an input, grouped by input (the groups `groupByInput` makes,
 * in the same order: inputs in the order of their first run), by the runs' input numbers.
 */
export function metricSample(runs: RunColumns, metric: string): MetricSample {
  const column = runs.metrics.get(metric)!.values;
  const inputs = runs.inputs ?? null;
  const values: number[] = [];
  const lists: number[][] | undefined = inputs?.keys.map(() => []);
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (value === null || value === undefined) continue;
    values.push(value);
    if (lists) lists[inputs!.ids[i]!]!.push(value);
  }
  return { values, groups: inputs && lists ? new Map(inputs.keys.map((key, id) => [key, lists[id]!])) : null };
}
