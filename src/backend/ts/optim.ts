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
   * [var, grad, m, v]; [alpha, beta1, beta2, epsilon]:
   * m += (g - m)·(1 - beta1); v += (g·g - v)·(1 - beta2); var -= alpha·m / (sqrt(v) + epsilon)
   */
  adam: {
    f32([w, g, m, v], [alpha0, beta1, beta2, eps0]) {
      const alpha = fr(alpha0), eps = fr(eps0);
      const omb1 = fr(1 - fr(beta1)), omb2 = fr(1 - fr(beta2));
      for (let i = 0; i < w.length; i++) {
        const gi = g[i], m0 = m[i], v0 = v[i];
        const mi = fr(m0 + fr(fr(gi - m0) * omb1));
        const vi = fr(v0 + fr(fr(fr(gi * gi) - v0) * omb2));
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - fr(fr(alpha * mi) / fr(fr(Math.sqrt(vi)) + eps));
      }
    },
    f64([w, g, m, v], [alpha, beta1, beta2, eps]) {
      const omb1 = 1 - beta1, omb2 = 1 - beta2;
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
   * [var, grad, m, v, vhat]; [alpha, beta1, beta2, epsilon]: as adam, then
   * vhat = max(vhat, v) (std::max order: vhat < v ? v : vhat); var -= alpha·m / (sqrt(vhat) + epsilon)
   */
  adamAmsgrad: {
    f32([w, g, m, v, vh], [alpha0, beta1, beta2, eps0]) {
      const alpha = fr(alpha0), eps = fr(eps0);
      const omb1 = fr(1 - fr(beta1)), omb2 = fr(1 - fr(beta2));
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
    f64([w, g, m, v, vh], [alpha, beta1, beta2, eps]) {
      const omb1 = 1 - beta1, omb2 = 1 - beta2;
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
};

export function fusedUpdate(kind: string, arrays: FloatArray[], scalars: number[]): boolean {
  if (!Object.hasOwn(FUSED_UPDATES, kind)) return false;
  const entry = FUSED_UPDATES[kind];
  if (arrays[0] instanceof Float32Array) entry.f32(arrays as Float32Array[], scalars);
  else entry.f64(arrays as Float64Array[], scalars);
  return true;
}
