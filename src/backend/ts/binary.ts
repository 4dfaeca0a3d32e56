/**
 * Binary elementwise kernels and comparisons with broadcasting through (0-)strides.
 * Each op is one scalar expression in `x` (from a) and `y` (from b) in `FLOAT`, with int32
 * overrides in `INT32`; comparisons yield 0/1 into a Uint8Array. The shape is collapsed
 * (`strided.ts`) and a loop generated per (op, input class, output class) runs the odometer
 * with four inner loops chosen per row: both contiguous, a contiguous with b fixed (scalar or
 * column broadcast), the reverse, and general strides. To add an op: one entry in `FLOAT`.
 */
import type { BinaryOp } from '../backend.js';
import type { FloatArray, TypedArray } from '../../dtype.js';
import { cls, collapse, compile, loopCache, odometerStep } from './strided.js';

const FLOAT: Record<BinaryOp, string> = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  pow: 'powC(x, y)',
  maximum: 'x > y || x !== x ? x : y', // NaN in either operand propagates
  minimum: 'x < y || x !== x ? x : y',
  reluGrad: 'x * +(y > 0)', // a multiply, so dy = NaN or ±inf where x <= 0 gives NaN, as dy·0
  equal: '+(x === y)', // +(bool) compiles branch-free; a ternary mispredicts on random data
  notEqual: '+(x !== y)',
  less: '+(x < y)',
  lessEqual: '+(x <= y)',
  greater: '+(x > y)',
  greaterEqual: '+(x >= y)',
};

/** int32: exact wrapping multiply, division truncating toward zero (x/0 = 0), integer power. */
const INT32: Partial<Record<BinaryOp, string>> = {
  mul: 'Math.imul(x, y)',
  div: 'y === 0 ? 0 : (x / y) | 0',
  pow: 'ipow(x, y)',
};

type BinaryLoop = (a: TypedArray, b: TypedArray, out: TypedArray, shape: number[], sa: number[], sb: number[], size: number) => void;

function source(op: BinaryOp, expr: string): string {
  const body = `out[oo + j] = ${expr};`;
  return `function binary_${op}(as, bs, out, shape, sa, sb, size) {
    const r = shape.length, n = shape[r - 1], ia = sa[r - 1], ib = sb[r - 1];
    const idx = r > 1 ? new Int32Array(r) : EMPTY_INDEX; // the odometer never touches it for one axis
    let ao = 0, bo = 0;
    for (let oo = 0; oo < size; oo += n) {
      if (ia === 1 && ib === 1) {
        for (let j = 0; j < n; j++) { const x = as[ao + j], y = bs[bo + j]; ${body} }
      } else if (ib === 0 && ia === 1) {
        const y = bs[bo];
        for (let j = 0; j < n; j++) { const x = as[ao + j]; ${body} }
      } else if (ia === 0 && ib === 1) {
        const x = as[ao];
        for (let j = 0; j < n; j++) { const y = bs[bo + j]; ${body} }
      } else {
        for (let j = 0; j < n; j++) { const x = as[ao + j * ia], y = bs[bo + j * ib]; ${body} }
      }
      ${odometerStep([['ao', 'sa'], ['bo', 'sb']])}
    }
  }`;
}

/** See `Backend.mulAdd`. Float32 products are rounded with fround; a double sum of two floats then rounds exactly as float32 addition. */
export function mulAdd(a: FloatArray, b: FloatArray, c: FloatArray, out: FloatArray): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    for (let i = 0; i < n; i++) out[i] = Math.fround(a[i] * b[i]) + c[i];
  } else {
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i] + c[i];
  }
}

const loops = loopCache<BinaryLoop>();

/**
 * The op on one pair of numbers, generated from the same expression as the loops: ops apply
 * it inline to one-element tensors (select.ts). Storing the result in the output's typed
 * array rounds or wraps it exactly as the loops' stores do.
 */
export function scalarBinary(op: BinaryOp, int32: boolean): (x: number, y: number) => number {
  const expr = (int32 ? INT32[op] : undefined) ?? FLOAT[op];
  return compile(`binary:${op}:scalar:${int32}`, () => `function binary_${op}_scalar(x, y) { return ${expr}; }`);
}
const ONE = [1];
const ZERO = [0];

export function binary(op: BinaryOp, a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void {
  const fn = loops(op, a, out, () => {
    const ac = cls(a);
    const expr = (ac === 'Int32Array' ? INT32[op] : undefined) ?? FLOAT[op];
    if (expr === undefined) throw new Error(`binary: unknown op ${op}`);
    return compile<BinaryLoop>(`binary:${op}:${ac}:${cls(out)}`, () => source(op, expr));
  });
  // One output element (scalars, the common case of tiny graphs): no shape planning needed.
  if (out.length === 1) return fn(a, b, out, ONE, ZERO, ZERO, 1);
  const c = collapse(outShape, [aStrides, bStrides]);
  if (c.size === 0) return;
  fn(a, b, out, c.shape, c.strides[0], c.strides[1], c.size);
}
