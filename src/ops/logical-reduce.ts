/**
 * Logical reductions of bool tensors (tf.reduce_any, tf.reduce_all): any is a max and all a
 * min over 0/1, run by the backend's `reduce` kernel on the bool array. Not differentiable.
 * Over an empty axis, any is false and all is true (TF).
 */
import type { ReduceOp } from '../backend/backend.js';
import { stridedKernels } from '../backend/select.js';
import { record } from '../autodiff/record.js';
import { fmt, normalizeAxes, reducedShape, sizeOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkKeepDims } from '../validate.js';
import type { Axis } from './reduce.js';

function logical(op: 'any' | 'all', kernel: ReduceOp, xLike: TensorLike, axis: Axis | undefined, keepDimsArg: boolean | null | undefined): Tensor {
  const x = toTensor(xLike, op, 'x');
  if (x.dtype !== 'bool') throw new TypeError(`${op}: x must be bool, got ${x.dtype} ${fmt(x.shape)}; compare or cast first`);
  const keepDims = checkKeepDims(keepDimsArg, op);
  const axes = normalizeAxes(axis, x.rank, op);
  const shape = reducedShape(x.shape, axes, keepDims);
  const out = new Uint8Array(sizeOf(shape));
  stridedKernels(x.size).reduce(kernel, x.values, x.shape, axes, out);
  const y = new Tensor(out, shape, 'bool');
  record([x], [y], () => [null]);
  return y;
}

/** True where any element over `axis` (all axes by default) is true. */
export const any = (x: TensorLike, axis?: Axis, keepDims?: boolean | null) => logical('any', 'max', x, axis, keepDims);
/** True where every element over `axis` (all axes by default) is true. */
export const all = (x: TensorLike, axis?: Axis, keepDims?: boolean | null) => logical('all', 'min', x, axis, keepDims);
