/**
 * float32 matmul accumulates in float32 on both backends (the semantics written at the top of
 * src/backend/ts/matmul.ts, as TF's CPU kernels): overflow of a partial sum is ±Infinity even
 * when the exact sum is finite, and cancellation loses what float32 loses. Each expected value
 * is derived in the comment beside it; the native GEMM paths (micro-kernel, one or two rows,
 * one column, batched) and the TS ones (packed, small, column) are each reached by a shape.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { backendLabel } from './support/backends.js';

// x·x = 1 + 2^-11 + 2^-24 exactly; float32 (24-bit significand) rounds the tie to even, 1 + 2^-11,
// so x·x − (1 + 2^-11) is 0 summed in float32 and 2^-24 summed in double.
const x = 1 + 2 ** -12;
const y = -(1 + 2 ** -11);

/** A [m, 2] · [2, n] product whose every element is x·x + y·1. */
function cancelling(m: number, n: number, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  const a = tf.tile(tf.tensor([[x, y]], [1, 2], dtype), [m, 1]);
  const b = tf.tile(tf.tensor([[x], [1]], [2, 1], dtype), [1, n]);
  return tf.matmul(a, b).dataSync() as Float32Array | Float64Array;
}

describe(`float32 matmul accumulation (${backendLabel()})`, () => {
  // shapes: one row (streamed B), one column (dot), a micro-kernel tile, a tall panel
  const shapes: [number, number][] = [[1, 1], [1, 40], [40, 1], [2, 3], [6, 16], [64, 64], [130, 70]];

  it.each(shapes)('cancellation is exact in float32 at [%i, 2] x [2, %i]', (m, n) => {
    const out = cancelling(m, n, 'float32');
    expect(Array.from(new Set(out))).toEqual([0]);
  });

  it('float64 keeps the 2^-24 that float32 cancels', () => {
    expect(Array.from(new Set(cancelling(8, 8, 'float64')))).toEqual([2 ** -24]);
  });

  it('a partial sum that overflows float32 stays Infinity: 1e30·1e30 + 1e30·(−1e30)', () => {
    // exact sum 0; float32's first partial sum 1e60 is +Infinity, and Infinity − finite is Infinity
    expect(tf.matmul([[1e30, 1e30]], [[1e30], [-1e30]]).dataSync()[0]).toBe(Infinity);
    const a = tf.tile(tf.tensor([[1e30, 1e30]]), [33, 1]);
    const b = tf.tile(tf.tensor([[1e30], [-1e30]]), [1, 17]);
    expect(Array.from(new Set(tf.matmul(a, b).dataSync()))).toEqual([Infinity]);
    // the same in float64 is exactly 0
    expect(tf.matmul(tf.tensor([[1e30, 1e30]], [1, 2], 'float64'), tf.tensor([[1e30], [-1e30]], [2, 1], 'float64')).item()).toBe(0);
  });

  it('a long sum rounds as float32: 2^24 + 1 + 1 + … stays 2^24 when added in order', () => {
    // 2^24 + 1 is a float32 tie that rounds to even (2^24); in double the 40 ones would count
    const k = 41;
    const row = new Float32Array(k).fill(1);
    row[0] = 2 ** 24;
    const out = tf.matmul(tf.tensor(row, [1, k]), tf.ones([k, 3])).dataSync();
    expect(Array.from(out)).toEqual([2 ** 24, 2 ** 24, 2 ** 24]);
  });
});
