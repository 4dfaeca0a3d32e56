/**
 * Convolution and pooling kernels of the TS backend (NHWC). A convolution is im2col into the
 * TS GEMM (./matmul.ts): rows of the output (batch, oh, ow) are cut into tiles of at most
 * TILE_ELEMENTS im2col values; each tile's patches are copied row by row ([fh·fw·inC] per
 * output position, zeros where the window leaves the input) and multiplied by the filter seen as
 * [fh·fw·inC, outC]. The backward passes are the same GEMM transposed: dfilter = colᵀ·dy summed
 * over tiles, dcol = dy·filterᵀ scattered back (col2im). A 1x1 stride-1 unpadded convolution is
 * one GEMM on x itself. Depthwise convolution and pooling are direct loops whose innermost loop
 * runs over contiguous channels. To add a windowed kernel, follow `pool`: loop over output
 * positions, clip the window once, and keep channels innermost.
 */
import type { Conv2DArgs, PoolArgs, PoolOp } from '../backend.js';
import type { FloatArray } from '../../dtype.js';
import { matmul } from './matmul.js';

/** im2col values per tile: 2^16 doubles (512 KiB) keeps a tile and its GEMM panels cache-resident. */
const TILE_ELEMENTS = 1 << 16;

const like = (x: FloatArray, n: number): FloatArray => (x instanceof Float32Array ? new Float32Array(n) : new Float64Array(n));

function pointwise(g: Conv2DArgs): boolean {
  return g.fh === 1 && g.fw === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 && g.outH === g.inH && g.outW === g.inW;
}

function gemm(a: FloatArray, b: FloatArray, out: FloatArray, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void {
  matmul(a, b, out, { batch: 1, m, n, k, transposeA, transposeB, aBatchStride: 0, bBatchStride: 0 });
}

/** Copies the patches of output rows [r0, r1) into col ([r1 − r0, fh·fw·inC]); `add` does the reverse (col2im, summing). */
function patches(x: FloatArray, g: Conv2DArgs, r0: number, r1: number, col: FloatArray, add: boolean): void {
  const { inH, inW, inC, outH, outW, fh, fw, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  let o = 0;
  for (let r = r0; r < r1; r++) {
    const ow = r % outW;
    const t = (r - ow) / outW;
    const oh = t % outH;
    const n = (t - oh) / outH;
    const ih0 = oh * strideH - padTop;
    const iw0 = ow * strideW - padLeft;
    for (let kh = 0; kh < fh; kh++) {
      const ih = ih0 + kh * dilationH;
      if (ih < 0 || ih >= inH) {
        if (!add) col.fill(0, o, o + fw * inC);
        o += fw * inC;
        continue;
      }
      const rowBase = (n * inH + ih) * inW;
      for (let kw = 0; kw < fw; kw++, o += inC) {
        const iw = iw0 + kw * dilationW;
        if (iw < 0 || iw >= inW) {
          if (!add) col.fill(0, o, o + inC);
          continue;
        }
        const xb = (rowBase + iw) * inC;
        if (add) for (let c = 0; c < inC; c++) x[xb + c] += col[o + c];
        else if (inC >= 16) col.set(x.subarray(xb, xb + inC), o);
        else for (let c = 0; c < inC; c++) col[o + c] = x[xb + c];
      }
    }
  }
}

function tileRows(k: number): number {
  return Math.max(1, Math.floor(TILE_ELEMENTS / Math.max(k, 1)));
}

export function conv2d(x: FloatArray, filter: FloatArray, out: FloatArray, g: Conv2DArgs): void {
  if (g.depthwise) return depthwise(x, filter, out, g, 'forward');
  const k = g.fh * g.fw * g.inC, n = g.outC, m = g.batch * g.outH * g.outW;
  if (pointwise(g)) return gemm(x, filter, out, m, n, k, false, false);
  const rows = tileRows(k);
  const col = like(x, Math.min(rows, m) * k);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r1 = Math.min(m, r0 + rows);
    patches(x, g, r0, r1, col, false);
    gemm(col, filter, out.subarray(r0 * n, r1 * n), r1 - r0, n, k, false, false);
  }
}

export function conv2dBackpropInput(dy: FloatArray, filter: FloatArray, dx: FloatArray, g: Conv2DArgs): void {
  if (g.depthwise) return depthwise(dx, filter, dy, g, 'input');
  const k = g.fh * g.fw * g.inC, n = g.outC, m = g.batch * g.outH * g.outW;
  if (pointwise(g)) return gemm(dy, filter, dx, m, k, n, false, true);
  dx.fill(0);
  const rows = tileRows(k);
  const col = like(dx, Math.min(rows, m) * k);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r1 = Math.min(m, r0 + rows);
    gemm(dy.subarray(r0 * n, r1 * n), filter, col, r1 - r0, k, n, false, true);
    patches(dx, g, r0, r1, col, true);
  }
}

export function conv2dBackpropFilter(x: FloatArray, dy: FloatArray, dfilter: FloatArray, g: Conv2DArgs): void {
  if (g.depthwise) return depthwise(x, dfilter, dy, g, 'filter');
  const k = g.fh * g.fw * g.inC, n = g.outC, m = g.batch * g.outH * g.outW;
  if (pointwise(g)) return gemm(x, dy, dfilter, k, n, m, true, false);
  dfilter.fill(0);
  const rows = tileRows(k);
  const col = like(x, Math.min(rows, m) * k);
  const part = like(x, k * n);
  for (let r0 = 0; r0 < m; r0 += rows) {
    const r1 = Math.min(m, r0 + rows);
    patches(x, g, r0, r1, col, false);
    gemm(col, dy.subarray(r0 * n, r1 * n), part, k, n, r1 - r0, true, false);
    for (let i = 0; i < part.length; i++) dfilter[i] += part[i];
  }
}

/**
 * Depthwise convolution, one loop nest for the three passes: out[q] of channel c·mult + q pairs
 * with x channel c and filter [kh, kw, c, q]. 'forward' writes y (here `y`), 'input' writes x
 * (dx) and 'filter' writes the filter (summed in float64, then stored).
 */
function depthwise(x: FloatArray, w: FloatArray, y: FloatArray, g: Conv2DArgs, pass: 'forward' | 'input' | 'filter'): void {
  const { batch, inH, inW, inC, outH, outW, outC, fh, fw, strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  const mult = inC === 0 ? 0 : outC / inC;
  const acc = pass === 'filter' ? new Float64Array(w.length) : null;
  if (pass === 'forward') y.fill(0);
  if (pass === 'input') x.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const yb = ((n * outH + oh) * outW + ow) * outC;
        for (let kh = 0; kh < fh; kh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          if (ih < 0 || ih >= inH) continue;
          for (let kw = 0; kw < fw; kw++) {
            const iw = ow * strideW - padLeft + kw * dilationW;
            if (iw < 0 || iw >= inW) continue;
            const xb = ((n * inH + ih) * inW + iw) * inC;
            const wb = (kh * fw + kw) * outC;
            if (pass === 'forward') {
              if (mult === 1) for (let c = 0; c < inC; c++) y[yb + c] += x[xb + c] * w[wb + c];
              else for (let c = 0; c < inC; c++) for (let q = 0; q < mult; q++) y[yb + c * mult + q] += x[xb + c] * w[wb + c * mult + q];
            } else if (pass === 'input') {
              if (mult === 1) for (let c = 0; c < inC; c++) x[xb + c] += y[yb + c] * w[wb + c];
              else for (let c = 0; c < inC; c++) { let s = 0; for (let q = 0; q < mult; q++) s += y[yb + c * mult + q] * w[wb + c * mult + q]; x[xb + c] += s; }
            } else {
              const a = acc as Float64Array;
              if (mult === 1) for (let c = 0; c < inC; c++) a[wb + c] += x[xb + c] * y[yb + c];
              else for (let c = 0; c < inC; c++) for (let q = 0; q < mult; q++) a[wb + c * mult + q] += x[xb + c] * y[yb + c * mult + q];
            }
          }
        }
      }
    }
  }
  if (acc) w.set(acc);
}

/** Calls fn(outBase, h0, h1, w0, w1) per output position with its window clipped to the input. */
function eachWindow(g: PoolArgs, fn: (outBase: number, n: number, h0: number, h1: number, w0: number, w1: number) => void): void {
  const { batch, inH, inW, channels, outH, outW, fh, fw, strideH, strideW, padTop, padLeft } = g;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const hs = oh * strideH - padTop;
      const h0 = Math.max(hs, 0), h1 = Math.min(hs + fh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const ws = ow * strideW - padLeft;
        fn(((n * outH + oh) * outW + ow) * channels, n, h0, h1, Math.max(ws, 0), Math.min(ws + fw, inW));
      }
    }
  }
}

export function pool(op: PoolOp, x: FloatArray, out: FloatArray, g: PoolArgs): void {
  const { inH, inW, channels: C } = g;
  const acc = new Float64Array(C);
  eachWindow(g, (ob, n, h0, h1, w0, w1) => {
    acc.fill(op === 'max' ? -Infinity : 0);
    for (let ih = h0; ih < h1; ih++) {
      for (let iw = w0; iw < w1; iw++) {
        const xb = ((n * inH + ih) * inW + iw) * C;
        if (op === 'max') for (let c = 0; c < C; c++) { const v = x[xb + c]; if (v > acc[c]) acc[c] = v; }
        else for (let c = 0; c < C; c++) acc[c] += x[xb + c];
      }
    }
    const scale = op === 'max' ? 1 : 1 / ((h1 - h0) * (w1 - w0));
    for (let c = 0; c < C; c++) out[ob + c] = acc[c] * scale;
  });
}

export function avgPoolBackprop(dy: FloatArray, dx: FloatArray, g: PoolArgs): void {
  const { inH, inW, channels: C } = g;
  dx.fill(0);
  eachWindow(g, (ob, n, h0, h1, w0, w1) => {
    const scale = 1 / ((h1 - h0) * (w1 - w0));
    for (let ih = h0; ih < h1; ih++) {
      for (let iw = w0; iw < w1; iw++) {
        const xb = ((n * inH + ih) * inW + iw) * C;
        for (let c = 0; c < C; c++) dx[xb + c] += dy[ob + c] * scale;
      }
    }
  });
}

export function maxPoolBackprop(x: FloatArray, dy: FloatArray, dx: FloatArray, g: PoolArgs): void {
  const at = new Int32Array(dy.length);
  maxPoolArgmax(x, at, g);
  dx.fill(0);
  for (let q = 0; q < at.length; q++) dx[at[q]] += dy[q];
}

export function maxPoolArgmax(x: FloatArray, out: Int32Array, g: PoolArgs): void {
  const { inH, inW, channels: C } = g;
  const best = new Float64Array(C);
  eachWindow(g, (ob, n, h0, h1, w0, w1) => {
    best.fill(-Infinity);
    const first = ((n * inH + h0) * inW + w0) * C;
    for (let c = 0; c < C; c++) out[ob + c] = first + c;
    for (let ih = h0; ih < h1; ih++) {
      for (let iw = w0; iw < w1; iw++) {
        const xb = ((n * inH + ih) * inW + iw) * C;
        for (let c = 0; c < C; c++) {
          const v = x[xb + c];
          if (v > best[c]) { best[c] = v; out[ob + c] = xb + c; }
        }
      }
    }
  });
}
