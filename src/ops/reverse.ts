/**
 * reverse(x, axes) (tf.reverse): one strided copy that reads the reversed axes with negative
 * strides from their last element. Its gradient is the same reversal of dy.
 */
import { stridedKernels } from '../backend/select.js';
import { allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { normalizeAxes, stridesOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { show } from '../validate.js';

/** x with the order of elements along each of `axes` reversed (any dtype). */
export function reverse(xLike: TensorLike, axesArg?: number | number[] | null): Tensor {
  const x = toTensor(xLike, 'reverse', 'x');
  // every axis when omitted (TF.js); TF's tf.reverse always names them
  const axes = axesArg === undefined || axesArg === null ? x.shape.map((_, i) => i) : axesArg;
  if (Array.isArray(axes) && new Set(axes.map((a) => (a < 0 ? a + x.rank : a))).size !== axes.length) {
    throw new Error(`reverse: axes ${show(axes)} name an axis twice (shape [${x.shape.join(',')}])`);
  }
  const ax = normalizeAxes(axes, x.rank, 'reverse');
  const strides = stridesOf(x.shape);
  let offset = 0;
  for (const a of ax) {
    offset += (x.shape[a] - 1) * strides[a];
    strides[a] = -strides[a];
  }
  const out = allocateOutput(x.dtype, x.size);
  if (x.size > 0) stridedKernels(x.size).copyStrided(x.values, offset, strides, x.shape.slice(), out);
  const y = new Tensor(out, x.shape.slice(), x.dtype);
  record([x], [y], ([dy]) => [reverse(dy, ax)]);
  return y;
}
