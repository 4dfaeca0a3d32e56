/**
 * Scans (cumsum, cumprod) and selection (topK: also sort and argsort) along one axis.
 *
 * `scan` views x as [outer, n, inner]. With inner = 1 each row is one sequential running sum;
 * otherwise a row of `inner` accumulators (Float64Array for floats, Int32Array for int32)
 * walks the n slices in order, so memory is read contiguously. Floats accumulate in double and
 * each partial is stored rounded to the dtype; int32 wraps. native/kernels/scan.cc does the same
 * arithmetic in the same order, so the two backends agree bit for bit.
 *
 * `topK` orders by the total order "before(a, b)": a's value comes first in the requested
 * direction, ties by lower index, NaN larger than any number. Small k keeps a sorted buffer
 * of the best k seen (one comparison with the worst for most elements); large k sorts the
 * row's indices. To add a scan: a branch in `scanRow`/`scanLanes` (combine and identity).
 */
import type { ScanOp } from '../backend.js';
import type { TypedArray } from '../../dtype.js';

let laneScratchF = new Float64Array(64);
let laneScratchI = new Int32Array(64);

export function scan(op: ScanOp, x: TypedArray, outer: number, n: number, inner: number, exclusive: boolean, reverse: boolean, out: TypedArray): void {
  if (op !== 'cumsum' && op !== 'cumprod') throw new Error(`scan: unknown op ${op}`);
  if (outer * n * inner === 0) return;
  const prod = op === 'cumprod';
  const isInt = x instanceof Int32Array;
  const step = reverse ? -1 : 1;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const first = reverse ? o * n + n - 1 : o * n;
      if (isInt) scanRowInt(x, out, first, step, n, prod, exclusive);
      else scanRowFloat(x, out, first, step, n, prod, exclusive);
    }
    return;
  }
  let acc: Float64Array | Int32Array;
  if (isInt) {
    if (laneScratchI.length < inner) laneScratchI = new Int32Array(inner);
    acc = laneScratchI;
  } else {
    if (laneScratchF.length < inner) laneScratchF = new Float64Array(inner);
    acc = laneScratchF;
  }
  for (let o = 0; o < outer; o++) {
    acc.fill(prod ? 1 : 0, 0, inner);
    for (let t = 0; t < n; t++) {
      const j = reverse ? n - 1 - t : t;
      const base = (o * n + j) * inner;
      if (isInt) {
        const a = acc as Int32Array;
        if (exclusive) {
          if (prod) for (let i = 0; i < inner; i++) { out[base + i] = a[i]; a[i] = Math.imul(a[i], x[base + i]); }
          else for (let i = 0; i < inner; i++) { out[base + i] = a[i]; a[i] = (a[i] + x[base + i]) | 0; }
        } else if (prod) for (let i = 0; i < inner; i++) out[base + i] = a[i] = Math.imul(a[i], x[base + i]);
        else for (let i = 0; i < inner; i++) out[base + i] = a[i] = (a[i] + x[base + i]) | 0;
      } else {
        const a = acc as Float64Array;
        if (exclusive) {
          if (prod) for (let i = 0; i < inner; i++) { out[base + i] = a[i]; a[i] *= x[base + i]; }
          else for (let i = 0; i < inner; i++) { out[base + i] = a[i]; a[i] += x[base + i]; }
        } else if (prod) for (let i = 0; i < inner; i++) out[base + i] = a[i] *= x[base + i];
        else for (let i = 0; i < inner; i++) out[base + i] = a[i] += x[base + i];
      }
    }
  }
}

function scanRowFloat(x: TypedArray, out: TypedArray, first: number, step: number, n: number, prod: boolean, exclusive: boolean): void {
  let acc = prod ? 1 : 0;
  let p = first;
  if (exclusive) {
    if (prod) for (let t = 0; t < n; t++, p += step) { out[p] = acc; acc *= x[p]; }
    else for (let t = 0; t < n; t++, p += step) { out[p] = acc; acc += x[p]; }
  } else if (prod) for (let t = 0; t < n; t++, p += step) { acc *= x[p]; out[p] = acc; }
  else for (let t = 0; t < n; t++, p += step) { acc += x[p]; out[p] = acc; }
}

function scanRowInt(x: TypedArray, out: TypedArray, first: number, step: number, n: number, prod: boolean, exclusive: boolean): void {
  let acc = prod ? 1 : 0;
  let p = first;
  if (exclusive) {
    if (prod) for (let t = 0; t < n; t++, p += step) { out[p] = acc; acc = Math.imul(acc, x[p]); }
    else for (let t = 0; t < n; t++, p += step) { out[p] = acc; acc = (acc + x[p]) | 0; }
  } else if (prod) for (let t = 0; t < n; t++, p += step) { acc = Math.imul(acc, x[p]); out[p] = acc; }
  else for (let t = 0; t < n; t++, p += step) { acc = (acc + x[p]) | 0; out[p] = acc; }
}

// ---------------------------------------------------------------------------------------------
// topK

/** Above this fraction of the row, topK sorts all indices instead of keeping a buffer. */
const SORT_FRACTION = 16;

export function topK(x: TypedArray, rows: number, n: number, k: number, descending: boolean, values: TypedArray, indices: Int32Array): void {
  if (k > n || k < 0) throw new Error(`topK: k = ${k} is not in [0, ${n}]`);
  if (rows === 0 || k === 0) return;
  // before(a, b) for values va, vb at indices ia < ib or ia > ib: NaN is largest.
  const sign = descending ? 1 : -1;
  /** > 0 when value a comes first, < 0 when b does, 0 on equal values (NaN equals NaN). */
  const cmpValues = (a: number, b: number): number => {
    if (a === b) return 0;
    if (a !== a) return b !== b ? 0 : sign;
    if (b !== b) return -sign;
    return a > b ? sign : -sign;
  };
  if (k * SORT_FRACTION >= n) {
    const order = new Int32Array(n);
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      for (let j = 0; j < n; j++) order[j] = j;
      order.sort((a, b) => -cmpValues(x[base + a], x[base + b]) || a - b);
      for (let j = 0; j < k; j++) {
        indices[r * k + j] = order[j];
        values[r * k + j] = x[base + order[j]];
      }
    }
    return;
  }
  // A sorted buffer of the best k (values as doubles, and their indices).
  const bv = new Float64Array(k);
  const bi = new Int32Array(k);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let filled = 0;
    for (let j = 0; j < n; j++) {
      const v = x[base + j];
      // Later indices lose ties, so j enters only if strictly before the worst kept value.
      if (filled === k && cmpValues(v, bv[k - 1]) <= 0) continue;
      let pos = filled < k ? filled++ : k - 1;
      while (pos > 0 && cmpValues(v, bv[pos - 1]) > 0) {
        bv[pos] = bv[pos - 1];
        bi[pos] = bi[pos - 1];
        pos--;
      }
      bv[pos] = v;
      bi[pos] = j;
    }
    for (let j = 0; j < k; j++) {
      indices[r * k + j] = bi[j];
      values[r * k + j] = bv[j];
    }
  }
}
