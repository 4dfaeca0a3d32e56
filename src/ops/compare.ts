/**
 * Elementwise comparisons with broadcasting, one declaration each. The result is `bool` and is
 * not differentiable (TF: no gradient flows through a comparison). Every export of this file is
 * a public `tf.*` op and a Tensor method.
 */
import type { CompareOp } from '../backend/backend.js';
import { toTensor, toTensorPair, type Tensor, type TensorLike } from '../tensor.js';
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

/** Logical ops take and give bool tensors, as TF's (other dtypes are a TypeError). */
function defineLogical(op: 'logicalAnd' | 'logicalOr' | 'logicalXor') {
  return method((aLike: TensorLike, bLike: TensorLike): Tensor => {
    const [a, b] = toTensorPair(aLike, bLike, op);
    if (a.dtype !== 'bool' || b.dtype !== 'bool') throw new TypeError(`${op}: a and b must be bool, got ${a.dtype} and ${b.dtype}`);
    return binaryKernel(op, a, b, 'bool');
  });
}

/** a AND b, elementwise over bool tensors. */
export const logicalAnd = defineLogical('logicalAnd');
/** a OR b, elementwise over bool tensors. */
export const logicalOr = defineLogical('logicalOr');
/** a XOR b, elementwise over bool tensors. */
export const logicalXor = defineLogical('logicalXor');
/** NOT x, elementwise over a bool tensor. */
export const logicalNot = method((xLike: TensorLike): Tensor => {
  const x = toTensor(xLike, 'logicalNot', 'x');
  if (x.dtype !== 'bool') throw new TypeError(`logicalNot: x must be bool, got ${x.dtype}`);
  return binaryKernel('equal', x, toTensor(false, 'logicalNot', 'x'), 'bool');
});
