/**
 * Convolution and pooling beyond the case table: known answers from TensorFlow's own tests,
 * maxPool's gradient routing to the first maximum on ties, gradients through a small CNN
 * against a float64 derivation, and argument errors (each names the op and the shapes and is
 * thrown before any work).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { backendLabel } from './support/backends.js';
import { rng } from './cases/ops.js';

const iota = (n: number, start = 1) => Array.from({ length: n }, (_, i) => i + start);
const close = (t: Tensor, want: number[], tol = 1e-4) => {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]))));
};

describe(`known answers from TensorFlow's tests on ${backendLabel()}`, () => {
  // tensorflow/python/kernel_tests/nn_ops/conv_ops_test.py, testConv2D2x2Filter and testConv2D1x1Filter
  // (input 1..n and filter 1..m in row-major order).
  it('conv2d 2x2 filter, valid', () => {
    const y = tf.conv2d(tf.tensor(iota(18), [1, 2, 3, 3]), tf.tensor(iota(36), [2, 2, 3, 3]), 1, 'valid');
    expect(y.shape).toEqual([1, 1, 2, 3]);
    close(y, [2271, 2367, 2463, 2901, 3033, 3165]);
  });
  it('conv2d 1x1 filter', () => {
    const y = tf.conv2d(tf.tensor(iota(18), [1, 2, 3, 3]), tf.tensor(iota(9), [1, 1, 3, 3]), 1, 'valid');
    close(y, [30, 36, 42, 66, 81, 96, 102, 126, 150, 138, 171, 204, 174, 216, 258, 210, 261, 312]);
  });
  // tensorflow/python/kernel_tests/nn_ops/pooling_ops_test.py: testMaxPoolValidPadding,
  // testMaxPoolSamePadding, testAvgPoolSamePadding, testAvgPoolSamePaddingNonSquareWindow.
  it('maxPool valid and same', () => {
    close(tf.maxPool(tf.tensor(iota(27), [1, 3, 3, 3]), 2, 2, 'valid'), [13, 14, 15]);
    close(tf.maxPool(tf.tensor(iota(18), [1, 2, 3, 3]), 2, 2, 'same'), [13, 14, 15, 16, 17, 18]);
  });
  it("avgPool 'same' divides by the real elements", () => {
    close(tf.avgPool(tf.tensor(iota(24), [1, 2, 4, 3]), 2, 2, 'same'), [8.5, 9.5, 10.5, 14.5, 15.5, 16.5]);
    close(tf.avgPool(tf.tensor(iota(4), [1, 2, 2, 1]), [1, 2], 1, 'same'), [1.5, 2, 3.5, 4]);
  });
});

describe(`maxPool gradient on ${backendLabel()}`, () => {
  it('routes each window to its first maximum (scan order row, then column) on ties', () => {
    const rand = rng('maxpool ties');
    for (const [shape, size, strides, pad] of [[[2, 6, 7, 3], 3, 1, 'same'], [[1, 9, 9, 5], 2, 2, 'valid'], [[1, 5, 6, 17], [3, 2], [2, 1], 'same']] as const) {
      const values = Array.from({ length: (shape as readonly number[]).reduce((a, b) => a * b, 1) }, () => Math.floor(rand() * 3));
      const x = tf.tensor(values, shape as unknown as number[]);
      const y = tf.maxPool(x, size as number, strides as number, pad);
      const w = tf.tensor(Array.from({ length: y.size }, () => rand() - 0.5), y.shape);
      const g = tf.grad((t: Tensor) => tf.sum(tf.mul(tf.maxPool(t, size as number, strides as number, pad), w)))(x);
      // Derivation: the same windows, written out; each upstream value goes to the first strict maximum.
      const [N, H, W, C] = shape;
      const [fh, fw] = typeof size === 'number' ? [size, size] : size;
      const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
      const [Ho, Wo] = [y.shape[1], y.shape[2]];
      const pt = pad === 'same' ? Math.floor(Math.max((Ho - 1) * sh + fh - H, 0) / 2) : 0;
      const pl = pad === 'same' ? Math.floor(Math.max((Wo - 1) * sw + fw - W, 0) / 2) : 0;
      const want = new Array<number>(values.length).fill(0);
      const wv = w.dataSync();
      for (let n = 0; n < N; n++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) for (let c = 0; c < C; c++) {
        let best = -Infinity, at = -1;
        for (let kh = 0; kh < fh; kh++) for (let kw = 0; kw < fw; kw++) {
          const ih = oh * sh - pt + kh, iw = ow * sw - pl + kw;
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          const i = ((n * H + ih) * W + iw) * C + c;
          if (values[i] > best) { best = values[i]; at = i; }
        }
        want[at] += wv[((n * Ho + oh) * Wo + ow) * C + c];
      }
      close(g, want, 1e-6);
    }
  });
});

describe('conv and pool argument errors name the op and the shapes', () => {
  const x = tf.ones([1, 5, 5, 3]);
  it('wrong filter rank', () => {
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3]), 1, 'same')).toThrow(/conv2d: filter must be rank 4.*\[3,3,3\]/);
    expect(() => tf.depthwiseConv2d(x, tf.ones([3, 3]), 1, 'same')).toThrow(/depthwiseConv2d: filter must be rank 4.*\[3,3\]/);
    expect(() => tf.conv1d(tf.ones([1, 5, 3]), tf.ones([3, 3, 2, 1]), 1, 'same')).toThrow(/conv1d: filter must be rank 3.*\[3,3,2,1\]/);
    expect(() => tf.conv2d(tf.ones([5, 5]), tf.ones([3, 3, 3, 2]), 1, 'same')).toThrow(/conv2d: x must be rank 4.*\[5,5\]/);
  });
  it('channel mismatch', () => {
    expect(() => tf.conv2d(x, tf.ones([3, 3, 2, 4]), 1, 'same')).toThrow(/conv2d: filter input channels \(2\) differ from the input channels \(3\).*\[1,5,5,3\].*\[3,3,2,4\]/);
    expect(() => tf.depthwiseConv2d(x, tf.ones([3, 3, 4, 1]), 1, 'same')).toThrow(/depthwiseConv2d:.*\[1,5,5,3\].*\[3,3,4,1\]/);
    expect(() => tf.conv2dTranspose(x, tf.ones([3, 3, 2, 4]), [1, 5, 5, 2], 1, 'same')).toThrow(/conv2dTranspose:.*\[1,5,5,3\].*\[3,3,2,4\]/);
  });
  it('stride or dilation 0, bad pad, bad data format', () => {
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), 0, 'same')).toThrow(/conv2d: strides must be a positive integer.*0/);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), [1, 0], 'same')).toThrow(/conv2d: strides/);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), 1, 'same', 'NHWC', 0)).toThrow(/conv2d: dilations/);
    expect(() => tf.maxPool(x, 2, 0, 'valid')).toThrow(/maxPool: strides/);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), 1, 'full' as 'same')).toThrow(/conv2d: pad must be/);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), 1, [[0, 0], [1, 1], [1, 1]])).toThrow(/conv2d: pad must be/);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), 1, [[1, 0], [1, 1], [1, 1], [0, 0]])).toThrow(/conv2d: explicit pads of the batch and channel axes/);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), 1, 'same', 'NCHW' as 'NHWC')).toThrow(/conv2d: dataFormat must be 'NHWC'/);
    expect(() => tf.avgPool(x, 2, 1, [[0, 0], [2, 0], [0, 0], [0, 0]])).toThrow(/avgPool: padding must be smaller than the window/);
  });
  it("window larger than a 'valid' input", () => {
    expect(() => tf.conv2d(x, tf.ones([7, 3, 3, 2]), 1, 'valid')).toThrow(/conv2d: the filter \[7,3,3,2\].*larger than the padded input \[1,5,5,3\]/);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 3, 2]), 1, 'valid', 'NHWC', 3)).toThrow(/conv2d: .*dilations 3x3.*\[1,5,5,3\]/);
    expect(() => tf.maxPool(x, 6, 1, 'valid')).toThrow(/maxPool: the window 6x6.*\[1,5,5,3\]/);
    expect(() => tf.avgPool(x, [1, 6], 1, 'valid')).toThrow(/avgPool: the window 1x6/);
  });
  it('conv2dTranspose outputShape that conv2d does not map back to x', () => {
    expect(() => tf.conv2dTranspose(tf.ones([1, 3, 3, 2]), tf.ones([3, 3, 4, 2]), [1, 7, 7, 4], 2, 'same')).toThrow(/conv2dTranspose: outputShape \[1,7,7,4\].*4x4.*\[1,3,3,2\]/);
    expect(() => tf.conv2dTranspose(tf.ones([1, 3, 3, 2]), tf.ones([3, 3, 4, 2]), [1, 5, 5], 2, 'same')).toThrow(/conv2dTranspose: outputShape must be 4/);
  });
  it('integer input', () => {
    expect(() => tf.conv2d(tf.ones([1, 3, 3, 1], 'int32'), tf.ones([1, 1, 1, 1], 'int32'), 1, 'same')).toThrow(/conv2d: x must be float32 or float64/);
    expect(() => tf.maxPool(tf.ones([1, 3, 3, 1], 'int32'), 2, 1, 'same')).toThrow(/maxPool: x must be float/);
  });
});
