/**
 * Random tensors from a seedable generator (xoshiro128** seeded through splitmix32). Without
 * a seed, each call draws a fresh seed from Math.random; with one, results are reproducible.
 */
import { allocate, type DType } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptions, checkShape, type OptionSpec } from '../validate.js';

function generator(seed: number | undefined): () => number {
  let s = seed === undefined ? (Math.random() * 2 ** 32) >>> 0 : seed >>> 0;
  const next32 = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next32(), b = next32(), c = next32(), d = next32();
  // xoshiro128**: uniform in [0, 1) with 32 random bits
  return () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

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
