/**
 * Weight initializers with Keras 3's formulas and defaults (`tf.initializers.heNormal({seed})`).
 * An initializer is called with a shape and a dtype and returns a tensor. A seeded initializer
 * gives the same values on every call, as Keras 3's do. Add one by extending `Initializer` and
 * registering its name in `INITIALIZERS` beside it; layers accept the names
 * (`kernelInitializer: 'heNormal'` or `'he_normal'`).
 */
import { allocate, type DType } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { Registry } from '../registry.js';
import { normal, truncatedNormal as truncatedNormalSample, uniform } from '../ops/random.js';
import { fill } from '../ops/create.js';
import { checkOptions, type OptionSpec } from '../validate.js';

export type FloatDType = 'float32' | 'float64';

export abstract class Initializer {
  abstract call(shape: number[], dtype?: FloatDType): Tensor;
  /** The initializer's options, for summaries and saving. */
  abstract getConfig(): Record<string, unknown>;
}

export interface SeedOptions { seed?: number }
const SEED: OptionSpec = { seed: 'integer' };

export class Zeros extends Initializer {
  call(shape: number[], dtype: FloatDType = 'float32'): Tensor { return fill(shape, 0, dtype); }
  getConfig() { return {}; }
}

export class Ones extends Initializer {
  call(shape: number[], dtype: FloatDType = 'float32'): Tensor { return fill(shape, 1, dtype); }
  getConfig() { return {}; }
}

export class Constant extends Initializer {
  readonly value: number;
  constructor(options?: { value?: number } | null) {
    super();
    this.value = checkOptions(options, { value: 'number' }, 'initializers.constant').value ?? 0;
  }
  call(shape: number[], dtype: FloatDType = 'float32'): Tensor { return fill(shape, this.value, dtype); }
  getConfig() { return { value: this.value }; }
}

export interface RandomNormalOptions extends SeedOptions { mean?: number; stddev?: number }

/** N(mean, stddev²), Keras defaults mean 0, stddev 0.05. */
export class RandomNormal extends Initializer {
  readonly mean: number; readonly stddev: number; readonly seed?: number;
  constructor(options?: RandomNormalOptions | null) {
    super();
    const o = checkOptions(options, { ...SEED, mean: 'finite', stddev: 'finite' }, 'initializers.randomNormal');
    this.mean = o.mean ?? 0; this.stddev = o.stddev ?? 0.05; this.seed = o.seed;
  }
  call(shape: number[], dtype: FloatDType = 'float32'): Tensor {
    return normal(shape, { mean: this.mean, stddev: this.stddev, seed: this.seed, dtype });
  }
  getConfig() { return { mean: this.mean, stddev: this.stddev, seed: this.seed ?? null }; }
}

/** N(mean, stddev²) redrawn beyond two stddev, Keras defaults mean 0, stddev 0.05. */
export class TruncatedNormal extends RandomNormal {
  override call(shape: number[], dtype: FloatDType = 'float32'): Tensor {
    return truncatedNormalSample(shape, { mean: this.mean, stddev: this.stddev, seed: this.seed, dtype });
  }
}

export interface RandomUniformOptions extends SeedOptions { minval?: number; maxval?: number }

/** U[minval, maxval), Keras defaults ±0.05. */
export class RandomUniform extends Initializer {
  readonly minval: number; readonly maxval: number; readonly seed?: number;
  constructor(options?: RandomUniformOptions | null) {
    super();
    const o = checkOptions(options, { ...SEED, minval: 'finite', maxval: 'finite' }, 'initializers.randomUniform');
    this.minval = o.minval ?? -0.05; this.maxval = o.maxval ?? 0.05; this.seed = o.seed;
  }
  call(shape: number[], dtype: FloatDType = 'float32'): Tensor {
    return uniform(shape, { minval: this.minval, maxval: this.maxval, seed: this.seed, dtype });
  }
  getConfig() { return { minval: this.minval, maxval: this.maxval, seed: this.seed ?? null }; }
}

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type Distribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';
export interface VarianceScalingOptions extends SeedOptions { scale?: number; mode?: FanMode; distribution?: Distribution }

/** Keras's compute_fans: a kernel's last two axes are (in, out), earlier ones the receptive field. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/**
 * Keras's VarianceScaling: s = scale / max(1, fan) with fan chosen by `mode`; truncated normal
 * with stddev √s / 0.8796… (the stddev of a unit normal truncated to ±2, so the draws' variance
 * is s), plain normal with stddev √s, or uniform on ±√(3s).
 */
export class VarianceScaling extends Initializer {
  readonly scale: number; readonly mode: FanMode; readonly distribution: Distribution; readonly seed?: number;
  constructor(options?: VarianceScalingOptions | null) {
    super();
    const o = checkOptions(options, { ...SEED, scale: 'finite', mode: ['fanIn', 'fanOut', 'fanAvg'], distribution: ['truncatedNormal', 'untruncatedNormal', 'uniform'] }, 'initializers.varianceScaling');
    this.scale = o.scale ?? 1; this.mode = o.mode ?? 'fanIn'; this.distribution = o.distribution ?? 'truncatedNormal'; this.seed = o.seed;
    if (!(this.scale > 0)) throw new RangeError(`initializers.varianceScaling: scale must be positive, got ${this.scale}`);
  }
  call(shape: number[], dtype: FloatDType = 'float32'): Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const s = this.scale / Math.max(1, fan);
    const seed = this.seed;
    switch (this.distribution) {
      case 'truncatedNormal': return truncatedNormalSample(shape, { stddev: Math.sqrt(s) / 0.87962566103423978, seed, dtype });
      case 'untruncatedNormal': return normal(shape, { stddev: Math.sqrt(s), seed, dtype });
      default: {
        const limit = Math.sqrt(3 * s);
        return uniform(shape, { minval: -limit, maxval: limit, seed, dtype });
      }
    }
  }
  getConfig() { return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed ?? null }; }
}

const scaled = (scale: number, mode: FanMode, distribution: Distribution, op: string) =>
  (options?: SeedOptions | null) => new VarianceScaling({ scale, mode, distribution, seed: checkOptions(options, SEED, op).seed });

export const glorotUniform = scaled(1, 'fanAvg', 'uniform', 'initializers.glorotUniform');
export const glorotNormal = scaled(1, 'fanAvg', 'truncatedNormal', 'initializers.glorotNormal');
export const heNormal = scaled(2, 'fanIn', 'truncatedNormal', 'initializers.heNormal');
export const heUniform = scaled(2, 'fanIn', 'uniform', 'initializers.heUniform');
export const lecunNormal = scaled(1, 'fanIn', 'truncatedNormal', 'initializers.lecunNormal');
export const lecunUniform = scaled(1, 'fanIn', 'uniform', 'initializers.lecunUniform');

export interface OrthogonalOptions extends SeedOptions { gain?: number }

/**
 * Keras's Orthogonal: the shape flattened to (rows = Π shape[:-1], cols = shape[-1]); a normal
 * matrix of (max, min) is QR-factored, Q's columns are signed by diag(R) (so Q is unique),
 * transposed when rows < cols, and scaled by `gain`. Q here comes from modified Gram–Schmidt in
 * float64, whose R has a positive diagonal, so the sign step is already done.
 */
export class Orthogonal extends Initializer {
  readonly gain: number; readonly seed?: number;
  constructor(options?: OrthogonalOptions | null) {
    super();
    const o = checkOptions(options, { ...SEED, gain: 'finite' }, 'initializers.orthogonal');
    this.gain = o.gain ?? 1; this.seed = o.seed;
  }
  call(shape: number[], dtype: FloatDType = 'float32'): Tensor {
    if (shape.length < 2) throw new RangeError(`initializers.orthogonal: the shape must have rank at least 2, got [${shape}]`);
    const cols = shape[shape.length - 1], rows = sizeOf(shape) / cols;
    const n = Math.max(rows, cols), k = Math.min(rows, cols);
    const a = normal([n, k], { seed: this.seed, dtype: 'float64' }).dataSync() as Float64Array;
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[i * k + p] * a[i * k + j];
        for (let i = 0; i < n; i++) a[i * k + j] -= dot * a[i * k + p];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += a[i * k + j] ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) a[i * k + j] /= norm;
    }
    const out = allocate(dtype, rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = this.gain * (rows >= cols ? a[r * k + c] : a[c * k + r]);
    }
    return new Tensor(out, shape.slice(), dtype);
  }
  getConfig() { return { gain: this.gain, seed: this.seed ?? null }; }
}

export const zeros = () => new Zeros();
export const ones = () => new Ones();
export const constant = (options?: { value?: number } | null) => new Constant(options);
export const randomNormal = (options?: RandomNormalOptions | null) => new RandomNormal(options);
export const randomUniform = (options?: RandomUniformOptions | null) => new RandomUniform(options);
export const truncatedNormal = (options?: RandomNormalOptions | null) => new TruncatedNormal(options);
export const orthogonal = (options?: OrthogonalOptions | null) => new Orthogonal(options);
export const varianceScaling = (options?: VarianceScalingOptions | null) => new VarianceScaling(options);

export const INITIALIZERS = new Registry<() => Initializer>('initializer');
INITIALIZERS.register('zeros', zeros);
INITIALIZERS.register('ones', ones);
INITIALIZERS.register('constant', () => constant());
INITIALIZERS.register('randomNormal', () => randomNormal());
INITIALIZERS.register(['randomUniform', 'uniform'], () => randomUniform());
INITIALIZERS.register('truncatedNormal', () => truncatedNormal());
INITIALIZERS.register('orthogonal', () => orthogonal());
INITIALIZERS.register('varianceScaling', () => varianceScaling());
INITIALIZERS.register('glorotUniform', () => glorotUniform());
INITIALIZERS.register('glorotNormal', () => glorotNormal());
INITIALIZERS.register('heNormal', () => heNormal());
INITIALIZERS.register('heUniform', () => heUniform());
INITIALIZERS.register('lecunNormal', () => lecunNormal());
INITIALIZERS.register('lecunUniform', () => lecunUniform());

export type InitializerIdentifier = string | Initializer;

export function getInitializer(identifier: InitializerIdentifier, op: string): Initializer {
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'string') return INITIALIZERS.get(identifier, op)();
  throw new TypeError(`${op}: an initializer must be a name or a tf.initializers object`);
}
