/**
 * The mean-of-a-function metrics under Keras 3's class and default names: accuracies,
 * regression errors and cross-entropies. Each is a `MeanMetricWrapper` of a function in
 * functions.ts and registers the names `getMetric` knows it by, camelCase (TF.js) and
 * snake_case (Keras).
 */
import type { TensorLike } from '../tensor.js';
import { checkOptions, type OptionSpec } from '../validate.js';
import * as f from './functions.js';
import { MeanMetricWrapper, METRIC_OPTIONS, registerMetric, type MetricOptions } from './metric.js';

/** Exact equality of yPred and yTrue (Keras's `Accuracy`; not the 'accuracy' of `compile`). */
export class Accuracy extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.accuracy, checkOptions(options, METRIC_OPTIONS, 'Accuracy'), 'Accuracy', 'accuracy');
  }
}

/** How often argMax(yPred) is the class of the one-hot yTrue. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.categoricalAccuracy, checkOptions(options, METRIC_OPTIONS, 'CategoricalAccuracy'), 'CategoricalAccuracy', 'categorical_accuracy');
  }
}

/** How often argMax(yPred) is the integer label. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.sparseCategoricalAccuracy, checkOptions(options, METRIC_OPTIONS, 'SparseCategoricalAccuracy'), 'SparseCategoricalAccuracy', 'sparse_categorical_accuracy');
  }
}

/** The mean of mean((yTrue − yPred)², last axis) over samples. */
export class MeanSquaredError extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.meanSquaredError, checkOptions(options, METRIC_OPTIONS, 'MeanSquaredError'), 'MeanSquaredError', 'mean_squared_error');
  }
}

/** The mean of mean(|yTrue − yPred|, last axis) over samples. */
export class MeanAbsoluteError extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.meanAbsoluteError, checkOptions(options, METRIC_OPTIONS, 'MeanAbsoluteError'), 'MeanAbsoluteError', 'mean_absolute_error');
  }
}

/** The mean per-sample binary cross-entropy. */
export class BinaryCrossentropy extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.binaryCrossentropy, checkOptions(options, METRIC_OPTIONS, 'BinaryCrossentropy'), 'BinaryCrossentropy', 'binary_crossentropy');
  }
}

/** The mean per-sample categorical cross-entropy. */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.categoricalCrossentropy, checkOptions(options, METRIC_OPTIONS, 'CategoricalCrossentropy'), 'CategoricalCrossentropy', 'categorical_crossentropy');
  }
}

/** The mean per-sample sparse categorical cross-entropy. */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  constructor(options?: MetricOptions | null) {
    super(f.sparseCategoricalCrossentropy, checkOptions(options, METRIC_OPTIONS, 'SparseCategoricalCrossentropy'), 'SparseCategoricalCrossentropy', 'sparse_categorical_crossentropy');
  }
}

export interface BinaryAccuracyOptions extends MetricOptions {
  /** yPred > threshold counts as 1 (default 0.5; in (0, 1)). */
  threshold?: number;
}

/** How often (yPred > threshold) equals the binary label. */
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly threshold: number;

  constructor(options?: BinaryAccuracyOptions | null) {
    const o = checkOptions(options, { ...METRIC_OPTIONS, threshold: 'finite' }, 'BinaryAccuracy');
    const threshold = o.threshold ?? 0.5;
    if (threshold <= 0 || threshold >= 1) throw new RangeError(`BinaryAccuracy: options.threshold must be in (0, 1), got ${threshold}`);
    super((t: TensorLike, p: TensorLike) => f.binaryAccuracy(t, p, threshold), { name: o.name, dtype: o.dtype }, 'BinaryAccuracy', 'binary_accuracy');
    this.threshold = threshold;
  }
}

export interface TopKOptions extends MetricOptions {
  /** How many of the largest predictions count (default 5). */
  k?: number;
}

const TOP_K: OptionSpec = { ...METRIC_OPTIONS, k: 'integer' };

function topK(options: TopKOptions | null | undefined, className: string): [number, MetricOptions] {
  const o = checkOptions(options, TOP_K, className);
  const k = o.k ?? 5;
  if (k < 1) throw new RangeError(`${className}: options.k must be a positive integer, got ${k}`);
  return [k, { name: o.name, dtype: o.dtype }];
}

/** How often the one-hot target is among the k largest predictions. */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;

  constructor(options?: TopKOptions | null) {
    const [k, rest] = topK(options, 'TopKCategoricalAccuracy');
    super((t: TensorLike, p: TensorLike) => f.topKCategoricalAccuracy(t, p, k), rest, 'TopKCategoricalAccuracy', 'top_k_categorical_accuracy');
    this.k = k;
  }
}

/** How often the integer target is among the k largest predictions. */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;

  constructor(options?: TopKOptions | null) {
    const [k, rest] = topK(options, 'SparseTopKCategoricalAccuracy');
    super((t: TensorLike, p: TensorLike) => f.sparseTopKCategoricalAccuracy(t, p, k), rest, 'SparseTopKCategoricalAccuracy', 'sparse_top_k_categorical_accuracy');
    this.k = k;
  }
}

// Keras 3's compile names a metric given as a string by that string.
registerMetric(['binaryAccuracy', 'binary_accuracy'], (name) => new BinaryAccuracy({ name }));
registerMetric(['categoricalAccuracy', 'categorical_accuracy'], (name) => new CategoricalAccuracy({ name }));
registerMetric(['sparseCategoricalAccuracy', 'sparse_categorical_accuracy'], (name) => new SparseCategoricalAccuracy({ name }));
registerMetric(['topKCategoricalAccuracy', 'top_k_categorical_accuracy'], (name) => new TopKCategoricalAccuracy({ name }));
registerMetric(['sparseTopKCategoricalAccuracy', 'sparse_top_k_categorical_accuracy'], (name) => new SparseTopKCategoricalAccuracy({ name }));
registerMetric(['mse', 'MSE', 'meanSquaredError', 'mean_squared_error'], (name) => new MeanSquaredError({ name }));
registerMetric(['mae', 'MAE', 'meanAbsoluteError', 'mean_absolute_error'], (name) => new MeanAbsoluteError({ name }));
registerMetric(['binaryCrossentropy', 'binary_crossentropy'], (name) => new BinaryCrossentropy({ name }));
registerMetric(['categoricalCrossentropy', 'categorical_crossentropy'], (name) => new CategoricalCrossentropy({ name }));
registerMetric(['sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy'], (name) => new SparseCategoricalCrossentropy({ name }));
