/**
 * tf.metrics against Keras 3's own numbers: the examples in the docstrings of
 * keras/src/metrics (accuracy_metrics.py, reduction_metrics.py) and the cases of
 * confusion_metrics_test.py / regression_metrics_test.py, each re-derived by hand in a
 * comment. State accumulates across updateState calls and resetState starts over.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { metrics } = tf;
const value = (t: Tensor) => t.arraySync() as number;
const close = (t: Tensor, want: number | number[], tol = 1e-6) => {
  const got = t.arraySync();
  if (Array.isArray(want)) {
    expect(t.shape).toEqual([want.length]);
    (got as number[]).forEach((g, i) => expect(g).toBeCloseTo(want[i], -Math.log10(tol)));
  } else {
    expect(t.shape).toEqual([]);
    expect(got as number).toBeCloseTo(want, -Math.log10(tol));
  }
};

describe('Mean and Sum (Keras docstrings)', () => {
  it('Mean of [1, 3, 5, 7] is 4; with weights [1, 1, 0, 0] it is 2', () => {
    const m = new metrics.Mean();
    m.updateState([1, 3, 5, 7]);
    close(m.result(), 4);
    m.resetState();
    m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
    close(m.result(), 2);
    expect(m.name).toBe('mean');
  });

  it('Mean accumulates over calls: (1 + 3) + (5) over 3 values = 3', () => {
    const m = new metrics.Mean();
    m.updateState([1, 3]);
    m.updateState(5);
    close(m.result(), 3);
    expect(m.result().dtype).toBe('float32');
  });

  it('Mean of 2-d values with per-sample weights averages each row first', () => {
    // rows mean to 2 and 6; weights 1 and 3: (2 + 18) / 4 = 5
    const m = new metrics.Mean();
    m.updateState([[1, 3], [5, 7]], [1, 3]);
    close(m.result(), 5);
  });

  it('Mean before any update is 0 (divide_no_nan)', () => {
    close(new metrics.Mean().result(), 0);
  });

  it('Sum of [1, 3, 5, 7] is 16; with weights [1, 1, 0, 0] it is 4', () => {
    const s = new metrics.Sum();
    s.updateState([1, 3, 5, 7]);
    close(s.result(), 16);
    s.resetState();
    s.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
    close(s.result(), 4);
    expect(s.name).toBe('sum');
  });

  it('float64 metrics keep float64 state', () => {
    const m = new metrics.Mean({ dtype: 'float64' });
    m.updateState([0.1, 0.2]);
    expect(m.result().dtype).toBe('float64');
    expect(value(m.result())).toBe((0.1 + 0.2) / 2);
  });

  it('a bad sample weight names the metric and both shapes', () => {
    const m = new metrics.Mean();
    expect(() => m.updateState([1, 2, 3], [1, 2])).toThrow(/Mean\.updateState: sampleWeight shape \[2\] cannot be broadcast to shape \[3\]/);
    expect(() => new metrics.Mean({ nme: 'x' } as never)).toThrow(/Mean: unknown option "nme"/);
  });
});

describe('accuracy metrics (Keras docstrings)', () => {
  it('Accuracy: [[1],[2],[3],[4]] vs [[0],[2],[3],[4]] is 0.75; weights [1,1,0,0] give 0.5', () => {
    const m = new metrics.Accuracy();
    m.updateState([[1], [2], [3], [4]], [[0], [2], [3], [4]]);
    close(m.result(), 0.75);
    m.resetState();
    m.updateState([[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0]);
    close(m.result(), 0.5);
    expect(m.name).toBe('accuracy');
  });

  it('BinaryAccuracy: 0.75, then 0.5 with weights [1, 0, 0, 1]', () => {
    // 0.98 > 0.5 ✓, 1 ✓, 0 ✓, 0.6 → 1 against 0 ✗; weighted: (1·1 + 1·0) / 2
    const m = new metrics.BinaryAccuracy();
    const yTrue = [[1], [1], [0], [0]], yPred = [[0.98], [1], [0], [0.6]];
    m.updateState(yTrue, yPred);
    close(m.result(), 0.75);
    m.resetState();
    m.updateState(yTrue, yPred, [1, 0, 0, 1]);
    close(m.result(), 0.5);
    expect(m.name).toBe('binary_accuracy');
  });

  it('BinaryAccuracy threshold: 0.6 > 0.7 is false, so all four are right', () => {
    const m = new metrics.BinaryAccuracy({ threshold: 0.7 });
    m.updateState([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]);
    close(m.result(), 1);
    expect(() => new metrics.BinaryAccuracy({ threshold: 1 })).toThrow(/BinaryAccuracy: options\.threshold must be in \(0, 1\), got 1/);
  });

  it('CategoricalAccuracy: 0.5, then 0.3 with weights [0.7, 0.3]', () => {
    // argmax rows: 1 (label 2) ✗, 1 (label 1) ✓
    const m = new metrics.CategoricalAccuracy();
    const yTrue = [[0, 0, 1], [0, 1, 0]], yPred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]];
    m.updateState(yTrue, yPred);
    close(m.result(), 0.5);
    m.resetState();
    m.updateState(yTrue, yPred, [0.7, 0.3]);
    close(m.result(), 0.3);
    expect(m.name).toBe('categorical_accuracy');
  });

  it('SparseCategoricalAccuracy: labels [[2], [1]]: 0.5, then 0.3 with weights [0.7, 0.3]', () => {
    const m = new metrics.SparseCategoricalAccuracy();
    const yPred = [[0.1, 0.6, 0.3], [0.05, 0.95, 0]];
    m.updateState([[2], [1]], yPred);
    close(m.result(), 0.5);
    m.resetState();
    m.updateState([[2], [1]], yPred, [0.7, 0.3]);
    close(m.result(), 0.3);
    // labels without the trailing 1 too, and int32
    m.resetState();
    m.updateState(tf.tensor([2, 1], [2], 'int32'), yPred);
    close(m.result(), 0.5);
    expect(m.name).toBe('sparse_categorical_accuracy');
  });

  it('TopKCategoricalAccuracy k = 1: 0.5, then 0.3 with weights; k = 2 gets both', () => {
    const yTrue = [[0, 0, 1], [0, 1, 0]], yPred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]];
    const m = new metrics.TopKCategoricalAccuracy({ k: 1 });
    m.updateState(yTrue, yPred);
    close(m.result(), 0.5);
    m.resetState();
    m.updateState(yTrue, yPred, [0.7, 0.3]);
    close(m.result(), 0.3);
    const m2 = new metrics.TopKCategoricalAccuracy({ k: 2 });
    m2.updateState(yTrue, yPred);
    close(m2.result(), 1);
    expect(m2.name).toBe('top_k_categorical_accuracy');
    expect(new metrics.TopKCategoricalAccuracy().k).toBe(5);
  });

  it('top-k counts ties at the boundary as in (TF in_top_k)', () => {
    // row [0.5, 0.5, 0.1], target 1: one prediction is not strictly larger, so with k = 1 it is in
    close(metrics.topKCategoricalAccuracy([[0, 1, 0]], [[0.5, 0.5, 0.1]], 1), [1]);
    close(metrics.sparseTopKCategoricalAccuracy([2], [[0.5, 0.5, 0.1]], 2), [0]);
  });

  it('SparseTopKCategoricalAccuracy k = 1: labels [2, 1]: 0.5, then 0.3 with weights', () => {
    const m = new metrics.SparseTopKCategoricalAccuracy({ k: 1 });
    const yPred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]];
    m.updateState([2, 1], yPred);
    close(m.result(), 0.5);
    m.resetState();
    m.updateState([2, 1], yPred, [0.7, 0.3]);
    close(m.result(), 0.3);
    expect(m.name).toBe('sparse_top_k_categorical_accuracy');
  });

  it('accumulates across batches: 1/2 then 2/2 right is 3/4', () => {
    const m = new metrics.CategoricalAccuracy();
    m.updateState([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
    m.updateState([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]]);
    close(m.result(), 0.75);
  });

  it('the functions give one value per sample (TF.js tf.metrics.binaryAccuracy …)', () => {
    close(metrics.binaryAccuracy([[1, 0], [1, 1]], [[0.9, 0.2], [0.3, 0.6]]), [1, 0.5]);
    close(metrics.categoricalAccuracy([[0, 1], [1, 0]], [[0.3, 0.7], [0.4, 0.6]]), [1, 0]);
    close(metrics.sparseCategoricalAccuracy([1, 0], [[0.3, 0.7], [0.4, 0.6]]), [1, 0]);
    expect(metrics.binaryAccuracy([[1, 0]], [[0.9, 0.2]]).dtype).toBe('float32');
  });

  it('shape errors name the function and both shapes', () => {
    expect(() => metrics.categoricalAccuracy([[0, 1]], [[0.3, 0.3, 0.4]])).toThrow(/categoricalAccuracy: yTrue shape \[1,2\] does not match yPred shape \[1,3\]/);
    expect(() => metrics.sparseCategoricalAccuracy([[1, 0]], [[0.3, 0.7]])).toThrow(/sparseCategoricalAccuracy: yTrue shape \[1,2\] must be yPred shape \[1,2\] without its last axis/);
    expect(() => metrics.sparseTopKCategoricalAccuracy([3], [[0.3, 0.7]], 1)).toThrow(/sparseTopKCategoricalAccuracy: yTrue\[0\] = 3 is not a class index in \[0, 2\)/);
  });
});

describe('regression metrics (Keras regression_metrics_test numbers)', () => {
  const yTrue = [[0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]];
  const yPred = [[0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]];
  // per row, squared = absolute errors (0/1 values): 2/5, 2/5, 2/5, 4/5

  it('MeanSquaredError is 0.5; with weights [1, 1.5, 2, 2.5] it is 3.8 / 7', () => {
    const m = new metrics.MeanSquaredError();
    m.updateState(yTrue, yPred);
    close(m.result(), 0.5);
    m.resetState();
    m.updateState(yTrue, yPred, [1, 1.5, 2, 2.5]);
    close(m.result(), (0.4 + 0.6 + 0.8 + 2.0) / 7);
    expect(m.name).toBe('mean_squared_error');
  });

  it('MeanAbsoluteError is 0.5; with weights [1, 1.5, 2, 2.5] it is 3.8 / 7', () => {
    const m = new metrics.MeanAbsoluteError();
    m.updateState(yTrue, yPred);
    close(m.result(), 0.5);
    m.resetState();
    m.updateState(yTrue, yPred, [1, 1.5, 2, 2.5]);
    close(m.result(), 3.8 / 7);
    expect(m.name).toBe('mean_absolute_error');
  });

  it('mse and mae per sample', () => {
    close(metrics.mse([[1, 2], [3, 4]], [[1, 4], [3, 3]]), [2, 0.5]);
    close(metrics.mae([[1, 2], [3, 4]], [[1, 4], [3, 3]]), [1, 0.5]);
  });

  it('a user function wrapped in MeanMetricWrapper is named after it', () => {
    function maxError(t: tf.TensorLike, p: tf.TensorLike) {
      return tf.max(tf.abs(tf.sub(tf.tensor(t as number[][]), tf.tensor(p as number[][]))), -1);
    }
    const m = new metrics.MeanMetricWrapper(maxError);
    m.updateState([[1, 2], [3, 4]], [[1, 4], [3, 3]]);
    close(m.result(), 1.5); // rows 2 and 1
    expect(m.name).toBe('maxError');
  });
});

describe('Precision (Keras confusion_metrics_test)', () => {
  it('unweighted: [1,0,1,0] vs labels [0,1,1,0] is 0.5', () => {
    const p = new metrics.Precision();
    p.updateState([0, 1, 1, 0], [1, 0, 1, 0]);
    close(p.result(), 0.5);
    expect(p.name).toBe('precision');
  });

  it('weighted: tp 3 + 4 over predicted positives (1 + 3) + (4 + 2) = 0.7', () => {
    const p = new metrics.Precision();
    p.updateState([[0, 1, 1, 0], [1, 0, 0, 1]], [[1, 0, 1, 0], [1, 0, 1, 0]], [[1, 2, 3, 4], [4, 3, 2, 1]]);
    close(p.result(), 0.7);
  });

  it('no predicted positives gives 0', () => {
    const p = new metrics.Precision();
    p.updateState([0, 0, 0, 0], [0, 0, 0, 0]);
    close(p.result(), 0);
  });

  it('thresholds [0.5, 0.7]: [1, 0, 0.6, 0] gives [0.5, 0]', () => {
    const p = new metrics.Precision({ thresholds: [0.5, 0.7] });
    p.updateState([0, 1, 1, 0], [1, 0, 0.6, 0]);
    close(p.result(), [0.5, 0]);
  });

  it('weighted with thresholds [0.5, 1], two updates: 6 / 14 and 0', () => {
    // at 0.5: [0][0] = 1 (label 0, w 4) fp, [1][0] = 0.6 (label 1, w 3) tp: 3 / 7 per update
    const p = new metrics.Precision({ thresholds: [0.5, 1] });
    for (let i = 0; i < 2; i++) p.updateState([[0, 1], [1, 0]], [[1, 0], [0.6, 0]], [[4, 0], [3, 1]]);
    close(p.result(), [6 / 14, 0], 1e-6);
  });

  it('topK = 3: [0.2, 0.1, 0.5, 0, 0.2] keeps indices 2, 0, 4 (ties: lower index): 1/3', () => {
    const p = new metrics.Precision({ topK: 3 });
    p.updateState([0, 1, 1, 0, 0], [0.2, 0.1, 0.5, 0, 0.2]);
    close(p.result(), 1 / 3);
  });

  it('weighted topK over two updates: tp (2 + 5) + (3 + 3) over (1 + 2 + 5) + (3 + 3 + 3) = 13/17', () => {
    const p = new metrics.Precision({ topK: 3 });
    p.updateState([[0, 1, 1, 0, 1]], [[0.2, 0.1, 0.4, 0, 0.2]], [[1, 4, 2, 3, 5]]);
    p.updateState([1, 0, 1, 1, 1], [0.2, 0.6, 0.4, 0.2, 0.2], 3);
    close(p.result(), 13 / 17);
  });

  it('classId = 1 on five rows: the one prediction of class 1 is right', () => {
    const p = new metrics.Precision({ classId: 1 });
    p.updateState(
      [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]],
      [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
    );
    close(p.result(), 1);
    expect(() => p.updateState([0, 1, 1], [0.2, 0.1, 0.6])).toThrow(/Precision\.updateState: with classId, yPred must have shape \[samples, classes\], got \[3\]/);
  });

  it('classId = 2 across updates: 1, still 1, then 0.5', () => {
    const p = new metrics.Precision({ classId: 2 });
    p.updateState([[0, 1, 1, 0, 0]], [[0.2, 0.1, 0.6, 0, 0.2]]);
    close(p.result(), 1);
    p.updateState([[0, 1, 1, 0, 0]], [[0.2, 0.1, 0, 0, 0.2]]);
    close(p.result(), 1);
    p.updateState([[0, 1, 0, 0, 0]], [[0.2, 0.1, 0.6, 0, 0.2]]);
    close(p.result(), 0.5);
  });

  it('topK = 2 and threshold 0.7: only 0.8 is positive: 1', () => {
    const p = new metrics.Precision({ thresholds: 0.7, topK: 2 });
    p.updateState([0, 1, 1, 0, 1], [0.2, 0.8, 0.6, 0, 0.2]);
    close(p.result(), 1);
  });

  it('evenly spaced thresholds take the bucket path and agree with the comparisons', () => {
    // thresholds [0, 0.5, 1]: preds > t: at 0 → 0.3, 0.5, 0.9, 1 (labels 1, 0, 1, 1): 3/4;
    // at 0.5 → 0.9, 1: 2/2; at 1 → none: 0
    const p = new metrics.Precision({ thresholds: [0, 0.5, 1] });
    p.updateState([1, 0, 1, 1, 0], [0.3, 0.5, 0.9, 1, 0]);
    close(p.result(), [0.75, 1, 0]);
  });

  it('resetState and thresholds out of range', () => {
    const p = new metrics.Precision();
    p.updateState([1], [1]);
    p.resetState();
    close(p.result(), 0);
    expect(() => new metrics.Precision({ thresholds: [0.5, 1.5] })).toThrow(/Precision: options\.thresholds must be numbers in \[0, 1\], got \[0\.5,1\.5\]/);
    expect(() => p.updateState([1, 0], [1, 0, 1])).toThrow(/Precision\.updateState: yTrue shape \[2\] does not match yPred shape \[3\]/);
  });
});

describe('Recall (Keras confusion_metrics_test)', () => {
  it('unweighted 0.5; weighted (3 + 1) / ((2 + 3) + (4 + 1)) = 0.4', () => {
    const r = new metrics.Recall();
    r.updateState([0, 1, 1, 0], [1, 0, 1, 0]);
    close(r.result(), 0.5);
    expect(r.name).toBe('recall');
    const w = new metrics.Recall();
    w.updateState([[0, 1, 1, 0], [1, 0, 0, 1]], [[1, 0, 1, 0], [0, 1, 0, 1]], [[1, 2, 3, 4], [4, 3, 2, 1]]);
    close(w.result(), 0.4);
  });

  it('thresholds [0.5, 0.7] give [0.5, 0]; weighted [0.5, 1] twice gives [3/7, 0]', () => {
    const r = new metrics.Recall({ thresholds: [0.5, 0.7] });
    r.updateState([0, 1, 1, 0], [1, 0, 0.6, 0]);
    close(r.result(), [0.5, 0]);
    const w = new metrics.Recall({ thresholds: [0.5, 1] });
    for (let i = 0; i < 2; i++) w.updateState([[0, 1], [1, 0]], [[1, 0], [0.6, 0]], [[1, 4], [3, 2]]);
    close(w.result(), [6 / 14, 0]);
  });

  it('topK: 0.5; weighted over two updates 13 / 23', () => {
    const r = new metrics.Recall({ topK: 3 });
    r.updateState([0, 1, 1, 0, 0], [0.2, 0.1, 0.5, 0, 0.2]);
    close(r.result(), 0.5);
    const w = new metrics.Recall({ topK: 3 });
    w.updateState([[0, 1, 1, 0, 1]], [[0.2, 0.1, 0.4, 0, 0.2]], [[1, 4, 2, 3, 5]]);
    w.updateState([1, 0, 1, 1, 1], [0.2, 0.6, 0.4, 0.2, 0.2], 3);
    close(w.result(), 13 / 23);
  });

  it('topK = 2 and threshold 0.7: one of four positives found: 0.25', () => {
    const r = new metrics.Recall({ thresholds: 0.7, topK: 2 });
    r.updateState([1, 1, 1, 0, 1], [0.2, 0.8, 0.6, 0, 0.2]);
    close(r.result(), 0.25);
  });

  it('functional precision and recall of one batch', () => {
    close(metrics.precision([0, 1, 1, 0], [1, 0, 1, 0]), 0.5);
    close(metrics.recall([1, 1, 1, 0], [1, 0, 1, 0]), 2 / 3);
  });
});

describe('AUC (Keras confusion_metrics_test, numThresholds = 3)', () => {
  // thresholds [−1e-7, 0.5, 1 + 1e-7]; yPred [0, 0.5, 0.3, 0.9], labels [0, 0, 1, 1]
  // unweighted: tp [2, 1, 0], fp [2, 0, 0], fn [0, 1, 2], tn [0, 2, 2]
  // weights [1, 2, 3, 4]: tp [7, 4, 0], fp [3, 0, 0], fn [0, 3, 7], tn [0, 3, 3]
  const yTrue = [0, 0, 1, 1], yPred = [0, 0.5, 0.3, 0.9], weights = [1, 2, 3, 4];

  it('thresholds and name', () => {
    const a = new metrics.AUC({ numThresholds: 3 });
    expect(a.thresholds).toEqual([-1e-7, 0.5, 1 + 1e-7]);
    expect(a.name).toBe('auc');
    expect(new metrics.AUC().thresholds.length).toBe(200);
  });

  it('ROC, unweighted: recall [1, 0.5, 0], fp rate [1, 0, 0]: 0.75', () => {
    const a = new metrics.AUC({ numThresholds: 3 });
    a.updateState(yTrue, yPred);
    close(a.result(), 0.75);
  });

  it('ROC from logits: the same 0.75', () => {
    const a = new metrics.AUC({ numThresholds: 3, fromLogits: true });
    const logits = yPred.map((p) => -Math.log(1 / (p + 1e-12) - 1));
    a.updateState(yTrue, logits);
    close(a.result(), 0.75);
  });

  it('manual thresholds [0.5] are thresholds [−ε, 0.5, 1 + ε]: 0.75', () => {
    const a = new metrics.AUC({ numThresholds: 2, thresholds: [0.5] });
    expect(a.numThresholds).toBe(3);
    a.updateState(yTrue, yPred);
    close(a.result(), 0.75);
  });

  it('ROC weighted: interpolation (1 + 4/7) / 2, majoring 1, minoring 4/7', () => {
    const cases: [string, number][] = [['interpolation', (1 + 4 / 7) / 2], ['majoring', 1], ['minoring', 4 / 7]];
    for (const [summationMethod, want] of cases) {
      const a = new metrics.AUC({ numThresholds: 3, summationMethod: summationMethod as 'interpolation' });
      a.updateState(yTrue, yPred, weights);
      close(a.result(), want);
    }
  });

  it('PR weighted: majoring 1, minoring 0.7 · 3/7', () => {
    // precision [0.7, 1, 0], recall [1, 4/7, 0]; widths [3/7, 4/7]
    const maj = new metrics.AUC({ numThresholds: 3, curve: 'PR', summationMethod: 'majoring' });
    maj.updateState(yTrue, yPred, weights);
    close(maj.result(), 1);
    const min = new metrics.AUC({ numThresholds: 3, curve: 'PR', summationMethod: 'minoring' });
    min.updateState(yTrue, yPred, weights);
    close(min.result(), 0.7 * 3 / 7);
  });

  it('PR weighted, interpolation: (0.5 · (3 + 2 · log 2.5) + 4) / 7', () => {
    // P = [10, 4, 0], dTP = [3, 4], dP = [6, 4], slope [0.5, 1], intercept [2, 0]
    const a = new metrics.AUC({ numThresholds: 3, curve: 'PR' });
    a.updateState(yTrue, yPred, weights);
    close(a.result(), (0.5 * (3 + 2 * Math.log(2.5)) + 4) / 7, 1e-6);
  });

  it('perfect predictions give 1; state accumulates across updates and resets', () => {
    const a = new metrics.AUC();
    a.updateState([0, 1], [0.1, 0.9]);
    a.updateState([1, 0], [0.8, 0.2]);
    close(a.result(), 1, 1e-6);
    a.updateState([0, 0, 1, 1], [0.9, 0.9, 0.1, 0.1]);
    // The trapezoidal ROC area over thresholds that separate every distinct value is the
    // Mann–Whitney statistic: P(positive > negative) + ½·P(tie) over the 16 pairs.
    const pos = [0.9, 0.8, 0.1, 0.1], neg = [0.1, 0.2, 0.9, 0.9];
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
    close(a.result(), wins / 16, 1e-6);
    a.resetState();
    close(a.result(), 0);
  });

  it('bad options name AUC and the value', () => {
    expect(() => new metrics.AUC({ numThresholds: 1 })).toThrow(/AUC: options\.numThresholds must be an integer > 1, got 1/);
    expect(() => new metrics.AUC({ curve: 'XY' as 'PR' })).toThrow(/AUC: options\.curve must be one of 'ROC', 'PR'/);
  });
});

describe('getMetric', () => {
  it("resolves 'accuracy' and 'acc' from the loss", () => {
    expect(metrics.getMetric('accuracy', 'binaryCrossentropy')).toBeInstanceOf(metrics.BinaryAccuracy);
    expect(metrics.getMetric('acc', 'sparseCategoricalCrossentropy')).toBeInstanceOf(metrics.SparseCategoricalAccuracy);
    expect(metrics.getMetric('accuracy', 'categoricalCrossentropy')).toBeInstanceOf(metrics.CategoricalAccuracy);
    expect(metrics.getMetric('accuracy', tf.losses.binaryCrossentropy)).toBeInstanceOf(metrics.BinaryAccuracy);
    expect(metrics.getMetric('acc', 'binary_crossentropy').name).toBe('acc');
    expect(metrics.getMetric('accuracy', 'categoricalCrossentropy').name).toBe('accuracy');
  });

  it("without a deciding loss, 'accuracy' follows Keras 3's shape rule at the first update", () => {
    // one output unit: binary (0.6 > 0.5 matches label 1)
    const bin = metrics.getMetric('accuracy', 'meanSquaredError');
    bin.updateState([[1], [0]], [[0.6], [0.6]]);
    close(bin.result(), 0.5);
    // integer labels of lower rank: sparse
    const sparse = metrics.getMetric('accuracy');
    sparse.updateState([1, 0], [[0.2, 0.8], [0.4, 0.6]]);
    close(sparse.result(), 0.5);
    // one-hot: categorical
    const cat = metrics.getMetric('accuracy');
    cat.updateState([[0, 1], [1, 0]], [[0.2, 0.8], [0.4, 0.6]]);
    close(cat.result(), 0.5);
  });

  it('maps names to fresh instances named by the string given', () => {
    const cases: [string, unknown][] = [
      ['binaryAccuracy', metrics.BinaryAccuracy], ['categoricalAccuracy', metrics.CategoricalAccuracy],
      ['sparseCategoricalAccuracy', metrics.SparseCategoricalAccuracy], ['topKCategoricalAccuracy', metrics.TopKCategoricalAccuracy],
      ['mse', metrics.MeanSquaredError], ['mae', metrics.MeanAbsoluteError], ['precision', metrics.Precision],
      ['recall', metrics.Recall], ['auc', metrics.AUC], ['mean_squared_error', metrics.MeanSquaredError],
    ];
    for (const [name, cls] of cases) {
      const m = metrics.getMetric(name);
      expect(m).toBeInstanceOf(cls as never);
      expect(m.name).toBe(name);
      expect(metrics.getMetric(name)).not.toBe(m);
    }
  });

  it('passes metrics through and wraps functions', () => {
    const p = new metrics.Precision();
    expect(metrics.getMetric(p)).toBe(p);
    const m = metrics.getMetric(metrics.mae);
    m.updateState([[1, 2]], [[2, 2]]);
    close(m.result(), 0.5);
  });

  it('an unknown name lists the known ones', () => {
    expect(() => metrics.getMetric('accuarcy')).toThrow(/getMetric: unknown metric "accuarcy"; expected one of accuracy, acc, .*binaryAccuracy.*precision.*auc/);
  });
});
