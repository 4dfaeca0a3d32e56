/**
 * concat along an axis, and stack / split, which are built on concat, reshape and slice.
 */
import { stridedKernels } from '../backend/select.js';
import { allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { fmt, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { expandDims } from './reshape.js';
import { copyView, slice } from './strided.js';
import { checkIntegerList, checkSize, show } from '../validate.js';

/** The most tensors one concat (or stack) takes, on both backends (the native call's limit). */
const MAX_CONCAT_INPUTS = 65536;

export function concat(tensorLikes: TensorLike[], axisArg?: number | null): Tensor {
  return concatAs('concat', tensorLikes, axisArg ?? 0);
}

function concatAs(op: string, tensorLikes: TensorLike[], axis: number): Tensor {
  if (!Array.isArray(tensorLikes) || tensorLikes.length === 0) throw new Error(`${op}: expected a non-empty array of tensors, got ${show(tensorLikes)}`);
  if (tensorLikes.length > MAX_CONCAT_INPUTS) throw new RangeError(`${op}: ${tensorLikes.length} tensors, more than the ${MAX_CONCAT_INPUTS} one call can join`);
  const first = tensorLikes.find((t) => t instanceof Tensor) as Tensor | undefined;
  const xs = tensorLikes.map((t, i) => toTensor(t, op, `tensors[${i}]`, first?.dtype));
  const x0 = xs[0];
  if (x0.rank === 0) throw new Error(`${op}: cannot concatenate scalars; use stack`);
  const ax = normalizeAxis(axis, x0.rank, op);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    if (x.dtype !== x0.dtype) throw new TypeError(`${op}: dtypes differ: tensors[0] is ${x0.dtype}, tensors[${i}] is ${x.dtype}`);
    if (x.rank !== x0.rank || x.shape.some((d, j) => j !== ax && d !== x0.shape[j])) {
      throw new Error(`${op}: shapes must match except on axis ${ax}: tensors[0] ${fmt(x0.shape)}, tensors[${i}] ${fmt(x.shape)}`);
    }
  }
  const outShape = x0.shape.slice();
  outShape[ax] = xs.reduce((acc, x) => acc + x.shape[ax], 0);
  const outer = sizeOf(x0.shape.slice(0, ax));
  const inners = xs.map((x) => sizeOf(x.shape.slice(ax)));
  const size = checkSize(outShape, op, x0.dtype);
  const out = allocateOutput(x0.dtype, size);
  stridedKernels(size).concat(xs.map((x) => x.values), outer, inners, out);
  const y = new Tensor(out, outShape, x0.dtype);
  record(xs, [y], ([dy], needs) => {
    let start = 0;
    return xs.map((x, i) => {
      const begin = x.shape.map((_, j) => (j === ax ? start : 0));
      start += x.shape[ax];
      return needs[i] ? slice(dy, begin, x.shape) : null;
    });
  });
  return y;
}

/** Stacks tensors of one shape along a new axis. */
export function stack(tensorLikes: TensorLike[], axisArg?: number | null): Tensor {
  const axis = axisArg ?? 0;
  if (!Array.isArray(tensorLikes) || tensorLikes.length === 0) throw new Error(`stack: expected a non-empty array of tensors, got ${show(tensorLikes)}`);
  if (tensorLikes.length > MAX_CONCAT_INPUTS) throw new RangeError(`stack: ${tensorLikes.length} tensors, more than the ${MAX_CONCAT_INPUTS} one call can join`);
  const first = tensorLikes.find((t) => t instanceof Tensor) as Tensor | undefined;
  const xs = tensorLikes.map((t, i) => toTensor(t, 'stack', `tensors[${i}]`, first?.dtype));
  for (let i = 1; i < xs.length; i++) {
    if (xs[i].rank !== xs[0].rank || xs[i].shape.some((d, j) => d !== xs[0].shape[j])) {
      throw new Error(`stack: all shapes must match: tensors[0] ${fmt(xs[0].shape)}, tensors[${i}] ${fmt(xs[i].shape)}`);
    }
  }
  const ax = normalizeAxis(axis, xs[0].rank + 1, 'stack');
  return concatAs('stack', xs.map((x) => expandDims(x, ax)), ax);
}

/** Splits along `axis` into `numOrSizes` equal parts, or parts of the given sizes (one may be -1). */
export function split(xLike: TensorLike, numOrSizes: number | number[], axis?: number | null): Tensor[] {
  const x = toTensor(xLike, 'split', 'x');
  const ax = normalizeAxis(axis ?? 0, x.rank, 'split');
  const dim = x.shape[ax];
  let sizes: number[];
  if (typeof numOrSizes === 'number') {
    if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || dim % numOrSizes !== 0) {
      throw new Error(`split: axis ${ax} of shape ${fmt(x.shape)} (size ${dim}) cannot be split into ${show(numOrSizes)} equal parts`);
    }
    sizes = new Array(numOrSizes).fill(dim / numOrSizes);
  } else {
    sizes = checkIntegerList(numOrSizes, 'split', 'numOrSizes');
    const free = sizes.indexOf(-1);
    if (free >= 0) sizes[free] = dim - sizes.reduce((a, s, i) => (i === free ? a : a + s), 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((a, s) => a + s, 0) !== dim) {
      throw new Error(`split: sizes ${show(numOrSizes)} do not add up to ${dim}, the size of axis ${ax} of ${fmt(x.shape)}`);
    }
  }
  // One node for all parts: the gradient is one concat of the parts' gradients (slices would
  // each pad their gradient to x's full shape, T pads of the whole input for T parts).
  const strides = stridesOf(x.shape);
  let start = 0;
  const parts = sizes.map((s) => {
    const size = x.shape.map((d, j) => (j === ax ? s : d));
    const part = copyView(x, sizeOf(size) > 0 ? start * strides[ax] : 0, strides, size);
    start += s;
    return part;
  });
  record([x], parts, (dys) => [concat(dys, ax)]);
  return parts;
}
