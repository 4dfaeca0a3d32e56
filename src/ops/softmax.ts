/**
 * softmax along one axis, and maskedSoftmax, Keras 3's `Softmax(mask=…)` over the last axis
 * (what MultiHeadAttention's `_masked_softmax` runs): one kernel forward (`Backend.softmax`)
 * and one backward (`Backend.softmaxGrad`) instead of a max, a subtraction, an exp, a sum and
 * a division, each a tensor and a tape node (and the mask's cast, subtraction, product and sum
 * on top). A masked logit is replaced by −1e9 before the softmax, as Keras does, so masked
 * positions get probability 0 and no gradient, and a row with every position masked comes out
 * uniform. The mask broadcasts against x (any leading axes of size 1, e.g. [batch, 1, T, S] or
 * [T, S] for [batch, heads, T, S] scores) without being copied: each row of x is given the row
 * of the mask it reads.
 *
 * When another tape records the gradient (second derivatives), the rule is written with
 * differentiable ops instead, around a recomputed softmax, so derivatives of any order work.
 */
import { kernels } from '../backend/select.js';
import { allocateOutput, type FloatArray } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { fmt, normalizeAxis, sizeOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkSize, requireFloat } from '../validate.js';
import { mul, sub } from './binary.js';
import { greater } from './compare.js';
import { zerosLike } from './create.js';
import { sum } from './reduce.js';
import { transpose } from './strided.js';
import { where } from './where.js';

/** A mask as the kernels read it: its bool values and, per row of x, the mask row. */
interface RowMask {
  tensor: Tensor;
  values: Uint8Array;
  rowOf: Int32Array;
}

/** exp(x) / Σ exp(x) along `axis` (default the last), stably (the row maximum subtracted first). */
export function softmax(xLike: TensorLike, axis?: number | null): Tensor {
  const x = requireFloat(toTensor(xLike, 'softmax', 'x'), 'softmax', 'x');
  const ax = normalizeAxis(axis ?? -1, x.rank, 'softmax');
  const last = x.rank - 1;
  if (ax === last) return lastAxis(x, null);
  const perm = x.shape.map((_, i) => (i === ax ? last : i === last ? ax : i));
  return transpose(lastAxis(transpose(x, perm), null), perm);
}

/**
 * Softmax over the last axis of x with positions excluded where `mask` is false (Keras 3's
 * `Softmax` layer called with a mask; a non-bool mask counts where it is above 0.5, as Keras's
 * does). The mask broadcasts against x: its last axis is x's, and each other axis is x's or 1.
 */
export function maskedSoftmax(xLike: TensorLike, maskLike: TensorLike): Tensor {
  const x = requireFloat(toTensor(xLike, 'maskedSoftmax', 'x'), 'maskedSoftmax', 'x');
  let m = toTensor(maskLike, 'maskedSoftmax', 'mask');
  if (m.dtype !== 'bool') m = greater(m, 0.5);
  if (x.rank === 0) throw new RangeError('maskedSoftmax: x must have rank at least 1, got a scalar');
  return lastAxis(x, rowMask(x.shape, m));
}

function rowMask(shape: number[], mask: Tensor): RowMask {
  const rank = shape.length, cols = shape[rank - 1];
  const ms = mask.shape;
  const bad = ms.length > rank || ms.length === 0 || ms[ms.length - 1] !== cols ||
    ms.some((d, i) => d !== 1 && d !== shape[rank - ms.length + i]);
  if (bad) {
    throw new RangeError(`maskedSoftmax: mask ${fmt(ms)} must broadcast against x ${fmt(shape)} with the same last axis (${cols}): each other axis of x's size or 1`);
  }
  // Row r of x (its row axes are shape[0 .. rank − 2]) reads mask row Σ digit_i·stride_i, with
  // stride 0 on the axes where the mask has size 1 (or none).
  const rowDims = shape.slice(0, rank - 1);
  const maskDims = [...new Array<number>(rank - ms.length).fill(1), ...ms].slice(0, rank - 1);
  const strides = new Array<number>(rowDims.length).fill(0);
  for (let i = rowDims.length - 1, s = 1; i >= 0; i--) {
    if (maskDims[i] !== 1) strides[i] = s;
    s *= maskDims[i];
  }
  const rows = sizeOf(rowDims);
  const rowOf = new Int32Array(rows);
  const digit = new Array<number>(rowDims.length).fill(0);
  for (let r = 0, at = 0; r < rows; r++) {
    rowOf[r] = at;
    for (let i = rowDims.length - 1; i >= 0; i--) {
      at += strides[i];
      if (++digit[i] < rowDims[i]) break;
      at -= strides[i] * rowDims[i];
      digit[i] = 0;
    }
  }
  return { tensor: mask, values: mask.values as Uint8Array, rowOf };
}

function lastAxis(x: Tensor, mask: RowMask | null): Tensor {
  const op = mask === null ? 'softmax' : 'maskedSoftmax';
  const size = checkSize(x.shape, op, x.dtype);
  const cols = x.rank === 0 ? 1 : x.shape[x.rank - 1];
  const rows = cols === 0 ? 0 : size / cols;
  const y = allocateOutput(x.dtype, size) as FloatArray;
  if (size > 0) kernels(size).softmax(x.values as FloatArray, rows, cols, mask?.values ?? null, mask?.rowOf ?? null, y);
  const yt = new Tensor(y, x.shape.slice(), x.dtype);
  record([x], [yt], ([dy]) => {
    if (isRecording()) return [gradOps(x, dy, mask)];
    const dx = allocateOutput(x.dtype, size) as FloatArray;
    if (size > 0) kernels(size).softmaxGrad(y, dy.values as FloatArray, rows, cols, mask?.values ?? null, mask?.rowOf ?? null, dx);
    return [new Tensor(dx, x.shape.slice(), x.dtype)];
  });
  return yt;
}

/** The same gradient in differentiable ops, for higher orders: (dy − Σ dy·y)·y, 0 where masked. */
function gradOps(x: Tensor, dy: Tensor, mask: RowMask | null): Tensor {
  const y = lastAxis(x, mask);
  const dx = mul(sub(dy, sum(mul(dy, y), -1, true)), y);
  return mask === null ? dx : where(mask.tensor, dx, zerosLike(dx));
}
