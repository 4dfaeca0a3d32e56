/**
 * Core layers (Keras 3's `layers/core` and `layers/reshaping`): InputLayer, Dense, Activation,
 * Dropout, Flatten, Reshape, Embedding. Each is a `Layer` with `build` (weights) and `call` (ops
 * only) and registers its class in `LAYERS`; factories live in layers/index.ts.
 */
import type { DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add } from '../ops/binary.js';
import { matmul } from '../ops/matmul.js';
import { reshape } from '../ops/reshape.js';
import { gather } from '../ops/gather.js';
import { cast } from '../ops/cast.js';
import { notEqual } from '../ops/compare.js';
import { dropout } from '../ops/composite/dropout.js';
import { generator } from '../ops/rng.js';
import { show } from '../validate.js';
import { getActivation, type ActivationFn, type ActivationIdentifier } from './activations.js';
import type { InitializerIdentifier } from './initializers.js';
import type { RegularizerIdentifier } from './regularizers.js';
import { LAYERS, Layer, single, type CallArgs, type LayerArgs, type LayerInput, type Shape } from './layer.js';

function positiveInteger(value: unknown, layer: string, arg: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`${layer}: ${arg} must be a positive integer, got ${show(value)}`);
  return value;
}

/** The layer of `tf.input`: holds the model's input shape and dtype, computes nothing. */
export class InputLayer extends Layer {
  readonly inputDtype: DType;
  constructor(args: LayerArgs & { shape: Shape; dtype?: 'float32' | 'float64'; inputDtype?: DType }) {
    super({ name: args.name ?? undefined, inputShape: args.shape, batchSize: args.batchSize });
    this.inputDtype = args.inputDtype ?? args.dtype ?? 'float32';
    this.built = true;
    this.outputShape = this.batchInputShape;
  }
}
LAYERS.register('InputLayer', InputLayer);

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
}

/** activation(x·kernel + bias) on the last axis; kernel [inputDim, units]. Inputs of rank > 2 are reshaped to 2-D around the matmul. */
export class Dense extends Layer {
  readonly units: number;
  readonly activation: ActivationFn;
  readonly useBias: boolean;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly args: DenseArgs;

  constructor(args: DenseArgs) {
    super(args);
    this.units = positiveInteger(args?.units, 'Dense', 'units');
    this.activation = getActivation(args.activation, `Dense '${this.name}'`);
    this.useBias = args.useBias ?? true;
    this.supportsMasking = true;
    this.args = args;
  }

  override build(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null) throw new Error(`layer '${this.name}' (Dense): input must have rank >= 2 and a known last axis, got shape ${JSON.stringify(inputShape)}`);
    this.kernel = this.addWeight('kernel', [inputDim, this.units], { initializer: this.args.kernelInitializer ?? 'glorotUniform', regularizer: this.args.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], { initializer: this.args.biasInitializer ?? 'zeros', regularizer: this.args.biasRegularizer });
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
  }

  override call(inputs: LayerInput): Tensor {
    const x = single(inputs, this);
    const kernel = this.kernel!;
    let y: Tensor;
    if (x.rank === 2) {
      y = matmul(x, kernel);
    } else {
      const lead = x.shape.slice(0, -1);
      y = reshape(matmul(reshape(x, [-1, x.shape[x.rank - 1]]), kernel), [...lead, this.units]);
    }
    if (this.bias !== null) y = add(y, this.bias);
    return this.activation(y);
  }

}
LAYERS.register('Dense', Dense);

/** An activation function as a layer. */
export class Activation extends Layer {
  readonly activation: ActivationFn;
  constructor(args: LayerArgs & { activation: ActivationIdentifier }) {
    super(args);
    if (args?.activation === undefined) throw new TypeError('Activation: options.activation is required');
    this.activation = getActivation(args.activation, `Activation '${this.name}'`);
    this.supportsMasking = true;
  }
  override call(inputs: LayerInput): Tensor {
    return this.activation(single(inputs, this));
  }
}
LAYERS.register('Activation', Activation);

export interface DropoutArgs extends LayerArgs {
  rate: number;
  seed?: number;
  noiseShape?: number[];
}

/**
 * Zeroes each input with probability `rate` and scales the rest by 1/(1 − rate) while training;
 * identity otherwise. A seed makes the sequence of masks reproducible (each call draws the next
 * mask, as Keras's SeedGenerator does).
 */
export class Dropout extends Layer {
  readonly rate: number;
  readonly seed: number | undefined;
  readonly noiseShape: number[] | undefined;
  private readonly seeds: (() => number) | null;

  constructor(args: DropoutArgs) {
    super(args);
    const rate = args?.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`Dropout: rate must be a number in [0, 1), got ${show(rate)}`);
    this.rate = rate;
    this.seed = args.seed;
    this.noiseShape = args.noiseShape;
    this.seeds = args.seed === undefined ? null : generator(args.seed);
    this.supportsMasking = true;
  }

  override call(inputs: LayerInput, { training }: CallArgs): Tensor {
    const x = single(inputs, this);
    if (!training || this.rate === 0) return x;
    const seed = this.seeds === null ? undefined : Math.floor(this.seeds() * 2 ** 31);
    return dropout(x, this.rate, { seed, noiseShape: this.noiseShape?.map((d, i) => (d === null ? x.shape[i] : d)) });
  }
}
LAYERS.register('Dropout', Dropout);

/** [batch, …] → [batch, product of the rest]. */
export class Flatten extends Layer {
  override call(inputs: LayerInput): Tensor {
    const x = single(inputs, this);
    return reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }
}
LAYERS.register('Flatten', Flatten);

/** [batch, …] → [batch, ...targetShape] (one −1 allowed). */
export class Reshape extends Layer {
  readonly targetShape: number[];
  constructor(args: LayerArgs & { targetShape: number[] }) {
    super(args);
    if (!Array.isArray(args?.targetShape)) throw new TypeError(`Reshape: options.targetShape must be an array, got ${show(args?.targetShape)}`);
    this.targetShape = args.targetShape;
  }
  override call(inputs: LayerInput): Tensor {
    const x = single(inputs, this);
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }
}
LAYERS.register('Reshape', Reshape);

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier;
  /** Index 0 is padding: the output carries a mask (index ≠ 0) that recurrent and attention layers honour. */
  maskZero?: boolean;
}

/** Rows of `embeddings` [inputDim, outputDim] gathered by integer indices (initializer U(±0.05), as Keras). */
export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  embeddings: Variable | null = null;
  private readonly args: EmbeddingArgs;

  constructor(args: EmbeddingArgs) {
    super(args);
    this.inputDim = positiveInteger(args?.inputDim, 'Embedding', 'inputDim');
    this.outputDim = positiveInteger(args.outputDim, 'Embedding', 'outputDim');
    this.maskZero = args.maskZero ?? false;
    this.autoCast = false;
    this.args = args;
  }

  override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], { initializer: this.args.embeddingsInitializer ?? 'randomUniform', regularizer: this.args.embeddingsRegularizer });
  }

  override call(inputs: LayerInput): Tensor {
    const x = single(inputs, this);
    const indices = x.dtype === 'int32' ? x : cast(x, 'int32');
    const values = indices.dataSync();
    for (let i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] >= this.inputDim) throw new RangeError(`layer '${this.name}' (Embedding): index ${values[i]} is not in [0, ${this.inputDim})`);
    }
    return gather(this.embeddings!, indices, 0);
  }

  override computeMask(inputs: LayerInput): Tensor | null {
    return this.maskZero ? notEqual(single(inputs, this), 0) : null;
  }
}
LAYERS.register('Embedding', Embedding);
