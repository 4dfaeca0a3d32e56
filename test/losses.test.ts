/**
 * The four losses against Keras 3's formulas, written here as float64 loops (keras/src/losses
 * and keras/src/backend/numpy/nn.py): per-example values reduce the last axis; the default
 * reduction 'sum_over_batch_size' is the mean of those; probabilities are normalised along
 * the last axis (categorical) and clipped to [1e-7, 1 − 1e-7]; `fromLogits` uses
 * log-softmax / the stable sigmoid cross-entropy. Gradients are checked numerically.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { rng } from './cases/ops.js';
import { checkGradients } from './support/gradcheck.js';
import { mismatch, type Arr } from './support/reference.js';

const EPS = 1e-7;
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

/** Rows of the last axis: [rows, width] view of a flat array. */
function rows(values: number[], shape: number[]): number[][] {
  const w = shape.length === 0 ? 1 : shape[shape.length - 1];
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += w) out.push(values.slice(i, i + w));
  return out;
}

type PerRow = (t: number[], p: number[]) => number;
const mse: PerRow = (t, p) => p.reduce((s, pi, i) => s + (pi - t[i]) ** 2, 0) / p.length;
const cce: PerRow = (t, p) => {
  const z = p.reduce((s, v) => s + v, 0);
  return -t.reduce((s, ti, i) => s + ti * Math.log(clip(p[i] / z)), 0);
};
const cceLogits: PerRow = (t, x) => {
  const m = Math.max(...x);
  const lse = m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
  return -t.reduce((s, ti, i) => s + ti * (x[i] - lse), 0);
};
const bce: PerRow = (t, p) => p.reduce((s, pi, i) => s - (t[i] * Math.log(clip(pi)) + (1 - t[i]) * Math.log(1 - clip(pi))), 0) / p.length;
// max(x, 0) − x·z + log(1 + e^−|x|)
const bceLogits: PerRow = (t, x) => x.reduce((s, xi, i) => s + Math.max(xi, 0) - xi * t[i] + Math.log1p(Math.exp(-Math.abs(xi))), 0) / x.length;

function reference(per: PerRow, t: number[], p: number[], shape: number[], reduction: 'none' | 'sum' | 'mean'): Arr {
  const values = rows(t, shape).map((tr, i) => per(tr, rows(p, shape)[i]));
  const perShape = shape.slice(0, -1);
  if (reduction === 'none') return { shape: perShape, data: values };
  const total = values.reduce((s, v) => s + v, 0);
  return { shape: [], data: [reduction === 'sum' ? total : total / values.length] };
}

const draw = (n: number, rand: () => number, lo: number, hi: number) => Array.from({ length: n }, () => lo + (hi - lo) * rand());
const oneHotRows = (labels: number[], k: number) => labels.flatMap((l) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0)));
const TOL: Record<string, number> = { float32: 2e-5, float64: 1e-12 };

function expectMatches(y: Tensor, want: Arr, dtype: DType): void {
  expect(y.dtype).toBe(dtype);
  const bad = mismatch({ shape: y.shape, data: y.dataSync() }, want, TOL[dtype]);
  if (bad) expect.fail(bad);
}

interface LossCase {
  name: string;
  shape: number[];
  /** Targets (yTrue) and predictions for the row. */
  make: (rand: () => number) => { t: number[]; p: number[] };
  call: (t: Tensor, p: Tensor, reduction?: 'none' | 'sum') => Tensor;
  per: PerRow;
}

const probs = (n: number, rand: () => number) => draw(n, rand, 0.05, 0.95);
const LOSSES: LossCase[] = [];
for (const shape of [[4, 3], [2, 3, 5], [6], [1, 1]]) {
  const n = shape.reduce((a, b) => a * b, 1);
  const width = shape[shape.length - 1];
  const labels = (rand: () => number) => Array.from({ length: n / width }, () => Math.floor(rand() * width));
  LOSSES.push(
    { name: `meanSquaredError ${JSON.stringify(shape)}`, shape, per: mse, make: (r) => ({ t: draw(n, r, -2, 2), p: draw(n, r, -2, 2) }), call: (t, p, reduction) => tf.losses.meanSquaredError(t, p, { reduction }) },
    { name: `categoricalCrossentropy ${JSON.stringify(shape)}`, shape, per: cce, make: (r) => ({ t: oneHotRows(labels(r), width), p: probs(n, r) }), call: (t, p, reduction) => tf.losses.categoricalCrossentropy(t, p, { reduction }) },
    // Soft targets too (label smoothing style): any distribution is a valid yTrue.
    { name: `categoricalCrossentropy soft targets ${JSON.stringify(shape)}`, shape, per: cce, make: (r) => ({ t: probs(n, r), p: probs(n, r) }), call: (t, p, reduction) => tf.losses.categoricalCrossentropy(t, p, { reduction }) },
    { name: `categoricalCrossentropy fromLogits ${JSON.stringify(shape)}`, shape, per: cceLogits, make: (r) => ({ t: oneHotRows(labels(r), width), p: draw(n, r, -3, 3) }), call: (t, p, reduction) => tf.losses.categoricalCrossentropy(t, p, { fromLogits: true, reduction }) },
    { name: `binaryCrossentropy ${JSON.stringify(shape)}`, shape, per: bce, make: (r) => ({ t: draw(n, r, 0, 1).map(Math.round), p: probs(n, r) }), call: (t, p, reduction) => tf.losses.binaryCrossentropy(t, p, { reduction }) },
    { name: `binaryCrossentropy fromLogits ${JSON.stringify(shape)}`, shape, per: bceLogits, make: (r) => ({ t: draw(n, r, 0, 1), p: draw(n, r, -4, 4) }), call: (t, p, reduction) => tf.losses.binaryCrossentropy(t, p, { fromLogits: true, reduction }) },
  );
}

describe('losses vs Keras 3 formulas (float64 reference)', () => {
  for (const c of LOSSES) {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      it(`${c.name} (${dtype})`, () => {
        const { t, p } = c.make(rng(c.name));
        const tt = tf.tensor(t, c.shape, dtype);
        const pt = tf.tensor(p, c.shape, dtype);
        // The reference reads the values as stored in the dtype.
        const tv = Array.from(tt.dataSync());
        const pv = Array.from(pt.dataSync());
        expectMatches(c.call(tt, pt), reference(c.per, tv, pv, c.shape, 'mean'), dtype);
        expectMatches(c.call(tt, pt, 'none'), reference(c.per, tv, pv, c.shape, 'none'), dtype);
        expectMatches(c.call(tt, pt, 'sum'), reference(c.per, tv, pv, c.shape, 'sum'), dtype);
      });
    }
    it(`${c.name}: gradient (numeric, float64)`, () => {
      const { t, p } = c.make(rng(c.name));
      const tt = tf.tensor(t, c.shape, 'float64');
      const pt = tf.tensor(p, c.shape, 'float64');
      // MSE and BCE are differentiable in yTrue too; cross-entropies are checked in yPred.
      const wrt = c.per === mse || c.per === bceLogits ? [0, 1] : [1];
      expect(checkGradients((a, b) => c.call(a, b, 'none'), [tt, pt], { wrt, rand: rng(`grad ${c.name}`) })).toEqual([]);
      expect(checkGradients((a, b) => c.call(a, b), [tt, pt], { wrt, rand: rng(`grad mean ${c.name}`) })).toEqual([]);
    });
  }

  for (const dtype of ['float32', 'float64'] as DType[]) {
    it(`sparseCategoricalCrossentropy equals categorical with one-hot labels (${dtype})`, () => {
      const rand = rng(`scce ${dtype}`);
      const labels = [2, 0, 1, 1, 3];
      const p = probs(20, rand);
      const x = draw(20, rand, -3, 3);
      const pt = tf.tensor(p, [5, 4], dtype);
      const xt = tf.tensor(x, [5, 4], dtype);
      const oh = oneHotRows(labels, 4);
      const pv = Array.from(pt.dataSync());
      const xv = Array.from(xt.dataSync());
      expectMatches(tf.losses.sparseCategoricalCrossentropy(labels, pt), reference(cce, oh, pv, [5, 4], 'mean'), dtype);
      expectMatches(tf.losses.sparseCategoricalCrossentropy(tf.tensor(labels, [5], 'int32'), pt, { reduction: 'none' }), reference(cce, oh, pv, [5, 4], 'none'), dtype);
      expectMatches(tf.losses.sparseCategoricalCrossentropy(labels, xt, { fromLogits: true, reduction: 'sum' }), reference(cceLogits, oh, xv, [5, 4], 'sum'), dtype);
      // Labels of shape [B, 1] are accepted (Keras squeezes them).
      expectMatches(tf.losses.sparseCategoricalCrossentropy(tf.tensor(labels, [5, 1], 'int32'), pt), reference(cce, oh, pv, [5, 4], 'mean'), dtype);
    });
  }

  it('sparseCategoricalCrossentropy gradient (numeric, float64)', () => {
    const rand = rng('scce grad');
    const labels = tf.tensor([2, 0, 1], [3], 'int32');
    const p = tf.tensor(probs(12, rand), [3, 4], 'float64');
    const x = tf.tensor(draw(12, rand, -3, 3), [3, 4], 'float64');
    expect(checkGradients((l, q) => tf.losses.sparseCategoricalCrossentropy(l, q), [labels, p], { wrt: [1], rand })).toEqual([]);
    expect(checkGradients((l, q) => tf.losses.sparseCategoricalCrossentropy(l, q, { fromLogits: true }), [labels, x], { wrt: [1], rand })).toEqual([]);
  });
});

describe('Keras numerics at the edges', () => {
  it('probabilities are clipped to [1e-7, 1 − 1e-7]: p = 0 or 1 gives finite losses', () => {
    // CCE with p = [0, 1] for label 0: −log(1e-7) = 16.118…; BCE with p = 1 for y = 0: −log(1 − (1 − 1e-7)).
    const c = tf.losses.categoricalCrossentropy(tf.tensor([[1, 0]], [1, 2], 'float64'), tf.tensor([[0, 1]], [1, 2], 'float64'));
    expect(c.item()).toBeCloseTo(-Math.log(EPS), 6);
    const b = tf.losses.binaryCrossentropy(tf.tensor([0, 1], [2], 'float64'), tf.tensor([1, 0], [2], 'float64'));
    expect(b.item()).toBeCloseTo((-Math.log(1 - (1 - EPS)) - Math.log(EPS)) / 2, 6);
  });

  it('categorical probabilities are normalised along the last axis', () => {
    // p = [2, 6] normalises to [0.25, 0.75]; label 1: −log 0.75.
    const l = tf.losses.categoricalCrossentropy(tf.tensor([[0, 1]], [1, 2], 'float64'), tf.tensor([[2, 6]], [1, 2], 'float64'));
    expect(l.item()).toBeCloseTo(-Math.log(0.75), 12);
  });

  it('fromLogits is stable for large logits', () => {
    // Logits [1000, 0], label 1: −log softmax = 1000 exactly (up to e^−1000); BCE of x = ±1000.
    const l = tf.losses.categoricalCrossentropy(tf.tensor([[0, 1]]), tf.tensor([[1000, 0]]), { fromLogits: true });
    expect(l.item()).toBeCloseTo(1000, 3);
    const b = tf.losses.binaryCrossentropy(tf.tensor([1, 0]), tf.tensor([-1000, 1000]), { fromLogits: true });
    expect(b.item()).toBeCloseTo(1000, 3);
  });

  it('Keras documentation examples', () => {
    // keras.losses.MeanSquaredError: y_true [[0,1],[0,0]], y_pred [[1,1],[1,0]] → 0.5.
    expect(tf.losses.meanSquaredError([[0, 1], [0, 0]], tf.tensor([[1, 1], [1, 0]])).item()).toBeCloseTo(0.5, 6);
    // keras.losses.CategoricalCrossentropy: → 1.177; reduction none → [0.0513, 2.303].
    const yt = [[0, 1, 0], [0, 0, 1]];
    const yp = tf.tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    expect(tf.losses.categoricalCrossentropy(yt, yp).item()).toBeCloseTo(1.177, 3);
    const none = tf.losses.categoricalCrossentropy(yt, yp, { reduction: 'none' }).dataSync();
    expect(none[0]).toBeCloseTo(0.0513, 4);
    expect(none[1]).toBeCloseTo(2.303, 3);
    // keras.losses.SparseCategoricalCrossentropy: labels [1, 2] → 1.177.
    expect(tf.losses.sparseCategoricalCrossentropy([1, 2], yp).item()).toBeCloseTo(1.177, 3);
    // keras.losses.BinaryCrossentropy: [[0,1],[0,0]] vs [[0.6,0.4],[0.4,0.6]] → 0.815;
    // from_logits: [0,1,0,0] vs [-18.6, 0.51, 2.94, -12.8] → 0.865.
    expect(tf.losses.binaryCrossentropy([[0, 1], [0, 0]], tf.tensor([[0.6, 0.4], [0.4, 0.6]])).item()).toBeCloseTo(0.815, 3);
    expect(tf.losses.binaryCrossentropy([0, 1, 0, 0], tf.tensor([-18.6, 0.51, 2.94, -12.8]), { fromLogits: true }).item()).toBeCloseTo(0.865, 3);
  });

  it('errors name the loss and the shapes', () => {
    expect(() => tf.losses.meanSquaredError(tf.ones([2, 3]), tf.ones([3, 2]))).toThrow(/meanSquaredError.*\[2,3\].*\[3,2\]/);
    expect(() => tf.losses.sparseCategoricalCrossentropy([0, 3], tf.ones([2, 3]))).toThrow(/sparseCategoricalCrossentropy.*3.*\[0, 3\)/);
    expect(() => tf.losses.binaryCrossentropy([1], tf.ones([1]), { reduction: 'avg' as never })).toThrow(/binaryCrossentropy.*reduction/);
  });
});

describe('binaryCrossentropy from logits at z = 0', () => {
  it('has the smooth gradient σ(0) − t, as TF\'s sigmoid_cross_entropy_with_logits', () => {
    // TF selects relu(z) and −|z| with `z >= 0` (nn_impl.py), so at z = 0 the derivative of
    // max(z, 0) − z·t + log1p(e^−|z|) is 1 − t − σ(0) = 0.5 − t, per element of a mean over 4.
    const t = tf.tensor([0, 1, 0.25, 1], [4], 'float64');
    const z = new tf.Variable(tf.zeros([4], 'float64'));
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.losses.binaryCrossentropy(t, z, { fromLogits: true }));
    expect(loss.item()).toBeCloseTo(Math.log(2), 15);
    const g = tape.gradient(loss, z) as Tensor;
    expect(Array.from(g.dataSync())).toEqual([0.5, -0.5, 0.25, -0.5].map((v) => v / 4));
  });
});
