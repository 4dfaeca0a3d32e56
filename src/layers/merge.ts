/**
 * Merge layers: Concatenate (along `axis`) and Add, each taking a list of inputs. A new merge
 * layer overrides `call(inputs: Tensor[])` and registers in `LAYERS`.
 */
import type { Tensor } from '../tensor.js';
import { add } from '../ops/binary.js';
import { concat } from '../ops/concat.js';
import { LAYERS, Layer, type LayerArgs, type LayerInput } from './layer.js';

function list(inputs: LayerInput, layer: Layer): Tensor[] {
  if (!Array.isArray(inputs) || inputs.length < 2) throw new TypeError(`layer '${layer.name}' (${layer.className}) takes a list of at least 2 inputs`);
  return inputs;
}

export class Concatenate extends Layer {
  readonly axis: number;
  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }
  override call(inputs: LayerInput): Tensor {
    return concat(list(inputs, this), this.axis);
  }
}
LAYERS.register('Concatenate', Concatenate);

/** The elementwise sum of its inputs (broadcast as the op does). */
export class Add extends Layer {
  override call(inputs: LayerInput): Tensor {
    return list(inputs, this).reduce((a, b) => add(a, b));
  }
}
LAYERS.register('Add', Add);
