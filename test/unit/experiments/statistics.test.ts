import { incompleteBeta, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from '../../../default-plugins/experiments/lib/distributions.js';
import { compareSamples, newcombeInterval, summarize, tInterval, welchInterval, wilsonInterval } from '../../../default-plugins/experiments/lib/statistics.js';

// Reference values from SciPy 1.17 (scipy.stats: norm.ppf, t.ppf, t.cdf, special.betainc,
// ttest_ind(equal_var=False), binomtest(...).proportion_ci('wilson')), which agree with R's published
// t.test output for its sleep data, and from Newcombe's papers for the proportion intervals.

describe('distributions', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.5, 0],
    [0.995, 2.575829303548901],
    [0.001, -3.090232306167813],
    [1e-10, -6.361340902404056],
  ])('normalQuantile(%p) = %p', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
  });

  it('normalCdf inverts normalQuantile', () => {
    for (const p of [1e-8, 0.01, 0.2, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
  });

  it.each([
    [1, 12.70620473617471],
    [2, 4.302652729749464],
    [3, 3.182446305284263],
    [5, 2.570581835636314],
    [10, 2.228138851986273],
    [30, 2.042272456301238],
    [100, 1.983971518523552],
    [17.77647, 2.102817271782623],
    [2.5, 3.5746548420036817],
  ])('qt(0.975, df = %p) = %p', (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 10);
    expect(studentTQuantile(0.025, df)).toBeCloseTo(-expected, 10);
  });

  it('the t CDF and the incomplete beta function match SciPy', () => {
    expect(studentTCdf(2, 5)).toBeCloseTo(0.9490302605850709, 12);
    expect(studentTCdf(-1.860813, 17.77647)).toBeCloseTo(0.03969710633593716, 12);
    expect(studentTCdf(0, 3)).toBe(0.5);
    expect(incompleteBeta(0.3, 2, 5)).toBeCloseTo(0.579825, 12);
    expect(incompleteBeta(0.9, 0.5, 0.5)).toBeCloseTo(0.7951672353008665, 12);
  });
});

describe('summaries', () => {
  it('gives n, mean, sd, min, max and the t interval', () => {
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toMatchObject({ kind: 'integer', n: 8, mean: 5, min: 2, max: 9 });
    expect(s.sd).toBeCloseTo(2.138089935299395, 12);
    // scipy.stats.t.interval(0.95, 7, loc=5, scale=sem)
    expect(s.ci!.low).toBeCloseTo(3.21251208176379, 10);
    expect(s.ci!.high).toBeCloseTo(6.787487918236209, 10);
  });

  it('has no interval or sd for one value, and nothing for none', () => {
    expect(summarize([3.5])).toEqual({ kind: 'number', n: 1, mean: 3.5, sd: null, min: 3.5, max: 3.5, ci: null });
    expect(summarize([], 'number')).toEqual({ kind: 'number', n: 0, mean: null, sd: null, min: null, max: null, ci: null });
    expect(tInterval(1, 0, 5)).toEqual({ low: 1, high: 1 });
  });

  it('uses Wilson’s interval for a boolean metric (Newcombe 1998a: 81/263 -> 0.2553 to 0.3662)', () => {
    const interval = wilsonInterval(81, 263)!;
    expect(interval.low).toBeCloseTo(0.2552885198782742, 10);
    expect(interval.high).toBeCloseTo(0.36620957698280004, 10);
    const values = [...Array<number>(9).fill(1), 0];
    const s = summarize(values, 'boolean');
    expect(s.mean).toBeCloseTo(0.9, 12);
    expect(s.ci!.low).toBeCloseTo(0.5958499732047615, 10);
    expect(s.ci!.high).toBeCloseTo(0.9821237869049271, 10);
    // All true: still an interval, not the point a t interval would give.
    const all = summarize(Array<number>(10).fill(1), 'boolean');
    expect(all.ci!.high).toBe(1);
    expect(all.ci!.low).toBeCloseTo(0.7224672001371109, 10);
  });
});

describe('comparisons', () => {
  // R's sleep data: t.test(extra ~ group, data = sleep) -> t = -1.8608, df = 17.776, p = 0.07939,
  // 95% CI of mean(1) - mean(2): -3.3654832 0.2054832
  const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

  it('Welch’s interval and p-value match SciPy (and R’s t.test on its sleep data)', () => {
    const result = compareSamples(group2, group1, 'number');
    expect(result.method).toBe('welch');
    expect(result.difference).toBeCloseTo(-1.58, 12);
    expect(result.df).toBeCloseTo(17.776473516178488, 9);
    expect(result.pValue).toBeCloseTo(0.0793941401873583, 10);
    expect(result.ci!.low).toBeCloseTo(-3.3654832307117104, 9);
    expect(result.ci!.high).toBeCloseTo(0.20548323071171137, 9);
    expect(result.significant).toBe(false);
  });

  it('marks a difference whose interval excludes 0 as significant', () => {
    const result = compareSamples([1, 2, 3, 2, 1, 2], [5, 6, 5, 7, 6, 5], 'integer');
    expect(result.difference).toBeGreaterThan(0);
    expect(result.ci!.low).toBeGreaterThan(0);
    expect(result.significant).toBe(true);
  });

  it('Newcombe’s interval for proportions (1998b: 56/70 vs 48/80 -> 0.0524 to 0.3339)', () => {
    const interval = newcombeInterval(48, 80, 56, 70)!;
    expect(interval.low).toBeCloseTo(0.0524, 4);
    expect(interval.high).toBeCloseTo(0.3339, 4);
    const result = compareSamples([...Array<number>(48).fill(1), ...Array<number>(32).fill(0)], [...Array<number>(56).fill(1), ...Array<number>(14).fill(0)], 'boolean');
    expect(result).toMatchObject({ method: 'newcombe', significant: true });
    expect(result.difference).toBeCloseTo(0.2, 12);
  });

  it('handles constant samples and too few values', () => {
    expect(welchInterval({ mean: 1, sd: 0, n: 3 }, { mean: 2, sd: 0, n: 3 })).toMatchObject({ difference: 1, ci: { low: 1, high: 1 }, pValue: 0 });
    expect(compareSamples([1], [2, 3], 'integer')).toMatchObject({ difference: 1.5, ci: null, significant: false });
    expect(compareSamples([], [2, 3], 'integer')).toMatchObject({ difference: null, ci: null, significant: false });
  });
});
