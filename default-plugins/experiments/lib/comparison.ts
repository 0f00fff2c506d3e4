import { fisherExact } from './exact-tests.js';
import { adjustPValues, type Correction } from './multiple-testing.js';
import { comparePairedMoments, groupByInput, inputKey, pairMoments, sameInputKeys, type InputPair } from './paired.js';
import { componentsOfMoments, momentsOf, pairedComponentsOfMoments, planFromComponents, type GroupMoments, type Plan, type VarianceComponents } from './planning.js';
import { compareMoments, sampleMoments, type Interval, type MetricKind, type MetricSummary, type SampleMoments } from './statistics.js';

/**
 * One comparison of two experiments' metrics, the way `llm experiments compare` makes it: paired
 * by input when both ran the same inputs, else unpaired; p-values corrected across the metrics
 * (Holm by default); and, for a difference not shown, how many inputs would show it.
 */

/** A run as the comparison needs it: its input and one metric's value (null: missing). */
export interface RunValue {
  readonly input: unknown;
  /** The input as canonical JSON, when the caller has it (else computed from `input`). */
  readonly key?: string | undefined;
  readonly value: number | null | undefined;
}

/** How B was compared with A for one metric. */
export type ComparisonMethod = 'paired-t' | 'mcnemar' | 'welch' | 'newcombe';

/** One metric, B compared with A. */
export interface MetricComparisonStats {
  readonly a: MetricSummary;
  readonly b: MetricSummary;
  readonly method: ComparisonMethod;
  /** Paired: inputs with values on both sides; unpaired: null. */
  readonly inputs: number | null;
  /** Values used on each side (executions). */
  readonly executionsA: number;
  readonly executionsB: number;
  /** B - A: the mean per-input difference when paired, else the difference of the means. */
  readonly difference: number | null;
  /** Its 95 % interval. */
  readonly ci: Interval | null;
  /** The two-sided p-value (paired t, McNemar exact, Welch, or Fisher's exact for rates). */
  readonly pValue: number | null;
  /** The p-value after the correction across the comparison's metrics. */
  readonly pAdjusted: number | null;
  /** pAdjusted below 0.05. */
  readonly significant: boolean;
  /** Paired: each input's B - A (input as canonical JSON). */
  readonly perInput: readonly { readonly input: string; readonly difference: number }[];
  /** The variance the planner uses (paired components when paired), or null with too few values. */
  readonly components: VarianceComponents | null;
}

/** Options of a comparison. */
export interface CompareOptions {
  readonly correction?: Correction;
  /** The significance level (0.05). */
  readonly alpha?: number;
}

/** Whether two experiments can be compared input by input; `keyOf` gives a run's input as canonical JSON. */
export function pairable<T extends { readonly input: unknown }>(a: readonly T[], b: readonly T[], keyOf: (run: T) => string = inputKey): boolean {
  if (a.some((run) => run.input === undefined) || b.some((run) => run.input === undefined)) return false;
  return sameInputKeys(a.map(keyOf), b.map(keyOf));
}

/**
 * One side of one metric, as the comparison reads it: the values present, in run order, and
 * (when the runs have inputs, or the comparison is paired) the values grouped by input.
 */
export interface MetricSample {
  readonly values: readonly number[];
  /**
   * Values by input (canonical JSON), in the order of each input's first run, an input whose runs
   * have no value with an empty list (as `groupByInput` makes them); null when not every run has an input.
   */
  readonly groups: ReadonlyMap<string, readonly number[]> | null;
}

/**
 * Everything a comparison uses of one side of one metric (see `metricStats`): the values'
 * moments, whether they are all integers, and each input's moments (by canonical JSON, in the
 * order of the groups; null when not every run has an input). Small and exact: `llm experiments
 * compare` keeps these in the log instead of reading every run again.
 */
export interface MetricStats {
  readonly moments: SampleMoments;
  readonly integers: boolean;
  readonly groups: ReadonlyMap<string, GroupMoments> | null;
}

/** The statistics of a sample, for `compareMetricStats`. */
export function metricStats(sample: MetricSample): MetricStats {
  let integers = true;
  for (let i = 0; i < sample.values.length && integers; i++) integers = Number.isInteger(sample.values[i]);
  const groups = sample.groups ? new Map([...sample.groups].map(([key, values]) => [key, momentsOf(values)])) : null;
  return { moments: sampleMoments(sample.values), integers, groups };
}

/** Compares one metric; `paired` says whether the two ran the same inputs (see `pairable`). */
export function compareMetric(a: readonly RunValue[], b: readonly RunValue[], kind: MetricKind, paired: boolean): Omit<MetricComparisonStats, 'pAdjusted' | 'significant'> {
  return compareMetricSamples(sampleOf(a, paired), sampleOf(b, paired), kind, paired);
}

/** `compareMetric` over samples already made (see `MetricSample`; paired samples have groups). */
export function compareMetricSamples(a: MetricSample, b: MetricSample, kind: MetricKind, paired: boolean): Omit<MetricComparisonStats, 'pAdjusted' | 'significant'> {
  return compareMetricStats(metricStats(a), metricStats(b), kind, paired);
}

/** `compareMetric` over each side's statistics (paired statistics have groups): the same figures as from the values. */
export function compareMetricStats(a: MetricStats, b: MetricStats, kind: MetricKind, paired: boolean): Omit<MetricComparisonStats, 'pAdjusted' | 'significant'> {
  const unpaired = compareMoments(a.moments, b.moments, kind);
  if (paired) {
    const pairs = pairMoments(a.groups!, b.groups!);
    const result = comparePairedMoments(pairs, kind === 'boolean');
    return {
      a: unpaired.a,
      b: unpaired.b,
      method: result.method,
      inputs: result.inputs,
      executionsA: result.executionsA,
      executionsB: result.executionsB,
      difference: result.inputs > 0 ? result.difference : null,
      ci: result.ci,
      pValue: result.pValue,
      perInput: pairs.map((pair, i) => ({ input: pair.input, difference: result.differences[i]! })),
      components: pairedComponentsOfMoments(pairs),
    };
  }
  let pValue = unpaired.pValue ?? null;
  if (kind === 'boolean' && unpaired.a.n > 0 && unpaired.b.n > 0) {
    const successesA = Math.round(unpaired.a.mean! * unpaired.a.n);
    const successesB = Math.round(unpaired.b.mean! * unpaired.b.n);
    pValue = fisherExact(successesA, unpaired.a.n - successesA, successesB, unpaired.b.n - successesB);
  }
  return {
    a: unpaired.a,
    b: unpaired.b,
    method: unpaired.method,
    inputs: null,
    executionsA: a.moments.n,
    executionsB: b.moments.n,
    difference: unpaired.difference,
    ci: unpaired.ci,
    pValue,
    perInput: [],
    components: unpairedComponents(a, b),
  };
}

/** Adds the corrected p-values and significance to a comparison's metrics. */
export function correct<T extends { pValue: number | null }>(metrics: readonly T[], options: CompareOptions = {}): (T & { pAdjusted: number | null; significant: boolean })[] {
  const adjusted = adjustPValues(
    metrics.map((m) => m.pValue),
    options.correction ?? 'holm',
  );
  const alpha = options.alpha ?? 0.05;
  return metrics.map((m, i) => ({ ...m, pAdjusted: adjusted[i]!, significant: adjusted[i] !== null && adjusted[i]! < alpha }));
}

/** The plan to detect `delta` from a metric's comparison (null without enough values to estimate a variance). */
export function planFor(stats: Pick<MetricComparisonStats, 'components' | 'inputs'>, delta: number, power = 0.8, alpha = 0.05): Plan | null {
  if (!stats.components) return null;
  return planFromComponents(stats.inputs === null ? 'two-sample' : 'paired', stats.components, delta, power, alpha);
}

/**
 * Unpaired variance for the planner: each side's components by input when it has inputs (else
 * every run its own input), averaged over both sides.
 */
function unpairedComponents(a: MetricStats, b: MetricStats): VarianceComponents | null {
  const ca = sideComponents(a);
  const cb = sideComponents(b);
  if (!ca || !cb) return ca ?? cb;
  return {
    between: (ca.between + cb.between) / 2,
    within: (ca.within + cb.within) / 2,
    executionsPerInput: (ca.executionsPerInput + cb.executionsPerInput) / 2,
    inputs: Math.min(ca.inputs, cb.inputs),
  };
}

/**
 * One side's components: by input, else with every value its own input, which `componentsOfMoments`
 * works out as no variance within, one execution per input, and the values' variance between.
 */
function sideComponents(stats: MetricStats): VarianceComponents | null {
  if (stats.groups) return componentsOfMoments([...stats.groups.values()]);
  const { n, variance } = stats.moments;
  return n < 2 ? null : { between: Math.max(0, variance), within: 0, executionsPerInput: 1, inputs: n };
}

/** A side's sample from its runs: grouped by input when every run has one, or when paired. */
function sampleOf(runs: readonly RunValue[], paired: boolean): MetricSample {
  const hasInputs = runs.length > 0 && runs.every((run) => run.input !== undefined);
  return { values: present(runs), groups: paired || hasInputs ? groupByInput(runs) : null };
}

function present(runs: readonly RunValue[]): number[] {
  const values: number[] = [];
  for (const run of runs) if (run.value !== null && run.value !== undefined) values.push(run.value);
  return values;
}

export type { InputPair };
