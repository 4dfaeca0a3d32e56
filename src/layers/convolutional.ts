/**
 * Convolution layers over NHWC (Conv2D) and NWC (Conv1D) input, as Keras 3: kernel
 * `[kh, kw, inChannels, filters]` (Conv1D: `[k, inChannels, filters]`), bias `[filters]`,
 * `padding` 'valid' (the default) or 'same' with TF's rule, `strides` and `dilationRate` a
 * number or `[h, w]`. `call` is the conv op of src/nn/, so gradients and kernels come from there.
 */
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add } from '../ops/binary.js';
import { conv1d, conv2d } from '../nn/conv.js';
import { getActivation, type ActivationFn, type ActivationIdentifier } from './activations.js';
import type { InitializerIdentifier } from './initializers.js';
import type { RegularizerIdentifier } from './regularizers.js';
import { LAYERS, Layer, single, type LayerArgs, type LayerInput, type Shape } from './layer.js';
import { show } from '../validate.js';

export interface ConvArgs extends LayerArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  dilationRate?: number | [number, number];
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

function pairOf(value: number | [number, number] | undefined, fallback: number, layer: string, arg: string): [number, number] {
  const v = value ?? fallback;
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d > 0)) throw new TypeError(`${layer}: ${arg} must be a positive integer or a pair of them, got ${show(value)}`);
  return p as [number, number];
}

abstract class Conv extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly convArgs: ConvArgs;

  constructor(args: ConvArgs, protected readonly spatial: 1 | 2) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    if (!Number.isInteger(args?.filters) || args.filters <= 0) throw new TypeError(`${where}: filters must be a positive integer, got ${show(args?.filters)}`);
    this.filters = args.filters;
    this.kernelSize = pairOf(args.kernelSize, 0, where, 'kernelSize');
    this.strides = pairOf(args.strides, 1, where, 'strides');
    this.dilationRate = pairOf(args.dilationRate, 1, where, 'dilationRate');
    if (args.padding !== undefined && args.padding !== 'valid' && args.padding !== 'same') throw new TypeError(`${where}: padding must be 'valid' or 'same', got ${show(args.padding)}`);
    this.padding = args.padding ?? 'valid';
    this.activation = getActivation(args.activation, where);
    this.useBias = args.useBias ?? true;
    this.convArgs = args;
    this.inputSpec = { ndim: spatial + 2 };
  }

  override build(inputShape: Shape): void {
    const channels = inputShape[inputShape.length - 1];
    if (inputShape.length !== this.spatial + 2 || channels === null) {
      throw new Error(`layer '${this.name}' (${this.className}): expected input of rank ${this.spatial + 2} (${this.spatial === 2 ? 'NHWC' : 'NWC'}) with a known channel count, got shape ${JSON.stringify(inputShape)}`);
    }
    const window = this.spatial === 2 ? this.kernelSize : [this.kernelSize[0]];
    this.kernel = this.addWeight('kernel', [...window, channels, this.filters], { initializer: this.convArgs.kernelInitializer ?? 'glorotUniform', regularizer: this.convArgs.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], { initializer: this.convArgs.biasInitializer ?? 'zeros', regularizer: this.convArgs.biasRegularizer });
    this.inputSpec = { ndim: this.spatial + 2, axes: { [-1]: channels } };
  }

  protected abstract convolve(x: Tensor, kernel: Tensor): Tensor;

  override call(inputs: LayerInput): Tensor {
    let y = this.convolve(single(inputs, this), this.kernel!);
    if (this.bias !== null) y = add(y, this.bias);
    return this.activation(y);
  }
}

/** 2-D convolution over `[batch, height, width, channels]`. */
export class Conv2D extends Conv {
  constructor(args: ConvArgs) {
    super(args, 2);
  }
  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv2d(x, kernel, this.strides, this.padding, 'NHWC', this.dilationRate);
  }
}
LAYERS.register(['Conv2D', 'Convolution2D'], Conv2D);

/** 1-D convolution over `[batch, steps, channels]`; kernelSize, strides and dilationRate are numbers. */
export class Conv1D extends Conv {
  constructor(args: ConvArgs) {
    super(args, 1);
  }
  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv1d(x, kernel, this.strides[0], this.padding, 'NWC', this.dilationRate[0]);
  }
}
LAYERS.register(['Conv1D', 'Convolution1D'], Conv1D);
