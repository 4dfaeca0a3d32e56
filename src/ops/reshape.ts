/**
 * reshape (one dimension may be -1), and expandDims / squeeze, which are reshapes. The result
 * shares the input's storage: tensors are immutable.
 */
import { record } from '../autodiff/record.js';
import { fmt, normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkIntegerList, checkRank } from '../validate.js';

export function reshape(xLike: TensorLike, shape: number[]): Tensor {
  const x = toTensor(xLike, 'reshape', 'x');
  const out = checkIntegerList(shape, 'reshape', 'shape');
  checkRank(out, 'reshape');
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i];
    if (d === -1) {
      if (inferred >= 0) throw new Error(`reshape: only one dimension can be -1, got ${fmt(shape)}`);
      inferred = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new TypeError(`reshape: shape must contain non-negative integers or one -1, got ${fmt(shape)}`);
    } else known *= d;
  }
  if (inferred >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape a tensor of shape ${fmt(x.shape)} (size ${x.size}) into ${fmt(shape)}`);
    }
    out[inferred] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new Error(`reshape: cannot reshape a tensor of shape ${fmt(x.shape)} (size ${x.size}) into ${fmt(shape)} (size ${sizeOf(out)})`);
  }
  const y = new Tensor(x.shareableValues(), out, x.dtype);
  record([x], [y], ([dy]) => [reshape(dy, x.shape)]);
  return y;
}

/** Inserts a dimension of size 1 at `axis` (negative counts from the end of the result). */
export function expandDims(xLike: TensorLike, axis?: number | null): Tensor {
  const x = toTensor(xLike, 'expandDims', 'x');
  const ax = normalizeAxis(axis ?? 0, x.rank + 1, 'expandDims');
  const shape = x.shape.slice();
  shape.splice(ax, 0, 1);
  checkRank(shape, 'expandDims');
  return reshape(x, shape);
}

/** Removes dimensions of size 1: all of them, or those in `axis` (a number or an array). */
export function squeeze(xLike: TensorLike, axis?: number | number[] | null): Tensor {
  const x = toTensor(xLike, 'squeeze', 'x');
  const axes = axis === undefined || axis === null ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes(axis, x.rank, 'squeeze');
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new Error(`squeeze: cannot squeeze axis ${a} of size ${x.shape[a]} in shape ${fmt(x.shape)}`);
  }
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}
