// The statistics behind a campaign's evaluation, as small pure functions: the normal CDF (via a
// careful erfc), the two-proportion z-test with confidence intervals for the absolute and
// relative uplift, and the chi-square check of the control split (sample-ratio mismatch).

/** z such that Φ(z) = 0.975: the half-width multiplier of a two-sided 95% interval. */
export const z975 = 1.959963984540054;

const sqrtPi = Math.sqrt(Math.PI);

/**
 * The complementary error function with ~1e-15 relative accuracy over the whole line, so that
 * tail probabilities (tiny p-values) keep their digits instead of vanishing in 1 − Φ.
 * Below 2: a positive-term series for erf (no cancellation); from 2 on: the classic continued
 * fraction for erfc evaluated backwards (stable), which converges quickly there.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // exp(−x²) underflows a double
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  let tail = x;
  for (let n = 120; n >= 1; n--) tail = x + n / 2 / tail;
  return Math.exp(-x * x) / (sqrtPi * tail);
}

/** erf(x) = 2/√π · exp(−x²) · Σ 2ⁿ x²ⁿ⁺¹ / (1·3·…·(2n+1)), for 0 ≤ x < 2. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 300; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / sqrtPi) * Math.exp(-x2) * sum;
}

/** Φ(x), the standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

export interface ProportionComparison {
  /** Response rates of the treated and the control group. */
  treatmentRate: number;
  controlRate: number;
  /** Absolute uplift (percentage points as a fraction) with its 95% interval (unpooled standard error). */
  absolute: number;
  absoluteCi: [number, number];
  /** Relative uplift (p₁/p₀ − 1) with a 95% interval from the log risk ratio; null when the control rate is 0. */
  relative: number | null;
  relativeCi: [number, number] | null;
  /** Pooled two-proportion z statistic and its two-sided p-value. */
  z: number | null;
  pValue: number | null;
}

/**
 * Compares x₁/n₁ (treated) with x₀/n₀ (control). Both groups need at least one member.
 * The test uses the pooled proportion under H₀ (p₁ = p₀); the interval for the difference uses the
 * unpooled standard error (Wald), as is usual for reporting uplift.
 */
export function compareProportions(x1: number, n1: number, x0: number, n0: number): ProportionComparison {
  if (!(n1 > 0 && n0 > 0)) throw new RangeError('both groups need at least one member');
  if (x1 < 0 || x1 > n1 || x0 < 0 || x0 > n0) throw new RangeError('successes must lie between 0 and the group size');
  const p1 = x1 / n1;
  const p0 = x0 / n0;
  const diff = p1 - p0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const pooled = (x1 + x0) / (n1 + n0);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  const z = sePooled > 0 ? diff / sePooled : null;
  let relative: number | null = null;
  let relativeCi: [number, number] | null = null;
  if (p0 > 0) {
    relative = p1 / p0 - 1;
    if (p1 > 0) {
      const seLog = Math.sqrt((1 - p1) / x1 + (1 - p0) / x0);
      const log = Math.log(p1 / p0);
      relativeCi = [Math.exp(log - z975 * seLog) - 1, Math.exp(log + z975 * seLog) - 1];
    }
  }
  return {
    treatmentRate: p1,
    controlRate: p0,
    absolute: diff,
    absoluteCi: [diff - z975 * se, diff + z975 * se],
    relative,
    relativeCi,
    z,
    // identical groups with no variance (all 0 or all 1): no evidence of a difference
    pValue: z === null ? (diff === 0 ? 1 : null) : twoSidedP(z),
  };
}

export interface SampleRatioCheck {
  expectedControlShare: number;
  observedControlShare: number | null;
  chiSquare: number | null;
  pValue: number | null;
  /** p < 0.001: the split is not what was asked for; the comparison is not to be trusted. */
  mismatch: boolean;
}

export const srmThreshold = 0.001;

/**
 * Chi-square goodness of fit (1 degree of freedom) of the observed control/treatment counts against
 * the planned control share. With one degree of freedom, P(χ² ≥ s) = erfc(√(s/2)).
 */
export function sampleRatioCheck(control: number, treatment: number, expectedControlShare: number): SampleRatioCheck {
  const total = control + treatment;
  if (total === 0 || expectedControlShare <= 0 || expectedControlShare >= 1) {
    return { expectedControlShare, observedControlShare: total ? control / total : null, chiSquare: null, pValue: null, mismatch: false };
  }
  const eC = total * expectedControlShare;
  const eT = total - eC;
  const chiSquare = (control - eC) ** 2 / eC + (treatment - eT) ** 2 / eT;
  const pValue = erfc(Math.sqrt(chiSquare / 2));
  return { expectedControlShare, observedControlShare: control / total, chiSquare, pValue, mismatch: pValue < srmThreshold };
}

/** a / b, or null when b is 0 (a rate with no denominator is unknown, not zero). */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}
