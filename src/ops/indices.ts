/**
 * Index arguments (gather, gatherND, scatterND, unsortedSegmentSum, …), read one way: TF's
 * index ops take integer tensors only, so a tensor of another dtype is a TypeError, while a
 * plain array or typed array of integers is read as int32 (as TF reads Python ints).
 */
import { fmt } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';

export function toIndices(indicesLike: TensorLike, op: string, arg = 'indices'): Tensor {
  if (indicesLike instanceof Tensor && indicesLike.dtype !== 'int32') {
    throw new TypeError(`${op}: ${arg} must be an int32 tensor, got ${indicesLike.dtype} ${fmt(indicesLike.shape)}; cast it with tf.cast(${arg}, 'int32')`);
  }
  const t = toTensor(indicesLike, op, arg, 'int32');
  if (t.dtype === 'int32') return t;
  if (t.dtype === 'bool') throw new TypeError(`${op}: ${arg} must be int32, got bool ${fmt(t.shape)}`);
  for (let i = 0; i < t.size; i++) {
    if (!Number.isInteger(t.values[i])) throw new TypeError(`${op}: ${arg} must be integers, got ${t.values[i]} at flat position ${i}`);
  }
  return new Tensor(Int32Array.from(t.values), t.shape.slice(), 'int32');
}
