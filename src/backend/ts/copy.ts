/**
 * Data-movement kernels: copyStrided (transpose, slice, broadcastTo, tile), gather and its
 * adjoint scatterAdd, concat, pad, cast and select. None computes, so they are written as
 * plain loops shared by every dtype (their call sites may see several typed-array classes;
 * each loop is small). Long contiguous runs go through `TypedArray.set` (subarray views),
 * which V8 implements as a memcpy; short ones are element loops. A new kernel of this
 * family follows the same shape: collapse (`strided.ts`), odometer, tight inner loop.
 */
import type { TypedArray } from '../../dtype.js';
import { collapse } from './strided.js';

/** Runs at least this long are copied with subarray+set rather than an element loop. */
const SET_MIN = 64;

export function copyStrided(x: TypedArray, offset: number, strides: number[], outShape: number[], out: TypedArray): void {
  const c = collapse(outShape, [strides]);
  if (c.size === 0) return;
  const shape = c.shape;
  const st = c.strides[0];
  const r = shape.length;
  const n = shape[r - 1];
  const inc = st[r - 1];
  const idx = new Int32Array(r);
  let xo = offset;
  for (let oo = 0; oo < c.size; oo += n) {
    if (inc === 1) {
      if (n >= SET_MIN) out.set(x.subarray(xo, xo + n), oo);
      else for (let j = 0; j < n; j++) out[oo + j] = x[xo + j];
    } else if (inc === 0) {
      out.fill(x[xo], oo, oo + n);
    } else {
      for (let j = 0; j < n; j++) out[oo + j] = x[xo + j * inc];
    }
    for (let d = r - 2; d >= 0; d--) {
      xo += st[d];
      if (++idx[d] < shape[d]) break;
      xo -= st[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function gather(x: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void {
  const k = indices.length;
  let oo = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * axisSize;
    if (inner === 1) {
      for (let j = 0; j < k; j++) out[oo + j] = x[base + indices[j]];
      oo += k;
    } else {
      for (let j = 0; j < k; j++) {
        const src = (base + indices[j]) * inner;
        if (inner >= SET_MIN) out.set(x.subarray(src, src + inner), oo);
        else for (let i = 0; i < inner; i++) out[oo + i] = x[src + i];
        oo += inner;
      }
    }
  }
}

export function scatterAdd(updates: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void {
  const k = indices.length;
  let uo = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * axisSize;
    if (inner === 1) {
      for (let j = 0; j < k; j++) out[base + indices[j]] += updates[uo + j];
      uo += k;
    } else {
      for (let j = 0; j < k; j++) {
        const dst = (base + indices[j]) * inner;
        for (let i = 0; i < inner; i++) out[dst + i] += updates[uo + i];
        uo += inner;
      }
    }
  }
}

export function concat(inputs: TypedArray[], outer: number, inners: number[], out: TypedArray): void {
  let total = 0;
  for (let q = 0; q < inners.length; q++) total += inners[q];
  let col = 0;
  for (let q = 0; q < inputs.length; q++) {
    const x = inputs[q];
    const w = inners[q];
    if (w === 0) continue;
    if (outer === 1 || w === total) out.set(x.subarray(0, outer * w), outer === 1 ? col : 0);
    else if (w >= SET_MIN) {
      for (let o = 0; o < outer; o++) out.set(x.subarray(o * w, o * w + w), o * total + col);
    } else {
      for (let o = 0; o < outer; o++) {
        const src = o * w;
        const dst = o * total + col;
        for (let i = 0; i < w; i++) out[dst + i] = x[src + i];
      }
    }
    col += w;
  }
}

export function pad(x: TypedArray, shape: number[], paddings: number[], value: number, out: TypedArray): void {
  out.fill(value);
  const r = shape.length;
  let size = 1;
  for (let d = 0; d < r; d++) size *= shape[d];
  if (size === 0) return;
  if (r === 0) {
    out[0] = x[0];
    return;
  }
  // Output strides and the offset of x's first element inside out.
  const os = new Array<number>(r);
  let s = 1;
  let base = 0;
  for (let d = r - 1; d >= 0; d--) {
    os[d] = s;
    base += paddings[2 * d] * s;
    s *= shape[d] + paddings[2 * d] + paddings[2 * d + 1];
  }
  const n = shape[r - 1];
  const idx = new Int32Array(r);
  let oo = base;
  for (let xo = 0; xo < size; xo += n) {
    if (n >= SET_MIN) out.set(x.subarray(xo, xo + n), oo);
    else for (let j = 0; j < n; j++) out[oo + j] = x[xo + j];
    for (let d = r - 2; d >= 0; d--) {
      oo += os[d];
      if (++idx[d] < shape[d]) break;
      oo -= os[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * To bool: x != 0 (NaN is true). Otherwise `TypedArray.set`, which converts exactly as an
 * element store: float to int32 truncates toward zero (NaN to 0, out-of-range wraps modulo
 * 2^32), float64 to float32 rounds to nearest, bool to number gives 0/1.
 */
export function cast(x: TypedArray, out: TypedArray): void {
  if (out instanceof Uint8Array && !(x instanceof Uint8Array)) {
    const n = out.length;
    for (let i = 0; i < n; i++) out[i] = x[i] !== 0 ? 1 : 0;
  } else out.set(x.length === out.length ? x : x.subarray(0, out.length));
}

export function select(
  cond: Uint8Array, condStrides: number[], a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[],
  outShape: number[], out: TypedArray,
): void {
  const c = collapse(outShape, [condStrides, aStrides, bStrides]);
  if (c.size === 0) return;
  const shape = c.shape;
  const [sc, sa, sb] = c.strides;
  const r = shape.length;
  const n = shape[r - 1];
  const ic = sc[r - 1], ia = sa[r - 1], ib = sb[r - 1];
  const idx = new Int32Array(r);
  let co = 0, ao = 0, bo = 0;
  for (let oo = 0; oo < c.size; oo += n) {
    if (ic === 1 && ia === 1 && ib === 1) {
      for (let j = 0; j < n; j++) out[oo + j] = cond[co + j] !== 0 ? a[ao + j] : b[bo + j];
    } else {
      for (let j = 0; j < n; j++) out[oo + j] = cond[co + j * ic] !== 0 ? a[ao + j * ia] : b[bo + j * ib];
    }
    for (let d = r - 2; d >= 0; d--) {
      co += sc[d]; ao += sa[d]; bo += sb[d];
      if (++idx[d] < shape[d]) break;
      co -= sc[d] * shape[d]; ao -= sa[d] * shape[d]; bo -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}
