/**
 * gather(x, indices, axis): slices of x along `axis` picked by int32 indices (checked, as TF
 * on CPU: out of range is an error). Its gradient is `scatterAdd`, whose gradient is gather.
 */
import { kernels } from '../backend/select.js';
import { allocate, allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { fmt, normalizeAxis, sizeOf } from '../shape.js';
import { toIndices } from './indices.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkSize } from '../validate.js';

export function gather(xLike: TensorLike, indicesLike: TensorLike, axisArg?: number | null): Tensor {
  const axis = axisArg ?? 0;
  const x = toTensor(xLike, 'gather', 'x');
  const indices = toIndices(indicesLike, 'gather');
  if (x.rank === 0) throw new Error('gather: x must have rank at least 1, got a scalar');
  const ax = normalizeAxis(axis, x.rank, 'gather');
  const axisSize = x.shape[ax];
  const idx = indices.values as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= axisSize) {
      throw new RangeError(`gather: indices[${i}] = ${idx[i]} is not in [0, ${axisSize}) (axis ${ax} of shape ${fmt(x.shape)})`);
    }
  }
  const outer = sizeOf(x.shape.slice(0, ax));
  const inner = sizeOf(x.shape.slice(ax + 1));
  const outShape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
  const size = checkSize(outShape, 'gather', x.dtype);
  const out = allocateOutput(x.dtype, size);
  kernels(size).gather(x.values, outer, axisSize, inner, idx, out);
  const y = new Tensor(out, outShape, x.dtype);
  record([x], [y], ([dy]) => [scatterAdd(dy, indices, ax, x.shape)]);
  return y;
}

/** @internal The adjoint of gather: a tensor of `shape`, zero except rows `indices` += updates. */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: number[]): Tensor {
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const out = allocate(updates.dtype, sizeOf(shape));
  kernels(updates.size).scatterAdd(updates.values, outer, shape[axis], inner, indices.values as Int32Array, out);
  const y = new Tensor(out, shape.slice(), updates.dtype);
  record([updates], [y], ([dy]) => [gather(dy, indices, axis)]);
  return y;
}
