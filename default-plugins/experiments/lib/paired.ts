import { normalQuantile, studentTCdf } from './distributions.js';
import { mcnemarExact } from './exact-tests.js';
import { momentsOf, type GroupMoments } from './planning.js';
import { mean, tInterval, variance, type Interval } from './statistics.js';

/**
 * Paired comparisons, for two experiments that ran the same inputs. Repeated executions of one
 * input are not independent samples: each input's values are averaged first, and the unit of
 * analysis is the input. Continuous metrics (and rates with repeats) get Student's t over the
 * per-input differences; a rate with one execution per input gets McNemar's exact test and the
 * Agresti-Min interval for the difference of paired proportions.
 */

/** One input's values in A and B. */
export interface InputPair {
  /** The input as canonical JSON (keys sorted). */
  readonly input: string;
  readonly a: readonly number[];
  readonly b: readonly number[];
}

/** A paired comparison of one metric. */
export interface PairedResult {
  readonly method: 'paired-t' | 'mcnemar';
  /** Inputs with values on both sides. */
  readonly inputs: number;
  /** Values (executions) used, per side. */
  readonly executionsA: number;
  readonly executionsB: number;
  /** Mean over inputs of mean(B) - mean(A). */
  readonly difference: number;
  readonly ci: Interval | null;
  readonly pValue: number | null;
  /** The per-input differences, in input order. */
  readonly differences: readonly number[];
  /** The standard deviation of the per-input differences (null below 2 inputs). */
  readonly sd: number | null;
  /** McNemar's counts: pairs where only A succeeded, only B did. */
  readonly discordant?: { readonly aOnly: number; readonly bOnly: number };
}

const LEVEL = 0.95;

/** JSON with object keys sorted at every level: two inputs are the same when these are equal. */
export function canonicalJson(value: unknown): string {
  // Plain data (what JSON.parse makes) is written by JSON.stringify with every key of every
  // object as the replacer list, sorted: it writes each object's keys in that order, as
  // canonicalText does, without sorting each object's entries.
  if (value !== null && typeof value === 'object') {
    const keys = new Set<string>();
    if (plainData(value, keys) && !keys.has('__proto__')) return JSON.stringify(value, [...keys].sort());
  }
  return canonicalText(value);
}

function canonicalText(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalText(v)}`).join(',')}}`;
}

/**
 * Whether `value` is plain data that JSON.stringify writes as canonicalText does (arrays and
 * plain objects of strings, numbers, booleans, null and undefined), gathering its objects' keys.
 */
function plainData(value: unknown, keys: Set<string>): boolean {
  if (value === null || value === undefined) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object': {
      if (Array.isArray(value)) return value.every((item) => plainData(item, keys));
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const key of Object.keys(value)) {
        keys.add(key);
        if (!plainData((value as Record<string, unknown>)[key], keys)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * Whether two experiments ran the same inputs: every run of both has an input, and the two sets
 * of inputs (as canonical JSON) are equal, with at least 2 of them.
 */
export function sameInputs(inputsA: readonly unknown[], inputsB: readonly unknown[]): boolean {
  if (inputsA.some((input) => input === undefined) || inputsB.some((input) => input === undefined)) return false;
  return sameInputKeys(inputsA.map(canonicalJson), inputsB.map(canonicalJson));
}

/** `sameInputs` for inputs already made canonical JSON. */
export function sameInputKeys(keysA: readonly string[], keysB: readonly string[]): boolean {
  if (keysA.length === 0 || keysB.length === 0) return false;
  const a = new Set(keysA);
  const b = new Set(keysB);
  return a.size >= 2 && a.size === b.size && [...a].every((key) => b.has(key));
}

/** A run's input as canonical JSON: the key it carries, else computed. */
export function inputKey(run: { readonly input: unknown; readonly key?: string | undefined }): string {
  return run.key ?? canonicalJson(run.input);
}

/** Groups values by input (canonical JSON), in order of first appearance; missing values are skipped. */
export function groupByInput(runs: readonly { input: unknown; key?: string | undefined; value: number | null | undefined }[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const run of runs) {
    const key = inputKey(run);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    if (run.value !== null && run.value !== undefined) list.push(run.value);
  }
  return groups;
}

/** The inputs with at least one value on both sides, in A's order. */
export function pairInputs(a: ReadonlyMap<string, readonly number[]>, b: ReadonlyMap<string, readonly number[]>): InputPair[] {
  const pairs: InputPair[] = [];
  for (const [input, valuesA] of a) {
    const valuesB = b.get(input);
    if (valuesA.length > 0 && valuesB && valuesB.length > 0) pairs.push({ input, a: valuesA, b: valuesB });
  }
  return pairs;
}

/** One input's values in A and B, as their moments (what the comparison uses of them). */
export interface MomentPair {
  readonly input: string;
  readonly a: GroupMoments;
  readonly b: GroupMoments;
}

/** `pairInputs` over each input's moments. */
export function pairMoments(a: ReadonlyMap<string, GroupMoments>, b: ReadonlyMap<string, GroupMoments>): MomentPair[] {
  const pairs: MomentPair[] = [];
  for (const [input, momentsA] of a) {
    const momentsB = b.get(input);
    if (momentsA.n > 0 && momentsB && momentsB.n > 0) pairs.push({ input, a: momentsA, b: momentsB });
  }
  return pairs;
}

/** Compares B with A over the paired inputs; `boolean` metrics with one execution per input get McNemar. */
export function comparePaired(pairs: readonly InputPair[], boolean: boolean, level = LEVEL): PairedResult {
  return comparePairedMoments(
    pairs.map((pair) => ({ input: pair.input, a: momentsOf(pair.a), b: momentsOf(pair.b) })),
    boolean,
    level,
  );
}

/**
 * `comparePaired` over each input's moments: an input's mean is all the t test uses of it, and
 * with one execution per input (McNemar's case) the mean is the value.
 */
export function comparePairedMoments(pairs: readonly MomentPair[], boolean: boolean, level = LEVEL): PairedResult {
  let executionsA = 0;
  let executionsB = 0;
  for (const pair of pairs) {
    executionsA += pair.a.n;
    executionsB += pair.b.n;
  }
  const differences = pairs.map((pair) => pair.b.mean - pair.a.mean);
  const k = differences.length;
  const sd = k >= 2 ? Math.sqrt(Math.max(0, variance(differences))) : null;
  const base = { inputs: k, executionsA, executionsB, differences, sd };
  if (boolean && pairs.every((pair) => pair.a.n === 1 && pair.b.n === 1)) {
    let aOnly = 0;
    let bOnly = 0;
    for (const pair of pairs) {
      if (pair.a.mean === 1 && pair.b.mean === 0) aOnly++;
      if (pair.a.mean === 0 && pair.b.mean === 1) bOnly++;
    }
    return {
      ...base,
      method: 'mcnemar',
      difference: k > 0 ? (bOnly - aOnly) / k : Number.NaN,
      ci: k > 0 ? agrestiMinInterval(aOnly, bOnly, k, level) : null,
      pValue: k > 0 ? mcnemarExact(aOnly, bOnly) : null,
      discordant: { aOnly, bOnly },
    };
  }
  const t = pairedT(differences, level);
  return { ...base, method: 'paired-t', difference: k > 0 ? mean(differences) : Number.NaN, ci: t.ci, pValue: t.pValue };
}

/**
 * Student's t over per-input differences: the interval mean ± t(0.975, k - 1) · sd / √k and the
 * two-sided p-value of the one-sample test against 0 (scipy.stats.ttest_1samp, ttest_rel on the
 * input means). All differences equal: the interval is that point, and p is 1 if it is 0, else 0.
 */
export function pairedT(differences: readonly number[], level = LEVEL): { ci: Interval | null; pValue: number | null } {
  const k = differences.length;
  if (k < 2) return { ci: null, pValue: null };
  const m = mean(differences);
  const sd = Math.sqrt(Math.max(0, variance(differences)));
  if (sd === 0 || sd < 1e-12 * Math.abs(m)) return { ci: { low: m, high: m }, pValue: m === 0 ? 1 : 0 };
  const ci = tInterval(m, sd, k, level);
  const t = m / (sd / Math.sqrt(k));
  return { ci, pValue: Math.min(1, Math.max(0, 2 * studentTCdf(-Math.abs(t), k - 1))) };
}

/**
 * The Agresti-Min interval (Statistics in Medicine 24, 2005) for p(B) - p(A) from paired
 * booleans: half a count added to each cell of the 2x2 table, then Wald's interval, clipped to
 * [-1, 1]; R's PropCIs::diffpropci.mp(b, c, n). `aOnly` pairs had only A succeed, `bOnly` only B.
 */
export function agrestiMinInterval(aOnly: number, bOnly: number, n: number, level = LEVEL): Interval {
  const z = normalQuantile(1 - (1 - level) / 2);
  const center = (bOnly - aOnly) / (n + 2);
  const se = Math.sqrt(aOnly + bOnly + 1 - (bOnly - aOnly) ** 2 / (n + 2)) / (n + 2);
  return { low: Math.max(-1, center - z * se), high: Math.min(1, center + z * se) };
}
