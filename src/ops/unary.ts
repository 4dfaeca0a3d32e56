/**
 * Elementwise unary ops: one table entry per op with its doc, its dtypes and its gradient rule
 * (written in differentiable ops, so gradients of gradients work). To add an op: add its name
 * to `UnaryOp` in backend.ts, a loop in each backend's unary family, and an entry here.
 */
import type { UnaryOp } from '../backend/backend.js';
import { kernels, scalarUnary } from '../backend/select.js';
import { allocateOutput, isFloat } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { oneElementTensor, Tensor, toTensor, type TensorLike } from '../tensor.js';
import { add, div, mul, reluGrad, sub } from './binary.js';
import { greater } from './compare.js';
import { where } from './where.js';
import { zerosLike } from './create.js';
import { checkNumber } from '../validate.js';

interface UnarySpec {
  /** int32 allowed (otherwise float only). */
  int?: boolean;
  /** Gradient of the input given upstream dy, input x, output y; null: not differentiable. */
  grad: ((dy: Tensor, x: Tensor, y: Tensor, alpha: number) => Tensor) | null;
}


const UNARY: Record<UnaryOp, UnarySpec> = {
  neg: { int: true, grad: (dy) => neg(dy) },
  square: { int: true, grad: (dy, x) => mul(dy, mul(x, 2)) },
  sqrt: { grad: (dy, _x, y) => div(dy, mul(y, 2)) },
  // d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 y^3
  rsqrt: { grad: (dy, _x, y) => mul(dy, mul(mul(square(y), y), -0.5)) },
  exp: { grad: (dy, _x, y) => mul(dy, y) },
  log: { grad: (dy, x) => div(dy, x) },
  log1p: { grad: (dy, x) => div(dy, add(x, 1)) },
  abs: { int: true, grad: (dy, x) => mul(dy, sign(x)) },
  sign: { int: true, grad: (dy) => zerosLike(dy) },
  relu: { int: true, grad: (dy, x) => reluGrad(dy, x) },
  sigmoid: { grad: (dy, _x, y) => mul(dy, mul(y, sub(1, y))) },
  tanh: { grad: (dy, _x, y) => mul(dy, sub(1, square(y))) },
  softplus: { grad: (dy, x) => mul(dy, sigmoid(x)) },
  // elu(x) = x for x > 0, e^x - 1 otherwise, so elu'(x) = y + 1 there
  elu: { grad: (dy, x, y) => where(greater(x, 0), dy, mul(dy, add(y, 1))) },
  leakyRelu: { grad: (dy, x, _y, alpha) => where(greater(x, 0), dy, mul(dy, alpha)) },
  reciprocal: { grad: (dy, _x, y) => neg(mul(dy, square(y))) },
  floor: { grad: null },
  ceil: { grad: null },
  round: { grad: null },
};

interface UnaryEntry extends UnarySpec {
  op: UnaryOp;
  onFloats: (x: number, alpha: number) => number;
  onInts: (x: number, alpha: number) => number;
}

const entries = new Map<UnaryOp, UnaryEntry>();
function entry(op: UnaryOp): UnaryEntry {
  let e = entries.get(op);
  if (e === undefined) {
    e = { ...UNARY[op], op, onFloats: scalarUnary(op, false), onInts: scalarUnary(op, true) };
    entries.set(op, e);
  }
  return e;
}

function applyUnary(e: UnaryEntry, xLike: TensorLike, alpha: number): Tensor {
  const { op } = e;
  const x = toTensor(xLike, op, 'x');
  if (!isFloat(x.dtype) && !(e.int && x.dtype === 'int32')) {
    throw new TypeError(`${op}: x must be ${e.int ? 'float32, float64 or int32' : 'float32 or float64'}, got ${x.dtype}`);
  }
  let y: Tensor;
  if (x.size === 1) {
    y = oneElementTensor((x.dtype === 'int32' ? e.onInts : e.onFloats)(x.first(), alpha), x.shape.slice(), x.dtype);
  } else {
    const out = allocateOutput(x.dtype, x.size);
    kernels(x.size).unary(op, x.values, out, alpha);
    y = new Tensor(out, x.shape.slice(), x.dtype);
  }
  const grad = e.grad;
  if (grad && isRecording()) record([x], [y], ([dy]) => [grad(dy, x, y, alpha)]);
  return y;
}

/** @internal Runs a unary kernel and records its gradient. */
export function unaryOp(op: UnaryOp, xLike: TensorLike, alpha = 0): Tensor {
  return applyUnary(entry(op), xLike, alpha);
}

/** The op function for one table entry, resolved once. */
function unaryFunction(op: UnaryOp): (x: TensorLike) => Tensor {
  let e: UnaryEntry | undefined;
  return (x) => applyUnary((e ??= entry(op)), x, 0);
}

/** -x */
export const neg = unaryFunction('neg');
/** x² */
export const square = unaryFunction('square');
/** √x */
export const sqrt = unaryFunction('sqrt');
/** 1/√x */
export const rsqrt = unaryFunction('rsqrt');
/** eˣ */
export const exp = unaryFunction('exp');
/** Natural logarithm. */
export const log = unaryFunction('log');
/** log(1 + x), accurate for small x. */
export const log1p = unaryFunction('log1p');
/** |x|; its gradient at 0 is 0, as TF's. */
export const abs = unaryFunction('abs');
/** -1, 0 or 1 (NaN stays NaN). */
export const sign = unaryFunction('sign');
/** max(x, 0). */
export const relu = unaryFunction('relu');
/** 1 / (1 + e⁻ˣ), computed stably. */
export const sigmoid = unaryFunction('sigmoid');
/** Hyperbolic tangent. */
export const tanh = unaryFunction('tanh');
/** log(1 + eˣ), computed stably. */
export const softplus = unaryFunction('softplus');
/** x for x > 0, eˣ − 1 otherwise. */
export const elu = unaryFunction('elu');
/** x for x > 0, alpha·x otherwise (TF's default alpha is 0.2). */
export const leakyRelu = (x: TensorLike, alpha?: number | null) =>
  unaryOp('leakyRelu', x, alpha === undefined || alpha === null ? 0.2 : checkNumber(alpha, 'leakyRelu', 'alpha'));
/** 1/x */
export const reciprocal = unaryFunction('reciprocal');
/** Largest integer not above x (not differentiable). */
export const floor = unaryFunction('floor');
/** Smallest integer not below x (not differentiable). */
export const ceil = unaryFunction('ceil');
/** Round half to even, as TF (not differentiable). */
export const round = unaryFunction('round');
