import { LlmError, UsageError, type MetricDirection } from 'llm-host';
import { compareMetricStats, correct, planFor, type MetricComparisonStats } from '../lib/comparison.js';
import type { Correction } from '../lib/multiple-testing.js';
import type { Plan } from '../lib/planning.js';
import type { MetricKind } from '../library.js';
import { sameInputKeys } from '../lib/paired.js';
import type { ComparableExperiment } from './summaries.js';
import { setupDifferences } from './differences.js';
import { formatDifference, formatDifferenceInterval, formatPValue, formatValue } from './format.js';
import type { ExperimentRow } from './queries.js';

/** One metric in both experiments. */
export interface MetricComparison extends MetricComparisonStats {
  readonly name: string;
  readonly better: MetricDirection;
  readonly kind: MetricKind;
  /** What the comparison says, given the metric's direction. */
  readonly verdict: 'better' | 'worse' | 'no significant difference' | 'not enough runs';
  /**
   * For a difference not shown: the plan to detect the observed difference (or `--detect`) at the
   * chosen power; null when none can be made (no variance, or no difference to detect).
   */
  readonly plan: Plan | null;
}

/** Experiment B compared with experiment A. */
export interface Comparison {
  readonly a: ExperimentRow;
  readonly b: ExperimentRow;
  /** Whether the metrics were compared input by input (both ran the same inputs). */
  readonly paired: boolean;
  /** The correction across the metrics. */
  readonly correction: Correction;
  readonly metrics: readonly MetricComparison[];
  /** What differs between the two setups: prompt template versions, models, system prompts, options, metrics. */
  readonly differences: readonly string[];
}

/** How to compare. */
export interface ComparisonOptions {
  readonly correction?: Correction;
  /** The power the planner aims for (0.8). */
  readonly power?: number;
  /** The difference to plan for, instead of the observed one. */
  readonly detect?: number;
}

/**
 * Compares B with A, metric by metric: paired by input when both ran the same inputs (Student's t
 * over per-input differences, McNemar for single-run rates), else Welch's interval for means and
 * Newcombe's for rates (with Fisher's exact p); p-values corrected with Holm's method across the
 * metrics; and for every difference not shown, how many inputs would show it.
 */
export function compareExperiments(a: ComparableExperiment, b: ComparableExperiment, options: ComparisonOptions = {}): Comparison {
  if (a.experiment.id === b.experiment.id) {
    throw new UsageError(`Both references name the same experiment (${a.experiment.id}): compare two different ones, e.g. '${a.experiment.name}~1 ${a.experiment.name}'.`);
  }
  const correction = options.correction ?? 'holm';
  const differences: string[] = [];
  // Paired when every run of both has an input and both ran the same ones (see `pairable`).
  const inputsA = a.statistics.inputs;
  const inputsB = b.statistics.inputs;
  const paired = inputsA !== null && inputsB !== null && sameInputKeys(inputsA, inputsB);
  const raw: (Omit<MetricComparisonStats, 'pAdjusted' | 'significant'> & { name: string; better: MetricDirection; kind: MetricKind })[] = [];
  for (const metric of a.metrics) {
    const other = b.metrics.find((m) => m.name === metric.name);
    if (!other) {
      differences.push(`metric '${metric.name}' is only in A`);
      continue;
    }
    const statsA = a.statistics.metrics.get(metric.name)!;
    const statsB = b.statistics.metrics.get(metric.name)!;
    const kind = metricKind(metric.kind, other.kind, () => statsA.integers && statsB.integers);
    const better = metric.better === other.better ? metric.better : 'higher';
    if (metric.better !== other.better) differences.push(`metric '${metric.name}' is marked ${metric.better} is better in A but ${other.better} is better in B (higher is assumed)`);
    raw.push({ ...compareMetricStats(statsA, statsB, kind, paired), name: metric.name, better, kind });
  }
  for (const metric of b.metrics) if (!a.metrics.some((m) => m.name === metric.name)) differences.push(`metric '${metric.name}' is only in B`);
  differences.push(...setupDifferences(a, b));
  const metrics = correct(raw, { correction }).map((m) => {
    const delta = options.detect ?? (m.difference !== null ? Math.abs(m.difference) : 0);
    const plan = m.significant || !(delta > 0) ? null : planFor(m, delta, options.power ?? 0.8);
    return { ...m, verdict: verdictOf(m, plan), plan };
  });
  return { a: a.experiment, b: b.experiment, paired, correction, metrics, differences };
}

/** The plan's row for the executions per input the experiments used. */
export function currentRow(metric: MetricComparison): { inputs: number | null; executionsPerInput: number; runs: number | null } | undefined {
  if (!metric.plan) return undefined;
  const r = Math.max(1, Math.round(metric.plan.components.executionsPerInput));
  return metric.plan.rows.find((row) => row.executionsPerInput === r);
}

/**
 * Fails (exit 1) when a metric got significantly worse (after the correction). `spec` is a metric
 * name, optionally with `:higher` or `:lower` to say which way is better (else the metric's own).
 */
export function checkRegression(comparison: Comparison, spec: string): string | undefined {
  const match = /^(.*):(higher|lower)$/.exec(spec);
  const name = match ? match[1]! : spec;
  const metric = comparison.metrics.find((m) => m.name === name);
  if (!metric) {
    const names = comparison.metrics.map((m) => m.name);
    throw new UsageError(`--fail-on-regression ${spec}: no metric '${name}' in both experiments${names.length > 0 ? ` (they share ${names.join(', ')})` : ''}.`);
  }
  const better = (match?.[2] as MetricDirection | undefined) ?? metric.better;
  if (!metric.significant || metric.difference === null) return undefined;
  const worse = better === 'higher' ? metric.difference < 0 : metric.difference > 0;
  if (!worse) return undefined;
  return (
    `${name} got significantly worse (${better} is better): ${formatValue(metric.a.mean, metric.kind)} -> ${formatValue(metric.b.mean, metric.kind)}, ` +
    `difference ${formatDifference(metric.difference, metric.kind)}, 95% CI ${formatDifferenceInterval(metric.ci, metric.kind)}, ` +
    `p ${formatPValue(metric.pAdjusted)}${comparison.correction === 'holm' ? ' (Holm)' : ''}`
  );
}

/** Throws the regressions found, one line. */
export function failOnRegressions(messages: readonly string[]): void {
  if (messages.length > 0) throw new LlmError(`Regression: ${messages.join('; ')}`);
}

/** The kinds both logged, else from the values: `integers` says whether every value is an integer (asked only then). */
function metricKind(a: MetricKind | null, b: MetricKind | null, integers: () => boolean): MetricKind {
  const kinds = [a, b].filter((kind): kind is MetricKind => kind !== null);
  if (kinds.length > 0 && kinds.every((kind) => kind === 'boolean')) return 'boolean';
  if (kinds.includes('number')) return 'number';
  return integers() ? 'integer' : 'number';
}

function verdictOf(metric: MetricComparisonStats & { better: MetricDirection }, plan: Plan | null): MetricComparison['verdict'] {
  if (metric.ci === null || metric.difference === null || metric.pValue === null) return 'not enough runs';
  if (metric.significant) return (metric.difference > 0) === (metric.better === 'higher') ? 'better' : 'worse';
  if (plan) {
    const r = Math.max(1, Math.round(plan.components.executionsPerInput));
    const needed = plan.rows.find((row) => row.executionsPerInput === r)?.inputs;
    const have = metric.inputs ?? Math.min(metric.executionsA, metric.executionsB) / r;
    if (needed === null || (needed !== undefined && needed > have)) return 'not enough runs';
  }
  return 'no significant difference';
}
