import { fisherExact, mcnemarExact } from '../../../default-plugins/experiments/lib/exact-tests.js';
import { agrestiMinInterval, canonicalJson, comparePaired, groupByInput, pairedT, pairInputs, sameInputs } from '../../../default-plugins/experiments/lib/paired.js';

// Reference values from SciPy 1.17:
//   paired t: r = scipy.stats.ttest_1samp(d, 0); r.pvalue, r.confidence_interval(0.95)
//     (the same as scipy.stats.ttest_rel(b_means, a_means) on the per-input means)
//   McNemar exact: scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
//   Agresti-Min: z = scipy.stats.norm.ppf(0.975); diff = (c - b) / (n + 2);
//     se = sqrt(b + c + 1 - (c - b)**2 / (n + 2)) / (n + 2); [diff - z se, diff + z se] clipped to [-1, 1]
//     (the formula of R's PropCIs::diffpropci.mp)
//   Fisher: scipy.stats.fisher_exact(table).pvalue

describe('inputs', () => {
  it('are the same when their canonical JSON is, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(sameInputs([{ a: 1, b: 2 }, { a: 2 }], [{ a: 2 }, { b: 2, a: 1 }, { a: 2 }])).toBe(true);
    expect(sameInputs([{ a: 1 }, { a: 2 }], [{ a: 1 }, { a: 3 }])).toBe(false);
    expect(sameInputs([{ a: 1 }, { a: 1 }], [{ a: 1 }])).toBe(false); // one input: nothing to pair over
    expect(sameInputs([undefined, undefined], [undefined, undefined])).toBe(false); // no inputs at all
  });

  it('have one canonical JSON, whether their keys come in order or not', () => {
    // Keys in order (JSON.stringify writes it) and out of order (sorted here) give the same text.
    expect(canonicalJson({ a: 'x', b: [1, { c: null, d: true }] })).toBe('{"a":"x","b":[1,{"c":null,"d":true}]}');
    expect(canonicalJson({ b: [1, { d: true, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":true}]}');
    // Integer-like keys: objects list them numerically, the canonical order is the strings'.
    expect(canonicalJson({ 9: 'a', 10: 'b' })).toBe('{"10":"b","9":"a"}');
    // undefined members are left out, in arrays written null; -0 is 0.
    expect(canonicalJson({ a: undefined, b: [undefined, -0] })).toBe('{"b":[null,0]}');
    expect(canonicalJson([Number.NaN, 'x'])).toBe('[null,"x"]');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
    // A key one object has is not read from another that lacks it (not even __proto__).
    expect(canonicalJson([{ toString: 1 }, {}])).toBe('[{"toString":1},{}]');
    expect(canonicalJson(JSON.parse('[{"__proto__":1,"b":2},{"a":{}}]'))).toBe('[{"__proto__":1,"b":2},{"a":{}}]');
    expect(canonicalJson(JSON.parse('{"z":{"y":1,"x":[{"b":0,"a":"é"}]},"a":"\\u0000"}'))).toBe('{"a":"\\u0000","z":{"x":[{"a":"é","b":0}],"y":1}}');
  });

  it('group values, skipping missing ones, and pair the inputs both sides have values for', () => {
    const a = groupByInput([
      { input: { q: 1 }, value: 3 },
      { input: { q: 2 }, value: null },
      { input: { q: 1 }, value: 5 },
      { input: { q: 3 }, value: 1 },
    ]);
    expect([...a]).toEqual([
      ['{"q":1}', [3, 5]],
      ['{"q":2}', []],
      ['{"q":3}', [1]],
    ]);
    const b = groupByInput([
      { input: { q: 3 }, value: 2 },
      { input: { q: 2 }, value: 4 },
      { input: { q: 1 }, value: 6 },
    ]);
    expect(pairInputs(a, b)).toEqual([
      { input: '{"q":1}', a: [3, 5], b: [6] },
      { input: '{"q":3}', a: [1], b: [2] },
    ]);
  });
});

describe('paired t over inputs', () => {
  it('averages repeats per input first, then tests the differences (with a missing value)', () => {
    // A: [3,5] [4,4] [6,8] [2,3] [7, missing]; B: [5,6] [4,6] [7,9] [2,5] [8,9] -> d = 1.5 1 1 1 1.5
    const pairs = [
      { input: '1', a: [3, 5], b: [5, 6] },
      { input: '2', a: [4, 4], b: [4, 6] },
      { input: '3', a: [6, 8], b: [7, 9] },
      { input: '4', a: [2, 3], b: [2, 5] },
      { input: '5', a: [7], b: [8, 9] },
    ];
    const result = comparePaired(pairs, false);
    expect(result).toMatchObject({ method: 'paired-t', inputs: 5, executionsA: 9, executionsB: 10, differences: [1.5, 1, 1, 1, 1.5] });
    expect(result.difference).toBeCloseTo(1.2, 14);
    expect(result.sd).toBeCloseTo(0.27386127875258304, 14);
    expect(result.pValue).toBeCloseTo(0.0006081849444633356, 14);
    expect(result.ci!.low).toBeCloseTo(0.8599563096708721, 12);
    expect(result.ci!.high).toBeCloseTo(1.540043690329128, 12);
  });

  it('matches SciPy on differences of both signs', () => {
    const result = pairedT([0.2, -0.1, 0.4, 0.3, -0.2, 0.1]);
    expect(result.pValue).toBeCloseTo(0.2721791031661837, 13);
    expect(result.ci!.low).toBeCloseTo(-0.12644629824725073, 12);
    expect(result.ci!.high).toBeCloseTo(0.3597796315805841, 12);
  });

  it('handles all-equal differences and too few inputs', () => {
    // SciPy gives nan for zero variance; the difference is then known exactly.
    expect(pairedT([0, 0, 0])).toEqual({ ci: { low: 0, high: 0 }, pValue: 1 });
    expect(pairedT([0.5, 0.5, 0.5, 0.5])).toEqual({ ci: { low: 0.5, high: 0.5 }, pValue: 0 });
    expect(pairedT([1])).toEqual({ ci: null, pValue: null });
    expect(comparePaired([{ input: '1', a: [1], b: [2] }], false)).toMatchObject({ inputs: 1, ci: null, pValue: null, sd: null });
  });

  it('uses the t test for rates with repeats (the per-input rate is not a boolean)', () => {
    const result = comparePaired(
      [
        { input: '1', a: [1, 0], b: [1, 1] },
        { input: '2', a: [0, 0], b: [1, 0] },
        { input: '3', a: [1, 1], b: [1, 1] },
      ],
      true,
    );
    expect(result.method).toBe('paired-t');
    expect(result.differences).toEqual([0.5, 0.5, 0]);
  });
});

describe('paired rates: McNemar and Agresti-Min', () => {
  it.each([
    [2, 9, 0.0654296875],
    [0, 5, 0.0625],
    [3, 3, 1.0],
    [1, 0, 1.0],
    [0, 0, 1],
  ])('McNemar exact with %p pairs only A and %p only B: p = %p', (aOnly, bOnly, p) => {
    expect(mcnemarExact(aOnly, bOnly)).toBeCloseTo(p, 14);
  });

  it.each([
    [2, 9, 20, 0.03967662369617114, 0.5966870126674653],
    [0, 5, 20, 0.030798332952681196, 0.42374712159277333],
    [3, 3, 20, -0.2357080582607376, 0.2357080582607376],
    [0, 0, 20, -0.08908927202454792, 0.08908927202454792],
    [0, 20, 20, 0.7595328175843945, 1.0],
  ])('Agresti-Min interval (b = %p, c = %p, n = %p)', (aOnly, bOnly, n, low, high) => {
    const ci = agrestiMinInterval(aOnly, bOnly, n);
    expect(ci.low).toBeCloseTo(low, 13);
    expect(ci.high).toBeCloseTo(high, 13);
  });

  it('compares booleans with one execution per input with McNemar', () => {
    // 20 inputs: 2 only A passed, 9 only B, 6 both, 3 neither.
    const pairs = [
      ...Array.from({ length: 2 }, () => ({ a: [1], b: [0] })),
      ...Array.from({ length: 9 }, () => ({ a: [0], b: [1] })),
      ...Array.from({ length: 6 }, () => ({ a: [1], b: [1] })),
      ...Array.from({ length: 3 }, () => ({ a: [0], b: [0] })),
    ].map((pair, i) => ({ input: String(i), ...pair }));
    const result = comparePaired(pairs, true);
    expect(result).toMatchObject({ method: 'mcnemar', inputs: 20, executionsA: 20, executionsB: 20, discordant: { aOnly: 2, bOnly: 9 } });
    expect(result.difference).toBeCloseTo(7 / 20, 14);
    expect(result.pValue).toBeCloseTo(0.0654296875, 14);
    expect(result.ci!.low).toBeCloseTo(0.03967662369617114, 13);
  });
});

describe("Fisher's exact test (two independent rates)", () => {
  it.each([
    [9, 3, 4, 8, 0.0995327192661962],
    [12, 0, 0, 12, 7.39602301050679e-7],
    [5, 5, 5, 5, 1.0],
    [1, 9, 3, 7, 0.5820433436532508],
  ])('[[%p, %p], [%p, %p]]: p = %p', (a, b, c, d, p) => {
    expect(fisherExact(a, b, c, d)).toBeCloseTo(p, 13);
    expect(fisherExact(a, b, c, d) / p).toBeCloseTo(1, 10);
  });
});
