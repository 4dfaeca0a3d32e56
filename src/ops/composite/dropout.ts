/**
 * tf.dropout (tf.nn.dropout): each element of x is kept with probability 1 − rate and scaled
 * by 1 / (1 − rate), or set to 0. `noiseShape` (broadcastable to x's shape) shares one draw
 * along its size-1 axes. The mask comes from the seeded generator (ops/rng.ts) and is applied
 * with `mul`, so the gradient is that same mask. rate 0 returns x itself.
 */
import { allocate, isFloat } from '../../dtype.js';
import { fmt } from '../../shape.js';
import { Tensor, toTensor, type TensorLike } from '../../tensor.js';
import { checkOptions, checkShape, show, type OptionSpec } from '../../validate.js';
import { mul } from '../binary.js';
import { generator } from '../rng.js';

export interface DropoutOptions {
  seed?: number;
  /** The shape of the random mask, broadcast against x (e.g. [batch, 1, channels]). */
  noiseShape?: number[];
}

const DROPOUT: OptionSpec = { seed: 'integer' };

export function dropout(xLike: TensorLike, rate: number, options?: DropoutOptions | null): Tensor {
  const x = toTensor(xLike, 'dropout', 'x');
  if (!isFloat(x.dtype)) throw new TypeError(`dropout: x must be float32 or float64, got ${x.dtype} ${fmt(x.shape)}`);
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new (typeof rate === 'number' ? RangeError : TypeError)(`dropout: rate must be a number in [0, 1), got ${show(rate)}`);
  }
  // noiseShape is a shape (checked by checkShape); every other key goes through checkOptions.
  const { noiseShape, ...rest } = (options ?? {}) as DropoutOptions;
  const { seed } = checkOptions(options === undefined || options === null ? options : rest, DROPOUT, 'dropout');
  const given = noiseShape === undefined ? x.shape.slice() : checkShape(noiseShape, 'dropout', x.dtype, 'options.noiseShape');
  // A shorter noise shape broadcasts from the right, as TF multiplies x by the mask.
  const shape = [...new Array(Math.max(x.rank - given.length, 0)).fill(1), ...given];
  if (shape.length !== x.rank || shape.some((d, i) => d !== 1 && d !== x.shape[i])) {
    throw new Error(`dropout: options.noiseShape ${fmt(given)} must broadcast to x's shape ${fmt(x.shape)}`);
  }
  if (rate === 0) return x;
  const scale = 1 / (1 - rate);
  const mask = allocate(x.dtype, shape.reduce((a, b) => a * b, 1));
  const rand = generator(seed);
  for (let i = 0; i < mask.length; i++) mask[i] = rand() >= rate ? scale : 0;
  return mul(x, new Tensor(mask, shape, x.dtype));
}
