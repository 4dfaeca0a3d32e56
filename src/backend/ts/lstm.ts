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
import { sigmoid } from './strided.js';

const fr = Math.fround;

// float32 and float64 are two loops of the same text, float32's with every intermediate
// rounded by `fr` (a rounding function passed in would cost more than the arithmetic).
function cellF32(z: Float32Array, cPrev: Float32Array, batch: number, u: number, h: Float32Array, c: Float32Array, act: Float32Array): void {
  for (let b = 0; b < batch; b++) {
    const zr = b * 4 * u, sr = b * u, ar = b * 5 * u;
    for (let j = 0; j < u; j++) {
      const i = fr(sigmoid(z[zr + j])), f = fr(sigmoid(z[zr + u + j]));
      const g = fr(Math.tanh(z[zr + 2 * u + j])), o = fr(sigmoid(z[zr + 3 * u + j]));
      const cn = fr(fr(f * cPrev[sr + j]) + fr(i * g));
      const tc = fr(Math.tanh(cn));
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

function cellF64(z: Float64Array, cPrev: Float64Array, batch: number, u: number, h: Float64Array, c: Float64Array, act: Float64Array): void {
  for (let b = 0; b < batch; b++) {
    const zr = b * 4 * u, sr = b * u, ar = b * 5 * u;
    for (let j = 0; j < u; j++) {
      const i = sigmoid(z[zr + j]), f = sigmoid(z[zr + u + j]);
      const g = Math.tanh(z[zr + 2 * u + j]), o = sigmoid(z[zr + 3 * u + j]);
      const cn = f * cPrev[sr + j] + i * g;
      const tc = Math.tanh(cn);
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

function gradF32(dh: Float32Array, dc: Float32Array, cPrev: Float32Array, act: Float32Array, batch: number, u: number, dz: Float32Array, dcPrev: Float32Array): void {
  for (let b = 0; b < batch; b++) {
    const zr = b * 4 * u, sr = b * u, ar = b * 5 * u;
    for (let j = 0; j < u; j++) {
      const i = act[ar + j], f = act[ar + u + j], g = act[ar + 2 * u + j], o = act[ar + 3 * u + j], tc = act[ar + 4 * u + j];
      const dhj = dh[sr + j];
      const dct = fr(dc[sr + j] + fr(fr(dhj * o) * fr(1 - fr(tc * tc))));
      dz[zr + j] = fr(dct * g) * fr(i * fr(1 - i));
      dz[zr + u + j] = fr(dct * cPrev[sr + j]) * fr(f * fr(1 - f));
      dz[zr + 2 * u + j] = fr(dct * i) * fr(1 - fr(g * g));
      dz[zr + 3 * u + j] = fr(dhj * tc) * fr(o * fr(1 - o));
      dcPrev[sr + j] = dct * f;
    }
  }
}

function gradF64(dh: Float64Array, dc: Float64Array, cPrev: Float64Array, act: Float64Array, batch: number, u: number, dz: Float64Array, dcPrev: Float64Array): void {
  for (let b = 0; b < batch; b++) {
    const zr = b * 4 * u, sr = b * u, ar = b * 5 * u;
    for (let j = 0; j < u; j++) {
      const i = act[ar + j], f = act[ar + u + j], g = act[ar + 2 * u + j], o = act[ar + 3 * u + j], tc = act[ar + 4 * u + j];
      const dhj = dh[sr + j];
      const dct = dc[sr + j] + (dhj * o) * (1 - tc * tc);
      dz[zr + j] = (dct * g) * (i * (1 - i));
      dz[zr + u + j] = (dct * cPrev[sr + j]) * (f * (1 - f));
      dz[zr + 2 * u + j] = (dct * i) * (1 - g * g);
      dz[zr + 3 * u + j] = (dhj * tc) * (o * (1 - o));
      dcPrev[sr + j] = dct * f;
    }
  }
}

export function lstmCell(z: FloatArray, cPrev: FloatArray, batch: number, units: number, h: FloatArray, c: FloatArray, act: FloatArray): void {
  if (z instanceof Float32Array) cellF32(z, cPrev as Float32Array, batch, units, h as Float32Array, c as Float32Array, act as Float32Array);
  else cellF64(z, cPrev as Float64Array, batch, units, h as Float64Array, c as Float64Array, act as Float64Array);
}

export function lstmCellGrad(dh: FloatArray, dc: FloatArray, cPrev: FloatArray, act: FloatArray, batch: number, units: number, dz: FloatArray, dcPrev: FloatArray): void {
  if (dh instanceof Float32Array) gradF32(dh, dc as Float32Array, cPrev as Float32Array, act as Float32Array, batch, units, dz as Float32Array, dcPrev as Float32Array);
  else gradF64(dh as Float64Array, dc as Float64Array, cPrev as Float64Array, act as Float64Array, batch, units, dz as Float64Array, dcPrev as Float64Array);
}
