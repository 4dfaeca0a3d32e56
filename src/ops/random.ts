/**
 * Random tensors and random ops (tf.random.*) from one seedable generator (rng.ts). Without
 * a seed, each call draws a fresh seed from Math.random; with one, results are reproducible and
 * the same on both backends (the numbers are drawn in TS; kernels only see the results).
 */
import { allocate, isFloat, type DType } from '../dtype.js';
import { fmt, sizeOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { checkInteger, checkOptions, checkShape, checkSize, type OptionSpec } from '../validate.js';
import { gather } from './gather.js';
import { generator } from './rng.js';

export interface NormalOptions { mean?: number; stddev?: number; seed?: number; dtype?: DType }
export interface UniformOptions { minval?: number; maxval?: number; seed?: number; dtype?: DType }

/** Samples from N(mean, stddev²) (Box–Muller). */
const NORMAL: OptionSpec = { mean: 'finite', stddev: 'finite', seed: 'integer', dtype: ['float32', 'float64'] };
const UNIFORM: OptionSpec = { minval: 'finite', maxval: 'finite', seed: 'integer', dtype: ['float32', 'float64', 'int32'] };

export function normal(shape: number[], options?: NormalOptions | null): Tensor {
  const { mean = 0, stddev = 1, seed, dtype = 'float32' } = checkOptions(options, NORMAL, 'random.normal');
  const s = checkShape(shape, 'random.normal', dtype);
  const out = allocate(dtype, sizeOf(s));
  const rand = generator(seed);
  for (let i = 0; i < out.length; i += 2) {
    const u1 = 1 - rand();
    const u2 = rand();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = mean + stddev * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < out.length) out[i + 1] = mean + stddev * r * Math.sin(2 * Math.PI * u2);
  }
  return new Tensor(out, s, dtype);
}

/** Samples uniformly from [minval, maxval); int32 gives integers in that range. */
export function uniform(shape: number[], options?: UniformOptions | null): Tensor {
  const { minval = 0, maxval = 1, seed, dtype = 'float32' } = checkOptions(options, UNIFORM, 'random.uniform');
  const s = checkShape(shape, 'random.uniform', dtype);
  if (!(maxval > minval)) throw new RangeError(`random.uniform: options.maxval (${maxval}) must be greater than options.minval (${minval})`);
  const out = allocate(dtype, sizeOf(s));
  const rand = generator(seed);
  const span = maxval - minval;
  for (let i = 0; i < out.length; i++) {
    out[i] = dtype === 'int32' ? minval + Math.floor(rand() * span) : minval + rand() * span;
  }
  return new Tensor(out, s, dtype);
}

export interface TruncatedNormalOptions { mean?: number; stddev?: number; seed?: number; dtype?: DType }

/**
 * Samples from N(mean, stddev²) truncated to within two standard deviations of the mean
 * (tf.random.truncated_normal): draws beyond are rejected and drawn again.
 */
export function truncatedNormal(shape: number[], options?: TruncatedNormalOptions | null): Tensor {
  const { mean = 0, stddev = 1, seed, dtype = 'float32' } = checkOptions(options, NORMAL, 'random.truncatedNormal');
  const s = checkShape(shape, 'random.truncatedNormal', dtype);
  const out = allocate(dtype, sizeOf(s));
  const rand = generator(seed);
  let i = 0;
  while (i < out.length) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const theta = 2 * Math.PI * rand();
    for (const z of [r * Math.cos(theta), r * Math.sin(theta)]) {
      if (i < out.length && Math.abs(z) <= 2) out[i++] = mean + stddev * z;
    }
  }
  return new Tensor(out, s, dtype);
}

const SEED_ONLY: OptionSpec = { seed: 'integer' };

/**
 * x with its slices along the first axis in a random order (tf.random.shuffle, Fisher–Yates).
 * A gather by the permutation, so the gradient flows back to the original positions.
 */
export function shuffle(xLike: TensorLike, options?: { seed?: number } | null): Tensor {
  const x = toTensor(xLike, 'random.shuffle', 'x');
  const { seed } = checkOptions(options, SEED_ONLY, 'random.shuffle');
  if (x.rank === 0) throw new RangeError('random.shuffle: x must have rank at least 1, got a scalar');
  const n = x.shape[0];
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rand = generator(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return gather(x, new Tensor(perm, [n], 'int32'), 0);
}

export interface CategoricalOptions { seed?: number; dtype?: 'int32' }
const CATEGORICAL: OptionSpec = { seed: 'integer', dtype: ['int32'] };

/**
 * `numSamples` class indices per row of `logits` ([batch, classes], unnormalised log
 * probabilities; -Infinity means never), as tf.random.categorical. int32 [batch, numSamples].
 */
export function categorical(logitsLike: TensorLike, numSamples: number, options?: CategoricalOptions | null): Tensor {
  const logits = toTensor(logitsLike, 'random.categorical', 'logits');
  const { seed } = checkOptions(options, CATEGORICAL, 'random.categorical');
  if (!isFloat(logits.dtype)) throw new TypeError(`random.categorical: logits must be float32 or float64, got ${logits.dtype} ${fmt(logits.shape)}`);
  if (logits.rank !== 2) throw new RangeError(`random.categorical: logits must have shape [batch, classes], got ${fmt(logits.shape)}`);
  const samples = checkInteger(numSamples, 'random.categorical', 'numSamples', 0);
  const [batch, classes] = logits.shape;
  checkSize([batch, samples], 'random.categorical', 'int32');
  if (classes === 0 && batch * samples > 0) throw new RangeError(`random.categorical: logits ${fmt(logits.shape)} has no classes to draw from`);
  const out = new Int32Array(batch * samples);
  const rand = generator(seed);
  const cum = new Float64Array(classes);
  const lv = logits.values;
  for (let b = 0; b < batch; b++) {
    let m = -Infinity;
    for (let c = 0; c < classes; c++) if (lv[b * classes + c] > m) m = lv[b * classes + c];
    let total = 0;
    for (let c = 0; c < classes; c++) {
      total += m === -Infinity ? 0 : Math.exp(lv[b * classes + c] - m);
      cum[c] = total;
    }
    for (let k = 0; k < samples; k++) {
      const u = rand() * total;
      let c = 0;
      while (c < classes - 1 && !(cum[c] > u)) c++;
      out[b * samples + k] = c;
    }
  }
  return new Tensor(out, [batch, samples], 'int32');
}
