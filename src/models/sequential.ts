/**
 * Sequential: a plain stack of layers, each applied to the previous one's output
 * (`tf.sequential({layers})`, `model.add(layer)`). With `inputShape` on the first layer it is
 * built at once (weights created, output shapes known for `summary`); otherwise on its first call.
 */
import type { Tensor } from '../tensor.js';
import { Layer, SymbolicTensor, type CallArgs, type LayerArgs, type LayerInput, type Shape } from '../layers/layer.js';
import { InputLayer } from '../layers/core.js';
import { Model } from './model.js';
import { show } from '../validate.js';

export interface SequentialArgs extends LayerArgs {
  layers?: Layer[];
}

export class Sequential extends Model {
  private readonly stack: Layer[] = [];
  private symbolicOutput: SymbolicTensor | null = null;
  private modelInputShape: Shape | null = null;

  constructor(args: SequentialArgs = {}) {
    const { layers, ...rest } = args ?? {};
    super(rest);
    if (layers !== undefined && !Array.isArray(layers)) throw new TypeError(`sequential: layers must be an array of layers, got ${show(layers)}`);
    for (const layer of layers ?? []) this.add(layer);
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** Appends a layer (building it at once when the model's input shape is known). */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new TypeError(`sequential.add: expected a layer, got ${show(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.modelInputShape !== null) throw new Error(`sequential '${this.name}': an input layer can only come first`);
      this.build(layer.batchInputShape!);
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) throw new Error(`sequential '${this.name}': a layer named '${layer.name}' is already in the model (layer names must be unique)`);
    this.stack.push(layer);
    if (this.stack.length === 1 && this.modelInputShape === null && layer.batchInputShape !== null) {
      this.build(layer.batchInputShape);
    } else if (this.symbolicOutput !== null) {
      const out = layer.apply(this.symbolicOutput);
      if (Array.isArray(out)) throw new Error(`sequential '${this.name}': layer '${layer.name}' has several outputs; use the functional API`);
      this.symbolicOutput = out;
    }
  }

  /** Removes the last layer. */
  pop(): void {
    if (this.stack.length === 0) throw new Error(`sequential '${this.name}': pop on an empty model`);
    this.stack.pop();
    if (this.modelInputShape !== null) this.build(this.modelInputShape);
  }

  /** Builds every layer for inputs of `inputShape` (batch axis first, null when unknown). */
  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.modelInputShape = shape.map((d, i) => (i === 0 ? null : d));
    let x = new SymbolicTensor(this.modelInputShape, 'float32', null, this);
    for (const layer of this.stack) {
      const out = layer.apply(x);
      if (Array.isArray(out)) throw new Error(`sequential '${this.name}': layer '${layer.name}' has several outputs; use the functional API`);
      x = out;
    }
    this.symbolicOutput = x;
    this.built = true;
    this.builtInputShape = this.modelInputShape;
    this.outputShape = x.shape;
  }

  /** The input shape the model was built for (batch axis null), or null before. */
  get inputShape(): Shape | null {
    return this.modelInputShape;
  }

  protected override checkInput(shape: readonly (number | null)[]): void {
    const expected = this.modelInputShape;
    if (expected === null) return;
    const fits = shape.length === expected.length && expected.every((d, i) => d === null || d === shape[i]);
    if (!fits) {
      const first = this.stack[0];
      throw new Error(`model '${this.name}': input shape [${shape.join(',')}] does not fit the model's input shape [${expected.map((d) => d ?? 'null').join(',')}]` +
        (first !== undefined ? ` (expected by its first layer '${first.name}' (${first.className}))` : ''));
    }
  }

  override call(inputs: LayerInput, args: CallArgs): Tensor {
    let x = inputs;
    let mask = args.mask ?? null;
    for (const layer of this.stack) {
      const input = x;
      x = layer.apply(x as Tensor, mask === null ? args : { ...args, mask });
      mask = layer.computeMask(input, mask);
    }
    return x as Tensor;
  }
}

export function sequential(args?: SequentialArgs): Sequential {
  return new Sequential(args);
}
