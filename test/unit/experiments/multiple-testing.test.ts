import { adjustPValues, holmAdjust } from '../../../default-plugins/experiments/lib/multiple-testing.js';

// Reference values from statsmodels 0.13.5 (Debian python3-statsmodels):
//   statsmodels.stats.multitest.multipletests(p, method='holm')[1]
// (R: p.adjust(p, 'holm') gives the same.)

describe("Holm's correction", () => {
  it.each([
    [
      [0.01, 0.04, 0.03, 0.005],
      [0.03, 0.06, 0.06, 0.02],
    ],
    [
      [0.2, 0.01, 0.5, 0.01, 0.049],
      [0.4, 0.05, 0.5, 0.05, 0.14700000000000002],
    ],
    [
      [0.04, 0.04, 0.04],
      [0.12, 0.12, 0.12],
    ],
  ])('adjusts %p to %p', (p, expected) => {
    const adjusted = holmAdjust(p);
    adjusted.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 14));
  });

  it('leaves missing p-values out of the family, caps at 1, and does nothing with none', () => {
    expect(holmAdjust([0.01, null, 0.04])).toEqual([0.02, null, 0.04]);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
    expect(holmAdjust([0.03])).toEqual([0.03]);
    expect(holmAdjust([])).toEqual([]);
    expect(adjustPValues([0.01, 0.04], 'none')).toEqual([0.01, 0.04]);
  });
});
