/**
 * Holm's step-down correction (Holm 1979) for the p-values of one comparison's metrics: the
 * i-th smallest of m is multiplied by m - i + 1, then made non-decreasing, capped at 1. The same as
 * R's p.adjust(p, 'holm') and statsmodels' multipletests(p, method='holm'). Missing p-values
 * (a metric without enough runs) are left out of the family and stay missing.
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues.map((p, index) => ({ p, index })).filter((entry): entry is { p: number; index: number } => entry.p !== null);
  present.sort((x, y) => x.p - y.p);
  const m = present.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  present.forEach(({ p, index }, i) => {
    running = Math.max(running, Math.min(1, (m - i) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/** How a comparison's p-values are corrected for testing many metrics at once. */
export type Correction = 'holm' | 'none';

/** The p-values adjusted by `correction`. */
export function adjustPValues(pValues: readonly (number | null)[], correction: Correction): (number | null)[] {
  return correction === 'holm' ? holmAdjust(pValues) : [...pValues];
}
