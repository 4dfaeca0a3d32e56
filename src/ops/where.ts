/**
 * where(cond, a, b): elements of a where cond is true, else of b; all three broadcast (TF 2).
 */
import { stridedKernels } from '../backend/select.js';
import { allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { broadcastShapes, broadcastStrides, fmt, sizeOf } from '../shape.js';
import { Tensor, toTensor, toTensorPair, type TensorLike } from '../tensor.js';
import { zerosLike } from './create.js';
import { checkSize } from '../validate.js';

export function where(condLike: TensorLike, aLike: TensorLike, bLike: TensorLike): Tensor {
  const cond = toTensor(condLike, 'where', 'condition', 'bool');
  if (cond.dtype !== 'bool') throw new TypeError(`where: condition must be bool, got ${cond.dtype} ${fmt(cond.shape)}`);
  const [a, b] = toTensorPair(aLike, bLike, 'where', 'x', 'y');
  const outShape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
  const size = checkSize(outShape, 'where', a.dtype);
  const out = allocateOutput(a.dtype, size);
  stridedKernels(size).select(
    cond.values as Uint8Array, broadcastStrides(cond.shape, outShape),
    a.values, broadcastStrides(a.shape, outShape),
    b.values, broadcastStrides(b.shape, outShape),
    outShape, out,
  );
  const y = new Tensor(out, outShape, a.dtype);
  record([a, b], [y], ([dy], needs) => {
    const zeros = zerosLike(dy);
    return [needs[0] ? where(cond, dy, zeros) : null, needs[1] ? where(cond, zeros, dy) : null];
  });
  return y;
}
