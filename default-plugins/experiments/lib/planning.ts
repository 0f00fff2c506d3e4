import { normalQuantile, studentTQuantile } from './distributions.js';
import { noncentralTCdf } from './noncentral-t.js';
import { mean, variance, varianceAbout } from './statistics.js';

/**
 * How many runs detect a difference: the power of Student's t test (two-sided, from the
 * noncentral t distribution) and the smallest sample that reaches a target power. Paired: a
 * one-sample test over per-input differences. Unpaired: a two-sample test with equal group sizes
 * and the pooled variance (Welch's test needs about as many when the variances are alike).
 */

/** Two-sided power of the one-sample t test on `n` values with sd `sd` for a true mean `delta`. */
export function oneSamplePower(n: number, delta: number, sd: number, alpha = 0.05): number {
  if (n < 2 || !(sd > 0)) return Number.NaN;
  const df = n - 1;
  const critical = studentTQuantile(1 - alpha / 2, df);
  const ncp = delta / (sd / Math.sqrt(n));
  return 1 - noncentralTCdf(critical, df, ncp) + noncentralTCdf(-critical, df, ncp);
}

/** Two-sided power of the two-sample t test with `n` values per group, common sd `sd`, difference `delta`. */
export function twoSamplePower(n: number, delta: number, sd: number, alpha = 0.05): number {
  if (n < 2 || !(sd > 0)) return Number.NaN;
  const df = 2 * n - 2;
  const critical = studentTQuantile(1 - alpha / 2, df);
  const ncp = delta / (sd * Math.sqrt(2 / n));
  return 1 - noncentralTCdf(critical, df, ncp) + noncentralTCdf(-critical, df, ncp);
}

const MAX_N = 10_000_000;

/**
 * The smallest n (at least 2) whose power reaches `power`, or null when none up to 10 million
 * does or the inputs make no sense (delta 0, sd 0 or not finite). Starts from the normal
 * approximation and walks to the exact answer.
 */
export function sampleSize(kind: 'paired' | 'two-sample', delta: number, sd: number, power = 0.8, alpha = 0.05): number | null {
  if (!(Math.abs(delta) > 0) || !(sd > 0) || !Number.isFinite(sd) || !(power > 0 && power < 1)) return null;
  const powerOf = kind === 'paired' ? oneSamplePower : twoSamplePower;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  const factor = kind === 'paired' ? 1 : 2;
  let n = Math.max(2, Math.ceil(factor * ((z * sd) / delta) ** 2));
  if (n > MAX_N) return null;
  // The normal approximation underestimates slightly: step up until the power is reached, then
  // down while it still is (bisection once far off).
  if (powerOf(n, delta, sd, alpha) < power) {
    let low = n;
    let high = n * 2;
    while (powerOf(high, delta, sd, alpha) < power) {
      low = high;
      high *= 2;
      if (high > MAX_N) return null;
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (powerOf(mid, delta, sd, alpha) >= power) high = mid;
      else low = mid;
    }
    n = high;
  }
  while (n > 2 && powerOf(n - 1, delta, sd, alpha) >= power) n--;
  return n;
}

/**
 * The two sources of variance in runs grouped by input: between inputs (how much inputs differ)
 * and within an input (how much repeated executions of one input differ). From the one-way
 * analysis of variance: within is the pooled variance of the groups; between is the variance of
 * the group means less what within contributes to it (floored at 0).
 */
export interface VarianceComponents {
  readonly between: number;
  readonly within: number;
  /** Executions per input in the data (the harmonic mean when they differ). */
  readonly executionsPerInput: number;
  readonly inputs: number;
}

/** Estimates the variance components of `groups` (one array of values per input). */
export function varianceComponents(groups: readonly (readonly number[])[]): VarianceComponents | null {
  return componentsOfMoments(groups.map(momentsOf));
}

/**
 * A group's size, mean and sample variance (NaN below 2 values), as `mean` and `variance` compute
 * them: worked out once per group, as the comparison's statistics use them several times.
 */
export interface GroupMoments {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** The moments of one group of values. */
export function momentsOf(values: readonly number[]): GroupMoments {
  const m = mean(values);
  return { n: values.length, mean: m, variance: values.length >= 2 ? varianceAbout(values, m) : Number.NaN };
}

/** `varianceComponents` from each group's moments (empty groups are skipped). */
export function componentsOfMoments(groups: readonly GroupMoments[]): VarianceComponents | null {
  const present = groups.filter((group) => group.n > 0);
  if (present.length < 2) return null;
  let squares = 0;
  let freedom = 0;
  for (const group of present) {
    if (group.n < 2) continue;
    squares += group.variance * (group.n - 1);
    freedom += group.n - 1;
  }
  const within = freedom > 0 ? squares / freedom : 0;
  const r = present.length / present.reduce((sum, group) => sum + 1 / group.n, 0);
  const between = Math.max(0, variance(present.map((group) => group.mean)) - within / r);
  return { between, within, executionsPerInput: r, inputs: present.length };
}

/** One row of a plan: with this many executions per input, this many inputs. */
export interface PlanRow {
  readonly executionsPerInput: number;
  /** Inputs needed (per experiment); null when no number reaches the power. */
  readonly inputs: number | null;
  /** Runs per experiment: inputs × executions. */
  readonly runs: number | null;
}

/** A sample-size plan for one metric. */
export interface Plan {
  readonly delta: number;
  readonly power: number;
  readonly alpha: number;
  /** `paired`: two experiments over the same inputs; `two-sample`: independent. */
  readonly design: 'paired' | 'two-sample';
  readonly components: VarianceComponents;
  /** The rows for 1, 2, 3, 5 and 10 executions per input and for the observed number. */
  readonly rows: readonly PlanRow[];
}

/**
 * Plans from variance components: with r executions per input, an input's mean (or a paired
 * difference of means) has variance between + within / r, and the t test's sample size follows.
 * Paired components are those of the per-input differences, with within the sum of both sides'.
 */
export function planFromComponents(
  design: 'paired' | 'two-sample',
  components: VarianceComponents,
  delta: number,
  power = 0.8,
  alpha = 0.05,
): Plan {
  const observed = Math.max(1, Math.round(components.executionsPerInput));
  const counts = [...new Set([1, 2, 3, 5, 10, observed])].sort((x, y) => x - y);
  const rows = counts.map((r) => {
    const sd = Math.sqrt(components.between + components.within / r);
    const inputs = sampleSize(design, delta, sd, power, alpha);
    return { executionsPerInput: r, inputs, runs: inputs === null ? null : inputs * r };
  });
  return { delta, power, alpha, design, components, rows };
}

/**
 * Paired components from two experiments' values grouped by the same inputs: between is the
 * variance of the per-input differences less the within-input noise of both sides at the
 * observed executions; within is the sum of both sides' within-input variances.
 */
export function pairedComponents(pairs: readonly { a: readonly number[]; b: readonly number[] }[]): VarianceComponents | null {
  return pairedComponentsOfMoments(pairs.map((pair) => ({ a: momentsOf(pair.a), b: momentsOf(pair.b) })));
}

/** `pairedComponents` from each input's moments on both sides. */
export function pairedComponentsOfMoments(pairs: readonly { a: GroupMoments; b: GroupMoments }[]): VarianceComponents | null {
  if (pairs.length < 2) return null;
  const a = componentsOfMoments(pairs.map((pair) => pair.a));
  const b = componentsOfMoments(pairs.map((pair) => pair.b));
  if (!a || !b) return null;
  const differences = pairs.map((pair) => pair.b.mean - pair.a.mean);
  const between = Math.max(0, variance(differences) - a.within / a.executionsPerInput - b.within / b.executionsPerInput);
  const within = a.within + b.within;
  // Executions per input that give the observed noise: harmonic combination of both sides.
  const noise = a.within / a.executionsPerInput + b.within / b.executionsPerInput;
  const executionsPerInput = noise > 0 ? within / noise : (a.executionsPerInput + b.executionsPerInput) / 2;
  return { between, within, executionsPerInput, inputs: pairs.length };
}
