/**
 * Elementwise comparisons with broadcasting, one declaration each. The result is `bool` and is
 * not differentiable (TF: no gradient flows through a comparison). Every export of this file is
 * a public `tf.*` op and a Tensor method.
 */
import type { CompareOp } from '../backend/backend.js';
import { toTensorPair, type Tensor, type TensorLike } from '../tensor.js';
import { binaryKernel } from './elementwise.js';
import { method } from './op.js';

function defineCompare(op: CompareOp) {
  return method((aLike: TensorLike, bLike: TensorLike): Tensor => {
    const [a, b] = toTensorPair(aLike, bLike, op);
    return binaryKernel(op, a, b, 'bool');
  });
}

/** a == b */
export const equal = defineCompare('equal');
/** a != b */
export const notEqual = defineCompare('notEqual');
/** a < b */
export const less = defineCompare('less');
/** a <= b */
export const lessEqual = defineCompare('lessEqual');
/** a > b */
export const greater = defineCompare('greater');
/** a >= b */
export const greaterEqual = defineCompare('greaterEqual');
