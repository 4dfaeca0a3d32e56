/**
 * Fused optimizer steps: one pass over a variable and its slots, updated in place.
 *
 * To add an optimizer: add one entry to `FUSED_UPDATES` keyed by its kind, with an `f32` and
 * an `f64` function taking `(arrays, scalars)`. Document the array layout ([variable,
 * gradient, ...slots]) and the scalars on the entry, write the update in the same operation
 * order as the native kernel, and in `f32` wrap every intermediate in `Math.fround` (`fr`) so
 * each step rounds as C++ `float` arithmetic does (without FMA contraction): the two backends
 * then agree bit for bit. Stores into a Float32Array round too, so the last fround is implicit.
 * `f64` is the same text without the rounding.
 */
import type { FloatArray } from '../../dtype.js';

const fr = Math.fround;

type Step<A> = (arrays: A[], scalars: number[]) => void;
interface FusedUpdate {
  f32: Step<Float32Array>;
  f64: Step<Float64Array>;
}

/**
 * The four RMSprop kinds, from one definition as in optim_kinds.h. Arrays [var, grad, velocity],
 * then averageGrad when centered, then m with momentum; scalars [lr, rho, oneMinusRho, epsilon,
 * momentum]:
 *   v = rho·v + oneMinusRho·g²;  centered: a = rho·a + oneMinusRho·g
 *   inc = lr·g / sqrt(v + epsilon), or lr·g / sqrt((v − a²) + epsilon) when centered
 *   momentum: m = momentum·m + inc, var −= m;  else var −= inc
 */
function rmsprop(centered: boolean, momentum: boolean): FusedUpdate {
  const ai = centered ? 3 : 2; // read only when centered
  const mi = centered ? 4 : 3; // read only with momentum
  return {
    f32(x, [lr0, rho0, omr0, eps0, mom0]) {
      const [w, g, v] = x, a = x[ai], m = x[mi];
      const lr = fr(lr0), rho = fr(rho0), omr = fr(omr0), eps = fr(eps0), mom = fr(mom0);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const vi = fr(fr(rho * v[i]) + fr(omr * fr(gi * gi)));
        v[i] = vi;
        let denom = vi;
        if (centered) {
          const av = fr(fr(rho * a[i]) + fr(omr * gi));
          a[i] = av;
          denom = fr(vi - fr(av * av));
        }
        const inc = fr(fr(lr * gi) / fr(Math.sqrt(fr(denom + eps))));
        if (momentum) {
          const mv = fr(fr(mom * m[i]) + inc);
          m[i] = mv;
          w[i] = w[i] - mv;
        } else w[i] = w[i] - inc;
      }
    },
    f64(x, [lr, rho, omr, eps, mom]) {
      const [w, g, v] = x, a = x[ai], m = x[mi];
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const vi = rho * v[i] + omr * (gi * gi);
        v[i] = vi;
        let denom = vi;
        if (centered) {
          const av = rho * a[i] + omr * gi;
          a[i] = av;
          denom = vi - av * av;
        }
        const inc = (lr * gi) / Math.sqrt(denom + eps);
        if (momentum) {
          const mv = mom * m[i] + inc;
          m[i] = mv;
          w[i] = w[i] - mv;
        } else w[i] = w[i] - inc;
      }
    },
  };
}

export const FUSED_UPDATES: Record<string, FusedUpdate> = {
  /** [var, grad]; [lr]: var -= g·lr */
  sgd: {
    f32([w, g], [lr0]) {
      const lr = fr(lr0);
      for (let i = 0; i < w.length; i++) w[i] = w[i] - fr(g[i] * lr);
    },
    f64([w, g], [lr]) {
      for (let i = 0; i < w.length; i++) w[i] = w[i] - g[i] * lr;
    },
  },

  /** [var, grad, m]; [lr, momentum, nesterov 0/1]: m = m·momentum - g·lr; var += nesterov ? m·momentum - g·lr : m */
  sgdMomentum: {
    f32([w, g, m], [lr0, mom0, nesterov]) {
      const lr = fr(lr0), mom = fr(mom0);
      if (nesterov) {
        for (let i = 0; i < w.length; i++) {
          const gl = fr(g[i] * lr);
          const mi = fr(fr(m[i] * mom) - gl);
          m[i] = mi;
          w[i] = w[i] + fr(fr(mi * mom) - gl);
        }
      } else {
        for (let i = 0; i < w.length; i++) {
          const mi = fr(fr(m[i] * mom) - fr(g[i] * lr));
          m[i] = mi;
          w[i] = w[i] + mi;
        }
      }
    },
    f64([w, g, m], [lr, mom, nesterov]) {
      for (let i = 0; i < w.length; i++) {
        const mi = m[i] * mom - g[i] * lr;
        m[i] = mi;
        w[i] += nesterov ? mi * mom - g[i] * lr : mi;
      }
    },
  },

  /**
   * [var, grad, m, v]; [alpha, oneMinusBeta1, oneMinusBeta2, epsilon]:
   * m += (g - m)·oneMinusBeta1; v += (g·g - v)·oneMinusBeta2; var -= alpha·m / (sqrt(v) + epsilon)
   * (1 - beta is passed in, not computed here: Keras takes it in double, then casts)
   */
  adam: {
    f32([w, g, m, v], [alpha0, omb10, omb20, eps0]) {
      const alpha = fr(alpha0), eps = fr(eps0);
      const omb1 = fr(omb10), omb2 = fr(omb20);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i], v0 = v[i];
        const mi = fr(m0 + fr(fr(gi - m0) * omb1));
        const vi = fr(v0 + fr(fr(fr(gi * gi) - v0) * omb2));
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - fr(fr(alpha * mi) / fr(fr(Math.sqrt(vi)) + eps));
      }
    },
    f64([w, g, m, v], [alpha, omb1, omb2, eps]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i], v0 = v[i];
        const mi = m0 + (gi - m0) * omb1;
        const vi = v0 + (gi * gi - v0) * omb2;
        m[i] = mi;
        v[i] = vi;
        w[i] -= (alpha * mi) / (Math.sqrt(vi) + eps);
      }
    },
  },

  /**
   * [var, grad, m, v, vhat]; [alpha, oneMinusBeta1, oneMinusBeta2, epsilon]: as adam, then
   * vhat = max(vhat, v) (std::max order: vhat < v ? v : vhat); var -= alpha·m / (sqrt(vhat) + epsilon)
   */
  adamAmsgrad: {
    f32([w, g, m, v, vh], [alpha0, omb10, omb20, eps0]) {
      const alpha = fr(alpha0), eps = fr(eps0);
      const omb1 = fr(omb10), omb2 = fr(omb20);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i], v0 = v[i], h0 = vh[i];
        const mi = fr(m0 + fr(fr(gi - m0) * omb1));
        const vi = fr(v0 + fr(fr(fr(gi * gi) - v0) * omb2));
        const hi = h0 < vi ? vi : h0;
        m[i] = mi;
        v[i] = vi;
        vh[i] = hi;
        w[i] = w[i] - fr(fr(alpha * mi) / fr(fr(Math.sqrt(hi)) + eps));
      }
    },
    f64([w, g, m, v, vh], [alpha, omb1, omb2, eps]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i], v0 = v[i], h0 = vh[i];
        const mi = m0 + (gi - m0) * omb1;
        const vi = v0 + (gi * gi - v0) * omb2;
        const hi = h0 < vi ? vi : h0;
        m[i] = mi;
        v[i] = vi;
        vh[i] = hi;
        w[i] -= (alpha * mi) / (Math.sqrt(hi) + eps);
      }
    },
  },

  /*
   * The kernels below (issue 6) take every coefficient precomputed by the optimizer, already
   * rounded to the variable's dtype: Keras sometimes computes `1 - beta` in Python float64
   * before casting and sometimes in the variable's dtype, so the kernel never derives one
   * coefficient from another. `pow` (ftrl only) is evaluated in double and rounded:
   * natively `(float)std::pow((double)x, (double)y)`.
   */

  rmsprop: rmsprop(false, false),
  rmspropMomentum: rmsprop(false, true),
  rmspropCentered: rmsprop(true, false),
  rmspropCenteredMomentum: rmsprop(true, true),

  /** [var, grad, accumulator]; [lr, epsilon]: acc += g²; var -= lr·g / sqrt(acc + epsilon) */
  adagrad: {
    f32([w, g, acc], [lr0, eps0]) {
      const lr = fr(lr0), eps = fr(eps0);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const ai = fr(acc[i] + fr(gi * gi));
        acc[i] = ai;
        w[i] = w[i] - fr(fr(lr * gi) / fr(Math.sqrt(fr(ai + eps))));
      }
    },
    f64([w, g, acc], [lr, eps]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        const ai = acc[i] + gi * gi;
        acc[i] = ai;
        w[i] = w[i] - (lr * gi) / Math.sqrt(ai + eps);
      }
    },
  },

  /**
   * [var, grad, accumulatedGrad, accumulatedDelta]; [lr, rho, oneMinusRho, epsilon]:
   * ag = rho·ag + oneMinusRho·g²; delta = -(sqrt(ad + epsilon)·g) / sqrt(ag + epsilon);
   * ad = rho·ad + oneMinusRho·delta²; var += lr·delta
   */
  adadelta: {
    f32([w, g, ag, ad], [lr0, rho0, omr0, eps0]) {
      const lr = fr(lr0), rho = fr(rho0), omr = fr(omr0), eps = fr(eps0);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], d0 = ad[i];
        const agi = fr(fr(rho * ag[i]) + fr(omr * fr(gi * gi)));
        ag[i] = agi;
        const delta = -fr(fr(fr(Math.sqrt(fr(d0 + eps))) * gi) / fr(Math.sqrt(fr(agi + eps))));
        ad[i] = fr(fr(rho * d0) + fr(omr * fr(delta * delta)));
        w[i] = w[i] + fr(lr * delta);
      }
    },
    f64([w, g, ag, ad], [lr, rho, omr, eps]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], d0 = ad[i];
        const agi = rho * ag[i] + omr * (gi * gi);
        ag[i] = agi;
        const delta = -((Math.sqrt(d0 + eps) * gi) / Math.sqrt(agi + eps));
        ad[i] = rho * d0 + omr * (delta * delta);
        w[i] = w[i] + lr * delta;
      }
    },
  },

  /**
   * [var, grad, m, u]; [lr, oneMinusBeta1, beta2, oneMinusBeta1Power, epsilon]:
   * m += (g - m)·oneMinusBeta1; u = max(beta2·u, |g|) (std::max order: b < a ? a : b with
   * a = beta2·u); var -= lr·m / (oneMinusBeta1Power·(u + epsilon))
   */
  adamax: {
    f32([w, g, m, u], [lr0, omb10, b20, omp0, eps0]) {
      const lr = fr(lr0), omb1 = fr(omb10), b2 = fr(b20), omp = fr(omp0), eps = fr(eps0);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i];
        const mi = fr(m0 + fr(fr(gi - m0) * omb1));
        const bu = fr(b2 * u[i]), ag = Math.abs(gi);
        const ui = bu < ag ? ag : bu;
        m[i] = mi;
        u[i] = ui;
        w[i] = w[i] - fr(fr(lr * mi) / fr(omp * fr(ui + eps)));
      }
    },
    f64([w, g, m, u], [lr, omb1, b2, omp, eps]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i];
        const mi = m0 + (gi - m0) * omb1;
        const bu = b2 * u[i], ag = Math.abs(gi);
        const ui = bu < ag ? ag : bu;
        m[i] = mi;
        u[i] = ui;
        w[i] = w[i] - (lr * mi) / (omp * (ui + eps));
      }
    },
  },

  /**
   * [var, grad, m, v]; [lr, oneMinusBeta1, oneMinusBeta2, uNext, oneMinusUProductNext,
   * oneMinusU, oneMinusUProduct, oneMinusBeta2Power, epsilon]:
   * m += (g - m)·oneMinusBeta1; v += (g² - v)·oneMinusBeta2;
   * mHat = (uNext·m) / oneMinusUProductNext + (oneMinusU·g) / oneMinusUProduct;
   * vHat = v / oneMinusBeta2Power; var -= (mHat·lr) / (sqrt(vHat) + epsilon)
   */
  nadam: {
    f32([w, g, m, v], [lr0, omb10, omb20, un0, c10, omu0, c20, c30, eps0]) {
      const lr = fr(lr0), omb1 = fr(omb10), omb2 = fr(omb20), un = fr(un0), c1 = fr(c10);
      const omu = fr(omu0), c2 = fr(c20), c3 = fr(c30), eps = fr(eps0);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i], v0 = v[i];
        const mi = fr(m0 + fr(fr(gi - m0) * omb1));
        const vi = fr(v0 + fr(fr(fr(gi * gi) - v0) * omb2));
        m[i] = mi;
        v[i] = vi;
        const mHat = fr(fr(fr(un * mi) / c1) + fr(fr(omu * gi) / c2));
        const vHat = fr(vi / c3);
        w[i] = w[i] - fr(fr(mHat * lr) / fr(fr(Math.sqrt(vHat)) + eps));
      }
    },
    f64([w, g, m, v], [lr, omb1, omb2, un, c1, omu, c2, c3, eps]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i], v0 = v[i];
        const mi = m0 + (gi - m0) * omb1;
        const vi = v0 + (gi * gi - v0) * omb2;
        m[i] = mi;
        v[i] = vi;
        const mHat = (un * mi) / c1 + (omu * gi) / c2;
        const vHat = vi / c3;
        w[i] = w[i] - (mHat * lr) / (Math.sqrt(vHat) + eps);
      }
    },
  },

  /**
   * [var, grad, accumulator, linear]; [lr, negLrPower, l1, twoL2Shrinkage, twoL2Reg]:
   * n = acc + g²; p1 = pow(n, negLrPower); p0 = pow(acc, negLrPower);
   * linear += (g + twoL2Shrinkage·var) - ((p1 - p0) / lr)·var; quadratic = p1 / lr + twoL2Reg;
   * var = (clip(linear, -l1, l1) - linear) / quadratic; acc = n.
   * clip is min(max(x, -l1), l1) written x < -l1 ? -l1 : (l1 < x ? l1 : x).
   */
  ftrl: {
    f32([w, g, acc, lin], [lr0, nlp0, l10, s20, q20]) {
      const lr = fr(lr0), nlp = fr(nlp0), l1 = fr(l10), s2 = fr(s20), q2 = fr(q20);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], wi = w[i], a0 = acc[i];
        const n = fr(a0 + fr(gi * gi));
        const p1 = fr(Math.pow(n, nlp)), p0 = fr(Math.pow(a0, nlp));
        const gtu = fr(gi + fr(s2 * wi));
        const li = fr(lin[i] + fr(gtu - fr(fr(fr(p1 - p0) / lr) * wi)));
        const quad = fr(fr(p1 / lr) + q2);
        const cl = li < -l1 ? -l1 : l1 < li ? l1 : li;
        lin[i] = li;
        w[i] = fr(fr(cl - li) / quad);
        acc[i] = n;
      }
    },
    f64([w, g, acc, lin], [lr, nlp, l1, s2, q2]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], wi = w[i], a0 = acc[i];
        const n = a0 + gi * gi;
        const p1 = Math.pow(n, nlp), p0 = Math.pow(a0, nlp);
        const gtu = gi + s2 * wi;
        const li = lin[i] + (gtu - ((p1 - p0) / lr) * wi);
        const quad = p1 / lr + q2;
        const cl = li < -l1 ? -l1 : l1 < li ? l1 : li;
        lin[i] = li;
        w[i] = (cl - li) / quad;
        acc[i] = n;
      }
    },
  },

  /**
   * [var, grad, m]; [lr, beta1, oneMinusBeta1, beta2, oneMinusBeta2]:
   * var -= lr·sign(m·beta1 + g·oneMinusBeta1); m = m·beta2 + g·oneMinusBeta2
   * (sign: -1, 0 or 1; NaN stays NaN)
   */
  lion: {
    f32([w, g, m], [lr0, b10, omb10, b20, omb20]) {
      const lr = fr(lr0), b1 = fr(b10), omb1 = fr(omb10), b2 = fr(b20), omb2 = fr(omb20);
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i];
        const c = fr(fr(m0 * b1) + fr(gi * omb1));
        w[i] = w[i] - fr(lr * Math.sign(c));
        m[i] = fr(fr(m0 * b2) + fr(gi * omb2));
      }
    },
    f64([w, g, m], [lr, b1, omb1, b2, omb2]) {
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i];
        const c = m0 * b1 + gi * omb1;
        w[i] = w[i] - lr * Math.sign(c);
        m[i] = m0 * b2 + gi * omb2;
      }
    },
  },
};

export function fusedUpdate(kind: string, arrays: FloatArray[], scalars: number[]): boolean {
  if (!Object.hasOwn(FUSED_UPDATES, kind)) return false;
  const entry = FUSED_UPDATES[kind];
  if (arrays[0] instanceof Float32Array) entry.f32(arrays as Float32Array[], scalars);
  else entry.f64(arrays as Float64Array[], scalars);
  return true;
}
