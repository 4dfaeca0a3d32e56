/**
 * Elementwise comparisons with broadcasting. The result is `bool` and is not differentiable
 * (TF: no gradient flows through a comparison).
 */
import type { CompareOp } from '../backend/backend.js';
import { toTensorPair, type Tensor, type TensorLike } from '../tensor.js';
import { binaryKernel } from './binary.js';

function compare(op: CompareOp, aLike: TensorLike, bLike: TensorLike): Tensor {
  const [a, b] = toTensorPair(aLike, bLike, op);
  return binaryKernel(op, a, b, 'bool');
}

/** a == b */
export const equal = (a: TensorLike, b: TensorLike) => compare('equal', a, b);
/** a != b */
export const notEqual = (a: TensorLike, b: TensorLike) => compare('notEqual', a, b);
/** a < b */
export const less = (a: TensorLike, b: TensorLike) => compare('less', a, b);
/** a <= b */
export const lessEqual = (a: TensorLike, b: TensorLike) => compare('lessEqual', a, b);
/** a > b */
export const greater = (a: TensorLike, b: TensorLike) => compare('greater', a, b);
/** a >= b */
export const greaterEqual = (a: TensorLike, b: TensorLike) => compare('greaterEqual', a, b);
