/**
 * Indexing by index tuples and masks, as TF: gatherND (tf.gather_nd), scatterND
 * (tf.scatter_nd), unsortedSegmentSum (tf.math.unsorted_segment_sum) and booleanMask
 * (tf.boolean_mask). All are composites over gather and its adjoint scatterAdd on a flattened
 * view, so gatherND and scatterND are each other's gradients (TF's rules) and duplicates sum.
 * Index tensors are int32 (integral numbers are accepted) and checked against the shape:
 * out of range is an error naming the op, the position and the shape (TF on CPU).
 */
import { fmt, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { toIndices } from './indices.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkInteger, checkShape, checkSize } from '../validate.js';
import { gather, scatterAdd } from './gather.js';
import { reshape } from './reshape.js';

/**
 * Flat row numbers of each index tuple (the last axis of `indices`) into the leading
 * `m` axes of `shape`, checked to be in range.
 */
function flatRows(indices: Tensor, shape: number[], op: string): Int32Array {
  const m = indices.shape[indices.rank - 1];
  const lead = shape.slice(0, m);
  const strides = stridesOf(lead);
  const count = m === 0 ? sizeOf(indices.shape.slice(0, -1)) : indices.size / m;
  const idx = indices.values as Int32Array;
  const out = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    let f = 0;
    for (let d = 0; d < m; d++) {
      const v = idx[r * m + d];
      if (v < 0 || v >= lead[d]) {
        throw new RangeError(`${op}: indices[${r}] = [${Array.from(idx.subarray(r * m, r * m + m)).join(',')}] is out of range for shape ${fmt(shape)} (axis ${d} has size ${lead[d]})`);
      }
      f += v * strides[d];
    }
    out[r] = f;
  }
  return out;
}

/** Slices of x picked by index tuples: `indices` [..., m] indexes the first m axes of x. */
export function gatherND(xLike: TensorLike, indicesLike: TensorLike): Tensor {
  const x = toTensor(xLike, 'gatherND', 'x');
  const indices = toIndices(indicesLike, 'gatherND', 'indices');
  if (indices.rank === 0) throw new RangeError(`gatherND: indices must have rank at least 1, got a scalar`);
  const m = indices.shape[indices.rank - 1];
  if (m > x.rank) throw new RangeError(`gatherND: the last axis of indices ${fmt(indices.shape)} has ${m} entries, more than the rank of x ${fmt(x.shape)}`);
  const rows = flatRows(indices, x.shape, 'gatherND');
  const rest = x.shape.slice(m);
  checkSize([...indices.shape.slice(0, -1), ...rest], 'gatherND', x.dtype);
  const flat = reshape(x, [sizeOf(x.shape.slice(0, m)), ...rest]);
  return gather(flat, new Tensor(rows, indices.shape.slice(0, -1), 'int32'), 0);
}

/**
 * A tensor of `shape`, zero except where `updates` are added at the index tuples of `indices`
 * ([..., m] into the first m axes; duplicates sum). updates has shape indices.shape[:-1] +
 * shape[m:].
 */
export function scatterND(indicesLike: TensorLike, updatesLike: TensorLike, shapeArg: number[]): Tensor {
  const indices = toIndices(indicesLike, 'scatterND', 'indices');
  const updates = toTensor(updatesLike, 'scatterND', 'updates');
  const shape = checkShape(shapeArg, 'scatterND', updates.dtype);
  if (indices.rank === 0) throw new RangeError(`scatterND: indices must have rank at least 1, got a scalar`);
  const m = indices.shape[indices.rank - 1];
  if (m > shape.length) throw new RangeError(`scatterND: the last axis of indices ${fmt(indices.shape)} has ${m} entries, more than the rank of shape ${fmt(shape)}`);
  const want = [...indices.shape.slice(0, -1), ...shape.slice(m)];
  if (want.length !== updates.rank || want.some((d, i) => d !== updates.shape[i])) {
    throw new Error(`scatterND: updates must have shape ${fmt(want)} (indices ${fmt(indices.shape)}, shape ${fmt(shape)}), got ${fmt(updates.shape)}`);
  }
  const rows = flatRows(indices, shape, 'scatterND');
  const inner = sizeOf(shape.slice(m));
  const flat = scatterAdd(reshape(updates, [rows.length, inner]), new Tensor(rows, [rows.length], 'int32'), 0, [sizeOf(shape.slice(0, m)), inner]);
  return reshape(flat, shape);
}

/**
 * Sums of the slices of x sharing a segment id: out[s] = Σ x[i] over segmentIds[i] = s, for
 * s < numSegments. segmentIds has the shape of x's leading axes; negative ids are dropped (TF).
 */
export function unsortedSegmentSum(xLike: TensorLike, segmentIdsLike: TensorLike, numSegmentsArg: number): Tensor {
  const x = toTensor(xLike, 'unsortedSegmentSum', 'x');
  const ids = toIndices(segmentIdsLike, 'unsortedSegmentSum', 'segmentIds');
  const numSegments = checkInteger(numSegmentsArg, 'unsortedSegmentSum', 'numSegments', 0);
  const k = ids.rank;
  if (k > x.rank || ids.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`unsortedSegmentSum: segmentIds ${fmt(ids.shape)} must have the shape of the leading axes of x ${fmt(x.shape)}`);
  }
  const rest = x.shape.slice(k);
  const inner = sizeOf(rest);
  checkSize([numSegments, ...rest], 'unsortedSegmentSum', x.dtype);
  const v = ids.values as Int32Array;
  const kept: number[] = [];
  const seg: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] >= numSegments) throw new RangeError(`unsortedSegmentSum: segmentIds[${i}] = ${v[i]} is not below numSegments = ${numSegments}`);
    if (v[i] >= 0) {
      kept.push(i);
      seg.push(v[i]);
    }
  }
  let rows = reshape(x, [v.length, inner]);
  if (kept.length !== v.length) rows = gather(rows, new Tensor(Int32Array.from(kept), [kept.length], 'int32'), 0);
  const out = scatterAdd(rows, new Tensor(Int32Array.from(seg), [seg.length], 'int32'), 0, [numSegments, inner]);
  return reshape(out, [numSegments, ...rest]);
}

/**
 * The entries of x where `mask` is true, in row-major order: mask (bool) has the shape of
 * x's axes axis … axis + mask.rank − 1 (default axis 0), which become one axis of the count
 * of true entries. Differentiable in x, not in the mask.
 */
export function booleanMask(xLike: TensorLike, maskLike: TensorLike, axisArg?: number | null): Tensor {
  const x = toTensor(xLike, 'booleanMask', 'x');
  const mask = toTensor(maskLike, 'booleanMask', 'mask', 'bool');
  if (mask.dtype !== 'bool') throw new TypeError(`booleanMask: mask must be bool, got ${mask.dtype} ${fmt(mask.shape)}`);
  if (mask.rank === 0) throw new RangeError('booleanMask: mask must have rank at least 1, got a scalar');
  const axis = axisArg === undefined || axisArg === null ? 0 : normalizeAxis(axisArg, x.rank, 'booleanMask');
  const k = mask.rank;
  if (axis + k > x.rank || mask.shape.some((d, i) => d !== x.shape[axis + i])) {
    throw new Error(`booleanMask: mask ${fmt(mask.shape)} must match the shape of x ${fmt(x.shape)} from axis ${axis}`);
  }
  const mv = mask.values;
  const picked: number[] = [];
  for (let i = 0; i < mv.length; i++) if (mv[i]) picked.push(i);
  const before = x.shape.slice(0, axis);
  const after = x.shape.slice(axis + k);
  const view = reshape(x, [sizeOf(before), mask.size, sizeOf(after)]);
  const y = gather(view, new Tensor(Int32Array.from(picked), [picked.length], 'int32'), 1);
  return reshape(y, [...before, picked.length, ...after]);
}
