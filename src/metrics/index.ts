/**
 * tf.metrics: Keras 3's stateful metrics (classes, `updateState` / `result` / `resetState`),
 * TF.js's per-sample metric functions, and `getMetric`, which turns the names `compile`
 * accepts into fresh metric objects. A new metric registers its names beside its definition
 * (`registerMetric` in metric.ts); importing its file here makes them known.
 */
import type { Tensor, TensorLike } from '../tensor.js';
import * as losses from '../ops/composite/losses.js';
import { show } from '../validate.js';
import { BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy } from './classes.js';
import './confusion.js';
import { lookupMetric, MeanMetricWrapper, Metric, registeredMetricNames, type MetricFn } from './metric.js';

export { Metric, Mean, Sum, MeanMetricWrapper, type MetricOptions, type MetricFn, type MetricDType } from './metric.js';
export {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
  type BinaryAccuracyOptions, type TopKOptions,
} from './classes.js';
export { Precision, Recall, AUC, precision, recall, type PrecisionRecallOptions, type AUCOptions } from './confusion.js';
export {
  binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
  meanSquaredError, meanAbsoluteError, mse, mae, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
} from './functions.js';

/** A loss as `compile` takes it: a name (camelCase or snake_case) or one of `tf.losses`' functions. */
export type LossIdentifier = string | ((...args: never[]) => unknown);

function lossKind(loss: LossIdentifier | undefined): 'binary' | 'sparse' | 'categorical' | null {
  if (loss === losses.binaryCrossentropy || loss === 'binaryCrossentropy' || loss === 'binary_crossentropy') return 'binary';
  if (loss === losses.sparseCategoricalCrossentropy || loss === 'sparseCategoricalCrossentropy' || loss === 'sparse_categorical_crossentropy') return 'sparse';
  if (loss === losses.categoricalCrossentropy || loss === 'categoricalCrossentropy' || loss === 'categorical_crossentropy') return 'categorical';
  return null;
}

/**
 * 'accuracy' when the loss does not settle which: Keras 3's rule (compile_utils), applied to
 * the first batch's shapes. Binary when yPred's last axis is 1; sparse when yTrue has lower
 * rank than yPred, or a last axis of 1 against more than one class; else categorical.
 */
class ResolvedAccuracy extends Metric {
  private inner: Metric | null = null;

  constructor(name: string) {
    super('Accuracy', name, {});
  }

  updateState(yTrue: TensorLike, yPred?: TensorLike | null, sampleWeight?: TensorLike | null): void {
    if (yPred === undefined || yPred === null) throw new TypeError(`${this.name}.updateState: expected (yTrue, yPred, sampleWeight?), got no yPred`);
    if (this.inner === null) {
      const tShape = shapeOf(yTrue), pShape = shapeOf(yPred);
      const tLast = tShape[tShape.length - 1], pLast = pShape[pShape.length - 1];
      const binary = pLast === 1;
      const sparse = tShape.length < pShape.length || (tLast === 1 && pLast > 1);
      const name = this.name;
      this.inner = binary ? new BinaryAccuracy({ name }) : sparse ? new SparseCategoricalAccuracy({ name }) : new CategoricalAccuracy({ name });
    }
    this.inner.updateState(yTrue, yPred, sampleWeight);
  }

  result(): Tensor {
    return this.inner === null ? new CategoricalAccuracy().result() : this.inner.result();
  }

  resetState(): void {
    this.inner?.resetState();
  }

  /** The metric 'accuracy' resolved to (null before the first update). */
  get resolved(): Metric | null {
    return this.inner;
  }
}

function shapeOf(x: TensorLike): number[] {
  if (typeof x === 'number' || typeof x === 'boolean') return [];
  if (ArrayBuffer.isView(x)) return [(x as { length: number }).length];
  if (Array.isArray(x)) {
    const shape: number[] = [];
    let v: unknown = x;
    while (Array.isArray(v)) { shape.push(v.length); v = v[0]; }
    return shape;
  }
  return (x as Tensor).shape;
}

const ACCURACY = ['accuracy', 'acc'];

/**
 * A metric from what `compile` takes (Keras 3's `get_metric`): a `Metric` is returned as is; a
 * function `(yTrue, yPred) => Tensor` is averaged by a `MeanMetricWrapper` named after it; a
 * name gives a fresh metric named by that string. 'accuracy' and 'acc' follow the loss:
 * binaryCrossentropy → binary accuracy, sparseCategoricalCrossentropy → sparse categorical,
 * categoricalCrossentropy → categorical; with another loss or none, Keras 3's shape rule
 * decides at the first `updateState` (binary for one output unit, sparse for integer labels,
 * else categorical).
 */
export function getMetric(identifier: string | Metric | MetricFn, lossName?: LossIdentifier): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'function') return new MeanMetricWrapper(identifier);
  if (typeof identifier !== 'string') throw new TypeError(`getMetric: expected a metric name, a Metric or a function (yTrue, yPred) => Tensor, got ${show(identifier)}`);
  if (ACCURACY.includes(identifier.toLowerCase())) {
    const name = identifier;
    switch (lossKind(lossName)) {
      case 'binary': return new BinaryAccuracy({ name });
      case 'sparse': return new SparseCategoricalAccuracy({ name });
      case 'categorical': return new CategoricalAccuracy({ name });
      default: return new ResolvedAccuracy(name);
    }
  }
  const make = lookupMetric(identifier);
  if (make === undefined) {
    throw new Error(`getMetric: unknown metric ${show(identifier)}; expected one of ${[...ACCURACY, ...registeredMetricNames()].join(', ')}`);
  }
  return make(identifier);
}
