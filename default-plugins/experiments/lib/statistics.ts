import { normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';

/**
 * Summaries of one metric's values and comparisons between two experiments. Continuous metrics
 * get Student's t interval for the mean and Welch's interval for a difference of means (no equal
 * variance assumed). Boolean metrics are proportions: Wilson's score interval for one, and
 * Newcombe's hybrid score interval (his method 10) for a difference, which stay inside [0, 1] and
 * behave at 0 % and 100 %, where the t interval collapses to a point.
 */

/** What a metric's values are: every value a boolean (a rate), integers (an ordinal scale), or any number. */
export type MetricKind = 'boolean' | 'integer' | 'number';

/** A confidence interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** One metric over the runs of an experiment. */
export interface MetricSummary {
  readonly kind: MetricKind;
  /** How many runs have a value. */
  readonly n: number;
  /** The mean; for a boolean metric, the proportion of `true`. Null with no values. */
  readonly mean: number | null;
  /** The sample standard deviation (n - 1); null below 2 values. */
  readonly sd: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** The 95 % confidence interval of the mean (Wilson's for a boolean metric); null when it cannot be estimated. */
  readonly ci: Interval | null;
}

/** One metric in two experiments: B compared with A. */
export interface MetricDifference {
  readonly a: MetricSummary;
  readonly b: MetricSummary;
  /** mean(B) - mean(A); null if either has no values. */
  readonly difference: number | null;
  /** The 95 % interval of the difference; null when it cannot be estimated (fewer than 2 values on a side). */
  readonly ci: Interval | null;
  /** Whether the interval excludes 0. */
  readonly significant: boolean;
  /** `welch` (difference of means) or `newcombe` (difference of proportions). */
  readonly method: 'welch' | 'newcombe';
  /** Welch's degrees of freedom. */
  readonly df?: number;
  /** Welch's two-sided p-value. */
  readonly pValue?: number;
}

const LEVEL = 0.95;

// The loops over values index the array rather than iterate it: the same sums in the same order,
// but a command runs them once, mostly before the JIT optimizes them, where iterating costs more.

/** The arithmetic mean (NaN for no values). */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** The sample variance (n - 1 in the denominator), by a two-pass sum for accuracy. */
export function variance(values: readonly number[]): number {
  return varianceAbout(values, mean(values));
}

/** `variance` given the values' mean `m` (as `mean` computes it), so a caller that has it does not sum them again. */
export function varianceAbout(values: readonly number[], m: number): number {
  let squares = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    squares += (value - m) ** 2;
    sum += value - m;
  }
  return (squares - (sum * sum) / values.length) / (values.length - 1);
}

/** Student's t interval for a mean: mean ± t(0.975, n - 1) · sd / √n. */
export function tInterval(m: number, sd: number, n: number, level = LEVEL): Interval | null {
  if (n < 2 || !Number.isFinite(sd)) return null;
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { low: m - half, high: m + half };
}

/** Wilson's score interval for a proportion of `successes` in `n`. */
export function wilsonInterval(successes: number, n: number, level = LEVEL): Interval | null {
  if (n < 1) return null;
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** The kind of a set of values: booleans (as 0/1) are given by the caller; integers and numbers are seen. */
export function kindOf(values: readonly number[]): MetricKind {
  return values.every((value) => Number.isInteger(value)) ? 'integer' : 'number';
}

/**
 * What a summary and a comparison need of a sample of values: its size, mean (as `mean` sums it),
 * sample variance (as `varianceAbout` computes it; NaN below 2 values) and extremes (null with no
 * values). Statistics from these equal those from the values, to the last bit.
 */
export interface SampleMoments {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
  readonly min: number | null;
  readonly max: number | null;
}

/** The moments of a sample of values. */
export function sampleMoments(values: readonly number[]): SampleMoments {
  const n = values.length;
  if (n === 0) return { n, mean: Number.NaN, variance: Number.NaN, min: null, max: null };
  // The mean as `mean` sums it, with the extremes in the same pass.
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const m = sum / n;
  return { n, mean: m, variance: n >= 2 ? varianceAbout(values, m) : Number.NaN, min, max };
}

/** Summarizes one metric's values (booleans stored as 0/1 when `kind` is `boolean`). */
export function summarize(values: readonly number[], kind: MetricKind = kindOf(values), level = LEVEL): MetricSummary {
  return summarizeMoments(sampleMoments(values), kind, level);
}

/** `summarize` from the values' moments. */
export function summarizeMoments(moments: SampleMoments, kind: MetricKind, level = LEVEL): MetricSummary {
  const { n, mean: m, min, max } = moments;
  if (n === 0) return { kind, n, mean: null, sd: null, min: null, max: null, ci: null };
  const sd = n >= 2 ? Math.sqrt(Math.max(0, moments.variance)) : null;
  const ci = kind === 'boolean' ? wilsonInterval(Math.round(m * n), n, level) : sd === null ? null : tInterval(m, sd, n, level);
  return { kind, n, mean: m, sd, min, max, ci };
}

/** Welch's interval for mean(B) - mean(A), with its degrees of freedom and two-sided p-value. */
export function welchInterval(
  a: { mean: number; sd: number; n: number },
  b: { mean: number; sd: number; n: number },
  level = LEVEL,
): { difference: number; ci: Interval; df: number; pValue: number } {
  const difference = b.mean - a.mean;
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    // Both samples are constant: the difference is known exactly.
    return { difference, ci: { low: difference, high: difference }, df: a.n + b.n - 2, pValue: difference === 0 ? 1 : 0 };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, df) * se;
  const pValue = 2 * (1 - studentTCdf(Math.abs(difference) / se, df));
  return { difference, ci: { low: difference - half, high: difference + half }, df, pValue: Math.min(1, Math.max(0, pValue)) };
}

/**
 * Newcombe's hybrid score interval for p(B) - p(A), from Wilson's interval of each proportion
 * (Newcombe 1998, "Interval estimation for the difference between independent proportions", method 10).
 */
export function newcombeInterval(successesA: number, nA: number, successesB: number, nB: number, level = LEVEL): Interval | null {
  const a = wilsonInterval(successesA, nA, level);
  const b = wilsonInterval(successesB, nB, level);
  if (!a || !b) return null;
  const pA = successesA / nA;
  const pB = successesB / nB;
  const difference = pB - pA;
  return {
    low: difference - Math.sqrt((pB - b.low) ** 2 + (a.high - pA) ** 2),
    high: difference + Math.sqrt((b.high - pB) ** 2 + (pA - a.low) ** 2),
  };
}

/** Compares one metric between experiments A and B (values as stored: booleans as 0/1). */
export function compareSamples(valuesA: readonly number[], valuesB: readonly number[], kind: MetricKind, level = LEVEL): MetricDifference {
  return compareMoments(sampleMoments(valuesA), sampleMoments(valuesB), kind, level);
}

/** `compareSamples` from each sample's moments. */
export function compareMoments(momentsA: SampleMoments, momentsB: SampleMoments, kind: MetricKind, level = LEVEL): MetricDifference {
  const a = summarizeMoments(momentsA, kind, level);
  const b = summarizeMoments(momentsB, kind, level);
  if (a.mean === null || b.mean === null) return { a, b, difference: null, ci: null, significant: false, method: kind === 'boolean' ? 'newcombe' : 'welch' };
  const difference = b.mean - a.mean;
  if (kind === 'boolean') {
    const ci = newcombeInterval(Math.round(a.mean * a.n), a.n, Math.round(b.mean * b.n), b.n, level);
    return { a, b, difference, ci, significant: ci !== null && (ci.low > 0 || ci.high < 0), method: 'newcombe' };
  }
  if (a.sd === null || b.sd === null) return { a, b, difference, ci: null, significant: false, method: 'welch' };
  const welch = welchInterval({ mean: a.mean, sd: a.sd, n: a.n }, { mean: b.mean, sd: b.sd, n: b.n }, level);
  const significant = welch.ci.low > 0 || welch.ci.high < 0;
  return { a, b, difference, ci: welch.ci, significant, method: 'welch', df: welch.df, pValue: welch.pValue };
}
