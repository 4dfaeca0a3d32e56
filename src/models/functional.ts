/**
 * The functional API: `tf.input({shape})` gives a symbolic tensor, `layer.apply` on symbolic
 * tensors records the graph (layers/layer.ts), and `tf.model({inputs, outputs})` runs that
 * DAG: its nodes in topological order, each layer applied to its inputs' values.
 */
import type { DType } from '../dtype.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { InputLayer } from '../layers/core.js';
import { Layer, SymbolicTensor, type CallArgs, type LayerArgs, type LayerInput, type LayerOutput, type Node, type Shape } from '../layers/layer.js';
import { Model } from './model.js';
import { show } from '../validate.js';

export interface InputArgs {
  /** The shape of one example (without the batch axis); null for a size not known. */
  shape: Shape;
  batchSize?: number;
  dtype?: DType;
  name?: string;
}

/** A symbolic input of shape `[batchSize ?? null, ...shape]` (Keras's `keras.Input`). */
export function input(args: InputArgs): SymbolicTensor {
  if (typeof args !== 'object' || args === null || !Array.isArray(args.shape)) throw new TypeError(`input: expected {shape: [...]}, got ${show(args)}`);
  const layer = new InputLayer({ shape: args.shape, batchSize: args.batchSize, name: args.name, inputDtype: args.dtype });
  return new SymbolicTensor(layer.batchInputShape!, args.dtype ?? 'float32', null, layer);
}

export interface FunctionalArgs extends LayerArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
}

export class Functional extends Model {
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  private readonly multipleOutputs: boolean;
  private readonly nodes: Node[];
  private readonly graphLayers: Layer[];

  constructor(args: FunctionalArgs) {
    const { inputs, outputs, ...rest } = args ?? ({} as FunctionalArgs);
    super(rest);
    const list = (v: SymbolicTensor | SymbolicTensor[], what: string) => {
      const l = Array.isArray(v) ? v : [v];
      if (l.length === 0 || !l.every((t) => t instanceof SymbolicTensor)) throw new TypeError(`model: ${what} must be symbolic tensors (from tf.input and layer.apply), got ${show(v)}`);
      return l;
    };
    this.inputs = list(inputs, 'inputs');
    this.outputs = list(outputs, 'outputs');
    this.multipleOutputs = Array.isArray(outputs);
    for (const t of this.inputs) if (t.node !== null || !(t.sourceLayer instanceof InputLayer)) throw new Error(`model: every input must come from tf.input, got ${t}`);
    this.nodes = [];
    const seen = new Set<Node>();
    const visit = (t: SymbolicTensor) => {
      if (t.node === null) {
        if (!this.inputs.includes(t)) throw new Error(`model: the outputs depend on input '${t.sourceLayer.name}', which is not among the model's inputs`);
        return;
      }
      if (seen.has(t.node)) return;
      seen.add(t.node);
      for (const i of t.node.inputs) visit(i);
      this.nodes.push(t.node);
    };
    for (const t of this.outputs) visit(t);
    this.graphLayers = [...new Set([...this.inputs.map((t) => t.sourceLayer), ...this.nodes.map((n) => n.layer)])];
    this.built = true;
    this.builtInputShape = this.inputs.length === 1 ? this.inputs[0].shape : this.inputs.map((t) => t.shape);
    this.outputShape = this.multipleOutputs ? this.outputs.map((t) => t.shape) : this.outputs[0].shape;
  }

  override get layers(): Layer[] {
    return [...this.graphLayers];
  }

  /**
   * The graph as names (for model files, models/config.ts): each node's layer and where its
   * inputs come from as [layer, node of that layer, output], nodes in the order they run.
   */
  graph(): { inputs: string[]; nodes: { layer: Layer; inputs: [string, number, number][]; callArgs: CallArgs }[]; outputs: [string, number, number][] } {
    const nodeIndex = new Map<Node, number>();
    const perLayer = new Map<Layer, number>();
    for (const node of this.nodes) {
      const k = perLayer.get(node.layer) ?? 0;
      nodeIndex.set(node, k);
      perLayer.set(node.layer, k + 1);
    }
    const ref = (t: SymbolicTensor): [string, number, number] => [t.sourceLayer.name, t.node === null ? 0 : nodeIndex.get(t.node)!, t.outputIndex];
    return {
      inputs: this.inputs.map((t) => t.sourceLayer.name),
      nodes: this.nodes.map((n) => ({ layer: n.layer, inputs: n.inputs.map(ref), callArgs: n.callArgs })),
      outputs: this.outputs.map(ref),
    };
  }

  /** Whether `outputs` was given as a list (the model then returns a list). */
  get listOutputs(): boolean {
    return this.multipleOutputs;
  }

  protected override checkInput(): void {}

  override call(inputs: LayerInput, args: CallArgs): LayerOutput {
    const given = Array.isArray(inputs) ? inputs : [inputs];
    if (given.length !== this.inputs.length) throw new Error(`model '${this.name}': expected ${this.inputs.length} inputs, got ${given.length}`);
    const values = new Map<SymbolicTensor, Tensor>();
    const masks = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((s, i) => {
      const t = given[i];
      const fits = t.rank === s.rank && s.shape.every((d, k) => d === null || d === t.shape[k]);
      if (!fits) throw new Error(`model '${this.name}': input ${i} ('${s.sourceLayer.name}') has shape [${t.shape}], expected [${s.shape.map((d) => d ?? 'null')}]`);
      values.set(s, t);
    });
    for (const node of this.nodes) {
      const ins = node.inputs.map((s) => values.get(s)!);
      const inMask = node.inputs.length === 1 ? masks.get(node.inputs[0]) ?? null : null;
      const input = ins.length === 1 ? ins[0] : ins;
      const out = node.layer.apply(input, { ...node.callArgs, ...args, ...(inMask !== null ? { mask: inMask } : {}) });
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((s, i) => values.set(s, outs[i]));
      const outMask = Array.isArray(out) ? null : node.layer.computeMask(input, inMask);
      if (outMask !== null) masks.set(node.outputs[0], outMask);
    }
    const outs = this.outputs.map((s) => values.get(s)!);
    return this.multipleOutputs ? outs : outs[0];
  }
}

Model.functional = (args) => new Functional(args as FunctionalArgs);

/** A model from symbolic inputs to outputs (Keras's `keras.Model(inputs, outputs)`). */
export function model(args: FunctionalArgs): Functional {
  return new Functional(args);
}

export function toInputTensors(x: TensorLike | Tensor[], op: string): Tensor[] {
  return Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor) ? (x as Tensor[]) : [toTensor(x as TensorLike, op, 'x')];
}
