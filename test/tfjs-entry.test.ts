// tapeflow/tfjs's own mappings, each against a derivation or TF.js's documented behaviour
// (TF.js's op tests run separately: npm run test:tfjs).
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '../src/tfjs.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('gradients as TF.js spells them', () => {
  it('grads, valueAndGrads: d(a·b)/da = b, d/db = a', () => {
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, b));
    const [da, db] = tf.grads(f)([tf.tensor([1, 2]), tf.tensor([3, 4])]);
    expect([values(da), values(db)]).toEqual([[3, 4], [1, 2]]);
    const { value, grads } = tf.valueAndGrads(f)([tf.tensor([1, 2]), tf.tensor([3, 4])]);
    expect(value.item()).toBe(11);
    expect(values(grads[0])).toEqual([3, 4]);
  });

  it('variableGrads: every trainable variable f reads, by name; d(w²)/dw = 2w', () => {
    const w = tf.variable(tf.tensor([1, -2]), true, 'w');
    const frozen = tf.variable(tf.scalar(3), false, 'frozen');
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(w), frozen)));
    expect(value.item()).toBe(15);
    expect(Object.keys(grads)).toEqual(['w:0']);
    expect(values(grads['w:0'])).toEqual([6, -12]);
  });

  it('customGrad: {value, gradFunc(dy, saved)} with save()', () => {
    const f = tf.customGrad((x: unknown, save: unknown) => {
      (save as (t: tf.Tensor[]) => void)([x as tf.Tensor]);
      return { value: tf.square(x as tf.Tensor), gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.mul(saved, 10)) };
    });
    expect(values(f(tf.tensor([2, 3])))).toEqual([4, 9]);
    expect(values(tf.grad((x) => f(x))(tf.tensor([2, 3])))).toEqual([20, 30]);
  });
});

describe('tf.train', () => {
  it('sgd: one minimize step is w − lr·dL/dw, and returnCost gives the loss before the step', () => {
    const w = tf.variable(tf.scalar(2));
    const cost = tf.train.sgd(0.1).minimize(() => tf.square(w), true, [w]);
    expect(cost!.item()).toBe(4);
    expect(w.item()).toBeCloseTo(2 - 0.1 * 4, 6);
  });

  it('momentum equals Keras SGD with momentum: two steps by hand', () => {
    // TF.js: a = m·a + g; w -= lr·a. g = 2w: from w = 1, lr 0.1, m 0.9:
    // a1 = 2, w1 = 0.8; a2 = 0.9·2 + 1.6 = 3.4, w2 = 0.8 − 0.34 = 0.46
    const w = tf.variable(tf.scalar(1));
    const opt = tf.train.momentum(0.1, 0.9);
    opt.minimize(() => tf.square(w), false, [w]);
    opt.minimize(() => tf.square(w), false, [w]);
    expect(w.item()).toBeCloseTo(0.46, 6);
  });

  it('adam, adagrad, adadelta, adamax, rmsprop: TF.js defaults, a step lowers the loss; computeGradients and applyGradients by name', () => {
    for (const make of [() => tf.train.adam(), () => tf.train.adagrad(0.1), () => tf.train.adadelta(1), () => tf.train.adamax(), () => tf.train.rmsprop(0.01)]) {
      const w = tf.variable(tf.tensor([1, -1]));
      const opt = make();
      const loss = () => tf.sum(tf.square(w));
      const { value, grads } = opt.computeGradients(loss);
      opt.applyGradients(grads);
      expect(loss().item(), opt.getConfig().className as string).toBeLessThan(value.item());
      expect(opt.iterations).toBe(1);
    }
    expect(tf.train.adam().getConfig()).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(() => tf.train.sgd(0.1).applyGradients({ nowhere: tf.scalar(1) })).toThrow(/no variable named "nowhere"/);
  });

  it('a tf.train optimizer compiles into a model', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const h = await model.fit(tf.tensor([[1], [2]]), tf.tensor([[2], [4]]), { epochs: 3, verbose: 0 });
    expect(h.history.loss[2]).toBeLessThan(h.history.loss[0]);
  });
});

describe('TF.js-only op spellings', () => {
  it('rank-suffixed forms check the rank', () => {
    expect(values(tf.reverse1d(tf.tensor([1, 2, 3])))).toEqual([3, 2, 1]);
    expect(tf.concat2d([tf.zeros([1, 2]), tf.ones([2, 2])], 0).shape).toEqual([3, 2]);
    expect(values(tf.slice1d(tf.tensor([1, 2, 3, 4]), 1, 2))).toEqual([2, 3]);
    expect(tf.pad2d(tf.ones([1, 1]), [[1, 0], [0, 1]]).arraySync()).toEqual([[0, 0], [1, 0]]);
    expect(() => tf.reverse2d(tf.tensor([1, 2]))).toThrow(/reverse2d: x must be rank 2, got shape \[2\]/);
  });

  it('unstack, step, dot, outerProduct, addN, prelu, diag, topk, batchNorm', () => {
    expect(tf.unstack(tf.tensor([[1, 2], [3, 4]]), 1).map(values)).toEqual([[1, 3], [2, 4]]);
    expect(values(tf.step(tf.tensor([-1, 0, 2, NaN]), 0.5))).toEqual([0.5, 0.5, 1, NaN]);
    expect(tf.dot(tf.tensor([1, 2]), tf.tensor([3, 4])).item()).toBe(11);
    expect(tf.dot(tf.tensor([[1, 2], [3, 4]]), tf.tensor([1, 1])).arraySync()).toEqual([3, 7]);
    expect(tf.outerProduct(tf.tensor([1, 2]), tf.tensor([3, 4])).arraySync()).toEqual([[3, 4], [6, 8]]);
    expect(values(tf.addN([tf.tensor([1, 2]), tf.tensor([3, 4]), tf.tensor([5, 6])]))).toEqual([9, 12]);
    expect(values(tf.prelu(tf.tensor([-2, 3]), tf.scalar(0.25)))).toEqual([-0.5, 3]);
    expect(tf.diag(tf.tensor([1, 2])).arraySync()).toEqual([[1, 0], [0, 2]]);
    expect(values(tf.topk(tf.tensor([1, 3, 2]), 2).values)).toEqual([3, 2]);
    // (x − mean)/sqrt(var + ε)·scale + offset at x = 3, mean 1, var 4, ε 0: 1·2 + 1 = 3
    expect(tf.batchNorm(tf.scalar(3), tf.scalar(1), tf.scalar(4), tf.scalar(1), tf.scalar(2), 0).item()).toBeCloseTo(3, 6);
  });

  it('positional random ops and variable; memory and backend answer honestly', () => {
    const r = tf.randomNormal([1000], 5, 2, 'float32', 7);
    expect(Math.abs(tf.mean(r).item() - 5)).toBeLessThan(0.3);
    expect(tf.randomNormal([3], 0, 1, 'int32', 1).dtype).toBe('int32');
    const u = tf.randomUniform([500], 2, 3, 'float32', 3);
    expect(Math.min(...values(u))).toBeGreaterThanOrEqual(2);
    expect(tf.randomUniform([4], 0, 1, 'bool', 3).dtype).toBe('bool');
    const v = tf.variable(tf.scalar(1), false, 'name', 'float64');
    expect([v.trainable, v.name, v.dtype]).toEqual([false, 'name:0', 'float64']);
    const m = tf.memory();
    expect(m.unreliable).toBe(true);
    expect(Number.isNaN(m.numTensors)).toBe(true);
    expect(m.numBytes).toBeGreaterThan(0);
    expect(tf.backend().floatPrecision()).toBe(32);
  });

  it('dimRoundingMode: output sizes rounding((in + 2p − k)/s) + 1', () => {
    const x = tf.ones([1, 6, 6, 1]);
    // (6 + 2 − 3)/2 + 1 = 3.5: floor 3, round 4, ceil 4 (the extra window still holds input)
    expect(tf.maxPool(x, 3, 2, 1, 'floor').shape).toEqual([1, 3, 3, 1]);
    expect(tf.maxPool(x, 3, 2, 1, 'ceil').shape).toEqual([1, 4, 4, 1]);
    expect(tf.avgPool(x, 3, 2, 1, 'round').shape).toEqual([1, 4, 4, 1]);
    expect(tf.conv2d(x, tf.ones([3, 3, 1, 1]), 2, 1, 'NHWC', 1, 'ceil').shape).toEqual([1, 4, 4, 1]);
    expect(() => tf.conv2d(x, tf.ones([3, 3, 1, 1]), 2, 'same', 'NHWC', 1, 'ceil')).toThrow(/dimRoundingMode 'ceil' needs a numeric pad/);
    // NCHW through transposes equals NHWC
    const nchw = tf.conv2d(tf.transpose(tf.range(0, 25).reshape([1, 5, 5, 1]), [0, 3, 1, 2]), tf.ones([3, 3, 1, 1]), 1, 'valid', 'NCHW');
    const nhwc = tf.conv2d(tf.range(0, 25).reshape([1, 5, 5, 1]), tf.ones([3, 3, 1, 1]), 1, 'valid');
    expect(values(nchw)).toEqual(values(nhwc));
  });

  it("losses as TF.js: reductions, and huberLoss on TF.js's documented numbers", () => {
    // TF.js's huber_loss_test '1D': labels [1, 2, 3], predictions [0.3, 0.6, 0.1] → 1.1816667
    expect(tf.losses.huberLoss(tf.tensor([1, 2, 3]), tf.tensor([0.3, 0.6, 0.1])).item()).toBeCloseTo(1.1816667, 5);
    // weighted SUM_BY_NONZERO_WEIGHTS: Σ w·e² / count(w ≠ 0) = (0 + 4·2)/1
    expect(tf.losses.meanSquaredError(tf.tensor([1, 2]), tf.tensor([1, 4]), tf.tensor([0, 2])).item()).toBe(8);
    expect(tf.losses.absoluteDifference(tf.tensor([1, 2]), tf.tensor([2, 4]), null, tf.Reduction.SUM).item()).toBe(3);
    expect(tf.losses.meanSquaredError(tf.tensor([1, 2]), tf.tensor([1, 4]), null, tf.Reduction.NONE).shape).toEqual([2]);
  });
});

describe("TF.js's file:// model paths", () => {
  it('model.save(file://dir) and loadLayersModel(file://dir/model.json)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapeflow-tfjs-'));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    await model.save(pathToFileURL(dir).href);
    const back = await tf.loadLayersModel(pathToFileURL(join(dir, 'model.json')).href);
    const x = tf.ones([1, 3]);
    expect(values(back.predict(x) as tf.Tensor)).toEqual(values(model.predict(x) as tf.Tensor));
  });
});
