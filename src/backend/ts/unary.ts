/**
 * Unary elementwise kernels: out[i] = f(x[i]) over contiguous arrays of one dtype.
 * Each op is one line in `FLOAT` (a scalar expression in `x`, with `alpha` for leakyRelu);
 * int32 entries that differ (wrap-around integer arithmetic) go in `INT32`. A loop function
 * is generated per (op, array class) on first use. To add an op: add it to `UnaryOp` in
 * `backend.ts` and one expression here (and to the native table).
 */
import type { UnaryOp } from '../backend.js';
import type { TypedArray } from '../../dtype.js';
import { cls, compile, loopCache } from './strided.js';

const FLOAT: Record<UnaryOp, string> = {
  neg: '-x',
  square: 'x * x',
  sqrt: 'Math.sqrt(x)',
  rsqrt: '1 / Math.sqrt(x)',
  exp: 'Math.exp(x)',
  log: 'Math.log(x)',
  log1p: 'Math.log1p(x)',
  abs: 'Math.abs(x)',
  sign: 'x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x', // sign(±0) = 0, sign(NaN) = NaN
  relu: 'x > 0 || x !== x ? x : 0', // relu(NaN) = NaN
  sigmoid: 'sigmoid(x)',
  tanh: 'Math.tanh(x)',
  softplus: 'softplus(x)',
  elu: 'x > 0 ? x : Math.expm1(x)',
  leakyRelu: 'x > 0 ? x : alpha * x', // TF: where(x > 0, x, alpha·x)
  reciprocal: '1 / x',
  floor: 'Math.floor(x)',
  ceil: 'Math.ceil(x)',
  round: 'roundHalfEven(x)',
};

/** int32 wraps like C++: -INT_MIN stays INT_MIN (the store does it), squares use imul. */
const INT32: Partial<Record<UnaryOp, string>> = {
  square: 'Math.imul(x, x)',
};

type UnaryLoop = (x: TypedArray, out: TypedArray, alpha: number) => void;

const loops = loopCache<UnaryLoop>();

/** The op on one number, generated from the same expression as the loops (see `scalarBinary`). */
export function scalarUnary(op: UnaryOp, int32: boolean): (x: number, alpha: number) => number {
  const expr = (int32 ? INT32[op] : undefined) ?? FLOAT[op];
  return compile(`unary:${op}:scalar:${int32}`, () => `function unary_${op}_scalar(x, alpha) { return ${expr}; }`);
}

export function unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void {
  const fn = loops(op, x, out, () => {
    const xc = cls(x);
    const expr = (xc === 'Int32Array' ? INT32[op] : undefined) ?? FLOAT[op];
    if (expr === undefined) throw new Error(`unary: unknown op ${op}`);
    return compile<UnaryLoop>(`unary:${op}:${xc}:${cls(out)}`, () => `function unary_${op}(xs, out, alpha) {
      const n = out.length;
      for (let i = 0; i < n; i++) { const x = xs[i]; out[i] = ${expr}; }
    }`);
  });
  fn(x, out, alpha);
}
