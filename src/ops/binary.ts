/**
 * Elementwise arithmetic with NumPy broadcasting: one table entry per op with its gradient
 * rule. Rules return gradients shaped like the output; the tape sums them back to each
 * input's shape. Comparisons (not differentiable) live in compare.ts.
 */
import type { ArithmeticOp, BinaryOp } from '../backend/backend.js';
import { kernels } from '../backend/select.js';
import { allocateOutput, type DType } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { Tensor, toTensorPair, type TensorLike } from '../tensor.js';
import { greaterEqual, lessEqual, greater } from './compare.js';
import { where } from './where.js';
import { cast } from './cast.js';
import { log, neg, square } from './unary.js';

type BinaryGrad = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, needs: boolean[]) => (Tensor | null)[];

const ARITHMETIC: Record<ArithmeticOp, BinaryGrad> = {
  add: (dy) => [dy, dy],
  sub: (dy, _a, _b, _y, needs) => [dy, needs[1] ? neg(dy) : null],
  mul: (dy, a, b, _y, needs) => [needs[0] ? mul(dy, b) : null, needs[1] ? mul(dy, a) : null],
  div: (dy, a, b, _y, needs) => [needs[0] ? div(dy, b) : null, needs[1] ? neg(div(mul(dy, a), square(b))) : null],
  // d(a^b)/da = b·a^(b-1); d(a^b)/db = a^b·log(a), taken as 0 where a <= 0 (TF's rule)
  pow: (dy, a, b, y, needs) => [
    needs[0] ? mul(dy, mul(b, pow(a, sub(b, 1)))) : null,
    needs[1] ? mul(dy, mul(y, where(greater(a, 0), log(where(greater(a, 0), a, 1)), 0))) : null,
  ],
  // Ties send the gradient to a, as TF's Maximum/Minimum gradients do.
  maximum: (dy, a, b) => {
    const takeA = greaterEqual(a, b);
    return [where(takeA, dy, 0), where(takeA, 0, dy)];
  },
  minimum: (dy, a, b) => {
    const takeA = lessEqual(a, b);
    return [where(takeA, dy, 0), where(takeA, 0, dy)];
  },
};

/** @internal Runs a binary kernel over broadcast inputs into a fresh tensor of `outDType`. */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, outDType: DType): Tensor {
  const same = shapesEqual(a.shape, b.shape);
  const outShape = same ? a.shape.slice() : broadcastShapes(a.shape, b.shape, op);
  const size = sizeOf(outShape);
  const out = allocateOutput(outDType, size);
  const aStrides = same ? stridesOf(outShape) : broadcastStrides(a.shape, outShape);
  const bStrides = same ? aStrides : broadcastStrides(b.shape, outShape);
  kernels(size).binary(op, a.values, aStrides, b.values, bStrides, outShape, out);
  return new Tensor(out, outShape, outDType);
}

/** The op function for one table entry (its gradient rule looked up once, not per call). */
function arithmetic(op: ArithmeticOp): (aLike: TensorLike, bLike: TensorLike) => Tensor {
  const grad = ARITHMETIC[op];
  return (aLike, bLike) => {
    const [a, b] = toTensorPair(aLike, bLike, op);
    if (a.dtype === 'bool') throw new TypeError(`${op}: bool tensors are not supported; cast them first`);
    const y = binaryKernel(op, a, b, a.dtype);
    if (isRecording()) record([a, b], [y], ([dy], needs) => grad(dy, a, b, y, needs));
    return y;
  };
}

/** a + b, broadcasting. */
export const add = arithmetic('add');
/** a − b, broadcasting. */
export const sub = arithmetic('sub');
/** a · b elementwise, broadcasting. */
export const mul = arithmetic('mul');
const trueDiv = arithmetic('div');
/** a / b elementwise, broadcasting. int32 operands give float64, as TF's true division. */
export const div = (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = toTensorPair(a, b, 'div');
  return x.dtype === 'int32' ? trueDiv(cast(x, 'float64'), cast(y, 'float64')) : trueDiv(x, y);
};
/** a to the power b elementwise, broadcasting. */
export const pow = arithmetic('pow');
/** Elementwise maximum (NaN propagates). */
export const maximum = arithmetic('maximum');
/** Elementwise minimum (NaN propagates). */
export const minimum = arithmetic('minimum');

/** (a − b)², a common building block. */
export const squaredDifference = (a: TensorLike, b: TensorLike) => square(sub(a, b));

