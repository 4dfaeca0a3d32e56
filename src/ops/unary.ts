/**
 * Elementwise unary ops: one table entry per op with its doc, its dtypes and its gradient rule
 * (written in differentiable ops, so gradients of gradients work). To add an op: add its name
 * to `UnaryOp` in backend.ts, a loop in each backend's unary family, and an entry here.
 */
import type { UnaryOp } from '../backend/backend.js';
import { kernels } from '../backend/select.js';
import { allocateOutput, isFloat } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { greater } from './compare.js';
import { cast } from './cast.js';
import { where } from './where.js';
import { zerosLike } from './create.js';

interface UnarySpec {
  /** int32 allowed (otherwise float only). */
  int?: boolean;
  /** Gradient of the input given upstream dy, input x, output y; null: not differentiable. */
  grad: ((dy: Tensor, x: Tensor, y: Tensor, alpha: number) => Tensor) | null;
}

const positive = (x: Tensor) => cast(greater(x, 0), x.dtype);

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
  relu: { int: true, grad: (dy, x) => mul(dy, positive(x)) },
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

/** @internal Runs a unary kernel and records its gradient. */
export function unaryOp(op: UnaryOp, xLike: TensorLike, alpha = 0): Tensor {
  const x = toTensor(xLike, op, 'x');
  const spec = UNARY[op];
  if (!isFloat(x.dtype) && !(spec.int && x.dtype === 'int32')) {
    throw new TypeError(`${op}: x must be ${spec.int ? 'float32, float64 or int32' : 'float32 or float64'}, got ${x.dtype}`);
  }
  const out = allocateOutput(x.dtype, x.size);
  kernels(x.size).unary(op, x.values, out, alpha);
  const y = new Tensor(out, x.shape.slice(), x.dtype);
  const grad = spec.grad;
  if (grad && isRecording()) record([x], [y], ([dy]) => [grad(dy, x, y, alpha)]);
  return y;
}

/** -x */
export const neg = (x: TensorLike) => unaryOp('neg', x);
/** x² */
export const square = (x: TensorLike) => unaryOp('square', x);
/** √x */
export const sqrt = (x: TensorLike) => unaryOp('sqrt', x);
/** 1/√x */
export const rsqrt = (x: TensorLike) => unaryOp('rsqrt', x);
/** eˣ */
export const exp = (x: TensorLike) => unaryOp('exp', x);
/** Natural logarithm. */
export const log = (x: TensorLike) => unaryOp('log', x);
/** log(1 + x), accurate for small x. */
export const log1p = (x: TensorLike) => unaryOp('log1p', x);
/** |x|; its gradient at 0 is 0, as TF's. */
export const abs = (x: TensorLike) => unaryOp('abs', x);
/** -1, 0 or 1 (NaN stays NaN). */
export const sign = (x: TensorLike) => unaryOp('sign', x);
/** max(x, 0). */
export const relu = (x: TensorLike) => unaryOp('relu', x);
/** 1 / (1 + e⁻ˣ), computed stably. */
export const sigmoid = (x: TensorLike) => unaryOp('sigmoid', x);
/** Hyperbolic tangent. */
export const tanh = (x: TensorLike) => unaryOp('tanh', x);
/** log(1 + eˣ), computed stably. */
export const softplus = (x: TensorLike) => unaryOp('softplus', x);
/** x for x > 0, eˣ − 1 otherwise. */
export const elu = (x: TensorLike) => unaryOp('elu', x);
/** x for x > 0, alpha·x otherwise (TF's default alpha is 0.2). */
export const leakyRelu = (x: TensorLike, alpha = 0.2) => unaryOp('leakyRelu', x, alpha);
/** 1/x */
export const reciprocal = (x: TensorLike) => unaryOp('reciprocal', x);
/** Largest integer not above x (not differentiable). */
export const floor = (x: TensorLike) => unaryOp('floor', x);
/** Smallest integer not below x (not differentiable). */
export const ceil = (x: TensorLike) => unaryOp('ceil', x);
/** Round half to even, as TF (not differentiable). */
export const round = (x: TensorLike) => unaryOp('round', x);
