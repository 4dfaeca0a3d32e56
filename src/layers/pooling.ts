/**
 * Pooling layers that are plain reductions: GlobalAveragePooling2D and GlobalMaxPooling2D over
 * the spatial axes of NHWC input (`keepdims` keeps them as size 1). Windowed pooling
 * (MaxPooling2D, AveragePooling2D) needs the pooling ops and joins here with them: a `Layer`
 * whose `call` is the op, registered in `LAYERS`.
 */
import type { Tensor } from '../tensor.js';
import { max } from '../ops/reduce.js';
import { mean } from '../ops/composite/math.js';
import { LAYERS, Layer, single, type LayerArgs, type LayerInput } from './layer.js';

export interface GlobalPoolingArgs extends LayerArgs {
  keepdims?: boolean;
}

abstract class GlobalPooling2D extends Layer {
  readonly keepdims: boolean;
  constructor(args: GlobalPoolingArgs = {}) {
    super(args);
    this.keepdims = args.keepdims ?? false;
    this.inputSpec = { ndim: 4 };
  }
  protected abstract reduce(x: Tensor, keepdims: boolean): Tensor;
  override call(inputs: LayerInput): Tensor {
    const x = single(inputs, this);
    if (x.rank !== 4) throw new Error(`layer '${this.name}' (${this.className}): expected NHWC input of rank 4, got shape [${x.shape}]`);
    return this.reduce(x, this.keepdims);
  }
}

export class GlobalAveragePooling2D extends GlobalPooling2D {
  protected reduce(x: Tensor, keepdims: boolean): Tensor { return mean(x, [1, 2], keepdims); }
}
LAYERS.register('GlobalAveragePooling2D', GlobalAveragePooling2D);

export class GlobalMaxPooling2D extends GlobalPooling2D {
  protected reduce(x: Tensor, keepdims: boolean): Tensor { return max(x, [1, 2], keepdims); }
}
LAYERS.register('GlobalMaxPooling2D', GlobalMaxPooling2D);
