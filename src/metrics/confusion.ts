/**
 * Metrics over a confusion matrix at a list of thresholds (Keras 3's confusion_metrics.py):
 * `Precision`, `Recall` and `AUC`. A prediction is positive at threshold t when yPred > t, a
 * label when yTrue ≠ 0; sample weights broadcast to yPred's shape. Predictions and thresholds
 * are compared in the metric's dtype (float32 by default), as Keras compares them in its
 * variables' dtype. Evenly spaced thresholds (AUC's, or any list Keras's
 * `is_evenly_distributed_thresholds` accepts) take Keras's bucket method: yPred clipped to
 * [0, 1], bucket ceil(yPred·(n − 1)) − 1, a reverse cumulative sum over buckets.
 */
import { fmt, shapesEqual } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { allocate } from '../dtype.js';
import { expandDims } from '../ops/reshape.js';
import { slice } from '../ops/strided.js';
import { sigmoid } from '../ops/unary.js';
import { scalar, tensor } from '../ops/create.js';
import { checkBoolean, checkInteger, checkOptions, show, type OptionSpec } from '../validate.js';
import { broadcastWeights, Metric, METRIC_OPTIONS, numeric, registerMetric, squeezeOrExpand, type MetricDType, type MetricOptions } from './metric.js';

const EPSILON = 1e-7;
/** What `topK` sets the predictions outside the top k to (Keras's NEG_INF). */
const NEG_INF = -1e10;

interface Counts {
  tp?: Float64Array;
  fp?: Float64Array;
  tn?: Float64Array;
  fn?: Float64Array;
}

/** np.allclose(thresholds, arange(n) / (n − 1), atol = 1e-7) for n ≥ 3 (Keras's test). */
function evenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => {
    const even = Math.fround(i / (n - 1));
    return Math.abs(t - even) <= EPSILON + 1e-5 * Math.abs(even);
  });
}

function checkThresholds(value: unknown, op: string): number[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new RangeError(`${op}: options.thresholds must not be empty`);
  for (const t of list) {
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw new RangeError(`${op}: options.thresholds must be numbers in [0, 1], got ${show(value)}`);
  }
  return list.slice() as number[];
}

interface ConfusionConfig {
  thresholds: readonly number[];
  evenly: boolean;
  topK?: number;
  classId?: number;
  dtype: MetricDType;
}

/**
 * Keras's `update_confusion_matrix_variables` for one batch: adds the weighted counts of
 * each kind in `into` (one entry per threshold).
 */
function updateConfusion(into: Counts, yTrue: TensorLike, yPred: TensorLike, sampleWeight: TensorLike | null | undefined, config: ConfusionConfig, op: string): void {
  const { thresholds, dtype } = config;
  let p = numeric(yPred, op, 'yPred', dtype);
  let t = numeric(yTrue, op, 'yTrue', dtype);
  [p, t] = squeezeOrExpand(p, t);
  let w: Tensor | null = null;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    w = expandDims(numeric(sampleWeight, op, 'sampleWeight', dtype), -1);
    [, w] = squeezeOrExpand(t, w, false);
  }
  if (!shapesEqual(t.shape, p.shape)) throw new Error(`${op}: yTrue shape ${fmt(t.shape)} does not match yPred shape ${fmt(p.shape)}`);
  let pv: ArrayLike<number> = p.values;
  if (config.topK !== undefined) pv = keepTopK(p, config.topK, op);
  let tv: ArrayLike<number> = t.values;
  let shape = p.shape;
  if (config.classId !== undefined) {
    const c = config.classId;
    const n = p.shape[p.rank - 1];
    if (p.rank < 2) throw new Error(`${op}: with classId, yPred must have shape [samples, classes], got ${fmt(p.shape)}`);
    if (c >= n) throw new RangeError(`${op}: classId ${c} is not a class of yPred shape ${fmt(p.shape)}`);
    const rows = p.size / n;
    const pc = new Float64Array(rows);
    const tc = new Float64Array(rows);
    for (let r = 0; r < rows; r++) { pc[r] = pv[r * n + c]; tc[r] = tv[r * n + c]; }
    pv = pc; tv = tc;
    shape = [...p.shape.slice(0, -1), 1];
    if (w !== null && w.rank === p.rank && w.shape[w.rank - 1] === n) w = slice(w, [...w.shape.slice(0, -1).map(() => 0), c], [...w.shape.slice(0, -1).map(() => -1), 1]);
  }
  const wv = w === null ? null : broadcastWeights(w, shape, op).values;
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  const m = thresholds.length;
  const tp = new Float64Array(m), fp = new Float64Array(m);
  let totalTrue = 0, totalFalse = 0;
  if (config.evenly) {
    // Keras's bucket form: bucket b counts at every threshold index ≤ b.
    const withEpsilon = thresholds[0] < 0 || thresholds[m - 1] > 1;
    for (let i = 0; i < pv.length; i++) {
      const weight = wv === null ? 1 : wv[i];
      const label = tv[i] !== 0 ? 1 : 0;
      totalTrue += label * weight;
      totalFalse += (1 - label) * weight;
      const x = Math.min(Math.max(pv[i], 0), 1);
      let b = Math.ceil(round(x * (m - 1))) - 1;
      if (withEpsilon && b < 0) b = 0;
      if (!(b >= 0 && b < m)) continue; // NaN, or below the first threshold: dropped as segment_sum drops it
      tp[b] += label * weight;
      fp[b] += (1 - label) * weight;
    }
    for (let j = m - 2; j >= 0; j--) { tp[j] += tp[j + 1]; fp[j] += fp[j + 1]; }
  } else {
    const thr = thresholds.map(round);
    for (let i = 0; i < pv.length; i++) {
      const weight = wv === null ? 1 : wv[i];
      const label = tv[i] !== 0;
      if (label) totalTrue += weight; else totalFalse += weight;
      for (let j = 0; j < m; j++) {
        if (pv[i] > thr[j]) {
          if (label) tp[j] += weight; else fp[j] += weight;
        }
      }
    }
  }
  for (let j = 0; j < m; j++) {
    if (into.tp) into.tp[j] = round(into.tp[j] + tp[j]);
    if (into.fp) into.fp[j] = round(into.fp[j] + fp[j]);
    if (into.tn) into.tn[j] = round(into.tn[j] + (totalFalse - fp[j]));
    if (into.fn) into.fn[j] = round(into.fn[j] + (totalTrue - tp[j]));
  }
}

/** Keras's `_filter_top_k`: the k largest of each row kept (ties: lower index), the rest NEG_INF. */
function keepTopK(p: Tensor, k: number, op: string): Float64Array {
  if (p.rank === 0) throw new Error(`${op}: with topK, yPred must have a class axis, got a scalar`);
  const n = p.shape[p.rank - 1];
  if (k > n) throw new RangeError(`${op}: topK = ${k} is larger than the last dimension of yPred ${fmt(p.shape)}`);
  const v = p.values;
  const out = new Float64Array(p.size).fill(NEG_INF);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < p.size; r += n) {
    order.sort((a, b) => (v[r + b] > v[r + a] ? 1 : v[r + b] < v[r + a] ? -1 : a - b));
    for (let i = 0; i < k; i++) out[r + order[i]] = v[r + order[i]];
    for (let i = 0; i < n; i++) order[i] = i;
  }
  return out;
}

/** x / y, 0 where y is 0 (divide_no_nan). */
const divNoNan = (x: number, y: number) => (y === 0 ? 0 : x / y);

function vectorResult(values: number[], dtype: MetricDType): Tensor {
  if (values.length === 1) return scalar(values[0], dtype);
  const out = allocate(dtype, values.length);
  out.set(values);
  return tensor(out, [values.length], dtype);
}

export interface PrecisionRecallOptions extends MetricOptions {
  /** One threshold or a list (in [0, 1]); default 0.5, or NEG_INF with topK. */
  thresholds?: number | number[];
  /** Only the k largest predictions of each row can be positive. */
  topK?: number;
  /** Only this class (last axis index) counts. */
  classId?: number;
}

const PR_OPTIONS: OptionSpec = { ...METRIC_OPTIONS, topK: 'integer', classId: 'integer' };

abstract class ConfusionMetric extends Metric {
  readonly thresholds: number[];
  readonly topK: number | undefined;
  readonly classId: number | undefined;
  protected readonly config: ConfusionConfig;

  constructor(className: string, defaultName: string, options: PrecisionRecallOptions | null | undefined) {
    const { thresholds, ...rest } = (options ?? {}) as PrecisionRecallOptions;
    const o = checkOptions(rest, PR_OPTIONS, className);
    super(className, defaultName, { name: o.name, dtype: o.dtype });
    if (o.topK !== undefined) checkInteger(o.topK, className, 'options.topK', 1);
    if (o.classId !== undefined) checkInteger(o.classId, className, 'options.classId', 0);
    this.thresholds = thresholds === undefined ? [o.topK === undefined ? 0.5 : NEG_INF] : checkThresholds(thresholds, className);
    this.topK = o.topK;
    this.classId = o.classId;
    this.config = { thresholds: this.thresholds, evenly: evenlyDistributed(this.thresholds), topK: o.topK, classId: o.classId, dtype: this.dtype };
  }
}

/** tp / (tp + fp) at each threshold (a scalar for one threshold, as Keras). */
export class Precision extends ConfusionMetric {
  private tp: Float64Array;
  private fp: Float64Array;

  constructor(options?: PrecisionRecallOptions | null) {
    super('Precision', 'precision', options);
    this.tp = new Float64Array(this.thresholds.length);
    this.fp = new Float64Array(this.thresholds.length);
  }

  updateState(yTrue: TensorLike, yPred?: TensorLike | null, sampleWeight?: TensorLike | null): void {
    if (yPred === undefined || yPred === null) throw new TypeError('Precision.updateState: expected (yTrue, yPred, sampleWeight?), got no yPred');
    updateConfusion({ tp: this.tp, fp: this.fp }, yTrue, yPred, sampleWeight, this.config, 'Precision.updateState');
  }

  result(): Tensor {
    return vectorResult(Array.from(this.tp, (tp, j) => divNoNan(tp, tp + this.fp[j])), this.dtype);
  }

  resetState(): void {
    this.tp.fill(0);
    this.fp.fill(0);
  }
}

/** tp / (tp + fn) at each threshold (a scalar for one threshold, as Keras). */
export class Recall extends ConfusionMetric {
  private tp: Float64Array;
  private fn: Float64Array;

  constructor(options?: PrecisionRecallOptions | null) {
    super('Recall', 'recall', options);
    this.tp = new Float64Array(this.thresholds.length);
    this.fn = new Float64Array(this.thresholds.length);
  }

  updateState(yTrue: TensorLike, yPred?: TensorLike | null, sampleWeight?: TensorLike | null): void {
    if (yPred === undefined || yPred === null) throw new TypeError('Recall.updateState: expected (yTrue, yPred, sampleWeight?), got no yPred');
    updateConfusion({ tp: this.tp, fn: this.fn }, yTrue, yPred, sampleWeight, this.config, 'Recall.updateState');
  }

  result(): Tensor {
    return vectorResult(Array.from(this.tp, (tp, j) => divNoNan(tp, tp + this.fn[j])), this.dtype);
  }

  resetState(): void {
    this.tp.fill(0);
    this.fn.fill(0);
  }
}

export interface AUCOptions extends MetricOptions {
  /** Thresholds when none are given: n − 2 evenly spaced in (0, 1) plus −ε and 1 + ε (default 200). */
  numThresholds?: number;
  curve?: 'ROC' | 'PR';
  summationMethod?: 'interpolation' | 'minoring' | 'majoring';
  /** Explicit thresholds in [0, 1] (sorted; −ε and 1 + ε are added). */
  thresholds?: number[];
  /** Apply a sigmoid to yPred first. */
  fromLogits?: boolean;
}

const AUC_OPTIONS: OptionSpec = {
  ...METRIC_OPTIONS, numThresholds: 'integer', curve: ['ROC', 'PR', 'roc', 'pr'],
  summationMethod: ['interpolation', 'minoring', 'majoring', 'Interpolation', 'Minoring', 'Majoring'], fromLogits: 'boolean',
};

/**
 * The area under the ROC or precision-recall curve by a Riemann sum over the thresholds
 * (Keras 3's `AUC`): 'interpolation' takes the mid-point heights for ROC and, for PR, Davis
 * and Goadrich's interpolation of true and false positives (not of precision); 'minoring' and
 * 'majoring' the lower and upper heights.
 */
export class AUC extends Metric {
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR';
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  /** All thresholds, the −ε and 1 + ε ends included. */
  readonly thresholds: number[];
  private readonly fromLogits: boolean;
  private readonly config: ConfusionConfig;
  private tp: Float64Array;
  private fp: Float64Array;
  private tn: Float64Array;
  private fn: Float64Array;

  constructor(options?: AUCOptions | null) {
    const { thresholds, ...rest } = (options ?? {}) as AUCOptions;
    const o = checkOptions(rest, AUC_OPTIONS, 'AUC');
    super('AUC', 'auc', { name: o.name, dtype: o.dtype });
    let inner: number[];
    let evenly: boolean;
    if (thresholds !== undefined) {
      if (!Array.isArray(thresholds)) throw new TypeError(`AUC: options.thresholds must be an array of numbers in [0, 1], got ${show(thresholds)}`);
      inner = checkThresholds(thresholds, 'AUC').sort((a, b) => a - b);
      this.numThresholds = inner.length + 2;
      evenly = evenlyDistributed([0, ...inner, 1]);
    } else {
      const n = o.numThresholds ?? 200;
      if (n <= 1) throw new RangeError(`AUC: options.numThresholds must be an integer > 1, got ${n}`);
      this.numThresholds = n;
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
      evenly = true;
    }
    this.thresholds = [-EPSILON, ...inner, 1 + EPSILON];
    this.curve = (o.curve ?? 'ROC').toUpperCase() as 'ROC' | 'PR';
    this.summationMethod = (o.summationMethod ?? 'interpolation').toLowerCase() as AUC['summationMethod'];
    this.fromLogits = o.fromLogits === undefined ? false : checkBoolean(o.fromLogits, 'AUC', 'options.fromLogits');
    this.config = { thresholds: this.thresholds, evenly, dtype: this.dtype };
    const n = this.numThresholds;
    this.tp = new Float64Array(n); this.fp = new Float64Array(n); this.tn = new Float64Array(n); this.fn = new Float64Array(n);
  }

  updateState(yTrue: TensorLike, yPred?: TensorLike | null, sampleWeight?: TensorLike | null): void {
    if (yPred === undefined || yPred === null) throw new TypeError('AUC.updateState: expected (yTrue, yPred, sampleWeight?), got no yPred');
    const p = this.fromLogits ? sigmoid(numeric(yPred, 'AUC.updateState', 'yPred', this.dtype)) : yPred;
    updateConfusion({ tp: this.tp, fp: this.fp, tn: this.tn, fn: this.fn }, yTrue, p, sampleWeight, this.config, 'AUC.updateState');
  }

  result(): Tensor {
    return scalar(this.curve === 'PR' && this.summationMethod === 'interpolation' ? this.interpolatedPR() : this.riemann(), this.dtype);
  }

  private riemann(): number {
    const { tp, fp, tn, fn } = this;
    const n = this.numThresholds;
    const recall = Array.from(tp, (v, j) => divNoNan(v, v + fn[j]));
    const x = this.curve === 'ROC' ? Array.from(fp, (v, j) => divNoNan(v, v + tn[j])) : recall;
    const y = this.curve === 'ROC' ? recall : Array.from(tp, (v, j) => divNoNan(v, v + fp[j]));
    let area = 0;
    for (let j = 0; j < n - 1; j++) {
      const h = this.summationMethod === 'interpolation' ? (y[j] + y[j + 1]) / 2
        : this.summationMethod === 'minoring' ? Math.min(y[j], y[j + 1]) : Math.max(y[j], y[j + 1]);
      area += (x[j] - x[j + 1]) * h;
    }
    return area;
  }

  /**
   * Between thresholds a and b, TP and P = TP + FP vary linearly, so precision = TP/P has
   * slope s = dTP/dP in P and the area is s·(dTP + c·log(P_a/P_b)) / (TP_b + FN_b), with
   * intercept c = TP_b − s·P_b (Keras's closed form; the log term is dropped when P is 0).
   */
  private interpolatedPR(): number {
    const { tp, fp, fn } = this;
    let area = 0;
    for (let j = 0; j < this.numThresholds - 1; j++) {
      const dtp = tp[j] - tp[j + 1];
      const pa = tp[j] + fp[j], pb = tp[j + 1] + fp[j + 1];
      const slope = divNoNan(dtp, Math.max(pa - pb, 0));
      const intercept = tp[j + 1] - slope * pb;
      const ratio = pa > 0 && pb > 0 ? divNoNan(pa, Math.max(pb, 0)) : 1;
      area += divNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[j + 1] + fn[j + 1], 0));
    }
    return area;
  }

  resetState(): void {
    for (const a of [this.tp, this.fp, this.tn, this.fn]) a.fill(0);
  }
}

/** Precision of one batch at threshold 0.5 (TF.js's `tf.metrics.precision`; for 0/1 predictions the same). */
export function precision(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const m = new Precision();
  m.updateState(yTrue, yPred);
  return m.result();
}

/** Recall of one batch at threshold 0.5 (TF.js's `tf.metrics.recall`). */
export function recall(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const m = new Recall();
  m.updateState(yTrue, yPred);
  return m.result();
}

registerMetric(['precision', 'Precision'], (name) => new Precision({ name }));
registerMetric(['recall', 'Recall'], (name) => new Recall({ name }));
registerMetric(['auc', 'AUC'], (name) => new AUC({ name }));
