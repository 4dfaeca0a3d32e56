/**
 * The per-sample metric functions (Keras 3's `keras.metrics.binary_accuracy` …, TF.js's
 * `tf.metrics.binaryAccuracy` …): one float32 value per example, the batch axes kept and the
 * last axis reduced where Keras reduces it. The stateful classes average these over batches.
 */
import { fmt, shapesEqual } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { allocate } from '../dtype.js';
import { abs, square } from '../ops/unary.js';
import { sub } from '../ops/binary.js';
import { equal, greater } from '../ops/compare.js';
import { argMax } from '../ops/reduce.js';
import { cast } from '../ops/cast.js';
import { mean } from '../ops/composite/math.js';
import { squeeze } from '../ops/reshape.js';
import * as losses from '../ops/composite/losses.js';
import { checkFinite, checkInteger } from '../validate.js';
import { numeric, squeezeOrExpand } from './metric.js';

function samePair(yTrue: TensorLike, yPred: TensorLike, op: string): [Tensor, Tensor] {
  const p = numeric(yPred, op, 'yPred');
  const t = numeric(yTrue, op, 'yTrue', p.dtype as 'float32' | 'float64');
  const [a, b] = squeezeOrExpand(t, p);
  if (!shapesEqual(a.shape, b.shape)) throw new Error(`${op}: yTrue shape ${fmt(t.shape)} does not match yPred shape ${fmt(p.shape)}`);
  return [a, b];
}

const perSample = (x: Tensor) => cast(x.rank === 0 ? x : mean(x, -1), 'float32');

/** Keras's `accuracy`: 1 where yPred equals yTrue exactly, averaged over the last axis. */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = samePair(yTrue, yPred, 'accuracy');
  return perSample(cast(equal(t, p), 'float32'));
}

/** 1 where (yPred > threshold) equals yTrue, averaged over the last axis. */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike, threshold = 0.5): Tensor {
  checkFinite(threshold, 'binaryAccuracy', 'threshold');
  const [t, p] = samePair(yTrue, yPred, 'binaryAccuracy');
  return perSample(cast(equal(t, cast(greater(p, threshold), t.dtype)), 'float32'));
}

function classAxis(p: Tensor, op: string): void {
  if (p.rank === 0 || p.shape[p.rank - 1] === 0) throw new Error(`${op}: yPred must have a non-empty class axis, got shape ${fmt(p.shape)}`);
}

/** 1 where argMax(yPred) equals argMax(yTrue) (one-hot labels) on the last axis. */
export function categoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = numeric(yPred, 'categoricalAccuracy', 'yPred');
  const t = numeric(yTrue, 'categoricalAccuracy', 'yTrue');
  classAxis(p, 'categoricalAccuracy');
  classAxis(t, 'categoricalAccuracy');
  if (!shapesEqual(t.shape, p.shape)) throw new Error(`categoricalAccuracy: yTrue shape ${fmt(t.shape)} does not match yPred shape ${fmt(p.shape)}`);
  return cast(equal(argMax(t, -1), argMax(p, -1)), 'float32');
}

/** Integer labels (shape of yPred without its last axis, or with a last axis of 1) against argMax(yPred). */
export function sparseCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p = numeric(yPred, 'sparseCategoricalAccuracy', 'yPred');
  classAxis(p, 'sparseCategoricalAccuracy');
  const labels = sparseLabels(yTrue, p, 'sparseCategoricalAccuracy');
  return cast(equal(labels, cast(argMax(p, -1), labels.dtype)), 'float32');
}

function sparseLabels(yTrue: TensorLike, p: Tensor, op: string): Tensor {
  let t = numeric(yTrue, op, 'yTrue');
  if (t.rank === p.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  if (!shapesEqual(t.shape, p.shape.slice(0, -1))) {
    throw new Error(`${op}: yTrue shape ${fmt(t.shape)} must be yPred shape ${fmt(p.shape)} without its last axis (or with a last axis of 1)`);
  }
  return t;
}

/**
 * TF's `in_top_k`: 1 where the target class's prediction is among the k largest of its row.
 * Ties at the boundary count as in (fewer than k predictions are strictly larger), and a
 * non-finite target prediction is never in.
 */
function inTopK(p: Tensor, target: ArrayLike<number>, k: number, shape: number[], op: string): Tensor {
  const n = p.shape[p.rank - 1];
  const v = p.values;
  const out = allocate('float32', target.length);
  for (let r = 0; r < target.length; r++) {
    const c = target[r];
    if (!Number.isInteger(c) || c < 0 || c >= n) throw new RangeError(`${op}: yTrue[${r}] = ${c} is not a class index in [0, ${n})`);
    const x = v[r * n + c];
    if (!Number.isFinite(x)) continue;
    let larger = 0;
    for (let j = 0; j < n; j++) if (v[r * n + j] > x) larger++;
    out[r] = larger < k ? 1 : 0;
  }
  return new Tensor(out, shape, 'float32');
}

/** 1 where the class of the one-hot yTrue is among the k largest predictions (k = 5). */
export function topKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, k = 5): Tensor {
  checkInteger(k, 'topKCategoricalAccuracy', 'k', 1);
  const p = numeric(yPred, 'topKCategoricalAccuracy', 'yPred');
  const t = numeric(yTrue, 'topKCategoricalAccuracy', 'yTrue');
  classAxis(p, 'topKCategoricalAccuracy');
  if (!shapesEqual(t.shape, p.shape)) throw new Error(`topKCategoricalAccuracy: yTrue shape ${fmt(t.shape)} does not match yPred shape ${fmt(p.shape)}`);
  return inTopK(p, argMax(t, -1).values, k, p.shape.slice(0, -1), 'topKCategoricalAccuracy');
}

/** 1 where the integer label is among the k largest predictions (k = 5). */
export function sparseTopKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, k = 5): Tensor {
  checkInteger(k, 'sparseTopKCategoricalAccuracy', 'k', 1);
  const p = numeric(yPred, 'sparseTopKCategoricalAccuracy', 'yPred');
  classAxis(p, 'sparseTopKCategoricalAccuracy');
  const t = sparseLabels(yTrue, p, 'sparseTopKCategoricalAccuracy');
  return inTopK(p, t.values, k, t.shape, 'sparseTopKCategoricalAccuracy');
}

/** mean((yTrue − yPred)², last axis). */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = samePair(yTrue, yPred, 'meanSquaredError');
  const e = square(sub(t, p));
  return e.rank === 0 ? e : mean(e, -1);
}

/** mean(|yTrue − yPred|, last axis). */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = samePair(yTrue, yPred, 'meanAbsoluteError');
  const e = abs(sub(t, p));
  return e.rank === 0 ? e : mean(e, -1);
}

export const mse = meanSquaredError;
export const mae = meanAbsoluteError;

/** Per-sample binary cross-entropy (tf.losses.binaryCrossentropy with reduction 'none'). */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return losses.binaryCrossentropy(yTrue, yPred, { reduction: 'none' });
}

/** Per-sample categorical cross-entropy. */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return losses.categoricalCrossentropy(yTrue, yPred, { reduction: 'none' });
}

/** Per-sample sparse categorical cross-entropy. */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return losses.sparseCategoricalCrossentropy(yTrue, yPred, { reduction: 'none' });
}

