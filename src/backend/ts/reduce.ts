/**
 * Reductions over a set of axes (`reduce`) and arg-reductions along one axis (`argReduce`).
 *
 * `reduce` collapses the input into alternating kept/reduced axis groups (size-1 axes
 * dropped), then runs one generated loop per (op, input class): a full reduction is one pass
 * with four partial accumulators; otherwise an odometer walks the input rows, and each row
 * is either folded into one output cell (last axis reduced: trailing-axes fast path) or
 * combined elementwise into an output row (last axis kept: leading-axes fast path).
 * Accumulation happens in a Float64Array for floats (float32 sums are stored rounded once at
 * the end) and an Int32Array for integers (wrap-around as C++). To add an op: an entry in
 * `OPS` (the combine expression in `s` and `v`, and its identity per dtype).
 */
import type { ArgReduceOp, ReduceOp } from '../backend.js';
import type { TypedArray } from '../../dtype.js';
import { cls, compile, odometerStep } from './strided.js';

interface ReduceDef {
  /** New accumulator from accumulator `s` and value `v`. */
  float: string;
  int?: string;
  /** Identity: the result over an empty axis (TF). */
  floatInit: number;
  intInit: number;
}

const OPS: Record<ReduceOp, ReduceDef> = {
  sum: { float: 's + v', floatInit: 0, intInit: 0 },
  prod: { float: 's * v', int: 'Math.imul(s, v)', floatInit: 1, intInit: 1 },
  max: { float: 'v > s || v !== v ? v : s', floatInit: -Infinity, intInit: -2147483648 }, // NaN sticks: v > NaN is false
  min: { float: 'v < s || v !== v ? v : s', floatInit: Infinity, intInit: 2147483647 },
};

type ReduceLoop = (x: TypedArray, acc: Float64Array | Int32Array, shape: number[], reduced: boolean[], os: number[], size: number, ident: Float64Array | Int32Array) => void;

function source(op: ReduceOp, e: string): string {
  /** `acc = acc ⊕ value` as a statement, binding the value once. */
  const step = (acc: string, value: string) => `{ const v = ${value}; ${acc} = (${e.replace(/\bs\b/g, acc)}); }`;
  // The identity arrives in a one-element typed array of the accumulator's class: read from
  // there it is an unboxed double (or int32), so the partial sums stay in registers. A plain
  // number parameter would be a tagged value and box the accumulators (5x slower, measured).
  return `function reduce_${op}(xs, acc, shape, reduced, os, size, ident) {
    const r = shape.length, n = shape[r - 1], init = ident[0];
    if (r === 1 && reduced[0]) {
      let s0 = acc[0], s1 = init, s2 = init, s3 = init, j = 0;
      for (; j + 4 <= n; j += 4) {
        ${step('s0', 'xs[j]')} ${step('s1', 'xs[j + 1]')}
        ${step('s2', 'xs[j + 2]')} ${step('s3', 'xs[j + 3]')}
      }
      for (; j < n; j++) ${step('s0', 'xs[j]')}
      ${step('s0', 's1')} ${step('s2', 's3')} ${step('s0', 's2')}
      acc[0] = s0;
      return;
    }
    const idx = new Int32Array(r);
    const lastReduced = reduced[r - 1];
    let oo = 0;
    for (let xo = 0; xo < size; xo += n) {
      if (lastReduced) {
        let s0 = acc[oo], s1 = init, j = 0;
        for (; j + 2 <= n; j += 2) { ${step('s0', 'xs[xo + j]')} ${step('s1', 'xs[xo + j + 1]')} }
        if (j < n) ${step('s0', 'xs[xo + j]')}
        ${step('s0', 's1')}
        acc[oo] = s0;
      } else {
        for (let j = 0; j < n; j++) { let s = acc[oo + j]; ${step('s', 'xs[xo + j]')} acc[oo + j] = s; }
      }
      ${odometerStep([['oo', 'os']])}
    }
  }`;
}

let f64Scratch = new Float64Array(256);
let i32Scratch = new Int32Array(256);
const identF64 = new Float64Array(1);
const identI32 = new Int32Array(1);

export function reduce(op: ReduceOp, x: TypedArray, shape: number[], axes: number[], out: TypedArray): void {
  const def = OPS[op];
  if (def === undefined) throw new Error(`reduce: unknown op ${op}`);
  const isFloat = x instanceof Float32Array || x instanceof Float64Array;
  const init = isFloat ? def.floatInit : x instanceof Uint8Array && op === 'min' ? 1 : x instanceof Uint8Array && op === 'max' ? 0 : def.intInit;
  const outSize = out.length;
  if (outSize === 0) return;
  // Accumulator: out itself when it has the accumulation type, else a growing scratch.
  let acc: Float64Array | Int32Array;
  if (isFloat) {
    if (out instanceof Float64Array) acc = out;
    else {
      if (f64Scratch.length < outSize) f64Scratch = new Float64Array(outSize);
      acc = f64Scratch.subarray(0, outSize);
    }
  } else if (out instanceof Int32Array) acc = out;
  else {
    if (i32Scratch.length < outSize) i32Scratch = new Int32Array(outSize);
    acc = i32Scratch.subarray(0, outSize);
  }
  acc.fill(init);

  // Collapse: drop size-1 axes, merge neighbours with the same kept/reduced status.
  const cShape: number[] = [];
  const cReduced: boolean[] = [];
  let size = 1;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    size *= n;
    if (n === 1) continue;
    const red = axes.includes(d);
    const last = cShape.length - 1;
    if (last >= 0 && cReduced[last] === red) cShape[last] *= n;
    else {
      cShape.push(n);
      cReduced.push(red);
    }
  }
  if (size > 0) {
    if (cShape.length === 0) {
      cShape.push(1);
      cReduced.push(false);
    }
    // Accumulator strides: contiguous over kept groups, 0 over reduced ones.
    const os = new Array<number>(cShape.length);
    let s = 1;
    for (let d = cShape.length - 1; d >= 0; d--) {
      os[d] = cReduced[d] ? 0 : s;
      if (!cReduced[d]) s *= cShape[d];
    }
    const xc = cls(x);
    const intAcc = !(acc instanceof Float64Array);
    const fn = compile<ReduceLoop>(`reduce:${op}:${xc}:${intAcc ? 'i' : 'f'}`, () => source(op, (intAcc ? def.int : undefined) ?? def.float));
    const ident = intAcc ? identI32 : identF64;
    ident[0] = init;
    fn(x, acc, cShape, cReduced, os, size, ident);
  }
  if (acc !== out) out.set(acc);
}

/**
 * Index of the max (min) along `axis`: first index on ties; the first NaN wins (NumPy).
 * x viewed as [outer, axisSize, inner]; inner === 1 scans contiguous rows, otherwise the
 * running best of a whole inner row is kept in a scratch row and updated row by row.
 */
export function argReduce(op: ArgReduceOp, x: TypedArray, shape: number[], axis: number, out: Int32Array): void {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const len = shape[axis];
  if (outer * inner === 0) return;
  if (len === 0) {
    out.fill(0, 0, outer * inner);
    return;
  }
  const isMax = op === 'argMax';
  if (!isMax && op !== 'argMin') throw new Error(`argReduce: unknown op ${op}`);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * len;
      let best = x[base];
      let bi = 0;
      if (best === best) {
        if (isMax) {
          for (let j = 1; j < len; j++) {
            const v = x[base + j];
            if (v > best || v !== v) { best = v; bi = j; if (v !== v) break; }
          }
        } else {
          for (let j = 1; j < len; j++) {
            const v = x[base + j];
            if (v < best || v !== v) { best = v; bi = j; if (v !== v) break; }
          }
        }
      }
      out[o] = bi;
    }
    return;
  }
  if (argScratch.length < inner) argScratch = new Float64Array(inner);
  const best = argScratch;
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    const ob = o * inner;
    for (let i = 0; i < inner; i++) {
      best[i] = x[base + i];
      out[ob + i] = 0;
    }
    for (let j = 1; j < len; j++) {
      const row = base + j * inner;
      if (isMax) {
        for (let i = 0; i < inner; i++) {
          const v = x[row + i];
          const b = best[i];
          if (v > b || (v !== v && b === b)) { best[i] = v; out[ob + i] = j; }
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const v = x[row + i];
          const b = best[i];
          if (v < b || (v !== v && b === b)) { best[i] = v; out[ob + i] = j; }
        }
      }
    }
  }
}
let argScratch = new Float64Array(64);
