/**
 * Selection along the last axis: topK (tf.math.top_k), sort and argsort (tf.sort, tf.argsort),
 * all on one primitive (`Backend.topK`). The order is total: larger first (or smaller first),
 * ties by lower index (a stable sort, as TF's top_k and tf.sort), NaN larger than every number.
 * The gradient of the values scatters dy back to the picked positions (TF's _TopKGrad); the
 * indices are not differentiable.
 */
import { kernels } from '../backend/select.js';
import { allocateOutput } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { fmt, sizeOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkBoolean, checkInteger, checkOptions, type OptionSpec } from '../validate.js';
import { scatterAdd } from './gather.js';
import { reshape } from './reshape.js';

function checkSortable(xLike: TensorLike, op: string): Tensor {
  const x = toTensor(xLike, op, 'x');
  if (x.dtype === 'bool') throw new TypeError(`${op}: x must be float32, float64 or int32, got bool ${fmt(x.shape)}`);
  if (x.rank === 0) throw new RangeError(`${op}: x must have rank at least 1, got a scalar`);
  return x;
}

/** Runs the kernel: the first k of each row of x (last axis) in the given direction. */
function select(x: Tensor, k: number, descending: boolean): { values: Tensor; indices: Tensor } {
  const n = x.shape[x.rank - 1];
  const rows = n === 0 ? sizeOf(x.shape.slice(0, -1)) : x.size / n;
  const outShape = [...x.shape.slice(0, -1), k];
  const values = allocateOutput(x.dtype, rows * k);
  const indices = new Int32Array(rows * k);
  kernels(x.size).topK(x.values, rows, n, k, descending, values, indices);
  const v = new Tensor(values, outShape, x.dtype);
  const idx = new Tensor(indices, outShape.slice(), 'int32');
  record([x], [v], ([dy]) => [scatterRows(dy, idx, x.shape)]);
  return { values: v, indices: idx };
}

/** dy ([..., k]) added into zeros of `shape` ([..., n]) at each row's indices. */
function scatterRows(dy: Tensor, indices: Tensor, shape: number[]): Tensor {
  const n = shape[shape.length - 1];
  const k = indices.shape[indices.shape.length - 1];
  const src = indices.values as Int32Array;
  const flat = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) flat[i] = Math.floor(i / k) * n + src[i];
  const g = scatterAdd(reshape(dy, [-1]), new Tensor(flat, [flat.length], 'int32'), 0, [sizeOf(shape)]);
  return reshape(g, shape);
}

export interface TopKResult {
  values: Tensor;
  indices: Tensor;
}

/**
 * The k largest entries of each row (last axis) and their int32 indices, largest first; ties
 * go to the lower index. `sorted = false` is accepted and gives the same (sorted) order: TF
 * leaves that order unspecified.
 */
export function topK(xLike: TensorLike, k?: number | null, sorted?: boolean | null): TopKResult {
  const x = checkSortable(xLike, 'topK');
  const n = x.shape[x.rank - 1];
  const kk = k === undefined || k === null ? 1 : checkInteger(k, 'topK', 'k', 0);
  if (kk > n) throw new RangeError(`topK: k = ${kk} is larger than the last dimension of x ${fmt(x.shape)}`);
  if (sorted !== undefined && sorted !== null) checkBoolean(sorted, 'topK', 'sorted');
  return select(x, kk, true);
}

export interface SortOptions {
  /** Largest first (default: smallest first). */
  descending?: boolean;
}

const SORT_OPTIONS: OptionSpec = { descending: 'boolean' };

/** x sorted along the last axis (stable: equal values keep their order; NaN sorts as the largest). */
export function sort(xLike: TensorLike, options?: SortOptions | null): Tensor {
  const x = checkSortable(xLike, 'sort');
  const { descending = false } = checkOptions(options, SORT_OPTIONS, 'sort');
  return select(x, x.shape[x.rank - 1], descending).values;
}

/** The int32 indices that sort x along the last axis (stable); not differentiable. */
export function argsort(xLike: TensorLike, options?: SortOptions | null): Tensor {
  const x = checkSortable(xLike, 'argsort');
  const { descending = false } = checkOptions(options, SORT_OPTIONS, 'argsort');
  return select(x, x.shape[x.rank - 1], descending).indices;
}
