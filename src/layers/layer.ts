/**
 * The Layer base (Keras 3's): weights are created on the first call by `build(inputShape)`
 * through `addWeight`, `call(inputs, {training})` computes, `apply` does both and checks the
 * input. Applied to a `SymbolicTensor` (from `tf.input`), `apply` records a node of the
 * functional graph instead of computing; the output shape comes from `computeOutputShape`,
 * which by default runs `call` once on zeros of the input's shape (batch size 1).
 *
 * A new layer extends `Layer`: `build` adds weights and may set `inputSpec` (the axes it
 * needs, checked on every call), `call` uses only ops, and the file registers the class in
 * `LAYERS` (its factory lives in layers/index.ts). Names default to Keras 3's: the class name
 * in snake_case, numbered per name (`dense`, `dense_1`, …); weights are `layerName/weightName`.
 */
import type { DType } from '../dtype.js';
import { isFloat } from '../dtype.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { Variable } from '../variable.js';
import { Registry } from '../registry.js';
import { cast } from '../ops/cast.js';
import { zeros } from '../ops/create.js';
import { getInitializer, type InitializerIdentifier } from './initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
import { show } from '../validate.js';

/** A shape with `null` for sizes not known until data arrives (the batch axis). */
export type Shape = (number | null)[];
export type FloatDType = 'float32' | 'float64';

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /** The dtype of the layer's weights and computation (Keras's base-layer `dtype`). */
  dtype?: FloatDType;
  /** The shape of one example, for a model's first layer (`[784]`). */
  inputShape?: Shape;
  batchSize?: number;
}

export interface CallArgs {
  training?: boolean;
  /** A [batch, time] boolean mask (true = a real step), as `embedding({maskZero})` produces and Sequential passes on. */
  mask?: Tensor | null;
  /** The starting states of a recurrent layer (LSTM: [h, c]). */
  initialState?: Tensor | Tensor[];
}

/** What a layer requires of its input after build, checked at every call (Keras's InputSpec). */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  /** Required sizes by axis (negative axes count from the end). */
  axes?: Record<number, number>;
}

export const LAYERS = new Registry<new (args: never) => Layer>('layer');

/** One use of a layer in a functional graph: its symbolic inputs and outputs. */
export interface Node {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  callArgs: CallArgs;
}

/** A placeholder for a tensor in a functional graph (`tf.input` and `layer.apply` on it). */
export class SymbolicTensor {
  constructor(readonly shape: Shape, readonly dtype: DType, readonly node: Node | null, readonly sourceLayer: Layer, readonly outputIndex = 0) {}
  get rank(): number { return this.shape.length; }
  toString(): string { return `<SymbolicTensor shape=${fmtShape(this.shape)} dtype=${this.dtype} from ${this.sourceLayer.name}>`; }
}

export type LayerInput = Tensor | Tensor[];
export type LayerOutput = Tensor | Tensor[];

const nameCounts = new Map<string, number>();

/** Keras's `to_snake_case`: `BatchNormalization` → `batch_normalization`, `Conv2D` → `conv2d`. */
export function toSnakeCase(name: string): string {
  return name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `prefix`, then `prefix_1`, `prefix_2`, … (Keras's unique object names). */
export function uniqueName(prefix: string): string {
  const n = nameCounts.get(prefix) ?? 0;
  nameCounts.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Forgets every default name handed out (Keras's `clear_session`): the next Dense is `dense` again. */
export function clearSession(): void {
  nameCounts.clear();
}

export function fmtShape(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

const fmtList = (shape: readonly (number | null)[]) => `[${shape.map((d) => (d === null ? 'null' : d)).join(',')}]`;

interface OwnWeight {
  variable: Variable;
  trainable: boolean;
  regularizer: Regularizer | null;
}

export interface AddWeightOptions {
  initializer?: InitializerIdentifier;
  trainable?: boolean;
  dtype?: FloatDType;
  regularizer?: RegularizerIdentifier;
}

export class Layer {
  readonly name: string;
  /** The dtype of weights and computation; floating inputs are cast to it. */
  readonly dtype: FloatDType;
  built = false;
  /** `[batch, ...inputShape]` when the layer was given `inputShape` (a model's first layer). */
  readonly batchInputShape: Shape | null;
  /** The axes later calls must match, set by `build`. */
  inputSpec: InputSpec | null = null;
  /** The input shape `build` saw (batch axis as null), for error messages and summaries. */
  builtInputShape: Shape | Shape[] | null = null;
  /** The output shape(s) of the last call, batch axis null (for `summary`). */
  outputShape: Shape | Shape[] | null = null;
  /** Nodes of functional graphs this layer was applied in. */
  readonly inboundNodes: Node[] = [];
  /** Whether the mask of the input passes through this layer unchanged (Keras's `supports_masking`). */
  supportsMasking = false;
  /** Whether floating inputs are cast to `dtype` before `call` (false for index inputs). */
  protected autoCast = true;
  private _trainable: boolean;
  private readonly ownWeights: OwnWeight[] = [];
  /** @internal The options the layer was made with: its config (src/layers/serialization.ts). */
  readonly initArgs: Readonly<Record<string, unknown>>;

  constructor(args: LayerArgs = {}) {
    if (typeof args !== 'object' || args === null) throw new TypeError(`${new.target.name}: expected an options object, got ${show(args)}`);
    this.initArgs = { ...args };
    const className = new.target.name;
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '')) throw new TypeError(`${className}: name must be a non-empty string, got ${show(args.name)}`);
    if (args.dtype !== undefined && args.dtype !== 'float32' && args.dtype !== 'float64') throw new RangeError(`${className}: dtype must be 'float32' or 'float64', got ${show(args.dtype)}`);
    this.name = args.name ?? uniqueName(toSnakeCase(className));
    this.dtype = args.dtype ?? 'float32';
    this._trainable = args.trainable ?? true;
    if (args.inputShape !== undefined) {
      if (!Array.isArray(args.inputShape)) throw new TypeError(`${className}: inputShape must be an array, got ${show(args.inputShape)}`);
      this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    } else {
      this.batchInputShape = null;
    }
  }

  /** The class name, as Keras shows it in summaries (`Dense`). */
  get className(): string {
    return this.constructor.name;
  }

  get trainable(): boolean { return this._trainable; }
  set trainable(value: boolean) { this._trainable = value; }

  /** Creates the weights for an input of this shape (batch axis null). Override in layers with weights. */
  build(_inputShape: Shape | Shape[]): void {}

  /** The computation. Override in every layer. */
  call(inputs: LayerInput, _args: CallArgs): LayerOutput {
    return inputs;
  }

  /** The output shape for an input shape; by default `call` is run once on zeros (nulls as 1). */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const { specs, multiple } = this.computeOutputSpec(inputShape, this.autoCast ? this.dtype : 'float32');
    return multiple ? specs.map((s) => s.shape) : specs[0].shape;
  }

  private computeOutputSpec(inputShape: Shape | Shape[], dtype: DType, args: CallArgs = {}): { specs: { shape: Shape; dtype: DType }[]; multiple: boolean } {
    const multi = isShapeList(inputShape);
    const shapes = multi ? (inputShape as Shape[]) : [inputShape as Shape];
    const dummies = shapes.map((s) => zeros(s.map((d) => d ?? 1), dtype));
    // Options that change the outputs (returnAttentionScores) apply; tensors given for the call (masks) do not.
    const options = Object.fromEntries(Object.entries(args).filter(([, v]) => typeof v === 'boolean'));
    const out = this.call(multi ? dummies : dummies[0], { ...options, training: false });
    const batchUnknown = shapes[0][0] === null;
    const specs = (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape.map((d, i) => (i === 0 && batchUnknown ? null : d)) as Shape, dtype: t.dtype }));
    return { specs, multiple: Array.isArray(out) };
  }

  /** The mask of this layer's output given its input and the input's mask (Keras's `compute_mask`). */
  computeMask(_inputs: LayerInput, mask: Tensor | null): Tensor | null {
    return this.supportsMasking ? mask : null;
  }

  /** Adds a weight `layerName/name` of `shape`, initialized now (Keras's `add_weight`). */
  addWeight(name: string, shape: number[], options: AddWeightOptions = {}): Variable {
    const op = `${this.className} '${this.name}'.addWeight`;
    const dtype = options.dtype ?? this.dtype;
    const initializer = getInitializer(options.initializer ?? 'glorotUniform', op);
    const initial = initializer.call(shape, dtype);
    const trainable = options.trainable ?? true;
    const variable = new Variable(initial, { name: `${this.name}/${name}`, dtype, trainable });
    this.ownWeights.push({ variable, trainable, regularizer: getRegularizer(options.regularizer, op) });
    return variable;
  }

  /**
   * Calls the layer: builds it on first use, checks the input against what it was built for,
   * casts floating inputs to the layer's dtype, and runs `call`. On symbolic inputs, adds a
   * node to the functional graph and returns symbolic outputs.
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  apply(inputs: TensorLike | Tensor[], args?: CallArgs): Tensor | Tensor[];
  apply(inputs: TensorLike | Tensor[] | SymbolicTensor | SymbolicTensor[], args: CallArgs = {}): LayerOutput | SymbolicTensor | SymbolicTensor[] {
    if (inputs instanceof SymbolicTensor || (Array.isArray(inputs) && inputs.length > 0 && inputs.every((x) => x instanceof SymbolicTensor))) {
      return this.applySymbolic(inputs as SymbolicTensor | SymbolicTensor[], args);
    }
    const multi = Array.isArray(inputs) && inputs.length > 0 && inputs.every((x) => x instanceof Tensor);
    let list = multi ? (inputs as Tensor[]) : [toTensor(inputs as TensorLike, this.name, 'inputs')];
    if (this.autoCast) list = list.map((t) => (isFloat(t.dtype) && t.dtype !== this.dtype ? cast(t, this.dtype) : t));
    const shapes = list.map((t) => t.shape as Shape);
    this.maybeBuild(multi ? shapes : shapes[0]);
    for (const t of list) this.checkInput(t.shape);
    const out = this.call(multi ? list : list[0], args);
    const outs = Array.isArray(out) ? out : [out];
    const batched = (s: number[]) => s.map((d, i) => (i === 0 ? null : d));
    this.outputShape = Array.isArray(out) ? outs.map((t) => batched(t.shape)) : batched(outs[0].shape);
    return out;
  }

  private applySymbolic(inputs: SymbolicTensor | SymbolicTensor[], args: CallArgs): SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const shapes = list.map((s) => s.shape);
    const shapeArg = Array.isArray(inputs) ? shapes : shapes[0];
    this.maybeBuild(shapeArg);
    for (const s of list) this.checkInput(s.shape);
    const inDtype = this.autoCast ? this.dtype : list[0].dtype;
    const { specs, multiple } = this.computeOutputSpec(shapeArg, inDtype, args);
    const node: Node = { layer: this, inputs: list, outputs: [], callArgs: args };
    node.outputs = specs.map((s, i) => new SymbolicTensor(s.shape, s.dtype, node, this, i));
    this.inboundNodes.push(node);
    this.outputShape = multiple ? specs.map((s) => s.shape) : specs[0].shape;
    return multiple ? node.outputs : node.outputs[0];
  }

  private maybeBuild(shape: Shape | Shape[]): void {
    if (this.built) return;
    const batchless = (s: Shape) => s.map((d, i) => (i === 0 ? null : d));
    const withNullBatch = isShapeList(shape) ? (shape as Shape[]).map(batchless) : batchless(shape as Shape);
    this.build(withNullBatch);
    this.builtInputShape = withNullBatch;
    this.built = true;
  }

  /** Throws, naming the layer and both shapes, when `shape` breaks `inputSpec`. */
  protected checkInput(shape: readonly (number | null)[]): void {
    const spec = this.inputSpec;
    if (spec === null) return;
    const expected = this.builtInputShape !== null && !isShapeList(this.builtInputShape) ? fmtList(this.builtInputShape as Shape) : 'its build shape';
    const fail = (why: string) => {
      throw new Error(`layer '${this.name}' (${this.className}): input shape ${fmtList(shape)} is incompatible with the layer, built for input shape ${expected}: ${why}`);
    };
    if (spec.ndim !== undefined && shape.length !== spec.ndim) fail(`expected rank ${spec.ndim}, got rank ${shape.length}`);
    if (spec.minNdim !== undefined && shape.length < spec.minNdim) fail(`expected rank at least ${spec.minNdim}, got rank ${shape.length}`);
    for (const [axisKey, size] of Object.entries(spec.axes ?? {})) {
      const axis = Number(axisKey);
      const d = shape[axis < 0 ? shape.length + axis : axis];
      if (d !== null && d !== size) fail(`expected axis ${axis} to have size ${size}, got ${d}`);
    }
  }

  /** Layers held as fields (or arrays of layers), in the order they were assigned. */
  protected get trackedLayers(): Layer[] {
    const found: Layer[] = [];
    for (const value of Object.values(this)) {
      if (value instanceof Layer && value !== this) found.push(value);
      else if (Array.isArray(value)) for (const v of value) if (v instanceof Layer && v !== this) found.push(v);
    }
    return [...new Set(found)];
  }

  /** Variables assigned directly as fields (subclassed models and layers). */
  private get fieldVariables(): Variable[] {
    const known = new Set(this.ownWeights.map((w) => w.variable));
    return Object.values(this).filter((v): v is Variable => v instanceof Variable && !known.has(v));
  }

  /** Every weight: own trainable, own non-trainable, then each sublayer's (Keras 3's order). */
  get weights(): Variable[] {
    const own = [...this.ownWeights.filter((w) => w.trainable).map((w) => w.variable), ...this.fieldVariables.filter((v) => v.trainable),
      ...this.ownWeights.filter((w) => !w.trainable).map((w) => w.variable), ...this.fieldVariables.filter((v) => !v.trainable)];
    return unique([...own, ...this.trackedLayers.flatMap((l) => l.weights)]);
  }

  get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    const own = [...this.ownWeights.filter((w) => w.trainable).map((w) => w.variable), ...this.fieldVariables.filter((v) => v.trainable)];
    return unique([...own, ...this.trackedLayers.flatMap((l) => l.trainableWeights)]);
  }

  get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  /** The regularization penalties of this layer's weights and its sublayers', computed now. */
  get losses(): Tensor[] {
    const own = this.ownWeights.filter((w) => w.regularizer !== null).map((w) => w.regularizer!.apply(w.variable));
    return [...own, ...this.trackedLayers.flatMap((l) => l.losses)];
  }

  countParams(): number {
    if (!this.built && this.weights.length === 0) throw new Error(`layer '${this.name}': countParams before the layer is built (call it on data, or give the first layer inputShape)`);
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** The weights' current values, as tensors, in `weights` order. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.value());
  }

  /** Sets every weight, in `weights` order; shapes must match (the error names the weight). */
  setWeights(values: TensorLike[]): void {
    const ws = this.weights;
    if (!Array.isArray(values) || values.length !== ws.length) {
      throw new Error(`layer '${this.name}'.setWeights: expected ${ws.length} arrays (${ws.map((w) => w.path).join(', ')}), got ${Array.isArray(values) ? values.length : show(values)}`);
    }
    values.forEach((v, i) => {
      const t = toTensor(v, `${this.name}.setWeights`, `weights[${i}]`, ws[i].dtype);
      if (t.shape.join() !== ws[i].shape.join()) throw new Error(`layer '${this.name}'.setWeights: weight ${ws[i].path} has shape [${ws[i].shape}], got [${t.shape}]`);
      ws[i].assign(t.dtype === ws[i].dtype ? t : cast(t, ws[i].dtype));
    });
  }

  /**
   * The layer's options, as Keras's `get_config`: the options it was made with, its name,
   * trainable and dtype; `new Cls(config)` makes the same layer. Options given as objects are
   * kept as given (src/layers/serialization.ts turns them into JSON).
   */
  getConfig(): Record<string, unknown> {
    return { ...this.initArgs, name: this.name, trainable: this.trainable, dtype: this.dtype };
  }
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function isShapeList(s: Shape | Shape[]): s is Shape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

/** The layer's input as a single tensor, or an error naming the layer. */
export function single(inputs: LayerInput, layer: Layer): Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length === 1) return inputs[0];
    throw new TypeError(`layer '${layer.name}' (${layer.className}) takes one input, got ${inputs.length}`);
  }
  return inputs;
}
