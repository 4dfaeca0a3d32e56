/**
 * Unary elementwise kernels: out[i] = f(x[i]) over contiguous arrays of one dtype.
 *
 * `UNARY_KERNELS` is the one list of unary kernels: its keys are the `UnaryOp` names. Each entry
 * is a scalar expression in `x` (and `alpha`, the op's one parameter) evaluated in double and
 * stored into the output array, which rounds float32 and truncates int32 as the native side
 * does. `int32` gives the wrap-around integer form where the double one would differ, or
 * `false` where int32 is not an input the op takes. `ieee: true` marks an expression that is
 * one correctly rounded operation, so every backend must agree with it bit for bit (the native
 * comparison test holds the others to a few ulp).
 *
 * To add an op: one entry here; its op (gradient, doc) goes in src/ops/unary.ts and its native
 * row in native/kernels/unary.cc (see CONTRIBUTING.md).
 */
import type { TypedArray } from '../../dtype.js';
import { cls, compile, loopCache } from './strided.js';

interface UnaryKernel {
  readonly f: string;
  /** The int32 expression when it differs from `f`; false: the op takes no int32 input. */
  readonly int32?: string | false;
  readonly ieee?: true;
}

export const UNARY_KERNELS = {
  neg: { f: '-x', ieee: true },
  square: { f: 'x * x', int32: 'Math.imul(x, x)', ieee: true },
  sqrt: { f: 'Math.sqrt(x)', int32: false, ieee: true },
  rsqrt: { f: '1 / Math.sqrt(x)', int32: false },
  exp: { f: 'Math.exp(x)', int32: false },
  log: { f: 'Math.log(x)', int32: false },
  log1p: { f: 'Math.log1p(x)', int32: false },
  abs: { f: 'Math.abs(x)', ieee: true },
  sign: { f: 'x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x', ieee: true }, // sign(±0) = 0, sign(NaN) = NaN
  relu: { f: 'x > 0 || x !== x ? x : 0', ieee: true }, // relu(NaN) = NaN
  sigmoid: { f: 'sigmoid(x)', int32: false },
  tanh: { f: 'Math.tanh(x)', int32: false },
  softplus: { f: 'softplus(x)', int32: false },
  elu: { f: 'x > 0 ? x : Math.expm1(x)', int32: false },
  leakyRelu: { f: 'x > 0 ? x : alpha * x', int32: false }, // TF: where(x > 0, x, alpha·x)
  reciprocal: { f: '1 / x', int32: false, ieee: true },
  floor: { f: 'Math.floor(x)', int32: false, ieee: true },
  ceil: { f: 'Math.ceil(x)', int32: false, ieee: true },
  round: { f: 'roundHalfEven(x)', ieee: true }, // int32 unchanged, as TF's Round
  sin: { f: 'Math.sin(x)', int32: false },
  cos: { f: 'Math.cos(x)', int32: false },
  tan: { f: 'Math.tan(x)', int32: false },
  asin: { f: 'Math.asin(x)', int32: false },
  acos: { f: 'Math.acos(x)', int32: false },
  atan: { f: 'Math.atan(x)', int32: false },
  sinh: { f: 'Math.sinh(x)', int32: false },
  cosh: { f: 'Math.cosh(x)', int32: false },
  asinh: { f: 'Math.asinh(x)', int32: false },
  acosh: { f: 'Math.acosh(x)', int32: false },
  atanh: { f: 'Math.atanh(x)', int32: false },
  erf: { f: 'erf(x)', int32: false },
  expm1: { f: 'Math.expm1(x)', int32: false },
  log2: { f: 'Math.log2(x)', int32: false },
  gelu: { f: 'gelu(x)', int32: false }, // exact (erf) form; the tanh form is a composite in src/ops
  silu: { f: 'x * sigmoid(x)', int32: false },
  relu6: { f: 'x > 0 ? (x < 6 ? x : 6) : x !== x ? x : 0', ieee: true }, // relu6(NaN) = NaN
  // scale·x for x > 0, scale·alpha·(eˣ − 1) otherwise (Klambauer et al.'s constants, as TF)
  selu: { f: 'x > 0 ? 1.0507009873554805 * x : 1.7580993408473766 * Math.expm1(x)', int32: false },
  softsign: { f: 'x / (1 + Math.abs(x))', int32: false },
  logSigmoid: { f: '-softplus(-x)', int32: false },
  hardSigmoid: { f: 'x <= -3 ? 0 : x >= 3 ? 1 : (x + 3) / 6', int32: false }, // Keras 3: relu6(x + 3) / 6
} as const satisfies Record<string, UnaryKernel>;

export type UnaryOp = keyof typeof UNARY_KERNELS;

const kernelOf = (op: string): UnaryKernel | undefined => (UNARY_KERNELS as Record<string, UnaryKernel>)[op];

/** The expression for `op` on int32 (true) or float input, or undefined where there is none. */
function expression(op: string, int32: boolean): string | undefined {
  const k = kernelOf(op);
  if (k === undefined) return undefined;
  if (!int32) return k.f;
  return k.int32 === false ? undefined : k.int32 ?? k.f;
}

/** True when the op has an int32 kernel (ops without one take float input only). */
export function unaryTakesInt32(op: UnaryOp): boolean {
  return expression(op, true) !== undefined;
}

/** True when the kernel is one correctly rounded IEEE operation (see the header). */
export function unaryIsIeee(op: UnaryOp): boolean {
  return kernelOf(op)?.ieee === true;
}

type UnaryLoop = (x: TypedArray, out: TypedArray, alpha: number) => void;

const loops = loopCache<UnaryLoop>();

/** The op on one number, generated from the same expression as the loops (see `scalarBinary`). */
export function scalarUnary(op: UnaryOp, int32: boolean): (x: number, alpha: number) => number {
  const expr = expression(op, int32) ?? kernelOf(op)?.f;
  if (expr === undefined) throw new Error(`unary: unknown op ${op}`);
  return compile(`unary:${op}:scalar:${int32}`, () => `function unary_${op}_scalar(x, alpha) { return ${expr}; }`);
}

export function unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void {
  const fn = loops(op, x, out, () => {
    const xc = cls(x);
    // int32 input of a float-only op (reached only from the kernel tests): the float expression.
    const expr = (xc === 'Int32Array' ? expression(op, true) : undefined) ?? kernelOf(op)?.f;
    if (expr === undefined) throw new Error(`unary: unknown op ${op}`);
    return compile<UnaryLoop>(`unary:${op}:${xc}:${cls(out)}`, () => `function unary_${op}(xs, out, alpha) {
      const n = out.length;
      for (let i = 0; i < n; i++) { const x = xs[i]; out[i] = ${expr}; }
    }`);
  });
  fn(x, out, alpha);
}
