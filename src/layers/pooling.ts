/**
 * Pooling layers over NHWC input: windowed (MaxPooling2D, AveragePooling2D: `poolSize` 2 and
 * `strides` = poolSize by default, `padding` 'valid' or 'same', Keras 3's defaults; `call` is
 * the pooling op of src/nn/) and global (GlobalAveragePooling2D, GlobalMaxPooling2D: reductions
 * over the spatial axes, `keepdims` keeps them as size 1). A new pool: a class whose `call` is
 * its op, registered in `LAYERS`.
 */
import type { Tensor } from '../tensor.js';
import { max } from '../ops/reduce.js';
import { mean } from '../ops/composite/math.js';
import { avgPool, maxPool } from '../nn/pool.js';
import { LAYERS, Layer, single, type LayerArgs, type LayerInput } from './layer.js';
import { show } from '../validate.js';

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number] | null;
  padding?: 'valid' | 'same';
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  constructor(args: Pooling2DArgs = {}) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    const pair = (v: unknown, arg: string): [number, number] => {
      const p = typeof v === 'number' ? [v, v] : v;
      if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d > 0)) throw new TypeError(`${where}: ${arg} must be a positive integer or a pair of them, got ${show(v)}`);
      return p as [number, number];
    };
    this.poolSize = pair(args.poolSize ?? 2, 'poolSize');
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize : pair(args.strides, 'strides');
    if (args.padding !== undefined && args.padding !== 'valid' && args.padding !== 'same') throw new TypeError(`${where}: padding must be 'valid' or 'same', got ${show(args.padding)}`);
    this.padding = args.padding ?? 'valid';
    this.inputSpec = { ndim: 4 };
  }
  protected abstract pool(x: Tensor): Tensor;
  override call(inputs: LayerInput): Tensor {
    return this.pool(single(inputs, this));
  }
}

export class MaxPooling2D extends Pooling2D {
  protected pool(x: Tensor): Tensor { return maxPool(x, this.poolSize, this.strides, this.padding); }
}
LAYERS.register(['MaxPooling2D', 'MaxPool2D'], MaxPooling2D);

export class AveragePooling2D extends Pooling2D {
  protected pool(x: Tensor): Tensor { return avgPool(x, this.poolSize, this.strides, this.padding); }
}
LAYERS.register(['AveragePooling2D', 'AvgPool2D'], AveragePooling2D);

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
