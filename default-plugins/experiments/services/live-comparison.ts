import { compareMetric, type ComparisonMethod, type RunValue } from '../lib/comparison.js';
import { canonicalJson } from '../lib/paired.js';
import type { Interval, MetricKind, MetricResult, RunRecord } from '../library.js';
import type { ExperimentDetails } from './queries.js';

/** One metric of the running experiment against the baseline. */
export interface BaselineMetric {
  readonly name: string;
  readonly kind: MetricKind;
  /** The baseline's mean, and the running experiment's so far (null without values). */
  readonly baseline: number | null;
  readonly current: number | null;
  /** Now - baseline: the mean per-input difference when paired, else the difference of the means. */
  readonly difference: number | null;
  /** Its 95% interval (null with too few values). */
  readonly ci: Interval | null;
  /** Paired: inputs with values on both sides so far; unpaired: null. */
  readonly inputs: number | null;
  /** Runs with a value so far. */
  readonly executions: number;
  /** How it was compared; null when the baseline has no such metric. */
  readonly method: ComparisonMethod | null;
}

/** The running experiment against a logged one, metric by metric. */
export interface BaselineComparison {
  /** The baseline as the user named it, and its id. */
  readonly reference: string;
  readonly id: string;
  /** Compared input by input: every input run so far is one of the baseline's. */
  readonly paired: boolean;
  readonly metrics: readonly BaselineMetric[];
}

/**
 * Compares the runs finished so far with a logged baseline, as `compare` would with the baseline
 * as A: paired by input when the baseline ran at least two inputs, every one of its runs had an
 * input and every input run so far is one of them (each input's runs averaged, then Student's t
 * over the inputs both have, or McNemar's interval for single-run rates); else unpaired (Welch,
 * Newcombe). Intervals are 95% for each metric alone.
 */
export function compareWithBaseline(baseline: ExperimentDetails, reference: string, runs: readonly RunRecord[], metrics: readonly MetricResult[]): BaselineComparison {
  const baselineInputs = new Set(baseline.runs.map((run) => (run.input === undefined ? undefined : canonicalJson(run.input))));
  const paired =
    baseline.runs.length > 0 &&
    !baselineInputs.has(undefined) &&
    baselineInputs.size >= 2 &&
    runs.every((run) => run.input !== undefined && baselineInputs.has(canonicalJson(run.input)));
  const rows = metrics.map((metric): BaselineMetric => {
    const current: RunValue[] = runs.map((run) => ({ input: run.input, value: run.metrics[metric.name]?.value }));
    const logged = baseline.metrics.find((m) => m.name === metric.name);
    const executions = current.filter((run) => typeof run.value === 'number').length;
    if (!logged) {
      return { name: metric.name, kind: metric.kind, baseline: null, current: metric.mean, difference: null, ci: null, inputs: null, executions, method: null };
    }
    const before: RunValue[] = baseline.runs.map((run) => ({ input: run.input, value: run.metrics[metric.name] }));
    const kind: MetricKind = metric.n > 0 ? metric.kind : (logged.kind ?? metric.kind);
    const stats = compareMetric(before, current, kind, paired);
    return { name: metric.name, kind, baseline: stats.a.mean, current: stats.b.mean, difference: stats.difference, ci: stats.ci, inputs: stats.inputs, executions, method: stats.method };
  });
  return { reference, id: baseline.experiment.id, paired, metrics: rows };
}
