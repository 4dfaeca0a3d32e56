/**
 * BatchNormalization and LayerNormalization with Keras 3's numerics: both normalize as
 * x·inv + (beta − mean·inv) with inv = gamma·rsqrt(variance + epsilon), the statistics from
 * `moments` (mean, then the mean squared difference from it). New normalization layers
 * go here and register in `LAYERS`.
 */
import { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add, mul, sub } from '../ops/binary.js';
import { rsqrt } from '../ops/unary.js';
import { reshape } from '../ops/reshape.js';
import { moments } from '../ops/composite/norms.js';
import { show } from '../validate.js';
import type { InitializerIdentifier } from './initializers.js';
import type { RegularizerIdentifier } from './regularizers.js';
import { LAYERS, Layer, single, type CallArgs, type LayerArgs, type LayerInput, type Shape } from './layer.js';

function normalizeAxes(axis: number | number[], rank: number, layer: string): number[] {
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => {
    const r = a < 0 ? a + rank : a;
    if (!Number.isInteger(r) || r < 1 || r >= rank) throw new RangeError(`${layer}: axis ${a} is out of range for input rank ${rank} (axis 0 is the batch)`);
    return r;
  });
}

/** x·inv + (beta − mean·inv), inv = gamma·rsqrt(variance + epsilon), each parameter optional. */
function normalize(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): Tensor {
  let inv = rsqrt(add(variance, epsilon));
  if (gamma !== null) inv = mul(inv, gamma);
  let offset = mul(mean, inv);
  offset = beta !== null ? sub(beta, offset) : mul(offset, -1);
  return add(mul(x, inv), offset);
}

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
}

/**
 * Normalizes over the batch (and every axis but `axis`) while training, with the moving
 * statistics otherwise. Each training call updates them as Keras 3:
 * moving = moving·momentum + batch·(1 − momentum), with the biased batch variance.
 * Frozen (`trainable = false`), it uses the moving statistics even when training, as Keras.
 */
export class BatchNormalization extends Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private readonly args: BatchNormalizationArgs;
  private reduceAxes: number[] = [];
  private paramShape: number[] = [];

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    if (!(this.epsilon > 0)) throw new RangeError(`BatchNormalization: epsilon must be positive, got ${show(this.epsilon)}`);
    this.args = args;
  }

  override build(inputShape: Shape): void {
    const [axis] = normalizeAxes(this.axis, inputShape.length, `layer '${this.name}' (BatchNormalization)`);
    const dim = inputShape[axis];
    if (dim === null) throw new Error(`layer '${this.name}' (BatchNormalization): axis ${this.axis} of input shape ${JSON.stringify(inputShape)} must be known`);
    const a = this.args;
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], { initializer: a.gammaInitializer ?? 'ones', regularizer: a.gammaRegularizer });
    if (this.center) this.beta = this.addWeight('beta', [dim], { initializer: a.betaInitializer ?? 'zeros', regularizer: a.betaRegularizer });
    this.movingMean = this.addWeight('moving_mean', [dim], { initializer: a.movingMeanInitializer ?? 'zeros', trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [dim], { initializer: a.movingVarianceInitializer ?? 'ones', trainable: false });
    this.reduceAxes = inputShape.map((_, i) => i).filter((i) => i !== axis);
    this.paramShape = inputShape.map((d, i) => (i === axis ? dim : 1));
    this.inputSpec = { ndim: inputShape.length, axes: { [axis]: dim } };
  }

  override call(inputs: LayerInput, { training }: CallArgs): Tensor {
    const x = single(inputs, this);
    const shaped = (t: Tensor | null) => (t === null ? null : reshape(t, this.paramShape));
    let mean: Tensor, variance: Tensor;
    if (training && this.trainable) {
      const m = moments(x, this.reduceAxes);
      const rest = 1 - this.momentum;
      this.movingMean!.assign(add(mul(this.movingMean!.value(), this.momentum), mul(m.mean, rest)));
      this.movingVariance!.assign(add(mul(this.movingVariance!.value(), this.momentum), mul(m.variance, rest)));
      mean = m.mean;
      variance = m.variance;
    } else {
      mean = this.movingMean!;
      variance = this.movingVariance!;
    }
    return normalize(x, shaped(mean)!, shaped(variance)!, shaped(this.gamma), shaped(this.beta), this.epsilon);
  }

}
LAYERS.register('BatchNormalization', BatchNormalization);

export interface LayerNormalizationArgs extends LayerArgs {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
}

/** Normalizes each example over `axis` (the last by default), then scales by gamma and shifts by beta. */
export class LayerNormalization extends Layer {
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private readonly args: LayerNormalizationArgs;
  private axes: number[] = [];
  private paramShape: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.args = args;
  }

  override build(inputShape: Shape): void {
    this.axes = normalizeAxes(this.axis, inputShape.length, `layer '${this.name}' (LayerNormalization)`);
    const dims = this.axes.map((a) => inputShape[a]);
    if (dims.some((d) => d === null)) throw new Error(`layer '${this.name}' (LayerNormalization): the normalized axes of ${JSON.stringify(inputShape)} must be known`);
    const paramShape = dims as number[];
    if (this.scale) this.gamma = this.addWeight('gamma', paramShape, { initializer: this.args.gammaInitializer ?? 'ones' });
    if (this.center) this.beta = this.addWeight('beta', paramShape, { initializer: this.args.betaInitializer ?? 'zeros' });
    this.paramShape = inputShape.map((d, i) => (this.axes.includes(i) ? d as number : 1));
    this.inputSpec = { ndim: inputShape.length, axes: Object.fromEntries(this.axes.map((a) => [a, inputShape[a] as number])) };
  }

  override call(inputs: LayerInput): Tensor {
    const x = single(inputs, this);
    const { mean, variance } = moments(x, this.axes, true);
    const shaped = (t: Tensor | null) => (t === null ? null : reshape(t, this.paramShape));
    return normalize(x, mean, variance, shaped(this.gamma), shaped(this.beta), this.epsilon);
  }

}
LAYERS.register('LayerNormalization', LayerNormalization);
