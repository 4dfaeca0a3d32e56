// TF's dtype rules where integers meet division, means and non-integral numbers.
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';

describe('integer dtype rules (as TF)', () => {
  it('int32 / int32 is true division giving float64 (tf.divide)', () => {
    const q = tf.div(tf.tensor([7, -7, 1], undefined, 'int32'), tf.tensor([2, 2, 3], undefined, 'int32'));
    expect(q.dtype).toBe('float64');
    expect(Array.from(q.dataSync())).toEqual([3.5, -3.5, 1 / 3]);
  });

  it('mean of int32 divides the integer sum, truncating toward zero (tf.reduce_mean)', () => {
    const m = tf.mean(tf.tensor([[1, 2], [4, -9]], undefined, 'int32'), 1);
    expect(m.dtype).toBe('int32');
    // (1 + 2) / 2 = 1.5 -> 1; (4 - 9) / 2 = -2.5 -> -2
    expect(Array.from(m.dataSync())).toEqual([1, -2]);
  });

  it('non-integral numbers are refused where an int32 tensor is made', () => {
    expect(() => tf.tensor([1.5], undefined, 'int32')).toThrow(/non-integer value 1.5/);
    expect(() => tf.add(tf.tensor([1], undefined, 'int32'), 1.5)).toThrow(TypeError);
    expect(() => new tf.Variable([1, 2], { dtype: 'int32' }).assign([1, 2.5])).toThrow(/non-integer/);
    expect(tf.add(tf.tensor([1], undefined, 'int32'), 2).dataSync()[0]).toBe(3);
  });
});
