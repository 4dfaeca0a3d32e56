/**
 * Ops that are one strided copy of their input: transpose, broadcastTo, slice and tile. Each
 * computes an (offset, strides, outShape) view and runs the backend's `copyStrided`.
 */
import { stridedKernels } from '../backend/select.js';
import { allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { broadcastStrides, fmt, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { pad } from './pad.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';
import { checkIntegerList, checkShape, checkSize, show } from '../validate.js';

/** A strided copy of a view of x (no gradient recorded: callers record their own). */
export function copyView(x: Tensor, offset: number, strides: number[], outShape: number[]): Tensor {
  const size = sizeOf(outShape);
  const out = allocateOutput(x.dtype, size);
  if (size > 0) stridedKernels(size).copyStrided(x.values, offset, strides, outShape, out);
  return new Tensor(out, outShape, x.dtype);
}

/** Permutes dimensions; default `perm` reverses them. */
export function transpose(xLike: TensorLike, perm?: number[] | null): Tensor {
  const x = toTensor(xLike, 'transpose', 'x');
  const p = perm === undefined || perm === null ? x.shape.map((_, i) => x.rank - 1 - i) : checkIntegerList(perm, 'transpose', 'perm');
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new Error(`transpose: perm ${fmt(p)} is not a permutation of the ${x.rank} axes of shape ${fmt(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const y = copyView(x, 0, p.map((a) => strides[a]), p.map((a) => x.shape[a]));
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  record([x], [y], ([dy]) => [transpose(dy, inverse)]);
  return y;
}

/** Broadcasts x to `shape` by NumPy rules (the gradient is summed back by the tape). */
export function broadcastTo(xLike: TensorLike, shapeArg: number[]): Tensor {
  const x = toTensor(xLike, 'broadcastTo', 'x');
  const shape = checkShape(shapeArg, 'broadcastTo', x.dtype);
  if (shapesEqual(x.shape, shape)) return x;
  const ok = shape.length >= x.rank && x.shape.every((d, i) => d === 1 || d === shape[shape.length - x.rank + i]);
  if (!ok) throw new Error(`broadcastTo: cannot broadcast shape ${fmt(x.shape)} to ${fmt(shape)}`);
  const y = copyView(x, 0, broadcastStrides(x.shape, shape), shape.slice());
  record([x], [y], ([dy]) => [dy]);
  return y;
}

/** The block starting at `begin` of `size` (-1: to the end of that axis). */
export function slice(xLike: TensorLike, begin: number | number[], size?: number | number[] | null): Tensor {
  const x = toTensor(xLike, 'slice', 'x');
  const b = typeof begin === 'number' ? checkIntegerList([begin], 'slice', 'begin') : checkIntegerList(begin, 'slice', 'begin');
  while (b.length < x.rank) b.push(0);
  const s = size === undefined || size === null ? [] : typeof size === 'number' ? checkIntegerList([size], 'slice', 'size') : checkIntegerList(size, 'slice', 'size');
  while (s.length < x.rank) s.push(-1);
  if (b.length !== x.rank || s.length !== x.rank) {
    throw new Error(`slice: begin ${fmt(b)} and size ${fmt(s)} must have one entry per axis of shape ${fmt(x.shape)}`);
  }
  const outShape = s.map((d, i) => (d === -1 ? x.shape[i] - b[i] : d));
  for (let i = 0; i < x.rank; i++) {
    if (!Number.isInteger(b[i]) || !Number.isInteger(outShape[i]) || b[i] < 0 || outShape[i] < 0 || b[i] + outShape[i] > x.shape[i]) {
      throw new RangeError(`slice: begin ${fmt(b)} with size ${fmt(s)} is out of bounds for shape ${fmt(x.shape)}`);
    }
  }
  const strides = stridesOf(x.shape);
  const offset = b.reduce((acc, bi, i) => acc + bi * strides[i], 0);
  const y = copyView(x, sizeOf(outShape) > 0 ? offset : 0, strides, outShape);
  record([x], [y], ([dy]) => [pad(dy, x.shape.map((d, i) => [b[i], d - b[i] - outShape[i]] as [number, number]))]);
  return y;
}

/** Repeats x `reps[i]` times along axis i. */
export function tile(xLike: TensorLike, reps: number[]): Tensor {
  const x = toTensor(xLike, 'tile', 'x');
  if (!Array.isArray(reps) || reps.length !== x.rank || reps.some((r) => typeof r !== 'number' || !Number.isSafeInteger(r) || r < 0)) {
    throw new Error(`tile: reps must be ${x.rank} non-negative integers (one per axis of ${fmt(x.shape)}), got ${show(reps)}`);
  }
  checkSize(x.shape.map((d, i) => d * reps[i]), 'tile', x.dtype);
  // tile = broadcast of x viewed as [1, d0, 1, d1, …] to [r0, d0, r1, d1, …], then reshape.
  const strides = stridesOf(x.shape);
  const viewShape: number[] = [];
  const viewStrides: number[] = [];
  x.shape.forEach((d, i) => {
    viewShape.push(reps[i], d);
    viewStrides.push(0, strides[i]);
  });
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const y0 = copyView(x, 0, viewStrides, viewShape);
  const y = new Tensor(y0.values, outShape, x.dtype);
  record([x], [y], ([dy]) => {
    const split = reshape(dy, viewShape);
    return [sum(split, reps.map((_, i) => 2 * i))];
  });
  return y;
}
