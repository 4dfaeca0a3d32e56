/**
 * Known answers for the scan, selection, einsum, norm/moments, logical, indexing and random ops:
 * TensorFlow's documented examples (each cited with the API page it comes from), the gradient
 * rules TF registers, and the errors (op, argument and shapes named). The op-case table
 * (test/cases/ops.ts) checks the same ops numerically against float64 references.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { backendLabel, onBackend } from './support/backends.js';

const grad = (f: (x: Tensor) => Tensor, x: Tensor, dy?: Tensor) => {
  const tape = new tf.GradientTape();
  tape.watch(x);
  const y = tape.record(() => f(x));
  return tape.gradient(y, x, dy ? { outputGradients: dy } : undefined) as Tensor;
};

describe(`scans on ${backendLabel()}`, () => {
  it('cumsum: the examples of tf.math.cumsum', () => {
    // https://www.tensorflow.org/api_docs/python/tf/math/cumsum
    const x = tf.tensor([2, 4, 6, 8]);
    expect(tf.cumsum(x).arraySync()).toEqual([2, 6, 12, 20]);
    expect(tf.cumsum(x, 0, { exclusive: true }).arraySync()).toEqual([0, 2, 6, 12]);
    expect(tf.cumsum(x, 0, { reverse: true }).arraySync()).toEqual([20, 18, 14, 8]);
    expect(tf.cumsum(x, 0, { exclusive: true, reverse: true }).arraySync()).toEqual([18, 14, 8, 0]);
    const y = tf.tensor([[2, 4, 6, 8], [1, 3, 5, 7]]);
    expect(tf.cumsum(y, 0).arraySync()).toEqual([[2, 4, 6, 8], [3, 7, 11, 15]]);
    expect(tf.cumsum(y, 1).arraySync()).toEqual([[2, 6, 12, 20], [1, 4, 9, 16]]);
  });

  it('cumprod: the examples of tf.math.cumprod ([a, b, c] → [a, ab, abc] and the flags)', () => {
    // https://www.tensorflow.org/api_docs/python/tf/math/cumprod
    const x = tf.tensor([2, 3, 5], undefined, 'int32');
    expect(tf.cumprod(x).arraySync()).toEqual([2, 6, 30]);
    expect(tf.cumprod(x, 0, { exclusive: true }).arraySync()).toEqual([1, 2, 6]);
    expect(tf.cumprod(x, 0, { reverse: true }).arraySync()).toEqual([30, 15, 5]);
    expect(tf.cumprod(x, 0, { exclusive: true, reverse: true }).arraySync()).toEqual([15, 5, 1]);
  });

  it('gradients: cumsum is the reverse cumsum of dy; cumprod is TF\'s formula, exact through zeros', () => {
    // TF _CumsumGrad: cumsum(dy, exclusive, reverse = !reverse).
    const dy = tf.tensor([1, 2, 3, 4]);
    expect(grad((t) => tf.cumsum(t), tf.tensor([5, 6, 7, 8]), dy).arraySync()).toEqual([10, 9, 7, 4]);
    expect(grad((t) => tf.cumsum(t, 0, { exclusive: true }), tf.tensor([5, 6, 7, 8]), dy).arraySync()).toEqual([9, 7, 4, 0]);
    // d/dx of Σ cumprod([2, 0, 3]) = 2 + 0 + 0: ∂/∂x0 = 1, ∂/∂x1 = x0 + x0·x2 = 8, ∂/∂x2 = x0·x1 = 0.
    expect(grad((t) => tf.cumprod(t), tf.tensor([2, 0, 3])).arraySync()).toEqual([1, 8, 0]);
  });

  it('errors name the op, the argument and the shape', () => {
    expect(() => tf.cumsum(tf.scalar(1))).toThrow(/cumsum: x must have rank at least 1/);
    expect(() => tf.cumsum(tf.tensor([true]))).toThrow(/cumsum: x must be float32, float64 or int32, got bool \[1\]/);
    expect(() => tf.cumprod(tf.tensor([[1]]), 2)).toThrow(/cumprod: axis 2 is out of range for a tensor of rank 2/);
    expect(() => tf.cumsum(tf.tensor([1]), 0, { exclusiv: true } as never)).toThrow(/cumsum: unknown option "exclusiv"/);
    expect(() => tf.cumsum(tf.tensor([1]), 0, { reverse: 1 } as never)).toThrow(/cumsum: options.reverse must be a boolean/);
  });
});

describe(`selection on ${backendLabel()}`, () => {
  it('topK: the example of tf.math.top_k', () => {
    // https://www.tensorflow.org/api_docs/python/tf/math/top_k
    const r = tf.topK(tf.tensor([1, 2, 98, 1, 1, 99, 3, 1, 3, 96, 4, 1]), 3);
    expect(r.values.arraySync()).toEqual([99, 98, 96]);
    expect(r.indices.arraySync()).toEqual([5, 2, 9]);
    expect(r.indices.dtype).toBe('int32');
    // Ties: the lower index comes first (TF: "If two elements are equal, the lower-index element appears first").
    expect(tf.topK(tf.tensor([[3, 1, 3, 3]]), 2).indices.arraySync()).toEqual([[0, 2]]);
  });

  it('sort and argsort: the examples of tf.sort and tf.argsort', () => {
    // https://www.tensorflow.org/api_docs/python/tf/sort and .../tf/argsort
    const a = tf.tensor([1, 10, 26.9, 2.8, 166.32, 62.3], undefined, 'float64');
    expect(tf.sort(a).arraySync()).toEqual([1, 2.8, 10, 26.9, 62.3, 166.32]);
    expect(tf.sort(a, { descending: true }).arraySync()).toEqual([166.32, 62.3, 26.9, 10, 2.8, 1]);
    expect(tf.argsort(a).arraySync()).toEqual([0, 3, 1, 2, 5, 4]);
    expect(tf.argsort(a, { descending: true }).arraySync()).toEqual([4, 5, 2, 1, 3, 0]);
  });

  it('the gradient of topK values scatters dy to the picked positions (TF _TopKGrad)', () => {
    const g = grad((t) => tf.topK(t, 2).values, tf.tensor([[1, 5, 3], [4, 2, 6]]), tf.tensor([[10, 20], [30, 40]]));
    expect(g.arraySync()).toEqual([[0, 10, 20], [40, 0, 30]]);
    const s = grad((t) => tf.sort(t), tf.tensor([3, 1, 2]), tf.tensor([1, 2, 3]));
    expect(s.arraySync()).toEqual([3, 1, 2]);
  });

  it('errors name the op, the argument and the shape', () => {
    expect(() => tf.topK(tf.tensor([1, 2]), 3)).toThrow(/topK: k = 3 is larger than the last dimension of x \[2\]/);
    expect(() => tf.topK(tf.tensor([1, 2]), -1)).toThrow(/topK: k must be a non-negative integer, got -1/);
    expect(() => tf.topK(tf.scalar(1))).toThrow(/topK: x must have rank at least 1/);
    expect(() => tf.sort(tf.tensor([true, false]))).toThrow(/sort: x must be float32, float64 or int32, got bool \[2\]/);
    expect(() => tf.argsort(tf.tensor([1]), { direction: 'DESCENDING' } as never)).toThrow(/argsort: unknown option "direction"/);
  });

  it('js and native give the same order on ties and NaN', () => {
    const x = tf.tensor([2, NaN, 1, 2, NaN, -0, 0, 1]);
    const js = onBackend('js', () => tf.argsort(x).arraySync());
    expect(js).toEqual([5, 6, 2, 7, 0, 3, 1, 4]);
    if (tf.backendInfo().nativeAvailable) expect(onBackend('native', () => tf.argsort(x).arraySync())).toEqual(js);
  });
});

describe(`einsum on ${backendLabel()}`, () => {
  const m0 = tf.tensor([[1, 2, 3], [4, 5, 6]]);
  const m1 = tf.tensor([[1, 0], [0, 1], [2, 2]]);

  it('the forms listed on the tf.einsum page: matmul, dot, outer, transpose, trace, batch matmul', () => {
    // https://www.tensorflow.org/api_docs/python/tf/einsum
    expect(tf.einsum('ij,jk->ik', m0, m1).arraySync()).toEqual([[7, 8], [16, 17]]);
    expect(tf.einsum('i,i->', tf.tensor([1, 2, 3]), tf.tensor([4, 5, 6])).item()).toBe(32);
    expect(tf.einsum('i,j->ij', tf.tensor([1, 2]), tf.tensor([3, 4])).arraySync()).toEqual([[3, 4], [6, 8]]);
    expect(tf.einsum('ij->ji', m0).arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(tf.einsum('ii->', tf.tensor([[1, 2], [3, 4]])).item()).toBe(5);
    expect(tf.einsum('ii->i', tf.tensor([[1, 2], [3, 4]])).arraySync()).toEqual([1, 4]);
    expect(tf.einsum('bij,bjk->bik', tf.stack([m0, m0]), tf.stack([m1, m1])).arraySync()).toEqual([[[7, 8], [16, 17]], [[7, 8], [16, 17]]]);
  });

  it('is differentiable: the gradient of Σ einsum(ij,jk->ik) is ones·bᵀ and aᵀ·ones', () => {
    const tape = new tf.GradientTape();
    tape.watch([m0, m1]);
    const y = tape.record(() => tf.einsum('ij,jk->ik', m0, m1));
    const [ga, gb] = tape.gradient(y, [m0, m1]) as Tensor[];
    expect(ga.arraySync()).toEqual([[1, 1, 4], [1, 1, 4]]);
    expect(gb.arraySync()).toEqual([[5, 5], [7, 7], [9, 9]]);
  });

  it('errors name the equation, the label and the shapes', () => {
    expect(() => tf.einsum('ij,jk', m0, m1)).toThrow(/einsum: equation "ij,jk" must have the explicit form/);
    expect(() => tf.einsum('ij,jk->ik', m0)).toThrow(/einsum: equation "ij,jk->ik" has 2 input terms, but 1 tensor was given/);
    expect(() => tf.einsum('ij,jk->ik', m0, m0)).toThrow(/einsum: label 'j' has size 3 in operands\[0\] \[2,3\] but 2 in operands\[1\] \[2,3\]/);
    expect(() => tf.einsum('ijk->i', m0)).toThrow(/einsum: term 'ijk' has 3 labels, but operands\[0\] has shape \[2,3\] \(rank 2\)/);
    expect(() => tf.einsum('ij->iq', m0)).toThrow(/einsum: equation "ij->iq": output label 'q' does not appear in any input/);
    expect(() => tf.einsum('...ij->ij', m0)).toThrow(/ellipsis/);
    expect(() => tf.einsum('ij->i', tf.tensor([[1]], undefined, 'int32'))).toThrow(/einsum: operands must be float32 or float64, got int32 \[1,1\]/);
  });
});

describe(`any, all, reverse, norm, moments on ${backendLabel()}`, () => {
  it('any and all: the examples of tf.math.reduce_any and tf.math.reduce_all', () => {
    // https://www.tensorflow.org/api_docs/python/tf/math/reduce_any and .../reduce_all
    const x = tf.tensor([[true, true], [false, false]]);
    expect(tf.any(x).arraySync()).toBe(true);
    expect(tf.any(x, 0).arraySync()).toEqual([true, true]);
    expect(tf.any(x, 1).arraySync()).toEqual([true, false]);
    expect(tf.all(x).arraySync()).toBe(false);
    expect(tf.all(x, 0).arraySync()).toEqual([false, false]);
    expect(tf.all(x, 1).arraySync()).toEqual([true, false]);
    expect(tf.any(tf.zeros([0], 'bool')).arraySync()).toBe(false);
    expect(tf.all(tf.zeros([0], 'bool')).arraySync()).toBe(true);
    expect(() => tf.any(tf.tensor([1, 0]))).toThrow(/any: x must be bool, got float32 \[2\]/);
  });

  it('reverse: the example of tf.reverse (t of shape [1, 2, 3, 4])', () => {
    // https://www.tensorflow.org/api_docs/python/tf/reverse
    const t = tf.reshape(tf.range(0, 24, 1, 'int32'), [1, 2, 3, 4]);
    const last = [[[[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8]], [[15, 14, 13, 12], [19, 18, 17, 16], [23, 22, 21, 20]]]];
    expect(tf.reverse(t, [3]).arraySync()).toEqual(last);
    expect(tf.reverse(t, [-1]).arraySync()).toEqual(last);
    expect(tf.reverse(t, [1]).arraySync()).toEqual([[[[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]]]);
    expect(tf.reverse(t, [2]).arraySync()).toEqual([[[[8, 9, 10, 11], [4, 5, 6, 7], [0, 1, 2, 3]], [[20, 21, 22, 23], [16, 17, 18, 19], [12, 13, 14, 15]]]]);
    expect(() => tf.reverse(t, [1, -3])).toThrow(/reverse: axes \[1,-3\] name an axis twice/);
    expect(() => tf.reverse(t, [4])).toThrow(/reverse: axis 4 is out of range for a tensor of rank 4/);
  });

  it('norm: vector and matrix norms by hand', () => {
    const v = tf.tensor([3, -4]);
    expect(tf.norm(v).item()).toBeCloseTo(5, 6);
    expect(tf.norm(v, 1).item()).toBe(7);
    expect(tf.norm(v, Infinity).item()).toBe(4);
    const m = tf.tensor([[1, -2], [3, 4]]);
    expect(tf.norm(m, 1, [0, 1]).item()).toBe(6); // largest column sum of |m|
    expect(tf.norm(m, Infinity, [0, 1]).item()).toBe(7); // largest row sum
    expect(tf.norm(m, 'fro', [0, 1]).item()).toBeCloseTo(Math.sqrt(30), 5);
    expect(tf.norm(m, 'euclidean', 1, true).shape).toEqual([2, 1]);
    expect(() => tf.norm(m, 2, [0, 1])).toThrow(/norm: ord 2 is not supported for matrix norms.*SVD/);
    expect(() => tf.norm(v, 'fro')).toThrow(/norm: ord "fro" is not supported for vector norms/);
    expect(() => tf.norm(tf.tensor([1], undefined, 'int32'))).toThrow(/norm: x must be float32 or float64, got int32 \[1\]/);
  });

  it('moments: mean and population variance (tf.nn.moments), the variance gradient 2(x − mean)/N', () => {
    const x = tf.tensor([1, 2, 3, 4]);
    const { mean, variance } = tf.moments(x, [0]);
    expect(mean.item()).toBe(2.5);
    expect(variance.item()).toBe(1.25);
    expect(grad((t) => tf.moments(t, 0).variance, x).arraySync()).toEqual([-0.75, -0.25, 0.25, 0.75]);
    expect(tf.moments(tf.ones([2, 3]), [1], true).mean.shape).toEqual([2, 1]);
    expect(() => tf.moments(x, [1])).toThrow(/moments: axis 1 is out of range for a tensor of rank 1/);
  });
});

describe(`indexing on ${backendLabel()}`, () => {
  it('gatherND: the examples of tf.gather_nd', () => {
    // https://www.tensorflow.org/api_docs/python/tf/gather_nd (letters replaced by numbers)
    const params = tf.tensor([[1, 2], [3, 4]]);
    expect(tf.gatherND(params, [[0, 0], [1, 1]]).arraySync()).toEqual([1, 4]);
    expect(tf.gatherND(params, [[1], [0]]).arraySync()).toEqual([[3, 4], [1, 2]]);
    expect(() => tf.gatherND(params, [[2, 0]])).toThrow(/gatherND: indices\[0\] = \[2,0\] is out of range for shape \[2,2\] \(axis 0 has size 2\)/);
    expect(() => tf.gatherND(params, [[0, 0, 0]])).toThrow(/gatherND: the last axis of indices \[1,3\] has 3 entries, more than the rank of x \[2,2\]/);
  });

  it('scatterND: the example of tf.scatter_nd; it and gatherND are each other\'s gradients', () => {
    // https://www.tensorflow.org/api_docs/python/tf/scatter_nd
    const indices = tf.tensor([[4], [3], [1], [7]], undefined, 'int32');
    const updates = tf.tensor([9, 10, 11, 12]);
    expect(tf.scatterND(indices, updates, [8]).arraySync()).toEqual([0, 11, 0, 10, 9, 0, 0, 12]);
    expect(grad((u) => tf.scatterND(indices, u, [8]), updates, tf.range(0, 8)).arraySync()).toEqual([4, 3, 1, 7]);
    const x = tf.tensor([[1, 2], [3, 4]]);
    expect(grad((t) => tf.gatherND(t, [[0, 1], [0, 1], [1, 0]]), x, tf.tensor([1, 2, 5])).arraySync()).toEqual([[0, 3], [5, 0]]);
    expect(() => tf.scatterND(indices, tf.tensor([1, 2]), [8])).toThrow(/scatterND: updates must have shape \[4\] \(indices \[4,1\], shape \[8\]\), got \[2\]/);
  });

  it('unsortedSegmentSum: the example of tf.math.unsorted_segment_sum; negative ids are dropped', () => {
    // https://www.tensorflow.org/api_docs/python/tf/math/unsorted_segment_sum
    const c = tf.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [4, 3, 2, 1]]);
    expect(tf.unsortedSegmentSum(c, [0, 1, 0], 2).arraySync()).toEqual([[5, 5, 5, 5], [5, 6, 7, 8]]);
    expect(tf.unsortedSegmentSum(tf.tensor([1, 2, 3]), [0, -1, 0], 2).arraySync()).toEqual([4, 0]);
    expect(() => tf.unsortedSegmentSum(c, [0, 2, 0], 2)).toThrow(/unsortedSegmentSum: segmentIds\[1\] = 2 is not below numSegments = 2/);
    expect(() => tf.unsortedSegmentSum(c, [0, 1], 2)).toThrow(/unsortedSegmentSum: segmentIds \[2\] must have the shape of the leading axes of x \[3,4\]/);
  });

  it('booleanMask: the examples of tf.boolean_mask', () => {
    // https://www.tensorflow.org/api_docs/python/tf/boolean_mask
    expect(tf.booleanMask(tf.tensor([0, 1, 2, 3]), [true, false, true, false]).arraySync()).toEqual([0, 2]);
    expect(tf.booleanMask(tf.tensor([[1, 2], [3, 4], [5, 6]]), [true, false, true]).arraySync()).toEqual([[1, 2], [5, 6]]);
    expect(grad((t) => tf.booleanMask(t, [true, false, true]), tf.tensor([1, 2, 3])).arraySync()).toEqual([1, 0, 1]);
    expect(() => tf.booleanMask(tf.tensor([1, 2]), [true])).toThrow(/booleanMask: mask \[1\] must match the shape of x \[2\] from axis 0/);
    expect(() => tf.booleanMask(tf.tensor([1, 2]), tf.tensor([1, 0], undefined, 'int32'))).toThrow(/booleanMask: mask must be bool, got int32 \[2\]/);
  });
});

describe(`random ops on ${backendLabel()}`, () => {
  const both = <T>(f: () => T): [T, T | null] => [onBackend('js', f), tf.backendInfo().nativeAvailable ? onBackend('native', f) : null];

  it('a seed gives the same numbers on both backends', () => {
    for (const f of [
      () => tf.random.truncatedNormal([300], { seed: 5 }).arraySync(),
      () => tf.random.shuffle(tf.range(0, 500), { seed: 5 }).arraySync(),
      () => tf.random.categorical([[0, 1, 2], [2, 1, -Infinity]], 200, { seed: 5 }).arraySync(),
      () => tf.dropout(tf.ones([40, 30]), 0.3, { seed: 5 }).arraySync(),
    ]) {
      const [js, native] = both(f);
      if (native !== null) expect(native).toEqual(js);
      expect(f()).toEqual(js);
    }
  });

  it('truncatedNormal: within two standard deviations, variance of the truncated law', () => {
    // https://www.tensorflow.org/api_docs/python/tf/random/truncated_normal: "values whose
    // magnitude is more than 2 standard deviations from the mean are dropped and re-picked".
    const t = tf.random.truncatedNormal([200000], { mean: 3, stddev: 0.5, seed: 1, dtype: 'float64' });
    expect(tf.min(t).item()).toBeGreaterThanOrEqual(2);
    expect(tf.max(t).item()).toBeLessThanOrEqual(4);
    const { mean, variance } = tf.moments(t, 0);
    expect(mean.item()).toBeCloseTo(3, 2);
    // Var of N(0,1) truncated to [-2, 2]: 1 − 4φ(2)/(2Φ(2) − 1) = 0.7737; times 0.25.
    expect(variance.item()).toBeCloseTo(0.25 * 0.7737, 2);
    expect(() => tf.random.truncatedNormal([2], { stdev: 1 } as never)).toThrow(/random.truncatedNormal: unknown option "stdev"/);
  });

  it('shuffle: a permutation of the first axis, rows kept whole, differentiable', () => {
    const x = tf.reshape(tf.range(0, 20), [10, 2]);
    const y = tf.random.shuffle(x, { seed: 9 }).arraySync() as number[][];
    expect(y.map((r) => r[0]).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    for (const r of y) expect(r[1]).toBe(r[0] + 1);
    expect(grad((t) => tf.random.shuffle(t, { seed: 9 }), x).arraySync()).toEqual(tf.onesLike(x).arraySync());
    expect(() => tf.random.shuffle(tf.scalar(1))).toThrow(/random.shuffle: x must have rank at least 1/);
  });

  it('categorical: frequencies follow softmax(logits); -Infinity is never drawn', () => {
    // https://www.tensorflow.org/api_docs/python/tf/random/categorical: "samples = tf.random.categorical(tf.math.log([[0.5, 0.5]]), 5)".
    const s = tf.random.categorical(tf.log(tf.tensor([[0.1, 0.6, 0.3], [0.5, 0.5, 0]])), 20000, { seed: 3 });
    expect(s.shape).toEqual([2, 20000]);
    expect(s.dtype).toBe('int32');
    const rows = s.arraySync() as number[][];
    const freq = (r: number[], k: number) => r.filter((v) => v === k).length / r.length;
    expect(freq(rows[0], 1)).toBeCloseTo(0.6, 1);
    expect(freq(rows[0], 0)).toBeCloseTo(0.1, 1);
    expect(freq(rows[1], 2)).toBe(0);
    expect(() => tf.random.categorical(tf.tensor([1, 2]), 3)).toThrow(/random.categorical: logits must have shape \[batch, classes\], got \[2\]/);
  });

  it('dropout: kept values scaled by 1/(1 − rate), the rest 0; rate 0 returns x; the gradient is the mask', () => {
    // https://www.tensorflow.org/api_docs/python/tf/nn/dropout
    const x = tf.ones([100, 100]);
    const y = tf.dropout(x, 0.2, { seed: 11 });
    const v = y.dataSync();
    expect(new Set(v)).toEqual(new Set([0, Math.fround(1 / 0.8)]));
    expect(v.filter((e) => e === 0).length / v.length).toBeCloseTo(0.2, 1);
    expect(tf.dropout(x, 0)).toBe(x);
    const g = grad((t) => tf.dropout(t, 0.2, { seed: 11 }), x);
    expect(Array.from(g.dataSync())).toEqual(Array.from(v));
    const shared = tf.dropout(tf.ones([4, 6]), 0.5, { seed: 2, noiseShape: [1, 6] }).arraySync() as number[][];
    for (const r of shared) expect(r).toEqual(shared[0]);
    expect(() => tf.dropout(x, 1)).toThrow(/dropout: rate must be a number in \[0, 1\), got 1/);
    expect(() => tf.dropout(x, 0.5, { noiseShape: [3, 100] })).toThrow(/dropout: options.noiseShape \[3,100\] must broadcast to x's shape \[100,100\]/);
    // a shorter noise shape broadcasts from the right (TF multiplies x by the mask): one draw per column
    const cols = tf.dropout(tf.ones([4, 50]), 0.5, { noiseShape: [50], seed: 3 }).arraySync() as number[][];
    for (const row of cols) expect(row).toEqual(cols[0]);
  });
});
