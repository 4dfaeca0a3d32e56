/**
 * Shared machinery of the TS kernels: dimension collapsing for strided loops, and the small
 * code generator that turns one-line scalar expressions into specialised loop functions.
 *
 * Every elementwise kernel runs the same plan: collapse the output shape (drop size-1 axes,
 * merge neighbours that every operand walks contiguously), then an odometer over all axes but
 * the last with the last axis as a tight loop. A same-shape op collapses to one axis, a
 * row or column broadcast to two, so those fast paths fall out of the plan.
 *
 * Generated loops (`compile`) are built once per (op, array class) and cached, so each
 * function only ever sees one typed-array class and V8 keeps its loads and stores
 * monomorphic. Expressions may call the helpers in `HELPERS` by name.
 */
import { erf, gelu } from './erf.js';

export interface Collapsed {
  /** Collapsed extents, outermost first; at least one axis unless `size` is 0. */
  shape: number[];
  /** One stride list per operand, aligned with `shape`. */
  strides: number[][];
  size: number;
}

/**
 * Drops size-1 axes and merges axis pairs (outer, inner) where every operand satisfies
 * stride[outer] === stride[inner]·extent[inner]. The output is assumed contiguous.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const k = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let q = 0; q < k; q++) outStrides.push([]);
  let size = 1;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    size *= n;
    if (n === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let q = 0; q < k && merge; q++) merge = outStrides[q][last] === strides[q][d] * n;
    if (merge) {
      outShape[last] *= n;
      for (let q = 0; q < k; q++) outStrides[q][last] = strides[q][d];
    } else {
      outShape.push(n);
      for (let q = 0; q < k; q++) outStrides[q].push(strides[q][d]);
    }
  }
  if (size === 0) return { shape: [], strides: outStrides.map(() => []), size: 0 };
  if (outShape.length === 0) {
    outShape.push(1);
    for (let q = 0; q < k; q++) outStrides[q].push(0);
  }
  return { shape: outShape, strides: outStrides, size };
}

/** Array-class name of a typed array, used in cache keys. */
export function cls(a: ArrayBufferView): string {
  return a.constructor.name;
}

/** 0…3 for Float32Array, Float64Array, Int32Array, Uint8Array: a cheap cache index. */
export function classIndex(a: ArrayBufferView): number {
  return a instanceof Float32Array ? 0 : a instanceof Float64Array ? 1 : a instanceof Int32Array ? 2 : 3;
}

/**
 * Per-op cache of generated loops indexed by (input class, output class), so the hot path
 * looks a loop up without building a string key; `build` runs once per slot.
 */
export function loopCache<F>(): (op: string, input: ArrayBufferView, output: ArrayBufferView, build: () => F) => F {
  const table: Record<string, F[]> = Object.create(null);
  return (op, input, output, build) => {
    const row = table[op] ?? (table[op] = []);
    const k = classIndex(input) * 4 + classIndex(output);
    return row[k] ?? (row[k] = build());
  };
}

/** C's pow: pow(1, y) = 1 and pow(-1, ±inf) = 1, where Math.pow gives NaN. */
function powC(x: number, y: number): number {
  const r = Math.pow(x, y);
  if (r !== r && (x === 1 || (x === -1 && (y === Infinity || y === -Infinity)))) return 1;
  return r;
}

/** Integer power with int32 wrap-around (square and multiply); negative exponents give 1/x^|y| truncated. */
function ipow(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? ((y & 1) === 0 ? 1 : -1) : 0;
  let r = 1;
  let b = x | 0;
  let e = y | 0;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    e >>>= 1;
  }
  return r;
}

/** 1/(1+e^-x) for x ≥ 0, e^x/(1+e^x) below: never overflows, keeps precision for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** max(x, 0) + log1p(e^-|x|): stable for large |x|. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Round half to even (banker's rounding), as TF and NumPy. */
function roundHalfEven(x: number): number {
  const r = Math.round(x); // half rounds up (toward +inf)
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Floored remainder (sign of the divisor), as TF's FloorMod: fmod, then moved into y's sign. */
function floorMod(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
}

/** int32 floored remainder; x mod 0 = 0 (TF raises; the kernel must not). */
function intFloorMod(x: number, y: number): number {
  if (y === 0) return 0;
  const r = x % y;
  return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
}

const EMPTY_INDEX = new Int32Array(0);

export const HELPERS = { powC, ipow, sigmoid, softplus, roundHalfEven, erf, gelu, floorMod, intFloorMod, EMPTY_INDEX } as const;
const HELPER_NAMES = Object.keys(HELPERS);
const HELPER_VALUES = HELPER_NAMES.map((k) => HELPERS[k as keyof typeof HELPERS]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => void;
const cache = new Map<string, AnyFn>();

/**
 * Returns the cached function for `key`, building it on first use from `source()`: the text
 * of a `function` expression that may use the helpers by name. One key per (op, path
 * family, array classes) keeps every generated function monomorphic.
 */
export function compile<F extends AnyFn>(key: string, source: () => string): F {
  let fn = cache.get(key);
  if (fn === undefined) {
    fn = new Function(...HELPER_NAMES, `"use strict"; return (${source()});`)(...HELPER_VALUES) as AnyFn;
    cache.set(key, fn);
  }
  return fn as F;
}

/**
 * Text of an odometer step over axes r-2 … 0 of `shape` (a collapsed shape whose last axis is
 * the inner loop): advances each offset variable in `offsets` by its stride array, carrying.
 * Uses the variables `r`, `shape` and `idx` of the enclosing generated function.
 */
export function odometerStep(offsets: readonly [string, string][]): string {
  const add = offsets.map(([v, s]) => `${v} += ${s}[d];`).join(' ');
  const sub = offsets.map(([v, s]) => `${v} -= ${s}[d] * shape[d];`).join(' ');
  return `for (let d = r - 2; d >= 0; d--) { ${add} if (++idx[d] < shape[d]) break; ${sub} idx[d] = 0; }`;
}
