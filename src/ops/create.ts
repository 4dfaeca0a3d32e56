/**
 * Creation functions (no gradients): tensor, scalar, zeros, ones, fill, zerosLike, onesLike,
 * range, linspace, eye.
 */
import { allocate, assertDType, type DType } from '../dtype.js';
import { assertShape, sizeOf } from '../shape.js';
import { makeTensor, oneElementTensor, Tensor, toTensor, type TensorLike } from '../tensor.js';

/** A tensor from a number, boolean, nested array or typed array; `shape` reshapes flat data. */
export function tensor(values: TensorLike, shape?: number[], dtype?: DType): Tensor {
  return makeTensor(values, shape === undefined ? undefined : assertShape(shape, 'tensor'), dtype, 'tensor', 'values');
}

/** A rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`scalar: value must be a number or boolean, got ${typeof value}`);
  return makeTensor(value, [], dtype, 'scalar', 'value');
}

/** A tensor of `shape` with every element `value`. */
export function fill(shape: number[], value: number | boolean, dtype?: DType): Tensor {
  const s = assertShape(shape, 'fill');
  const d = dtype === undefined ? (typeof value === 'boolean' ? 'bool' : 'float32') : assertDType(dtype, 'fill');
  const out = allocate(d, sizeOf(s));
  if (value) out.fill(Number(value));
  return new Tensor(out, s, d);
}

export function zeros(shape: number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

export function zerosLike(x: TensorLike): Tensor {
  const t = toTensor(x, 'zerosLike', 'x');
  return new Tensor(allocate(t.dtype, t.size), t.shape.slice(), t.dtype);
}

export function onesLike(x: TensorLike): Tensor {
  const t = toTensor(x, 'onesLike', 'x');
  if (t.size === 1) return oneElementTensor(1, t.shape.slice(), t.dtype);
  return new Tensor(allocate(t.dtype, t.size).fill(1), t.shape.slice(), t.dtype);
}

/** start, start+delta, … up to (not including) limit; `range(n)` is 0…n-1. */
export function range(start: number, limit?: number, delta = 1, dtype: DType = 'float32'): Tensor {
  if (limit === undefined) {
    limit = start;
    start = 0;
  }
  if (delta === 0) throw new RangeError('range: delta must not be 0');
  if (!Number.isFinite(start) || !Number.isFinite(limit) || !Number.isFinite(delta)) {
    throw new RangeError(`range: start, limit and delta must be finite, got ${start}, ${limit}, ${delta}`);
  }
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  const out = allocate(assertDType(dtype, 'range'), n);
  for (let i = 0; i < n; i++) out[i] = start + i * delta;
  return new Tensor(out, [n], dtype);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const out = new Float32Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (num > 1) out[num - 1] = stop;
  return new Tensor(out, [num], 'float32');
}

/** Identity matrix [numRows, numColumns]. */
export function eye(numRows: number, numColumns = numRows, dtype: DType = 'float32'): Tensor {
  const s = assertShape([numRows, numColumns], 'eye', 'numRows/numColumns');
  const out = allocate(assertDType(dtype, 'eye'), s[0] * s[1]);
  for (let i = 0; i < Math.min(s[0], s[1]); i++) out[i * s[1] + i] = 1;
  return new Tensor(out, s, dtype);
}
