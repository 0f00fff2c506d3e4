import { logGamma } from './distributions.js';

/**
 * Exact tests for counts: McNemar's (paired rates) and Fisher's (two independent rates), two-sided.
 * Checked against scipy.stats.binomtest and scipy.stats.fisher_exact in
 * test/unit/experiments/paired.test.ts.
 */

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/**
 * McNemar's exact test: of the `discordant` pairs that changed, `towardB` moved one way; under the
 * null each direction has probability 1/2. Two-sided p = min(1, 2 · P(X <= min(b, c))) with
 * X ~ Binomial(b + c, 1/2), as scipy.stats.binomtest(min(b, c), b + c) and R's
 * binom.test give; 1 when no pair changed.
 */
export function mcnemarExact(aOnly: number, bOnly: number): number {
  const n = aOnly + bOnly;
  if (n === 0) return 1;
  const k = Math.min(aOnly, bOnly);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/**
 * Fisher's exact test on the 2x2 table [[a, b], [c, d]], two-sided: the probability of every table
 * with the same margins that is no more likely than the one observed (with R's relative tolerance
 * of 1e-7 for ties), as scipy.stats.fisher_exact and R's fisher.test compute it.
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const low = Math.max(0, col1 - (n - row1));
  const high = Math.min(row1, col1);
  const logP = (x: number) => logChoose(row1, x) + logChoose(n - row1, col1 - x) - logChoose(n, col1);
  const observed = logP(a);
  let p = 0;
  for (let x = low; x <= high; x++) {
    const lp = logP(x);
    if (lp <= observed + Math.log1p(1e-7)) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
