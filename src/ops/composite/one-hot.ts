/**
 * oneHot(indices, depth, onValue, offValue): int indices to a trailing one-hot axis
 * (out-of-range indices give an all-off row, as TF). Not differentiable, so built directly.
 */
import { allocate, type DType } from '../../dtype.js';
import { Tensor, toTensor, type TensorLike } from '../../tensor.js';
import { checkDType, checkInteger, checkNumber, checkSize } from '../../validate.js';

export function oneHot(indicesLike: TensorLike, depth: number, onValue?: number | null, offValue?: number | null, dtype?: DType | null): Tensor {
  const indices = toTensor(indicesLike, 'oneHot', 'indices', 'int32');
  if (indices.dtype !== 'int32') throw new TypeError(`oneHot: indices must be int32, got ${indices.dtype}`);
  checkInteger(depth, 'oneHot', 'depth', 0);
  const on = onValue === undefined || onValue === null ? 1 : checkNumber(onValue, 'oneHot', 'onValue');
  const off = offValue === undefined || offValue === null ? 0 : checkNumber(offValue, 'oneHot', 'offValue');
  const d = dtype === undefined || dtype === null ? 'float32' : checkDType(dtype, 'oneHot');
  checkSize([...indices.shape, depth], 'oneHot', d);
  return oneHotChecked(indices, depth, on, off, d);
}

function oneHotChecked(indices: Tensor, depth: number, onValue: number, offValue: number, dtype: DType): Tensor {
  const out = allocate(dtype, indices.size * depth);
  if (offValue !== 0) out.fill(offValue);
  for (let i = 0; i < indices.size; i++) {
    const j = indices.values[i];
    if (j >= 0 && j < depth) out[i * depth + j] = onValue;
  }
  return new Tensor(out, [...indices.shape, depth], dtype);
}

/** @internal A float vector of `size` with a 1 at `index` (tape seeds). */
export function oneHotFloat(index: number, size: number, dtype: DType): Tensor {
  const out = allocate(dtype, size);
  out[index] = 1;
  return new Tensor(out, [size], dtype);
}
