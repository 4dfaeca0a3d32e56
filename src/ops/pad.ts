/**
 * pad(x, paddings, constantValue): constant padding, `paddings` as [[before, after], …].
 */
import { stridedKernels } from '../backend/select.js';
import { allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { fmt, sizeOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { slice } from './strided.js';
import { checkNumber, checkSize, show } from '../validate.js';

export function pad(xLike: TensorLike, paddings: [number, number][], constantValueArg?: number | null): Tensor {
  const x = toTensor(xLike, 'pad', 'x');
  const constantValue = constantValueArg === undefined || constantValueArg === null ? 0 : checkNumber(constantValueArg, 'pad', 'constantValue');
  if (!Array.isArray(paddings) || paddings.length !== x.rank) {
    throw new Error(`pad: paddings must have one [before, after] pair per axis of shape ${fmt(x.shape)}, got ${show(paddings)}`);
  }
  const flat: number[] = [];
  for (const p of paddings) {
    if (!Array.isArray(p) || p.length !== 2 || p.some((v) => typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) {
      throw new Error(`pad: each padding must be [before, after] with non-negative integers, got ${show(paddings)}`);
    }
    flat.push(p[0], p[1]);
  }
  const outShape = x.shape.map((d, i) => d + flat[2 * i] + flat[2 * i + 1]);
  const size = checkSize(outShape, 'pad', x.dtype);
  const out = allocateOutput(x.dtype, size);
  stridedKernels(size).pad(x.values, x.shape, flat, constantValue, out);
  const y = new Tensor(out, outShape, x.dtype);
  record([x], [y], ([dy]) => [slice(dy, flat.filter((_, i) => i % 2 === 0), x.shape)]);
  return y;
}
