/**
 * The fused LSTM cell step (src/nn/lstm-cell.ts) and its backward pass, over rows of
 * [batch, 4·units] gate pre-activations in Keras 3's order i, f, c, o.
 *
 * Forward, per element: i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o),
 * c = f·cPrev + i·g, h = o·tanh(c). Each step is rounded to the dtype as the op-by-op path
 * rounds it (sigmoid and tanh as the unary kernels, then one rounded mul or add per operation),
 * so on this backend the fused forward gives the op-by-op values bit for bit. `act` keeps
 * [i, f, g, o, tanh c] per row ([batch, 5·units]) for the backward pass.
 *
 * Backward, from (dh, dc, cPrev, act): dcT = dc + dh·o·(1 − tanh²c), dz_i = dcT·g·i(1 − i),
 * dz_f = dcT·cPrev·f(1 − f), dz_c = dcT·i·(1 − g²), dz_o = dh·tanh c·o(1 − o), dcPrev = dcT·f,
 * in the same operation order as native/kernels/lstm.cc (float32 rounded at every step).
 */
import type { FloatArray } from '../../dtype.js';

const fr = Math.fround;
const same = (x: number) => x;

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function lstmCell(z: FloatArray, cPrev: FloatArray, batch: number, units: number, h: FloatArray, c: FloatArray, act: FloatArray): void {
  const r = z instanceof Float32Array ? fr : same;
  const u = units;
  for (let b = 0; b < batch; b++) {
    const zr = b * 4 * u, sr = b * u, ar = b * 5 * u;
    for (let j = 0; j < u; j++) {
      const i = r(sigmoid(z[zr + j])), f = r(sigmoid(z[zr + u + j]));
      const g = r(Math.tanh(z[zr + 2 * u + j])), o = r(sigmoid(z[zr + 3 * u + j]));
      const cn = r(r(f * cPrev[sr + j]) + r(i * g));
      const tc = r(Math.tanh(cn));
      c[sr + j] = cn;
      h[sr + j] = o * tc;
      act[ar + j] = i;
      act[ar + u + j] = f;
      act[ar + 2 * u + j] = g;
      act[ar + 3 * u + j] = o;
      act[ar + 4 * u + j] = tc;
    }
  }
}

export function lstmCellGrad(dh: FloatArray, dc: FloatArray, cPrev: FloatArray, act: FloatArray, batch: number, units: number, dz: FloatArray, dcPrev: FloatArray): void {
  const r = dh instanceof Float32Array ? fr : same;
  const u = units;
  for (let b = 0; b < batch; b++) {
    const zr = b * 4 * u, sr = b * u, ar = b * 5 * u;
    for (let j = 0; j < u; j++) {
      const i = act[ar + j], f = act[ar + u + j], g = act[ar + 2 * u + j], o = act[ar + 3 * u + j], tc = act[ar + 4 * u + j];
      const dhj = dh[sr + j];
      const dct = r(dc[sr + j] + r(r(dhj * o) * r(1 - r(tc * tc))));
      dz[zr + j] = r(dct * g) * r(i * r(1 - i));
      dz[zr + u + j] = r(dct * cPrev[sr + j]) * r(f * r(1 - f));
      dz[zr + 2 * u + j] = r(dct * i) * r(1 - r(g * g));
      dz[zr + 3 * u + j] = r(dhj * tc) * r(o * r(1 - o));
      dcPrev[sr + j] = dct * f;
    }
  }
}
