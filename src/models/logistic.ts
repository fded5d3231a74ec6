// Ridge logistic regression fitted by IRLS (Newton's method): each iteration is one pass over the
// rows that accumulates the gradient and X'WX, then a Cholesky solve of the small p×p system.
// Our own because the npm ML packages we looked at are quadratic in rows or hold an object per
// row; with p ≤ ~60 features a pass is O(n·p²/2) multiply-adds over Float64Arrays.

/**
 * A design matrix of n rows and p standardized features, column-major: one Float64Array per
 * feature, as DuckDB hands columns over. The passes below are tight loops over contiguous
 * columns (axpy and dot products), which V8 runs several times faster than row-wise updates.
 */
export interface DesignMatrix {
  rows: number;
  columns: Float64Array[];
}

export interface LogisticFitOptions {
  /** Ridge penalty on the feature coefficients (never on the intercept). */
  lambda?: number;
  maxIterations?: number;
  /** Converged when no coefficient moves more than this in an iteration. */
  tolerance?: number;
}

export interface LogisticFit {
  intercept: number;
  coefficients: Float64Array;
  iterations: number;
  converged: boolean;
  /** −2 · log-likelihood of the training rows at the returned coefficients. */
  deviance: number;
}

const sigmoid = (eta: number) => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta)));

/** Solves A·x = b for a symmetric positive definite A (q×q, full storage) by Cholesky; A is overwritten. */
export function choleskySolve(a: Float64Array, b: Float64Array, q: number): Float64Array {
  for (let j = 0; j < q; j++) {
    let d = a[j * q + j];
    for (let k = 0; k < j; k++) d -= a[j * q + k] * a[j * q + k];
    if (!(d > 0)) throw new Error(`the normal equations are not positive definite at column ${j}`);
    const l = Math.sqrt(d);
    a[j * q + j] = l;
    for (let i = j + 1; i < q; i++) {
      let s = a[i * q + j];
      for (let k = 0; k < j; k++) s -= a[i * q + k] * a[j * q + k];
      a[i * q + j] = s / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < q; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= a[i * q + k] * x[k];
    x[i] = s / a[i * q + i];
  }
  for (let i = q - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < q; k++) s -= a[k * q + i] * x[k];
    x[i] = s / a[i * q + i];
  }
  return x;
}

/**
 * One pass: the penalized deviance at beta and, when asked, the log-likelihood's gradient and
 * Hessian X'WX (lower triangle, intercept as row and column 0).
 */
function pass(x: DesignMatrix, y: Float64Array, beta: Float64Array, lambda: number, scratch: Scratch, hessian: Float64Array | null, gradient: Float64Array | null): number {
  const n = x.rows;
  const p = x.columns.length;
  const q = p + 1;
  const { eta, w, r, wx } = scratch;
  eta.fill(beta[0]);
  for (let j = 0; j < p; j++) {
    const b = beta[j + 1];
    if (b === 0) continue;
    const column = x.columns[j];
    for (let i = 0; i < n; i++) eta[i] += b * column[i];
  }
  let deviance = 0;
  let sumW = 0;
  let sumR = 0;
  for (let i = 0; i < n; i++) {
    const e = eta[i];
    const mu = sigmoid(e);
    // log(1 + e^η) − y·η, computed without overflow
    deviance += 2 * ((e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e))) - y[i] * e);
    const wi = Math.max(mu * (1 - mu), 1e-12);
    w[i] = wi;
    r[i] = y[i] - mu;
    sumW += wi;
    sumR += r[i];
  }
  let penalty = 0;
  for (let j = 1; j < q; j++) penalty += beta[j] * beta[j];
  if (!hessian || !gradient) return deviance + lambda * penalty;
  gradient[0] = sumR;
  hessian[0] = sumW;
  for (let j = 0; j < p; j++) {
    const column = x.columns[j];
    let g = 0;
    let h0 = 0;
    for (let i = 0; i < n; i++) {
      const v = w[i] * column[i];
      wx[i] = v;
      h0 += v;
      g += r[i] * column[i];
    }
    gradient[j + 1] = g;
    hessian[(j + 1) * q] = h0;
    // four Hessian entries per sweep over wx: a quarter of the memory traffic
    let k = 0;
    for (; k + 3 <= j; k += 4) {
      const c0 = x.columns[k], c1 = x.columns[k + 1], c2 = x.columns[k + 2], c3 = x.columns[k + 3];
      let h0 = 0, h1 = 0, h2 = 0, h3 = 0;
      for (let i = 0; i < n; i++) {
        const v = wx[i];
        h0 += v * c0[i];
        h1 += v * c1[i];
        h2 += v * c2[i];
        h3 += v * c3[i];
      }
      const at = (j + 1) * q + k + 1;
      hessian[at] = h0;
      hessian[at + 1] = h1;
      hessian[at + 2] = h2;
      hessian[at + 3] = h3;
    }
    for (; k <= j; k++) {
      const other = x.columns[k];
      let h = 0;
      for (let i = 0; i < n; i++) h += wx[i] * other[i];
      hessian[(j + 1) * q + k + 1] = h;
    }
  }
  return deviance + lambda * penalty;
}

interface Scratch {
  eta: Float64Array;
  w: Float64Array;
  r: Float64Array;
  wx: Float64Array;
}

/** Fits P(y = 1 | x) = σ(b₀ + b·x) minimizing deviance + λ‖b‖². */
export function fitLogistic(x: DesignMatrix, y: Float64Array, options: LogisticFitOptions = {}): LogisticFit {
  const lambda = options.lambda ?? 1;
  const maxIterations = options.maxIterations ?? 30;
  const tolerance = options.tolerance ?? 1e-7;
  const p = x.columns.length;
  const q = p + 1;
  const scratch: Scratch = { eta: new Float64Array(x.rows), w: new Float64Array(x.rows), r: new Float64Array(x.rows), wx: new Float64Array(x.rows) };
  if (y.length !== x.rows) throw new Error(`labels (${y.length}) and rows (${x.rows}) differ`);
  const beta = new Float64Array(q);
  // start at the base rate: the intercept-only model
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i];
  const rate = Math.min(Math.max(ones / Math.max(1, y.length), 1e-6), 1 - 1e-6);
  beta[0] = Math.log(rate / (1 - rate));

  // One pass per iteration: the pass that accumulates the next Newton system also checks the
  // last step; a step that made the penalized deviance worse is halved instead (Newton can
  // overshoot on nearly separable data).
  let iterations = 0;
  let converged = false;
  let objective = Infinity;
  let accepted = Infinity;
  const previous = new Float64Array(q);
  let lastStep: Float64Array = new Float64Array(q);
  let scale = 1;
  while (iterations < maxIterations) {
    iterations++;
    const hessian = new Float64Array(q * q);
    const gradient = new Float64Array(q);
    objective = pass(x, y, beta, lambda, scratch, hessian, gradient);
    if (objective > accepted + 1e-9 * Math.abs(accepted) && scale > 1e-6) {
      scale /= 2;
      for (let j = 0; j < q; j++) beta[j] = previous[j] + scale * lastStep[j];
      continue;
    }
    accepted = objective;
    // complete the symmetric matrix and add the ridge terms (the gradient of −½·penalty is −λb)
    for (let i = 0; i < q; i++) for (let k = i + 1; k < q; k++) hessian[i * q + k] = hessian[k * q + i];
    for (let j = 1; j < q; j++) {
      hessian[j * q + j] += lambda;
      gradient[j] -= lambda * beta[j];
    }
    lastStep = choleskySolve(hessian, gradient, q);
    scale = 1;
    previous.set(beta);
    let moved = 0;
    for (let j = 0; j < q; j++) {
      beta[j] += lastStep[j];
      moved = Math.max(moved, Math.abs(lastStep[j]));
    }
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }
  objective = pass(x, y, beta, lambda, scratch, null, null);
  let penalty = 0;
  for (let j = 1; j < q; j++) penalty += beta[j] * beta[j];
  return { intercept: beta[0], coefficients: beta.slice(1), iterations, converged, deviance: objective - lambda * penalty };
}
