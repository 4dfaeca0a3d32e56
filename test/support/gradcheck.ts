/**
 * Numeric gradient checker, float64 throughout (central differences, as test/gradients.test.ts uses it).
 *
 * For f(x₁…xₙ) → y₁…yₘ, random output weights wᵢ turn the outputs into one scalar
 * L = Σᵢ Σ wᵢ·yᵢ, so every output element contributes with a different weight (a plain sum
 * would hide errors that cancel). The analytic ∂L/∂xⱼ from GradientTape is compared with
 * central differences (L(x + εeₖ) − L(x − εeₖ)) / 2ε element by element for small inputs; for
 * inputs above FULL_LIMIT elements, along random directions u instead (⟨∇L, u⟩ against
 * (L(x + εu) − L(x − εu)) / 2ε, as JAX's check_grads does), which costs two evaluations.
 *
 * Second derivatives: with a random v, s(x) = ⟨v, ∇L(x)⟩ is computed with nested tapes and
 * its gradient (a Hessian-vector product) is checked by differences of s along random
 * directions, where s itself uses the (already checked) first-order gradient.
 */
import * as tf from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

export const FULL_LIMIT = 40;

export interface GradCheckOptions {
  /** Indices of the inputs to differentiate (others are constants). */
  wrt: number[];
  /** Seeded random source for weights and directions. */
  rand: () => number;
  eps?: number;
  /** |numeric − analytic| ≤ tol · max(1, scale). */
  tol?: number;
  /** Random directions for inputs above FULL_LIMIT elements. */
  directions?: number;
}

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

const asList = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);
const f64 = (values: ArrayLike<number>, shape: number[]) => tf.tensor(Float64Array.from(values), shape, 'float64');
const randomLike = (shape: number[], size: number, rand: () => number) => f64(Array.from({ length: size }, () => 2 * rand() - 1), shape);

/** Σᵢ Σ wᵢ·yᵢ as a recorded tensor (for the tape). */
function weighted(ys: Tensor[], ws: Tensor[]): Tensor {
  let total: Tensor = tf.scalar(0, 'float64');
  ys.forEach((y, i) => {
    total = total.add(tf.sum(tf.mul(y, ws[i])));
  });
  return total;
}

/** Σᵢ Σ wᵢ·yᵢ evaluated in JS float64 (for differences; no tape, no float rounding of the sum). */
function weightedValue(ys: Tensor[], ws: Tensor[]): number {
  let total = 0;
  ys.forEach((y, i) => {
    const a = y.dataSync();
    const w = ws[i].dataSync();
    for (let k = 0; k < a.length; k++) total += a[k] * w[k];
  });
  return total;
}

function withInput(xs: Tensor[], j: number, values: Float64Array): Tensor[] {
  const out = xs.slice();
  out[j] = f64(values, xs[j].shape);
  return out;
}

/** The analytic gradients of L = Σ w·f(xs) with respect to xs[wrt], from one tape. */
function analytic(f: Fn, xs: Tensor[], ws: Tensor[], wrt: number[]): (Tensor | null)[] {
  const tape = new tf.GradientTape();
  const sources = wrt.map((j) => xs[j]);
  tape.watch(sources);
  const L = tape.record(() => weighted(asList(f(...xs)), ws));
  return tape.gradient(L, sources);
}

/**
 * Checks ∂L/∂x numerically for the inputs `wrt`. Returns a list of failure messages (empty
 * when everything matches).
 */
export function checkGradients(f: Fn, xs: Tensor[], options: GradCheckOptions): string[] {
  const { wrt, rand, eps = 1e-6, tol = 1e-6, directions = 2 } = options;
  const failures: string[] = [];
  const ys = asList(f(...xs));
  const ws = ys.map((y) => randomLike(y.shape, y.size, rand));
  const grads = analytic(f, xs, ws, wrt);
  const L = (inputs: Tensor[]) => weightedValue(asList(f(...inputs)), ws);

  wrt.forEach((j, gi) => {
    const x = xs[j];
    const g = grads[gi];
    if (g === null) {
      failures.push(`input ${j}: gradient is null`);
      return;
    }
    if (JSON.stringify(g.shape) !== JSON.stringify(x.shape)) failures.push(`input ${j}: gradient shape ${JSON.stringify(g.shape)}, expected ${JSON.stringify(x.shape)}`);
    if (g.dtype !== 'float64') failures.push(`input ${j}: gradient dtype ${g.dtype}, expected float64`);
    const gv = g.dataSync();
    const base = Float64Array.from(x.dataSync());
    if (x.size <= FULL_LIMIT) {
      for (let k = 0; k < x.size; k++) {
        const plus = base.slice();
        const minus = base.slice();
        plus[k] += eps;
        minus[k] -= eps;
        const numeric = (L(withInput(xs, j, plus)) - L(withInput(xs, j, minus))) / (2 * eps);
        if (!(Math.abs(numeric - gv[k]) <= tol * Math.max(1, Math.abs(numeric), Math.abs(gv[k])))) {
          failures.push(`input ${j}[${k}]: analytic ${gv[k]}, numeric ${numeric}`);
        }
      }
    } else {
      for (let d = 0; d < directions; d++) {
        const u = Float64Array.from({ length: x.size }, () => 2 * rand() - 1);
        let dot = 0;
        let scale = 0;
        for (let k = 0; k < x.size; k++) {
          dot += gv[k] * u[k];
          scale += Math.abs(gv[k] * u[k]);
        }
        const plus = base.map((v, k) => v + eps * u[k]);
        const minus = base.map((v, k) => v - eps * u[k]);
        const numeric = (L(withInput(xs, j, plus)) - L(withInput(xs, j, minus))) / (2 * eps);
        if (!(Math.abs(numeric - dot) <= tol * Math.max(1, scale))) {
          failures.push(`input ${j}, direction ${d}: analytic ⟨g,u⟩ = ${dot}, numeric ${numeric}`);
        }
      }
    }
  });
  return failures;
}

/**
 * Checks second derivatives: the gradient of s(x) = Σⱼ ⟨vⱼ, ∂L/∂xⱼ⟩ (nested tapes) against
 * central differences of s along random directions over all `wrt` inputs at once.
 */
export function checkSecondDerivatives(f: Fn, xs: Tensor[], options: GradCheckOptions): string[] {
  const { wrt, rand, eps = 1e-5, tol = 1e-5, directions = 3 } = options;
  const ys = asList(f(...xs));
  const ws = ys.map((y) => randomLike(y.shape, y.size, rand));
  const vs = wrt.map((j) => randomLike(xs[j].shape, xs[j].size, rand));

  /** s(x) as a tensor; when `outer` is given, recorded on it. */
  const s = (inputs: Tensor[], outer?: InstanceType<typeof tf.GradientTape>): Tensor => {
    const body = () => {
      const grads = analytic(f, inputs, ws, wrt);
      let total: Tensor = tf.scalar(0, 'float64');
      grads.forEach((g, i) => {
        if (g !== null) total = total.add(tf.sum(tf.mul(g, vs[i])));
      });
      return total;
    };
    return outer ? outer.record(body) : body();
  };

  const outer = new tf.GradientTape();
  const sources = wrt.map((j) => xs[j]);
  outer.watch(sources);
  const hv = outer.gradient(s(xs, outer), sources, { unconnectedGradients: 'zero' }) as Tensor[];

  const failures: string[] = [];
  for (let d = 0; d < directions; d++) {
    const us = wrt.map((j) => Float64Array.from({ length: xs[j].size }, () => 2 * rand() - 1));
    let dot = 0;
    let scale = 0;
    const plus = xs.slice();
    const minus = xs.slice();
    wrt.forEach((j, i) => {
      const h = hv[i].dataSync();
      for (let k = 0; k < h.length; k++) {
        dot += h[k] * us[i][k];
        scale += Math.abs(h[k] * us[i][k]);
      }
      const base = xs[j].dataSync();
      plus[j] = f64(base.map((v, k) => v + eps * us[i][k]), xs[j].shape);
      minus[j] = f64(base.map((v, k) => v - eps * us[i][k]), xs[j].shape);
    });
    const numeric = (s(plus).item() - s(minus).item()) / (2 * eps);
    if (!(Math.abs(numeric - dot) <= tol * Math.max(1, scale, Math.abs(numeric)))) {
      failures.push(`direction ${d}: analytic ⟨Hv,u⟩ = ${dot}, numeric ${numeric}`);
    }
  }
  return failures;
}

/**
 * Checks d(loss)/dv for every variable in `vars` by central differences in float64, one
 * element at a time (layer weights: small). Returns failure messages (empty when all match).
 */
export function checkVariableGradients(loss: () => Tensor, vars: tf.Variable[], { eps = 1e-6, tol = 1e-6 } = {}): string[] {
  const tape = new tf.GradientTape();
  const L = tape.record(loss);
  const grads = tape.gradient(L, vars) as (Tensor | null)[];
  const failures: string[] = [];
  vars.forEach((v, i) => {
    const g = grads[i];
    if (g === null) { failures.push(`${v.path}: null gradient`); return; }
    const gv = g.dataSync();
    const base = Float64Array.from(v.dataSync());
    for (let k = 0; k < base.length; k++) {
      const plus = base.slice(); plus[k] += eps;
      const minus = base.slice(); minus[k] -= eps;
      v.assign(tf.tensor(plus, v.shape, 'float64')); const lp = loss().item();
      v.assign(tf.tensor(minus, v.shape, 'float64')); const lm = loss().item();
      v.assign(tf.tensor(base, v.shape, 'float64'));
      const numeric = (lp - lm) / (2 * eps);
      if (Math.abs(numeric - gv[k]) > tol * Math.max(1, Math.abs(numeric))) failures.push(`${v.path}[${k}]: analytic ${gv[k]}, numeric ${numeric}`);
    }
  });
  return failures;
}
