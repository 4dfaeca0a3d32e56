/**
 * Creation functions (no gradients): tensor, scalar, zeros, ones, fill, zerosLike, onesLike,
 * range, linspace, eye.
 */
import { allocate, type DType } from '../dtype.js';
import { makeTensor, oneElementTensor, Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkDType, checkFinite, checkInteger, checkIntegerList, checkScalarValue, checkShape, checkSize } from '../validate.js';

/** A tensor from a number, boolean, nested array or typed array; `shape` reshapes flat data. */
export function tensor(values: TensorLike, shape?: number[] | null, dtype?: DType | null): Tensor {
  const d = dtype === undefined || dtype === null ? undefined : checkDType(dtype, 'tensor');
  return makeTensor(values, shape === undefined || shape === null ? undefined : checkShape(shape, 'tensor', d ?? 'bool'), d, 'tensor', 'values');
}

/** A rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DType | null): Tensor {
  checkScalarValue(value, 'scalar', 'value');
  return makeTensor(value, [], dtype === undefined || dtype === null ? undefined : checkDType(dtype, 'scalar'), 'scalar', 'value');
}

function filled(op: string, shape: unknown, value: number | boolean, dtype: unknown): Tensor {
  const d = dtype === undefined || dtype === null ? (typeof value === 'boolean' ? 'bool' : 'float32') : checkDType(dtype, op);
  const s = checkShape(shape, op, d);
  const out = allocate(d, sizeOf(s));
  if (value) out.fill(Number(value));
  return new Tensor(out, s, d);
}

function sizeOf(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor of `shape` with every element `value`. */
export function fill(shape: number[], value: number | boolean, dtype?: DType | null): Tensor {
  return filled('fill', shape, checkScalarValue(value, 'fill', 'value'), dtype);
}

export function zeros(shape: number[], dtype: DType | null = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

export function ones(shape: number[], dtype: DType | null = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
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
export function range(start: number, limit?: number | null, delta: number | null = 1, dtype: DType | null = 'float32'): Tensor {
  checkFinite(start, 'range', 'start');
  if (limit === undefined || limit === null) {
    limit = start;
    start = 0;
  } else checkFinite(limit, 'range', 'limit');
  const step = delta ?? 1;
  checkFinite(step, 'range', 'delta');
  const d = checkDType(dtype ?? 'float32', 'range');
  if (step === 0) throw new RangeError('range: delta must not be 0, got 0');
  const n = Math.max(0, Math.ceil((limit - start) / step));
  checkSize([n], 'range', d);
  const out = allocate(d, n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new Tensor(out, [n], d);
}

/** `num` evenly spaced values from start to stop inclusive. */
export function linspace(start: number, stop: number, num: number): Tensor {
  checkFinite(start, 'linspace', 'start');
  checkFinite(stop, 'linspace', 'stop');
  checkInteger(num, 'linspace', 'num', 0);
  checkSize([num], 'linspace', 'float32');
  const out = new Float32Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (num > 1) out[num - 1] = stop;
  return new Tensor(out, [num], 'float32');
}

/**
 * Identity matrix [...batchShape, numRows, numColumns], as TF's `eye(num_rows, num_columns,
 * batch_shape, dtype)`; `eye(n, m, dtype)` (a dtype in third place) is accepted too.
 */
export function eye(numRows: number, numColumns?: number | null, batchShapeOrDType?: number[] | DType | null, dtypeArg?: DType | null): Tensor {
  checkInteger(numRows, 'eye', 'numRows', 0);
  const cols = numColumns ?? numRows;
  checkInteger(cols, 'eye', 'numColumns', 0);
  const dtype = typeof batchShapeOrDType === 'string' ? batchShapeOrDType : dtypeArg;
  const batchShape = Array.isArray(batchShapeOrDType) ? checkIntegerList(batchShapeOrDType, 'eye', 'batchShape') : [];
  const d = checkDType(dtype ?? 'float32', 'eye');
  const s = [...batchShape, numRows, cols];
  checkSize(s, 'eye', d);
  const out = allocate(d, s.reduce((p, n) => p * n, 1));
  const matrix = numRows * cols;
  for (let b = 0; b < out.length / Math.max(matrix, 1); b++) {
    for (let i = 0; i < Math.min(numRows, cols); i++) out[b * matrix + i * cols + i] = 1;
  }
  return new Tensor(out, s, d);
}
