/**
 * The float64 reference: NumPy semantics written as plain loops over flat row-major arrays,
 * independent of tapeflow's code (no shared helpers from src/). Every op case in
 * test/cases/ops.ts names one of these as its expected value. An `Arr` is a shape and its
 * values in float64 (ints and bools are stored as numbers; `cast` applies dtype rounding).
 *
 * To add an op: one function here, written with the index helpers below (coords/offset),
 * favouring obviousness over speed.
 */

export interface Arr {
  shape: number[];
  data: number[];
}

export const arr = (shape: number[], data: ArrayLike<number>): Arr => ({ shape: shape.slice(), data: Array.from(data) });

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Multi-index of flat position `flat` in `shape`. */
export function coords(flat: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    c[i] = shape[i] === 0 ? 0 : flat % shape[i];
    flat = shape[i] === 0 ? 0 : Math.floor(flat / shape[i]);
  }
  return c;
}

/** Flat position of multi-index `c` in `shape`. */
export function offset(c: readonly number[], shape: readonly number[]): number {
  let o = 0;
  for (let i = 0; i < shape.length; i++) o = o * shape[i] + c[i];
  return o;
}

const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

// ---------------------------------------------------------------------------------------------
// Broadcasting and elementwise ops

export function broadcastShape(...shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = i - (rank - s.length);
      const sd = k < 0 ? 1 : s[k];
      if (sd !== 1) {
        if (d !== 1 && d !== sd) throw new Error(`reference: cannot broadcast ${JSON.stringify(shapes)}`);
        d = sd;
      }
    }
    out.push(d);
  }
  return out;
}

/** The element of `a` that position `c` (in a broadcast shape of rank >= a's) reads. */
function readBroadcast(a: Arr, c: readonly number[]): number {
  const lead = c.length - a.shape.length;
  let o = 0;
  for (let i = 0; i < a.shape.length; i++) o = o * a.shape[i] + (a.shape[i] === 1 ? 0 : c[lead + i]);
  return a.data[o];
}

export function map(a: Arr, f: (x: number) => number): Arr {
  return { shape: a.shape.slice(), data: a.data.map(f) };
}

export function zip(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  const shape = broadcastShape(a.shape, b.shape);
  const n = sizeOf(shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const c = coords(i, shape);
    data[i] = f(readBroadcast(a, c), readBroadcast(b, c));
  }
  return { shape, data };
}

export function where(cond: Arr, a: Arr, b: Arr): Arr {
  const shape = broadcastShape(cond.shape, a.shape, b.shape);
  const n = sizeOf(shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const c = coords(i, shape);
    data[i] = readBroadcast(cond, c) ? readBroadcast(a, c) : readBroadcast(b, c);
  }
  return { shape, data };
}

export function broadcastTo(a: Arr, shape: number[]): Arr {
  const n = sizeOf(shape);
  const data = new Array<number>(n);
  for (let i = 0; i < n; i++) data[i] = readBroadcast(a, coords(i, shape));
  return { shape: shape.slice(), data };
}

// Scalar functions, float64, in their textbook form.
export const fns = {
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  softplus: (x: number) => (x > 30 ? x : Math.log(1 + Math.exp(x))),
  elu: (x: number) => (x > 0 ? x : Math.exp(x) - 1),
  leakyRelu: (alpha: number) => (x: number) => (x > 0 ? x : alpha * x),
  relu: (x: number) => (x > 0 ? x : Number.isNaN(x) ? NaN : 0), // NaN propagates (TF >= 2.4)
  sign: (x: number) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0),
  /** Round half to even (NumPy, TF). */
  round: (x: number) => {
    const f = Math.floor(x);
    const d = x - f;
    if (d < 0.5) return f;
    if (d > 0.5) return f + 1;
    return f % 2 === 0 ? f : f + 1;
  },
  maximum: (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  minimum: (x: number, y: number) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  /**
   * erf by its Maclaurin series 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)) (a different method from
   * the kernels'); loses about log10(e^(x²)) digits to cancellation, so only for |x| ≤ 3.
   */
  erf: (x: number) => {
    if (Math.abs(x) > 3) throw new Error(`reference erf: |x| = ${Math.abs(x)} is outside the series' accurate range`);
    let term = x, sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-18; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  },
  /**
   * erfc: 1 − erf for |x| <= 2; above, Laplace's continued fraction erfc x = e^(−x²)/√π ·
   * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (100 levels: converged to double there, checked
   * against mpmath); 2 − erfc(−x) below −2. Keeps its relative accuracy in the far tail.
   */
  erfc: (x: number): number => {
    if (x < -2) return 2 - fns.erfc(-x);
    if (x <= 2) return 1 - fns.erf(x);
    let f = 0;
    for (let n = 100; n >= 1; n--) f = n / 2 / (x + f);
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f);
  },
  gelu: (x: number) => 0.5 * x * (1 + fns.erf(x / Math.SQRT2)), // Keras 3, approximate=False
  geluTanh: (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))), // approximate=True
  silu: (x: number) => x / (1 + Math.exp(-x)),
  relu6: (x: number) => (Number.isNaN(x) ? NaN : Math.min(Math.max(x, 0), 6)),
  // TF's selu constants: alpha = 1.6732632423543772848, scale = 1.0507009873554804934
  selu: (x: number) => 1.0507009873554804934 * (x > 0 ? x : 1.6732632423543772848 * (Math.exp(x) - 1)),
  softsign: (x: number) => x / (1 + Math.abs(x)),
  logSigmoid: (x: number) => Math.log(1 / (1 + Math.exp(-x))),
  hardSigmoid: (x: number) => Math.min(Math.max(x + 3, 0), 6) / 6, // Keras 3: relu6(x + 3) / 6
  /** NumPy/TF floor_mod: x − floor(x / y)·y computed exactly as fmod moved into y's sign. */
  mod: (x: number, y: number) => {
    const r = x % y;
    return r !== 0 && r < 0 !== y < 0 ? r + y : r;
  },
  floorDiv: (x: number, y: number) => Math.floor(x / y),
};

/** Dtype rounding of a value, as storing it in that dtype does (int: truncation toward 0). */
export function roundTo(dtype: string, x: number): number {
  switch (dtype) {
    case 'float32': return Math.fround(x);
    // ±inf appear only as identities of empty reductions: TF gives the int32 extremes there.
    case 'int32': return x === Infinity ? 2147483647 : x === -Infinity ? -2147483648 : Number.isNaN(x) ? 0 : Math.trunc(x) | 0;
    case 'bool': return x !== 0 ? 1 : 0;
    default: return x;
  }
}

export const cast = (a: Arr, dtype: string): Arr => map(a, (x) => roundTo(dtype, x));

// ---------------------------------------------------------------------------------------------
// Reductions

function axesOf(axis: number | number[] | undefined | null, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => normAxis(a, rank)))];
}

/** Generic reduction: groups elements by their non-reduced coordinates and folds each group. */
export function reduce(a: Arr, axis: number | number[] | undefined | null, keepDims: boolean, fold: (xs: number[]) => number): Arr {
  const axes = axesOf(axis, a.shape.length);
  const keptShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  for (let i = 0; i < a.data.length; i++) {
    const c = coords(i, a.shape).map((ci, k) => (axes.includes(k) ? 0 : ci));
    groups[offset(c, keptShape)].push(a.data[i]);
  }
  const shape = keepDims ? keptShape : a.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: groups.map(fold) };
}

const add = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
export const sum = (a: Arr, axis?: number | number[] | null, keepDims = false) => reduce(a, axis, keepDims, add);
export const prod = (a: Arr, axis?: number | number[] | null, keepDims = false) => reduce(a, axis, keepDims, (xs) => xs.reduce((p, x) => p * x, 1));
export const mean = (a: Arr, axis?: number | number[] | null, keepDims = false) => reduce(a, axis, keepDims, (xs) => add(xs) / xs.length);
export const max = (a: Arr, axis?: number | number[] | null, keepDims = false) => reduce(a, axis, keepDims, (xs) => xs.reduce((m, x) => fns.maximum(m, x), -Infinity));
export const min = (a: Arr, axis?: number | number[] | null, keepDims = false) => reduce(a, axis, keepDims, (xs) => xs.reduce((m, x) => fns.minimum(m, x), Infinity));
export const logSumExp = (a: Arr, axis?: number | number[] | null, keepDims = false) =>
  reduce(a, axis, keepDims, (xs) => {
    const m = xs.reduce((mm, x) => Math.max(mm, x), -Infinity);
    if (m === -Infinity) return -Infinity;
    return m + Math.log(add(xs.map((x) => Math.exp(x - m))));
  });

/** Index of the first extreme element along `axis` (NumPy/TF: first occurrence). */
export function argReduce(a: Arr, axis: number, better: (x: number, best: number) => boolean): Arr {
  const ax = normAxis(axis, a.shape.length);
  const outShape = a.shape.filter((_, i) => i !== ax);
  const n = sizeOf(outShape);
  const data = new Array<number>(n);
  for (let o = 0; o < n; o++) {
    const c = coords(o, outShape);
    let best = 0;
    let bestVal = NaN;
    for (let k = 0; k < a.shape[ax]; k++) {
      const full = [...c.slice(0, ax), k, ...c.slice(ax)];
      const v = a.data[offset(full, a.shape)];
      if (k === 0 || better(v, bestVal)) {
        best = k;
        bestVal = v;
      }
    }
    data[o] = best;
  }
  return { shape: outShape, data };
}
export const argMax = (a: Arr, axis = 0) => argReduce(a, axis, (x, b) => x > b);
export const argMin = (a: Arr, axis = 0) => argReduce(a, axis, (x, b) => x < b);

/** exp(x − logSumExp(x)) along `axis`. */
export function softmax(a: Arr, axis = -1): Arr {
  const lse = logSumExp(a, axis, true);
  return zip(a, lse, (x, l) => Math.exp(x - l));
}
export function logSoftmax(a: Arr, axis = -1): Arr {
  const lse = logSumExp(a, axis, true);
  return zip(a, lse, (x, l) => x - l);
}

export const clipByValue = (a: Arr, lo: number, hi: number) => map(a, (x) => Math.min(Math.max(x, lo), hi));

// ---------------------------------------------------------------------------------------------
// Linear algebra

/** Matrix product over the last two axes, batch dims broadcast (NumPy matmul with transposes). */
export function matmul(a: Arr, b: Arr, transposeA = false, transposeB = false): Arr {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [m, k] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [k2, n] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (k !== k2) throw new Error('reference matmul: inner dimensions differ');
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShape(aBatch, bBatch);
  const outShape = [...batchShape, m, n];
  const data = new Array<number>(sizeOf(outShape)).fill(0);
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape);
    const bc = c.slice(0, -2);
    const i = c[c.length - 2];
    const j = c[c.length - 1];
    let s = 0;
    for (let p = 0; p < k; p++) {
      const ai = transposeA ? [p, i] : [i, p];
      const bi = transposeB ? [j, p] : [p, j];
      s += readBroadcast(a, [...bc, ...ai]) * readBroadcast(b, [...bc, ...bi]);
    }
    data[o] = s;
  }
  return { shape: outShape, data };
}

// ---------------------------------------------------------------------------------------------
// Shape and data movement

export const reshape = (a: Arr, shape: number[]): Arr => {
  const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  return { shape: shape.map((d) => (d === -1 ? a.data.length / known : d)), data: a.data.slice() };
};

export function transpose(a: Arr, perm?: number[]): Arr {
  const r = a.shape.length;
  const p = perm ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  const outShape = p.map((ax) => a.shape[ax]);
  const data = new Array<number>(a.data.length);
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape);
    const src = new Array<number>(r);
    for (let i = 0; i < r; i++) src[p[i]] = c[i];
    data[o] = a.data[offset(src, a.shape)];
  }
  return { shape: outShape, data };
}

export function expandDims(a: Arr, axis = 0): Arr {
  const shape = a.shape.slice();
  shape.splice(normAxis(axis, a.shape.length + 1), 0, 1);
  return { shape, data: a.data.slice() };
}

export function squeeze(a: Arr, axis?: number | number[]): Arr {
  const axes = axis === undefined ? a.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : axesOf(axis, a.shape.length);
  return { shape: a.shape.filter((_, i) => !axes.includes(i)), data: a.data.slice() };
}

export function slice(a: Arr, begin: number[], size: number[]): Arr {
  const outShape = size.map((s, i) => (s === -1 ? a.shape[i] - begin[i] : s));
  const data = new Array<number>(sizeOf(outShape));
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape).map((ci, i) => ci + begin[i]);
    data[o] = a.data[offset(c, a.shape)];
  }
  return { shape: outShape, data };
}

export function pad(a: Arr, paddings: [number, number][], value = 0): Arr {
  const outShape = a.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const data = new Array<number>(sizeOf(outShape));
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape).map((ci, i) => ci - paddings[i][0]);
    const inside = c.every((ci, i) => ci >= 0 && ci < a.shape[i]);
    data[o] = inside ? a.data[offset(c, a.shape)] : value;
  }
  return { shape: outShape, data };
}

export function tile(a: Arr, reps: number[]): Arr {
  const outShape = a.shape.map((d, i) => d * reps[i]);
  const data = new Array<number>(sizeOf(outShape));
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape).map((ci, i) => ci % a.shape[i]);
    data[o] = a.data[offset(c, a.shape)];
  }
  return { shape: outShape, data };
}

export function gather(a: Arr, indices: Arr, axis = 0): Arr {
  const ax = normAxis(axis, a.shape.length);
  const outShape = [...a.shape.slice(0, ax), ...indices.shape, ...a.shape.slice(ax + 1)];
  const data = new Array<number>(sizeOf(outShape));
  const ir = indices.shape.length;
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape);
    const idx = indices.data[offset(c.slice(ax, ax + ir), indices.shape)];
    data[o] = a.data[offset([...c.slice(0, ax), idx, ...c.slice(ax + ir)], a.shape)];
  }
  return { shape: outShape, data };
}

export function concat(xs: Arr[], axis = 0): Arr {
  const ax = normAxis(axis, xs[0].shape.length);
  const outShape = xs[0].shape.slice();
  outShape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
  const data = new Array<number>(sizeOf(outShape));
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape);
    let k = c[ax];
    let t = 0;
    while (k >= xs[t].shape[ax]) k -= xs[t++].shape[ax];
    const src = c.slice();
    src[ax] = k;
    data[o] = xs[t].data[offset(src, xs[t].shape)];
  }
  return { shape: outShape, data };
}

export const stack = (xs: Arr[], axis = 0): Arr => concat(xs.map((x) => expandDims(x, axis)), normAxis(axis, xs[0].shape.length + 1));

export function split(a: Arr, numOrSizes: number | number[], axis = 0): Arr[] {
  const ax = normAxis(axis, a.shape.length);
  const sizes = typeof numOrSizes === 'number' ? new Array(numOrSizes).fill(a.shape[ax] / numOrSizes) : numOrSizes.slice();
  const free = sizes.indexOf(-1);
  if (free >= 0) sizes[free] = a.shape[ax] - sizes.reduce((s, v, i) => (i === free ? s : s + v), 0);
  let start = 0;
  return sizes.map((s) => {
    const begin = a.shape.map((_, i) => (i === ax ? start : 0));
    const size = a.shape.map((d, i) => (i === ax ? s : d));
    start += s;
    return slice(a, begin, size);
  });
}

/** TF's one_hot: out-of-range indices give an all-off row. */
export function oneHot(indices: Arr, depth: number, on = 1, off = 0): Arr {
  const data: number[] = [];
  for (const j of indices.data) for (let k = 0; k < depth; k++) data.push(k === j ? on : off);
  return { shape: [...indices.shape, depth], data };
}

// ---------------------------------------------------------------------------------------------
// Scans, selection, logical reductions, reverse, norms and moments

/** Position of element j along `axis` for the lane of flat element `flat` (same other coords). */
function along(a: Arr, flat: number, axis: number, j: number): number {
  const c = coords(flat, a.shape);
  c[axis] = j;
  return offset(c, a.shape);
}

/** tf.math.cumsum / cumprod: out[j] = x[0] ⊕ … ⊕ x[j] (exclusive: up to j − 1; reverse: from the end). */
export function scan(a: Arr, axis: number, exclusive: boolean, reverse: boolean, op: 'sum' | 'prod'): Arr {
  const ax = normAxis(axis, a.shape.length);
  const n = a.shape[ax];
  const data = a.data.map((_, flat) => {
    const j = coords(flat, a.shape)[ax];
    let acc = op === 'sum' ? 0 : 1;
    for (let t = 0; t < n; t++) {
      const inRange = reverse ? (exclusive ? t > j : t >= j) : exclusive ? t < j : t <= j;
      if (!inRange) continue;
      const v = a.data[along(a, flat, ax, t)];
      acc = op === 'sum' ? acc + v : acc * v;
    }
    return acc;
  });
  return { shape: a.shape.slice(), data };
}
export const cumsum = (a: Arr, axis = 0, exclusive = false, reverse = false) => scan(a, axis, exclusive, reverse, 'sum');
export const cumprod = (a: Arr, axis = 0, exclusive = false, reverse = false) => scan(a, axis, exclusive, reverse, 'prod');

/** Rows of the last axis as (value, index) pairs sorted stably; NaN is the largest value. */
function sortedRows(a: Arr, descending: boolean): { values: number[]; indices: number[] }[] {
  const n = a.shape[a.shape.length - 1];
  const rows = n === 0 ? sizeOf(a.shape.slice(0, -1)) : a.data.length / n;
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const out = [];
  for (let r = 0; r < rows; r++) {
    const pairs = Array.from({ length: n }, (_, j) => ({ v: a.data[r * n + j], j }));
    pairs.sort((p, q) => {
      const pn = Number.isNaN(p.v), qn = Number.isNaN(q.v);
      let c = pn && qn ? 0 : pn ? 1 : qn ? -1 : key(p.v) - key(q.v);
      if (descending) c = -c;
      return c !== 0 ? c : p.j - q.j;
    });
    out.push({ values: pairs.map((p) => p.v), indices: pairs.map((p) => p.j) });
  }
  return out;
}

export function topK(a: Arr, k = 1): [Arr, Arr] {
  const shape = [...a.shape.slice(0, -1), k];
  const rows = sortedRows(a, true);
  return [
    { shape, data: rows.flatMap((r) => r.values.slice(0, k)) },
    { shape: shape.slice(), data: rows.flatMap((r) => r.indices.slice(0, k)) },
  ];
}
export const sort = (a: Arr, descending = false): Arr => ({ shape: a.shape.slice(), data: sortedRows(a, descending).flatMap((r) => r.values) });
export const argsort = (a: Arr, descending = false): Arr => ({ shape: a.shape.slice(), data: sortedRows(a, descending).flatMap((r) => r.indices) });

export const any = (a: Arr, axis?: number | number[] | null, keepDims = false) => reduce(a, axis, keepDims, (xs) => (xs.some((x) => x !== 0) ? 1 : 0));
export const all = (a: Arr, axis?: number | number[] | null, keepDims = false) => reduce(a, axis, keepDims, (xs) => (xs.every((x) => x !== 0) ? 1 : 0));

export function reverse(a: Arr, axes: number[]): Arr {
  const ax = axes.map((x) => normAxis(x, a.shape.length));
  const data = a.data.map((_, flat) => {
    const c = coords(flat, a.shape).map((v, i) => (ax.includes(i) ? a.shape[i] - 1 - v : v));
    return a.data[offset(c, a.shape)];
  });
  return { shape: a.shape.slice(), data };
}

/** tf.norm: vector p-norms over one axis (or all elements), matrix norms over two axes. */
export function norm(a: Arr, ord: string | number = 'euclidean', axis?: number | number[] | null, keepDims = false): Arr {
  const rank = a.shape.length;
  if (Array.isArray(axis) && axis.length === 2) {
    const [r, c] = axis.map((x) => normAxis(x, rank));
    if (ord === 'fro' || ord === 'euclidean') return map(reduce(map(a, (x) => x * x), [r, c], keepDims, add), Math.sqrt);
    // 1: largest column sum of |x| (sum over rows first); Infinity: largest row sum.
    const inner = ord === 1 ? r : c;
    const outer = ord === 1 ? c : r;
    const sums = reduce(map(a, Math.abs), inner, true, add);
    const m = reduce(sums, outer, true, (xs) => Math.max(...xs));
    return keepDims ? m : reshape(m, a.shape.filter((_, i) => i !== r && i !== c));
  }
  const fold = ord === 1 ? (xs: number[]) => add(xs.map(Math.abs))
    : ord === Infinity ? (xs: number[]) => Math.max(...xs.map(Math.abs))
    : typeof ord === 'number' && ord !== 2 ? (xs: number[]) => add(xs.map((x) => Math.abs(x) ** ord)) ** (1 / ord)
    : (xs: number[]) => Math.sqrt(add(xs.map((x) => x * x)));
  return reduce(a, axis, keepDims, fold);
}

export function moments(a: Arr, axes: number[], keepDims = false): [Arr, Arr] {
  const m = reduce(a, axes, keepDims, (xs) => add(xs) / xs.length);
  const v = reduce(a, axes, keepDims, (xs) => {
    const mu = add(xs) / xs.length;
    return add(xs.map((x) => (x - mu) ** 2)) / xs.length;
  });
  return [m, v];
}

// ---------------------------------------------------------------------------------------------
// einsum and indexing

/** einsum by brute force: every assignment of every label, the product of the operands' entries. */
export function einsum(equation: string, ...xs: Arr[]): Arr {
  const [lhs, out] = equation.replace(/\s/g, '').split('->');
  const terms = lhs.split(',');
  const size: Record<string, number> = {};
  terms.forEach((t, q) => [...t].forEach((l, i) => (size[l] = xs[q].shape[i])));
  const labels = Object.keys(size);
  const outShape = [...out].map((l) => size[l]);
  const data = new Array<number>(sizeOf(outShape)).fill(0);
  const total = sizeOf(labels.map((l) => size[l]));
  for (let f = 0; f < total; f++) {
    const c = coords(f, labels.map((l) => size[l]));
    const val: Record<string, number> = {};
    labels.forEach((l, i) => (val[l] = c[i]));
    let p = 1;
    terms.forEach((t, q) => (p *= xs[q].data[offset([...t].map((l) => val[l]), xs[q].shape)]));
    data[offset([...out].map((l) => val[l]), outShape)] += p;
  }
  return { shape: outShape, data };
}

/** tf.gather_nd: the last axis of `indices` indexes the leading axes of x. */
export function gatherND(a: Arr, indices: Arr): Arr {
  const m = indices.shape[indices.shape.length - 1];
  const lead = indices.shape.slice(0, -1);
  const rest = a.shape.slice(m);
  const outShape = [...lead, ...rest];
  const data = new Array<number>(sizeOf(outShape));
  for (let o = 0; o < data.length; o++) {
    const c = coords(o, outShape);
    const li = offset(c.slice(0, lead.length), lead);
    const idx = indices.data.slice(li * m, li * m + m);
    data[o] = a.data[offset([...idx, ...c.slice(lead.length)], a.shape)];
  }
  return { shape: outShape, data };
}

/** tf.scatter_nd: zeros of `shape`, updates added at the index tuples (duplicates sum). */
export function scatterND(indices: Arr, updates: Arr, shape: number[]): Arr {
  const m = indices.shape[indices.shape.length - 1];
  const lead = indices.shape.slice(0, -1);
  const data = new Array<number>(sizeOf(shape)).fill(0);
  for (let u = 0; u < updates.data.length; u++) {
    const c = coords(u, updates.shape);
    const li = offset(c.slice(0, lead.length), lead);
    const idx = indices.data.slice(li * m, li * m + m);
    data[offset([...idx, ...c.slice(lead.length)], shape)] += updates.data[u];
  }
  return { shape: shape.slice(), data };
}

/** tf.math.unsorted_segment_sum: out[s] = Σ x[i] over segmentIds[i] == s (negative ids dropped). */
export function unsortedSegmentSum(a: Arr, ids: Arr, numSegments: number): Arr {
  const k = ids.shape.length;
  const rest = a.shape.slice(k);
  const outShape = [numSegments, ...rest];
  const data = new Array<number>(sizeOf(outShape)).fill(0);
  const inner = sizeOf(rest);
  for (let i = 0; i < ids.data.length; i++) {
    const s = ids.data[i];
    if (s < 0) continue;
    for (let r = 0; r < inner; r++) data[s * inner + r] += a.data[i * inner + r];
  }
  return { shape: outShape, data };
}

/** tf.boolean_mask: the entries (or slices) of x where the mask (a leading-axes prefix) is true. */
export function booleanMask(a: Arr, mask: Arr): Arr {
  const k = mask.shape.length;
  const rest = a.shape.slice(k);
  const inner = sizeOf(rest);
  const data: number[] = [];
  let count = 0;
  mask.data.forEach((m, i) => {
    if (!m) return;
    count++;
    for (let r = 0; r < inner; r++) data.push(a.data[i * inner + r]);
  });
  return { shape: [count, ...rest], data };
}

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * First mismatch between `actual` and `expected` under |a − e| ≤ tol · max(1, |e|) (NaN matches
 * NaN, infinities must match exactly), or null when all match. Shapes must be equal.
 */
export function mismatch(actual: { shape: number[]; data: ArrayLike<number> }, expected: Arr, tol: number): string | null {
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) {
    return `shape ${JSON.stringify(actual.shape)}, expected ${JSON.stringify(expected.shape)}`;
  }
  if (actual.data.length !== expected.data.length) return `length ${actual.data.length}, expected ${expected.data.length}`;
  let bad = 0;
  let first = '';
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    if (!ok) {
      if (bad === 0) first = `[${coords(i, expected.shape).join(',')}]: got ${a}, expected ${e}`;
      bad++;
    }
  }
  return bad === 0 ? null : `${bad} of ${expected.data.length} elements differ (tol ${tol}); first at ${first}`;
}

// ---------------------------------------------------------------------------------------------
// Convolution and pooling (NHWC), direct loops over every output, window and channel.

/** Pads [top, bottom, left, right] for 'same' (TF: total = max((ceil(in/s) − 1)·s + (k − 1)·d + 1 − in, 0), less before), 'valid' or explicit. */
export function convPads(pad: 'same' | 'valid' | number[][], inH: number, inW: number, kh: number, kw: number, strides: number[], dilations: number[]): number[] {
  if (pad === 'valid') return [0, 0, 0, 0];
  if (pad !== 'same') return [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
  const one = (n: number, k: number, s: number, d: number) => {
    const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  return [...one(inH, kh, strides[0], dilations[0]), ...one(inW, kw, strides[1], dilations[1])];
}

/** x [N,H,W,C] (or [H,W,C]); filter [fh,fw,C,O] (depthwise: [fh,fw,C,M], output channel c·M + m). */
export function conv2d(x: Arr, w: Arr, strides: number[], pads: number[], dilations: number[], depthwise = false): Arr {
  const single = x.shape.length === 3;
  const [N, H, W, C] = single ? [1, ...x.shape] : x.shape;
  const [fh, fw, , Q] = w.shape;
  const O = depthwise ? C * Q : Q;
  const Ho = Math.floor((H + pads[0] + pads[1] - (fh - 1) * dilations[0] - 1) / strides[0]) + 1;
  const Wo = Math.floor((W + pads[2] + pads[3] - (fw - 1) * dilations[1] - 1) / strides[1]) + 1;
  const out = new Array<number>(N * Ho * Wo * O).fill(0);
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++)
        for (let o = 0; o < O; o++) {
          let s = 0;
          for (let kh = 0; kh < fh; kh++)
            for (let kw = 0; kw < fw; kw++) {
              const ih = oh * strides[0] - pads[0] + kh * dilations[0];
              const iw = ow * strides[1] - pads[2] + kw * dilations[1];
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              if (depthwise) {
                const c = Math.floor(o / Q), m = o % Q;
                s += x.data[((n * H + ih) * W + iw) * C + c] * w.data[((kh * fw + kw) * C + c) * Q + m];
              } else {
                for (let c = 0; c < C; c++) s += x.data[((n * H + ih) * W + iw) * C + c] * w.data[((kh * fw + kw) * C + c) * O + o];
              }
            }
          out[((n * Ho + oh) * Wo + ow) * O + o] = s;
        }
  return arr(single ? [Ho, Wo, O] : [N, Ho, Wo, O], out);
}

/** conv2dTranspose by its definition: each x element scatters x·filter into the output window it came from. filter [fh,fw,O,C]. */
export function conv2dTranspose(x: Arr, w: Arr, outShape: number[], strides: number[], pads: number[]): Arr {
  const single = x.shape.length === 3;
  const [N, H, W, C] = single ? [1, ...x.shape] : x.shape;
  const [Ho, Wo, O] = single ? outShape : outShape.slice(1);
  const [fh, fw] = w.shape;
  const out = new Array<number>(N * Ho * Wo * O).fill(0);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let ww = 0; ww < W; ww++)
        for (let c = 0; c < C; c++)
          for (let kh = 0; kh < fh; kh++)
            for (let kw = 0; kw < fw; kw++) {
              const oh = h * strides[0] - pads[0] + kh, ow = ww * strides[1] - pads[2] + kw;
              if (oh < 0 || oh >= Ho || ow < 0 || ow >= Wo) continue;
              for (let o = 0; o < O; o++) out[((n * Ho + oh) * Wo + ow) * O + o] += x.data[((n * H + h) * W + ww) * C + c] * w.data[((kh * fw + kw) * O + o) * C + c];
            }
  return arr(single ? [Ho, Wo, O] : [N, Ho, Wo, O], out);
}

/** Max or mean over the window positions inside x (mean divides by their count). */
export function pool(op: 'max' | 'avg', x: Arr, size: number[], strides: number[], pads: number[]): Arr {
  const single = x.shape.length === 3;
  const [N, H, W, C] = single ? [1, ...x.shape] : x.shape;
  const Ho = Math.floor((H + pads[0] + pads[1] - size[0]) / strides[0]) + 1;
  const Wo = Math.floor((W + pads[2] + pads[3] - size[1]) / strides[1]) + 1;
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < Ho; oh++)
      for (let ow = 0; ow < Wo; ow++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity, sum = 0, count = 0;
          for (let kh = 0; kh < size[0]; kh++)
            for (let kw = 0; kw < size[1]; kw++) {
              const ih = oh * strides[0] - pads[0] + kh, iw = ow * strides[1] - pads[2] + kw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              const v = x.data[((n * H + ih) * W + iw) * C + c];
              best = Math.max(best, v);
              sum += v;
              count++;
            }
          out.push(op === 'max' ? best : sum / count);
        }
  return arr(single ? [Ho, Wo, C] : [N, Ho, Wo, C], out);
}

// ---------------------------------------------------------------------------------------------
// Attention

/**
 * Scaled dot-product attention by its definition: q [B,T,N,H], k [B,S,K,H], v [B,S,K,Hv] →
 * [B,T,N,Hv]; query head n reads key/value head ⌊n·K/N⌋; a disallowed key's logit is −1e9 (so a
 * row with nothing allowed averages every value, as Keras' masked softmax does).
 */
export function dotProductAttention(q: Arr, k: Arr, v: Arr, scale: number, allowed: (b: number, n: number, t: number, s: number) => boolean = () => true): Arr {
  const [B, T, N, H] = q.shape, [, S, K] = k.shape, Hv = v.shape[3];
  const out = new Array<number>(B * T * N * Hv).fill(0);
  for (let b = 0; b < B; b++) for (let n = 0; n < N; n++) {
    const g = Math.floor(n / (N / K));
    for (let t = 0; t < T; t++) {
      const logits = Array.from({ length: S }, (_, s) => {
        if (!allowed(b, n, t, s)) return -1e9;
        let dot = 0;
        for (let h = 0; h < H; h++) dot += q.data[((b * T + t) * N + n) * H + h] * k.data[((b * S + s) * K + g) * H + h];
        return scale * dot;
      });
      const m = Math.max(...logits); // shifted first: −1e9 + log S would round in logSumExp
      const p = softmax(arr([S], logits.map((l) => l - m))).data;
      for (let s = 0; s < S; s++) for (let h = 0; h < Hv; h++) out[((b * T + t) * N + n) * Hv + h] += p[s] * v.data[((b * S + s) * K + g) * Hv + h];
    }
  }
  return arr([B, T, N, Hv], out);
}
