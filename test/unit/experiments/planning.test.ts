import { noncentralTCdf } from '../../../default-plugins/experiments/lib/noncentral-t.js';
import { oneSamplePower, pairedComponents, planFromComponents, sampleSize, twoSamplePower, varianceComponents } from '../../../default-plugins/experiments/lib/planning.js';

// Reference values from SciPy 1.17:
//   scipy.stats.nct.cdf(t, df, nc)
//   power: nct.sf(c, df, ncp) + nct.cdf(-c, df, ncp) with c = t.ppf(0.975, df),
//     df = n - 1, ncp = delta / (sd / sqrt(n)) (paired);  df = 2n - 2, ncp = delta / (sd * sqrt(2 / n)) (two-sample)
//   sample size: the smallest n >= 2 whose power is at least the target, by stepping n up from 2.
// (R's power.t.test(delta = 0.5, sd = 1, power = 0.8, type = 'paired') gives n = 33.37 -> 34, and
// 63.77 -> 64 for two samples, the same.)

describe('the noncentral t distribution', () => {
  it.each([
    [2.0, 5, 1.0, 0.7780746626162148],
    [-1.5, 10, 0.5, 0.030975196534077317],
    [2.093024054408263, 19, 2.5, 0.34005716609483694],
    [0.3, 3, -1.2, 0.9287574267021007],
    [5, 30, 4, 0.7896094247891845],
    [1.96, 200, 0.0, 0.9743075795770934],
    [-2.5, 7, -3.0, 0.6905169271875609],
  ])('nct.cdf(%p, %p, %p) = %p', (t, df, delta, expected) => {
    expect(noncentralTCdf(t, df, delta)).toBeCloseTo(expected, 11);
  });
});

describe('power and sample size', () => {
  it('gives the power of the paired and two-sample t tests', () => {
    expect(oneSamplePower(20, 0.5, 1)).toBeCloseTo(0.564504418439021, 10);
    expect(twoSamplePower(64, 0.5, 1)).toBeCloseTo(0.8014595579222542, 10);
    expect(oneSamplePower(1, 0.5, 1)).toBeNaN();
  });

  it.each([
    [0.5, 1, 34, 64],
    [1, 1, 10, 17],
    [0.2, 1, 199, 394],
    [0.3, 0.9, 73, 143],
    [2.0, 1.0, 5, 6],
  ])('detects %p with sd %p: %p pairs, %p per group', (delta, sd, paired, twoSample) => {
    expect(sampleSize('paired', delta, sd)).toBe(paired);
    expect(sampleSize('two-sample', delta, sd)).toBe(twoSample);
    expect(sampleSize('paired', -delta, sd)).toBe(paired);
  });

  it('takes another power, and refuses what cannot be planned', () => {
    expect(sampleSize('paired', 0.5, 1, 0.9)).toBe(44);
    expect(sampleSize('paired', 0, 1)).toBeNull();
    expect(sampleSize('paired', 1, 0)).toBeNull();
    expect(sampleSize('paired', 1e-6, 1)).toBeNull();
  });
});

describe('variance components', () => {
  it('splits the variance into between inputs and within an input', () => {
    // Means 2, 5, 8 (variance 9); within: pooled variance of the groups = 1.
    const components = varianceComponents([
      [1, 3, 2],
      [4, 6, 5],
      [7, 9, 8],
    ])!;
    expect(components.within).toBeCloseTo(1, 12);
    expect(components.between).toBeCloseTo(9 - 1 / 3, 12);
    expect(components.executionsPerInput).toBeCloseTo(3, 12);
    expect(varianceComponents([[1, 2]])).toBeNull();
    // Inputs that do not differ: all the variance is within.
    expect(varianceComponents([[1, 3], [3, 1]])!.between).toBe(0);
  });

  it('plans inputs for several executions per input: repeats help only against the within-input noise', () => {
    const plan = planFromComponents('paired', { between: 0.5, within: 0.5, executionsPerInput: 2, inputs: 20 }, 0.5);
    expect(plan.rows.map((row) => row.executionsPerInput)).toEqual([1, 2, 3, 5, 10]);
    // sd = sqrt(0.5 + 0.5 / r): r = 1 -> sd 1 -> 34 pairs (as above).
    expect(plan.rows[0]).toEqual({ executionsPerInput: 1, inputs: 34, runs: 34 });
    const inputs = plan.rows.map((row) => row.inputs!);
    for (let i = 1; i < inputs.length; i++) expect(inputs[i]!).toBeLessThanOrEqual(inputs[i - 1]!);
    expect(inputs[4]).toBe(sampleSize('paired', 0.5, Math.sqrt(0.55)));
  });

  it('pairs components from two experiments over the same inputs', () => {
    const pairs = [
      { a: [1, 2], b: [2, 3] },
      { a: [3, 4], b: [5, 6] },
      { a: [5, 6], b: [6, 7] },
    ];
    const components = pairedComponents(pairs)!;
    // Differences of means 1, 2, 1: variance 1/3; within 0.5 per side at 2 executions: 0.5/2 + 0.5/2.
    expect(components.within).toBeCloseTo(1, 12);
    expect(components.between).toBeCloseTo(Math.max(0, 1 / 3 - 0.5), 12);
    expect(pairedComponents(pairs.slice(0, 1))).toBeNull();
  });
});
