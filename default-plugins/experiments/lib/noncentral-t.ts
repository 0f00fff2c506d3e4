import { incompleteBeta, logGamma, normalCdf } from './distributions.js';

/**
 * P(T <= t) for the noncentral t distribution with `df` degrees of freedom and noncentrality
 * `delta`: Lenth's algorithm AS 243 (Applied Statistics 38, 1989), the twin series of Guenther,
 * summed until the error bound is below 1e-14. The sample-size planner's power comes from it;
 * test/unit/experiments/planning.test.ts checks it against scipy.stats.nct.cdf.
 */
export function noncentralTCdf(t: number, df: number, delta: number): number {
  if (!(df > 0)) return Number.NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const negative = t < 0;
  const tt = negative ? -t : t;
  const del = negative ? -delta : delta;
  const x = (tt * tt) / (tt * tt + df);
  let sum = 0;
  if (x > 0) {
    const lambda = del * del;
    let p = 0.5 * Math.exp(-0.5 * lambda);
    let q = Math.sqrt(2 / Math.PI) * p * del;
    let s = 0.5 - p;
    let a = 0.5;
    const b = 0.5 * df;
    const rxb = Math.pow(1 - x, b);
    const logBeta = logGamma(a) + logGamma(b) - logGamma(a + b);
    let xOdd = incompleteBeta(x, a, b);
    let gOdd = 2 * rxb * Math.exp(a * Math.log(x) - logBeta);
    let xEven = 1 - rxb;
    let gEven = b * x * rxb;
    sum = p * xOdd + q * xEven;
    for (let en = 1; en <= 2000; en++) {
      a += 1;
      xOdd -= gOdd;
      xEven -= gEven;
      gOdd *= (x * (a + b - 1)) / a;
      gEven *= (x * (a + b - 0.5)) / (a + 0.5);
      p *= lambda / (2 * en);
      q *= lambda / (2 * en + 1);
      s -= p;
      sum += p * xOdd + q * xEven;
      if (2 * s * (xOdd - gOdd) <= 1e-14) break;
    }
  }
  sum += normalCdf(-del);
  const cdf = Math.min(1, Math.max(0, sum));
  return negative ? 1 - cdf : cdf;
}
