/**
 * The stateful metric base (Keras 3's `Metric`): `updateState` accumulates, `result()` reads
 * the value as a scalar tensor, `resetState()` starts over. `Mean` and `Sum` reduce values
 * (with sample weights, as Keras's `reduce_to_samplewise_values`), and `MeanMetricWrapper`
 * averages a per-sample function `fn(yTrue, yPred)`. State is held in plain numbers rounded to
 * the metric's dtype after every update (float32 by default, as Keras's metric variables).
 *
 * A new metric extends `Metric` (or wraps a function in `MeanMetricWrapper`) and registers its
 * names beside its definition with `registerMetric`, which `getMetric` (index.ts) reads.
 */
import { fmt } from '../shape.js';
import { Registry } from '../registry.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { cast } from '../ops/cast.js';
import { mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { mean } from '../ops/composite/math.js';
import { broadcastTo } from '../ops/strided.js';
import { expandDims, squeeze } from '../ops/reshape.js';
import { scalar } from '../ops/create.js';
import { checkOptions, show, type OptionSpec } from '../validate.js';

export type MetricDType = 'float32' | 'float64';

export interface MetricOptions {
  name?: string;
  dtype?: MetricDType;
}

export const METRIC_OPTIONS: OptionSpec = { name: 'string', dtype: ['float32', 'float64'] };

export abstract class Metric {
  /** The name under which `fit` logs it (`accuracy`, `val_precision`, …). */
  name: string;
  readonly dtype: MetricDType;
  /** The class name, for error messages (`Precision.updateState: …`). */
  protected readonly className: string;

  constructor(className: string, defaultName: string, options: MetricOptions) {
    this.className = className;
    this.name = options.name ?? defaultName;
    this.dtype = options.dtype ?? 'float32';
  }

  abstract updateState(yTrueOrValues: TensorLike, yPredOrWeight?: TensorLike | null, sampleWeight?: TensorLike | null): void;
  abstract result(): Tensor;
  abstract resetState(): void;

  /** A number as the state variable holds it (float32 rounding unless the dtype is float64). */
  protected round(x: number): number {
    return this.dtype === 'float32' ? Math.fround(x) : x;
  }
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by one and the longer one
 * ends in 1, that axis is squeezed, or (a rank-1 partner and `expandRank1`) the shorter one
 * gets it added.
 */
export function squeezeOrExpand(a: Tensor, b: Tensor, expandRank1 = true): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    if (b.rank === 1 && expandRank1) return [a, expandDims(b, -1)];
    return [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    if (a.rank === 1 && expandRank1) return [expandDims(a, -1), b];
    return [a, squeeze(b, -1)];
  }
  return [a, b];
}

/** A numeric (non-bool) tensor argument converted to `dtype`. */
export function numeric(x: TensorLike, op: string, arg: string, dtype?: MetricDType): Tensor {
  let t = toTensor(x, op, arg, dtype);
  if (t.dtype === 'bool') t = cast(t, dtype ?? 'float32');
  if (dtype !== undefined && t.dtype !== dtype) t = cast(t, dtype);
  return t;
}

/** `broadcastTo` with the metric's own name in the error. */
export function broadcastWeights(w: Tensor, shape: number[], op: string): Tensor {
  try {
    return broadcastTo(w, shape);
  } catch {
    throw new Error(`${op}: sampleWeight shape ${fmt(w.shape)} cannot be broadcast to shape ${fmt(shape)}`);
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Keras's `reduce_to_samplewise_values`: values reduced (by `reduce`) to one per sample,
 * weighted; also the sample weights reduced to one per sample.
 */
function samplewise(valuesLike: TensorLike, weightLike: TensorLike | null | undefined, reduce: 'mean' | 'sum', dtype: MetricDType, op: string): [Tensor, Tensor | null] {
  const fn = reduce === 'mean' ? mean : sum;
  let values = numeric(valuesLike, op, 'values', dtype);
  let weight: Tensor | null = null;
  if (weightLike !== undefined && weightLike !== null) {
    weight = numeric(weightLike, op, 'sampleWeight', dtype);
    [values, weight] = squeezeOrExpand(values, weight);
    const wRank = weight.rank;
    if (values.rank > wRank) values = fn(values, range(wRank, values.rank));
    weight = broadcastWeights(weight, values.shape, op);
    values = mul(values, weight);
    if (wRank > 1) weight = fn(weight, range(1, wRank));
  }
  if (values.rank > 1) values = fn(values, range(1, values.rank));
  return [values, weight];
}

export interface MeanOptions extends MetricOptions {}

/** The (weighted) mean of the values seen: total / count, 0 before any count (divide_no_nan). */
export class Mean extends Metric {
  protected total = 0;
  protected count = 0;

  constructor(options?: MeanOptions | null, className = 'Mean', defaultName = 'mean') {
    super(className, defaultName, checkOptions(options, METRIC_OPTIONS, className));
  }

  updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    this.accumulate(values, sampleWeight, `${this.className}.updateState`);
  }

  protected accumulate(values: TensorLike, sampleWeight: TensorLike | null | undefined, op: string): void {
    const [v, w] = samplewise(values, sampleWeight, 'mean', this.dtype, op);
    this.total = this.round(this.total + sum(v).item());
    const n = w !== null ? sum(w).item() : v.rank >= 1 ? v.shape[0] : 1;
    this.count = this.round(this.count + n);
  }

  result(): Tensor {
    return scalar(this.count === 0 ? 0 : this.total / this.count, this.dtype);
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }
}

/** The (weighted) sum of the values seen. */
export class Sum extends Metric {
  private total = 0;

  constructor(options?: MetricOptions | null) {
    super('Sum', 'sum', checkOptions(options, METRIC_OPTIONS, 'Sum'));
  }

  updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    const [v] = samplewise(values, sampleWeight, 'sum', this.dtype, 'Sum.updateState');
    this.total = this.round(this.total + sum(v).item());
  }

  result(): Tensor {
    return scalar(this.total, this.dtype);
  }

  resetState(): void {
    this.total = 0;
  }
}

/** A per-sample metric function: one value per example (the batch axis kept). */
export type MetricFn = (yTrue: TensorLike, yPred: TensorLike) => Tensor;

/**
 * The mean over all samples seen of `fn(yTrue, yPred)`, weighted by `sampleWeight`. The
 * built-in accuracy and regression metrics are this with a Keras function; a user function
 * gives a metric named after it.
 */
export class MeanMetricWrapper extends Mean {
  readonly fn: MetricFn;

  constructor(fn: MetricFn, options?: MetricOptions | null, className = 'MeanMetricWrapper', defaultName?: string) {
    if (typeof fn !== 'function') throw new TypeError(`${className}: fn must be a function (yTrue, yPred) => Tensor, got ${show(fn)}`);
    super(options, className, defaultName ?? (fn.name || 'mean_metric_wrapper'));
    this.fn = fn;
  }

  override updateState(yTrue: TensorLike, yPred?: TensorLike | null, sampleWeight?: TensorLike | null): void {
    const op = `${this.className}.updateState`;
    if (yPred === undefined || yPred === null) throw new TypeError(`${op}: expected (yTrue, yPred, sampleWeight?), got no yPred`);
    this.accumulate(this.fn(yTrue, yPred), sampleWeight, op);
  }
}

// ---------------------------------------------------------------------------------------------
// Names for getMetric

const METRICS = new Registry<(name: string) => Metric>('metric');
const exactNames: string[] = [];

/** Makes `getMetric(name)` return `make(name)` for each of `names` (the name it was asked by). */
export function registerMetric(names: readonly string[], make: (name: string) => Metric): void {
  METRICS.register(names, make);
  exactNames.push(...names);
}

/** @internal Exact spellings only: metric names are the keys `fit` logs under. */
export function lookupMetric(name: string): ((name: string) => Metric) | undefined {
  return exactNames.includes(name) ? METRICS.lookup(name) : undefined;
}

/** @internal */
export function registeredMetricNames(): string[] {
  return [...exactNames];
}
