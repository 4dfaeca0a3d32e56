/**
 * Bad input gets a clear error naming the op, the argument and the shapes or values (issue 2,
 * item 7); empty tensors work. Messages are matched on their informative parts (op name, the
 * shapes involved), not on exact wording, except for the matmul message the README quotes.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';

describe('shape errors name the op and the shapes', () => {
  it('broadcast mismatch gives both shapes', () => {
    expect(() => tf.add(tf.ones([3]), tf.ones([2]))).toThrow(/add.*\[3\].*\[2\]/);
    expect(() => tf.mul(tf.ones([2, 3]), tf.ones([4, 3]))).toThrow(/mul.*\[2,3\].*\[4,3\]/);
    expect(() => tf.ones([2, 3]).sub(tf.ones([3, 2]))).toThrow(/sub.*\[2,3\].*\[3,2\]/);
    expect(() => tf.where(tf.tensor([true, false, true]), tf.ones([2]), 0)).toThrow(/where.*\[3\].*\[2\]/);
    expect(() => tf.greater(tf.ones([4]), tf.ones([5]))).toThrow(/greater.*\[4\].*\[5\]/);
  });

  it('matmul inner dimensions (the wording the README quotes)', () => {
    expect(() => tf.matmul(tf.ones([2, 3]), tf.ones([4, 5]))).toThrow('matmul: inner dimensions differ: [2,3] x [4,5]');
    expect(() => tf.matmul(tf.ones([2, 3]), tf.ones([2, 3]), { transposeB: false })).toThrow(/matmul.*\[2,3\] x \[2,3\]/);
    expect(() => tf.matmul(tf.ones([3]), tf.ones([3, 2]))).toThrow(/matmul.*rank/);
    expect(() => tf.matmul(tf.ones([2, 2, 3]), tf.ones([3, 3, 4]))).toThrow(/matmul.*\[2\].*\[3\]/);
  });

  it('reshape to a different size names both shapes', () => {
    expect(() => tf.reshape(tf.ones([2, 3]), [4])).toThrow(/reshape.*\[2,3\].*\[4\]/);
    expect(() => tf.reshape(tf.ones([7]), [2, -1])).toThrow(/reshape.*\[7\].*\[2,-1\]/);
    expect(() => tf.reshape(tf.ones([4]), [-1, -1])).toThrow(/reshape.*-1/);
  });

  it('gather out of range names the index, the bound and the shape', () => {
    expect(() => tf.gather(tf.ones([3]), [5])).toThrow(/gather.*5.*\[0, 3\).*\[3\]/);
    expect(() => tf.gather(tf.ones([3, 2]), [-1])).toThrow(/gather.*-1/);
    expect(() => tf.gather(tf.ones([3, 2]), [2], 1)).toThrow(/gather.*2.*\[0, 2\)/);
  });

  it('other shape errors', () => {
    expect(() => tf.transpose(tf.ones([2, 3]), [0, 0])).toThrow(/transpose.*perm.*\[2,3\]/);
    expect(() => tf.slice(tf.ones([4]), [2], [3])).toThrow(/slice.*\[4\]/);
    expect(() => tf.split(tf.ones([5]), 2)).toThrow(/split.*\[5\]/);
    expect(() => tf.split(tf.ones([5]), [2, 2])).toThrow(/split.*5/);
    expect(() => tf.concat([tf.ones([2, 3]), tf.ones([2, 4])], 0)).toThrow(/concat.*\[2,3\].*\[2,4\]/);
    expect(() => tf.stack([tf.ones([2]), tf.ones([3])])).toThrow(/stack.*\[2\].*\[3\]/);
    expect(() => tf.squeeze(tf.ones([2, 1]), 0)).toThrow(/squeeze.*axis 0.*\[2,1\]/);
    expect(() => tf.broadcastTo(tf.ones([3]), [4])).toThrow(/broadcastTo.*\[3\].*\[4\]/);
    expect(() => tf.tile(tf.ones([2, 2]), [2])).toThrow(/tile.*\[2,2\]/);
    expect(() => tf.pad(tf.ones([2, 2]), [[1, 1]])).toThrow(/pad.*\[2,2\]/);
    expect(() => tf.tensor([1, 2, 3], [2, 2])).toThrow(/tensor.*3.*\[2,2\]/);
    expect(() => tf.scalar(1).item()).not.toThrow();
    expect(() => tf.ones([2]).item()).toThrow(/item.*\[2\]/);
  });
});

describe('ragged nested arrays', () => {
  it('name the path and the lengths', () => {
    expect(() => tf.tensor([[1, 2], [3]])).toThrow(/tensor.*ragged.*\[1\].*length 1.*2/);
    expect(() => tf.tensor([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => tf.tensor([[[1], [2]], [[3], [4, 5]]])).toThrow(/ragged.*\[1\]\[1\]/);
    expect(() => tf.add(tf.ones([2, 2]), [[1, 2], [3]])).toThrow(/add.*ragged/);
    expect(() => tf.tensor(['a'] as never)).toThrow(/tensor.*string/);
  });
});

describe('dtypes: no silent promotion (TF)', () => {
  it('mixing tensor dtypes is an error naming both', () => {
    expect(() => tf.add(tf.ones([2]), tf.ones([2], 'float64'))).toThrow(/add.*float32.*float64/);
    expect(() => tf.mul(tf.ones([2], 'int32'), tf.ones([2]))).toThrow(/mul.*int32.*float32/);
    expect(() => tf.matmul(tf.ones([2, 2]), tf.ones([2, 2], 'float64'))).toThrow(/matmul.*float32.*float64/);
    expect(() => tf.concat([tf.ones([2]), tf.ones([2], 'int32')])).toThrow(/concat.*float32.*int32/);
    expect(() => tf.where(tf.tensor([true]), tf.ones([1]), tf.ones([1], 'float64'))).toThrow(/where.*float32.*float64/);
  });

  it('a plain number takes the other operand dtype', () => {
    // float64 tensor + 1 stays float64; int32 + 2 stays int32 with exact integer arithmetic.
    const d = tf.add(tf.tensor([1, 2], [2], 'float64'), 0.1);
    expect(d.dtype).toBe('float64');
    expect(Array.from(d.dataSync())).toEqual([1 + 0.1, 2 + 0.1]);
    const i = tf.mul(2, tf.tensor([3, 4], [2], 'int32'));
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([6, 8]);
    expect(tf.maximum(tf.ones([1], 'float64'), 3).dtype).toBe('float64');
    expect(tf.less(tf.ones([1], 'int32'), 3).dtype).toBe('bool');
  });

  it('a non-integer number does not silently truncate into int32 (TF: TypeError)', () => {
    expect(() => tf.add(tf.tensor([1, 2], [2], 'int32'), 1.5)).toThrow(/add.*1\.5.*int32/);
  });

  it('bool tensors are rejected by arithmetic and float-only ops are rejected for ints', () => {
    expect(() => tf.add(tf.tensor([true]), tf.tensor([false]))).toThrow(/add.*bool/);
    expect(() => tf.exp(tf.ones([2], 'int32'))).toThrow(/exp.*int32/);
    expect(() => tf.matmul(tf.ones([2, 2], 'int32'), tf.ones([2, 2], 'int32'))).toThrow(/matmul.*int32/);
    expect(() => tf.sum(tf.tensor([true]))).toThrow(/sum.*bool/);
    expect(() => tf.where(tf.ones([2]), 1, 0)).toThrow(/where.*condition.*bool/);
  });

  it('unknown dtypes are named', () => {
    expect(() => tf.zeros([2], 'float16' as never)).toThrow(/float16/);
    expect(() => tf.cast(tf.ones([2]), 'complex64' as never)).toThrow(/cast.*complex64/);
  });
});

describe('Variable assignment', () => {
  it('a wrong shape names the variable and both shapes', () => {
    const v = new tf.Variable([1, 2, 3], { name: 'weights' });
    expect(() => v.assign([1, 2])).toThrow(/assign.*\[2\].*weights.*\[3\]/);
    expect(() => v.assignAdd(tf.ones([3, 1]))).toThrow(/assignAdd.*\[3,1\].*\[3\]/);
    expect(() => v.assignSub(tf.ones([1]))).toThrow(/assignSub.*\[1\].*\[3\]/);
    // Nothing changed.
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3]);
  });

  it('a wrong dtype names both dtypes', () => {
    const v = new tf.Variable([1, 2]);
    expect(() => v.assign(tf.ones([2], 'float64'))).toThrow(/assign.*float64.*float32/);
    expect(() => v.assign(tf.ones([2], 'int32'))).toThrow(/assign.*int32.*float32/);
  });
});

describe('bad axes', () => {
  it('name the op, the axis and the rank', () => {
    expect(() => tf.sum(tf.ones([2, 2]), 3)).toThrow(/sum.*axis 3.*rank 2/);
    expect(() => tf.mean(tf.ones([2, 2]), -3)).toThrow(/mean.*axis -3.*rank 2/);
    expect(() => tf.max(tf.ones([2]), [0, 1])).toThrow(/max.*axis 1.*rank 1/);
    expect(() => tf.softmax(tf.ones([2, 2]), 2)).toThrow(/softmax.*axis 2.*rank 2/);
    expect(() => tf.concat([tf.ones([2]), tf.ones([2])], 1)).toThrow(/concat.*axis 1.*rank 1/);
    expect(() => tf.argMax(tf.ones([2, 2]), 2)).toThrow(/argMax.*axis 2.*rank 2/);
    expect(() => tf.expandDims(tf.ones([2]), 3)).toThrow(/expandDims.*axis 3/);
    expect(() => tf.gather(tf.ones([2]), [0], 1)).toThrow(/gather.*axis 1.*rank 1/);
    expect(() => tf.sum(tf.ones([2]), 0.5)).toThrow(/sum.*axis 0.5/);
  });
});

describe('tape misuse', () => {
  it('clear errors', () => {
    const x = tf.scalar(1);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square());
    expect(() => tape.gradient(y, x, { unconnectedGradients: 'zeros' as never })).toThrow(/unconnectedGradients.*zeros/);
    expect(() => new tf.GradientTape().gradient(3 as never, x)).toThrow(/gradient.*target/);
    expect(() => new tf.GradientTape().gradient(y, [x, 3] as never)).toThrow(/gradient.*sources/);
    const bad = tf.customGradient((a: tf.Tensor) => [a.mul(1), () => [a, a]]);
    const t2 = new tf.GradientTape();
    t2.watch(x);
    const z = t2.record(() => bad(x));
    expect(() => t2.gradient(z, x)).toThrow(/customGradient.*2 gradients.*1 input/);
  });
});

describe('empty tensors work', () => {
  const empty = () => tf.tensor([]);
  it('reductions of empty tensors give the identities (TF)', () => {
    // sum: 0, prod: 1, max: −inf, min: +inf, mean: 0/0 = NaN, logSumExp: log 0 = −inf.
    expect(tf.sum(empty()).item()).toBe(0);
    expect(tf.prod(empty()).item()).toBe(1);
    expect(tf.max(empty()).item()).toBe(-Infinity);
    expect(tf.min(empty()).item()).toBe(Infinity);
    expect(tf.mean(empty()).item()).toBeNaN();
    expect(tf.logSumExp(empty()).item()).toBe(-Infinity);
    expect(tf.sum(tf.zeros([0, 3]), 0).arraySync()).toEqual([0, 0, 0]);
    expect(tf.sum(tf.zeros([3, 0]), 1).arraySync()).toEqual([0, 0, 0]);
    expect(tf.sum(tf.zeros([0], 'int32')).item()).toBe(0);
  });

  it('elementwise, shape and matmul ops keep empty shapes', () => {
    expect(tf.add(empty(), empty()).shape).toEqual([0]);
    expect(tf.add(tf.zeros([0, 3]), tf.ones([3])).shape).toEqual([0, 3]);
    expect(tf.exp(empty()).shape).toEqual([0]);
    expect(tf.matmul(tf.zeros([0, 3]), tf.ones([3, 4])).shape).toEqual([0, 4]);
    // [3,0] x [0,4]: an empty inner sum is 0.
    expect(tf.matmul(tf.zeros([3, 0]), tf.zeros([0, 4])).arraySync()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(tf.reshape(tf.zeros([0, 3]), [3, 0, 5]).shape).toEqual([3, 0, 5]);
    expect(tf.concat([tf.zeros([0, 2]), tf.ones([1, 2])]).arraySync()).toEqual([[1, 1]]);
    expect(tf.transpose(tf.zeros([0, 3])).shape).toEqual([3, 0]);
    expect(empty().arraySync()).toEqual([]);
    expect(tf.zeros([2, 0]).arraySync()).toEqual([[], []]);
    expect(String(empty())).toBe('tf.Tensor([], shape=(0,), dtype=float32)');
  });

  it('gradients through empty tensors are empty', () => {
    const x = tf.zeros([0, 3]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => tf.sum(x.square()));
    const g = tape.gradient(y, x) as tf.Tensor;
    expect(g.shape).toEqual([0, 3]);
  });
});
