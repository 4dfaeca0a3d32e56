/**
 * Composite math written from primitives (no kernels, no gradient rules of their own): mean,
 * logSumExp, logSoftmax, clipByValue (softmax has its own kernel: src/ops/softmax.ts).
 */
import { isFloat } from '../../dtype.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../../shape.js';
import { toTensor, type Tensor, type TensorLike } from '../../tensor.js';
import { stopGradient } from '../../autodiff/tape.js';
import { add, div, maximum, minimum, sub } from '../binary.js';
import { binaryKernel, checkArithmetic } from '../elementwise.js';
import { checkKeepDims, checkSize, requireFloat } from '../../validate.js';
import { broadcastShapes } from '../../shape.js';
import { exp, log } from '../unary.js';
import { max, sum, type Axis } from '../reduce.js';
import { reshape } from '../reshape.js';
import { where } from '../where.js';
import { equal } from '../compare.js';

/** Arithmetic mean over `axis` (all axes by default). */
export function mean(xLike: TensorLike, axis?: Axis, keepDims?: boolean | null): Tensor {
  const x = toTensor(xLike, 'mean', 'x');
  keepDims = checkKeepDims(keepDims, 'mean');
  const axes = normalizeAxes(axis, x.rank, 'mean');
  const count = sizeOf(axes.map((a) => x.shape[a]));
  if (x.dtype === 'bool') throw new TypeError('mean: bool tensors are not supported; cast them first');
  // TF's reduce_mean on integers divides the integer sum, truncating.
  if (!isFloat(x.dtype)) return binaryKernel('div', sum(x, axes, keepDims), toTensor(count, 'mean', 'count', 'int32'), 'int32');
  return div(sum(x, axes, keepDims), count);
}

/** log(Σ exp(x)) over `axis`, computed stably by subtracting the (gradient-free) maximum. */
export function logSumExp(xLike: TensorLike, axis?: Axis, keepDims?: boolean | null): Tensor {
  const x = requireFloat(toTensor(xLike, 'logSumExp', 'x'), 'logSumExp', 'x');
  keepDims = checkKeepDims(keepDims, 'logSumExp');
  const axes = normalizeAxes(axis, x.rank, 'logSumExp');
  const m = max(x, axes, true);
  // A row of -inf would give (-inf) - (-inf) = NaN; shift by 0 there instead.
  const shift = stopGradient(where(equal(m, -Infinity), 0, m));
  const lse = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
  return keepDims ? lse : reshape(lse, x.shape.filter((_, i) => !axes.includes(i)));
}

/** x − logSumExp(x) along `axis` (default the last). */
export function logSoftmax(xLike: TensorLike, axis?: number | null): Tensor {
  const x = requireFloat(toTensor(xLike, 'logSoftmax', 'x'), 'logSoftmax', 'x');
  const ax = normalizeAxis(axis ?? -1, x.rank, 'logSoftmax');
  return sub(x, logSumExp(x, ax, true));
}

/** Elementwise clip to [clipValueMin, clipValueMax]; the gradient flows where x is inside. */
export function clipByValue(xLike: TensorLike, clipValueMin: TensorLike, clipValueMax: TensorLike): Tensor {
  const x0 = toTensor(xLike, 'clipByValue', 'x');
  const [x, lo] = checkArithmetic(x0, clipValueMin, 'clipByValue', 'x', 'clipValueMin');
  const [, hi] = checkArithmetic(x, clipValueMax, 'clipByValue', 'x', 'clipValueMax');
  checkSize(broadcastShapes(broadcastShapes(x.shape, lo.shape, 'clipByValue'), hi.shape, 'clipByValue'), 'clipByValue', x.dtype);
  if (typeof clipValueMin === 'number' && typeof clipValueMax === 'number' && clipValueMin > clipValueMax) {
    throw new RangeError(`clipByValue: clipValueMin (${clipValueMin}) must not exceed clipValueMax (${clipValueMax})`);
  }
  return minimum(maximum(x, lo), hi);
}
