/**
 * Softmax over the last axis of x viewed as [rows, cols] (src/ops/softmax.ts), with an optional
 * boolean mask in Keras 3's `Softmax(mask=…)` semantics: a masked logit is replaced by −1e9
 * before the softmax, so a row with every position masked comes out uniform. Row r reads mask
 * row maskRow[r] (mask is [maskRows, cols], 0 = masked), which is how a [batch, 1, T, S] or
 * [T, S] mask serves every head of [batch, heads, T, S] scores without being broadcast.
 *
 * Forward per row, the same sequence of rounded operations as the composite it replaces:
 * v = mask ? x : −1e9, m = max v, e = exp(v − m), y = e / Σe (the sum in double, in order).
 * Backward from y and dy: dx = (dy − Σ dy·y)·y, and 0 where masked (the logit did not reach y).
 * native/kernels/softmax.cc runs the same steps through the SIMD table.
 */
import type { FloatArray } from '../../dtype.js';

/** Keras's `_large_negative_number` for float32 and float64: what a masked logit becomes. */
export const MASKED_LOGIT = -1e9;

export function softmax(x: FloatArray, rows: number, cols: number, mask: Uint8Array | null, maskRow: Int32Array | null, y: FloatArray): void {
  const f32 = y instanceof Float32Array;
  for (let r = 0; r < rows; r++) {
    const o = r * cols, mo = mask === null ? -1 : maskRow![r] * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = mo >= 0 && mask![mo + j] === 0 ? MASKED_LOGIT : x[o + j];
      y[o + j] = v;
      if (v > m || v !== v) m = v;  // (NaN sticks: nothing compares greater than it)
    }
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(f32 ? Math.fround(y[o + j] - m) : y[o + j] - m);
      y[o + j] = e;
      s += y[o + j];
    }
    const total = f32 ? Math.fround(s) : s;
    for (let j = 0; j < cols; j++) y[o + j] = y[o + j] / total;
  }
}

export function softmaxGrad(y: FloatArray, dy: FloatArray, rows: number, cols: number, mask: Uint8Array | null, maskRow: Int32Array | null, dx: FloatArray): void {
  const f32 = dx instanceof Float32Array;
  for (let r = 0; r < rows; r++) {
    const o = r * cols, mo = mask === null ? -1 : maskRow![r] * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const p = y[o + j] * dy[o + j];
      s += f32 ? Math.fround(p) : p;
    }
    const dot = f32 ? Math.fround(s) : s;
    for (let j = 0; j < cols; j++) {
      const d = f32 ? Math.fround(dy[o + j] - dot) : dy[o + j] - dot;
      dx[o + j] = mo >= 0 && mask![mo + j] === 0 ? 0 : d * y[o + j];
    }
  }
}
