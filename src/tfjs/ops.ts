/**
 * TF.js-only spellings of ops, each a thin composition of tapeflow ops (so gradients come
 * with them): the rank-suffixed forms (`reverse1d`, `concat2d`, `slice3d`, `pad4d`,
 * `batchNorm2d` …), `unstack`, `step`, `dot`, `outerProduct`, `batchNorm`, the positional random
 * ops (`randomNormal`, `randomUniform`, `truncatedNormal`, `randomStandardNormal`),
 * positional `variable`, and `memory()`/`backend()` with honest answers for a
 * garbage-collected library.
 */
import type { DType } from '../dtype.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { Variable } from '../variable.js';
import { concat, split } from '../ops/concat.js';
import { reverse } from '../ops/reverse.js';
import { slice, transpose } from '../ops/strided.js';
import { pad } from '../ops/pad.js';
import { expandDims, reshape, squeeze } from '../ops/reshape.js';
import { matmul } from '../ops/matmul.js';
import { where } from '../ops/where.js';
import { add, mul, sub } from '../ops/binary.js';
import { greater } from '../ops/compare.js';
import { isNaN as isNaNOp, round, rsqrt } from '../ops/unary.js';
import { eye, fill } from '../ops/create.js';
import { booleanMask } from '../ops/indexing.js';
import { topK } from '../ops/sort.js';
import * as random from '../ops/random.js';
import * as nn from '../nn/conv.js';
import * as pool from '../nn/pool.js';
import { cast } from '../ops/cast.js';
import { dropout as dropoutOp } from '../ops/composite/dropout.js';
import { show } from '../validate.js';

/** `f` with its first argument checked to have `rank` (each tensor of it, for the concat forms, whose first argument is a list). */
function ranked<F extends (x: never, ...rest: never[]) => Tensor>(rank: number, op: string, f: F, list = false): F {
  return ((x: TensorLike | TensorLike[], ...rest: never[]) => {
    const check = (t: TensorLike, arg: string) => {
      const tensor = toTensor(t, op, arg);
      if (tensor.rank !== rank) throw new Error(`${op}: ${arg} must be rank ${rank}, got shape [${tensor.shape}]`);
      return tensor;
    };
    if (list && !Array.isArray(x)) throw new TypeError(`${op}: expected an array of tensors, got ${show(x)}`);
    const checked = list ? (x as TensorLike[]).map((t, i) => check(t, `tensors[${i}]`)) : check(x as TensorLike, 'x');
    return (f as unknown as (x: unknown, ...r: never[]) => Tensor)(checked, ...rest);
  }) as unknown as F;
}

export const reverse1d = ranked(1, 'reverse1d', (x: TensorLike) => reverse(x, [0]));
export const reverse2d = ranked(2, 'reverse2d', (x: TensorLike, axis?: number | number[]) => reverse(x, axis ?? [0, 1]));
export const reverse3d = ranked(3, 'reverse3d', (x: TensorLike, axis?: number | number[]) => reverse(x, axis ?? [0, 1, 2]));
export const reverse4d = ranked(4, 'reverse4d', (x: TensorLike, axis?: number | number[]) => reverse(x, axis ?? [0, 1, 2, 3]));
export const concat1d = ranked(1, 'concat1d', (xs: TensorLike[]) => concat(xs, 0), true);
export const concat2d = ranked(2, 'concat2d', (xs: TensorLike[], axis = 0) => concat(xs, axis), true);
export const concat3d = ranked(3, 'concat3d', (xs: TensorLike[], axis = 0) => concat(xs, axis), true);
export const concat4d = ranked(4, 'concat4d', (xs: TensorLike[], axis = 0) => concat(xs, axis), true);
export const slice1d = ranked(1, 'slice1d', (x: TensorLike, begin: number, size: number) => slice(x, [begin], [size]));
export const slice2d = ranked(2, 'slice2d', (x: TensorLike, begin: number[], size: number[]) => slice(x, begin, size));
export const slice3d = ranked(3, 'slice3d', (x: TensorLike, begin: number[], size: number[]) => slice(x, begin, size));
export const slice4d = ranked(4, 'slice4d', (x: TensorLike, begin: number[], size: number[]) => slice(x, begin, size));
export const pad1d = ranked(1, 'pad1d', (x: TensorLike, paddings: [number, number], constantValue = 0) => pad(x, [paddings], constantValue));
export const pad2d = ranked(2, 'pad2d', (x: TensorLike, paddings: [number, number][], constantValue = 0) => pad(x, paddings, constantValue));
export const pad3d = ranked(3, 'pad3d', (x: TensorLike, paddings: [number, number][], constantValue = 0) => pad(x, paddings, constantValue));
export const pad4d = ranked(4, 'pad4d', (x: TensorLike, paddings: [number, number][], constantValue = 0) => pad(x, paddings, constantValue));

/** The slices of x along `axis`, each without that axis. */
export function unstack(xLike: TensorLike, axis = 0): Tensor[] {
  const x = toTensor(xLike, 'unstack', 'x');
  if (x.rank === 0) throw new Error('unstack: x must have at least one axis');
  const ax = axis < 0 ? axis + x.rank : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= x.rank) throw new RangeError(`unstack: axis ${show(axis)} is out of range for shape [${x.shape}]`);
  if (x.shape[ax] === 0) return [];
  return split(x, x.shape[ax], ax).map((part) => squeeze(part, [ax]));
}

/** 1 where x > 0, `alpha` elsewhere, NaN where x is NaN (TF.js's `step`; zero gradient). */
export function step(xLike: TensorLike, alpha = 0): Tensor {
  const x = toTensor(xLike, 'step', 'x');
  const stepped = where(greater(x, 0), fill(x.shape, 1, x.dtype), fill(x.shape, alpha, x.dtype));
  return x.dtype === 'float32' || x.dtype === 'float64' ? where(isNaNOp(x), x, stepped) : stepped;
}

/** TF.js's `dot`: vector·vector (a scalar), matrix·vector, vector·matrix, matrix·matrix. */
export function dot(aLike: TensorLike, bLike: TensorLike): Tensor {
  const a = toTensor(aLike, 'dot', 'a'), b = toTensor(bLike, 'dot', 'b');
  if (a.rank < 1 || a.rank > 2 || b.rank < 1 || b.rank > 2) throw new Error(`dot: inputs must be rank 1 or 2, got shapes [${a.shape}] and [${b.shape}]`);
  const inner = (t: Tensor, first: boolean) => (t.rank === 1 ? t.shape[0] : first ? t.shape[1] : t.shape[0]);
  if (inner(a, true) !== inner(b, false)) throw new Error(`dot: inner dimensions differ: [${a.shape}] and [${b.shape}]`);
  const a2 = a.rank === 1 ? reshape(a, [1, -1]) : a;
  const b2 = b.rank === 1 ? reshape(b, [-1, 1]) : b;
  const out = matmul(a2, b2);
  if (a.rank === 1 && b.rank === 1) return reshape(out, []);
  if (a.rank === 1) return reshape(out, [b.shape[1]]);
  if (b.rank === 1) return reshape(out, [a.shape[0]]);
  return out;
}

/** The outer product of two vectors. */
export function outerProduct(v1Like: TensorLike, v2Like: TensorLike): Tensor {
  const v1 = toTensor(v1Like, 'outerProduct', 'v1'), v2 = toTensor(v2Like, 'outerProduct', 'v2');
  if (v1.rank !== 1 || v2.rank !== 1) throw new Error(`outerProduct: inputs must be vectors, got shapes [${v1.shape}] and [${v2.shape}]`);
  return matmul(reshape(v1, [-1, 1]), reshape(v2, [1, -1]));
}

/** (x − mean) · scale / sqrt(variance + ε) + offset, broadcast (TF.js's `batchNorm`). */
export function batchNorm(x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike | null, scale?: TensorLike | null, varianceEpsilon = 0.001): Tensor {
  let y = mul(sub(x, mean), rsqrt(add(variance, varianceEpsilon)));
  if (scale !== undefined && scale !== null) y = mul(y, scale);
  if (offset !== undefined && offset !== null) y = add(y, offset);
  return y;
}
const batchNormRanked = (rank: number) => (x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike | null, scale?: TensorLike | null, varianceEpsilon?: number) => {
  const t = toTensor(x, `batchNorm${rank}d`, 'x');
  if (t.rank !== rank) throw new Error(`batchNorm${rank}d: x must be rank ${rank}, got shape [${t.shape}]`);
  return batchNorm(t, mean, variance, offset, scale, varianceEpsilon);
};
export const batchNorm2d = batchNormRanked(2);
export const batchNorm3d = batchNormRanked(3);
export const batchNorm4d = batchNormRanked(4);

/** TF.js's int32 random normals are the float draws rounded; null means the default dtype. */
const asDtype = (t: Tensor, dtype: DType | null | undefined) => (dtype === 'int32' ? cast(round(t), 'int32') : t);
const floatDtype = (dtype: DType | null | undefined) => (dtype === 'float64' ? 'float64' : undefined);
export const randomNormal = (shape: number[], mean = 0, stdDev = 1, dtype?: DType | null, seed?: number) => asDtype(random.normal(shape, { mean, stddev: stdDev, dtype: floatDtype(dtype), seed }), dtype);
export const randomStandardNormal = (shape: number[], dtype?: DType | null, seed?: number) => asDtype(random.normal(shape, { dtype: floatDtype(dtype), seed }), dtype);
export const truncatedNormal = (shape: number[], mean = 0, stdDev = 1, dtype?: DType | null, seed?: number) => asDtype(random.truncatedNormal(shape, { mean, stddev: stdDev, dtype: floatDtype(dtype), seed }), dtype);
/** Uniform in [minval, maxval); 'bool' draws true and false with equal odds, as TF.js. */
export function randomUniform(shape: number[], minval = 0, maxval = 1, dtype?: DType | null, seed?: number): Tensor {
  if (dtype === 'bool') return greater(random.uniform(shape, { seed }), 0.5);
  return random.uniform(shape, { minval, maxval, dtype: dtype ?? undefined, seed });
}

/** TF.js's `dropout(x, rate, noiseShape?, seed?)`. */
export function dropout(x: TensorLike, rate: number, noiseShape?: number[] | { seed?: number; noiseShape?: number[] } | null, seed?: number | string): Tensor {
  if (noiseShape !== null && typeof noiseShape === 'object' && !Array.isArray(noiseShape)) return dropoutOp(x, rate, noiseShape);
  if (typeof seed === 'string') throw new TypeError('dropout: string seeds are not supported; pass a number');
  return dropoutOp(x, rate, { noiseShape: noiseShape ?? undefined, seed });
}

/** TF.js's `tf.variable(initialValue, trainable = true, name?, dtype?)` (an options object works too). */
export function variable(initial: TensorLike, trainable: boolean | { name?: string; trainable?: boolean; dtype?: DType } = true, name?: string, dtype?: DType): Variable {
  if (typeof trainable === 'object' && trainable !== null) return new Variable(initial, trainable);
  return new Variable(initial, { trainable, name, dtype });
}

/**
 * TF.js's `tf.memory()`. tapeflow does not count tensors (they are freed by the garbage
 * collector, not by `dispose`), so the counts are unknown; bytes are the process's ArrayBuffer
 * memory, which tensors dominate.
 */
export function memory(): { numTensors: number; numDataBuffers: number; numBytes: number; unreliable: true; reasons: string[] } {
  return {
    numTensors: NaN,
    numDataBuffers: NaN,
    numBytes: process.memoryUsage().arrayBuffers,
    unreliable: true,
    reasons: ['tapeflow tensors are garbage-collected: live tensors are not counted, and numBytes is all ArrayBuffer memory of the process'],
  };
}

/** TF.js's `tf.backend()`: the parts of a KernelBackend that user code reads. */
export function backend(): { floatPrecision(): 32; epsilon(): number } {
  return { floatPrecision: () => 32, epsilon: () => 1e-7 };
}

/** The element-wise sum of a list of same-shaped tensors (TF.js's `addN`). */
export function addN(tensors: TensorLike[]): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('addN: expected a non-empty array of tensors');
  const xs = tensors.map((t, i) => toTensor(t, 'addN', `tensors[${i}]`));
  for (const [i, x] of xs.entries()) {
    if (x.shape.length !== xs[0].shape.length || x.shape.some((d, j) => d !== xs[0].shape[j])) throw new Error(`addN: all tensors must have the same shape: tensors[0] is [${xs[0].shape}], tensors[${i}] is [${x.shape}]`);
  }
  return xs.slice(1).reduce((sum, x) => add(sum, x), xs[0]);
}

/** Parametric ReLU: x where x > 0, alpha·x elsewhere (alpha broadcast). */
export function prelu(xLike: TensorLike, alphaLike: TensorLike): Tensor {
  const x = toTensor(xLike, 'prelu', 'x');
  return where(greater(x, 0), x, mul(x, alphaLike));
}

/** A tensor of shape [...x.shape, ...x.shape] with x on its diagonal (TF.js's `diag`). */
export function diag(xLike: TensorLike): Tensor {
  const x = toTensor(xLike, 'diag', 'x');
  const n = x.size;
  return reshape(mul(eye(n, null, x.dtype), reshape(x, [1, n])), [...x.shape, ...x.shape]);
}

/** TF.js's lowercase spelling of `topK`. */
export const topk = (x: TensorLike, k?: number, sorted?: boolean) => topK(x, k, sorted);

/** TF.js's async forms of ops whose output size depends on values. */
export const whereAsync = async (condition: TensorLike) => whereIndices(condition);
export const booleanMaskAsync = async (x: TensorLike, mask: TensorLike, axis?: number) => booleanMask(x, mask, axis);

/** The coordinates of the true (nonzero) elements of `condition`, int32 [count, rank], in row-major order. */
function whereIndices(conditionLike: TensorLike): Tensor {
  const c = toTensor(conditionLike, 'whereAsync', 'condition');
  if (c.dtype !== 'bool') throw new TypeError(`whereAsync: condition must be a bool tensor, got ${c.dtype} [${c.shape}]`);
  const values = c.dataSync();
  const coords: number[] = [];
  const strides = c.shape.map((_, i) => c.shape.slice(i + 1).reduce((p, d) => p * d, 1));
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!values[i]) continue;
    count++;
    for (let d = 0; d < strides.length; d++) coords.push(Math.floor(i / strides[d]) % c.shape[d]);
  }
  return new Tensor(Int32Array.from(coords), [count, c.rank], 'int32');
}

// --- conv and pool with TF.js's dimRoundingMode ------------------------------------------------

type Rounding = 'floor' | 'round' | 'ceil';
type Pad = 'same' | 'valid' | number | number[][];

/**
 * TF.js's `dimRoundingMode`: with a numeric pad p, each output size is
 * rounding((in + 2p − window) / stride) + 1 instead of the floor. The extra outputs of 'round'
 * and 'ceil' read padding after the input, so the pad becomes explicit: p before, and after
 * whatever the last window needs. Without a numeric pad the mode is an error, as in TF.js.
 */
function roundedPad(op: string, pad: Pad, mode: Rounding | undefined | null, spatial: number[], windows: number[], strides: number[]): Pad {
  if (mode === undefined || mode === null) return pad;
  if (mode !== 'floor' && mode !== 'round' && mode !== 'ceil') throw new TypeError(`${op}: dimRoundingMode must be 'floor', 'round' or 'ceil', got ${show(mode)}`);
  if (typeof pad !== 'number') throw new Error(`${op}: dimRoundingMode '${mode}' needs a numeric pad, got ${show(pad)}`);
  const round = mode === 'floor' ? Math.floor : mode === 'ceil' ? Math.ceil : Math.round;
  const after = spatial.map((n, i) => {
    const out = round((n + 2 * pad - windows[i]) / strides[i]) + 1;
    return Math.max((out - 1) * strides[i] + windows[i] - n - pad, 0);
  });
  return [[0, 0], ...spatial.map((_, i) => [pad, after[i]]), [0, 0]];
}

const asPair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);
const spatialOf = (x: Tensor, rank: number) => (x.rank === rank ? x.shape.slice(1, -1) : x.shape.slice(0, -1));

/** conv2d, in NHWC or (as TF's data_format, by transposing around the NHWC kernel) NCHW. */
export function conv2d(xLike: TensorLike, filterLike: TensorLike, strides: number | [number, number], pad: Pad, dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilationsArg?: number | [number, number] | null, dimRoundingMode?: Rounding | null): Tensor {
  if (dataFormat === 'NCHW') {
    const xc = toTensor(xLike, 'conv2d', 'x');
    const single = xc.rank === 3;
    const nchw = single ? expandDims(xc, 0) : xc;
    // explicit pads come in NCHW order too: [[0,0],[0,0],[top,bottom],[left,right]]
    const nhwcPad = Array.isArray(pad) && pad.length === 4 ? [pad[0], pad[2], pad[3], pad[1]] : pad;
    const y = conv2d(transpose(nchw, [0, 2, 3, 1]), filterLike, strides, nhwcPad, 'NHWC', dilationsArg, dimRoundingMode);
    const back = transpose(y, [0, 3, 1, 2]);
    return single ? squeeze(back, [0]) : back;
  }
  const x = toTensor(xLike, 'conv2d', 'x'), filter = toTensor(filterLike, 'conv2d', 'filter');
  const dilations = dilationsArg ?? 1;
  const d = asPair(dilations);
  const windows = [(filter.shape[0] - 1) * d[0] + 1, (filter.shape[1] - 1) * d[1] + 1];
  return nn.conv2d(x, filter, strides, roundedPad('conv2d', pad, dimRoundingMode, spatialOf(x, 4), windows, asPair(strides)), dataFormat, dilations);
}

export function depthwiseConv2d(xLike: TensorLike, filterLike: TensorLike, strides: number | [number, number], pad: Pad, dataFormat: 'NHWC' = 'NHWC', dilationsArg?: number | [number, number] | null, dimRoundingMode?: Rounding | null): Tensor {
  const x = toTensor(xLike, 'depthwiseConv2d', 'x'), filter = toTensor(filterLike, 'depthwiseConv2d', 'filter');
  const dilations = dilationsArg ?? 1;
  const d = asPair(dilations);
  const windows = [(filter.shape[0] - 1) * d[0] + 1, (filter.shape[1] - 1) * d[1] + 1];
  return nn.depthwiseConv2d(x, filter, strides, roundedPad('depthwiseConv2d', pad, dimRoundingMode, spatialOf(x, 4), windows, asPair(strides)), dataFormat, dilations);
}

export function conv1d(xLike: TensorLike, filterLike: TensorLike, stride: number, pad: Pad, dataFormat: 'NWC' = 'NWC', dilationArg?: number | null, dimRoundingMode?: Rounding | null): Tensor {
  const x = toTensor(xLike, 'conv1d', 'x'), filter = toTensor(filterLike, 'conv1d', 'filter');
  const dilation = dilationArg ?? 1;
  const p = roundedPad('conv1d', pad, dimRoundingMode, spatialOf(x, 3), [(filter.shape[0] - 1) * dilation + 1], [stride]);
  return nn.conv1d(x, filter, stride, p, dataFormat, dilation);
}

export function maxPool(xLike: TensorLike, filterSize: number | [number, number], strides: number | [number, number], pad: Pad, dimRoundingMode?: Rounding | null): Tensor {
  const x = toTensor(xLike, 'maxPool', 'x');
  return pool.maxPool(x, filterSize, strides, roundedPad('maxPool', pad, dimRoundingMode, spatialOf(x, 4), asPair(filterSize), asPair(strides)));
}

export function avgPool(xLike: TensorLike, filterSize: number | [number, number], strides: number | [number, number], pad: Pad, dimRoundingMode?: Rounding | null): Tensor {
  const x = toTensor(xLike, 'avgPool', 'x');
  return pool.avgPool(x, filterSize, strides, roundedPad('avgPool', pad, dimRoundingMode, spatialOf(x, 4), asPair(filterSize), asPair(strides)));
}

/** TF.js's `conv2dTranspose(x, filter, outputShape, strides, pad, dimRoundingMode)`: the mode needs a numeric pad. */
export function conv2dTranspose(x: TensorLike, filter: TensorLike, outputShape: number[], strides: number | [number, number], pad: Pad, dimRoundingMode?: Rounding | null): Tensor {
  if (dimRoundingMode !== undefined && dimRoundingMode !== null && typeof pad !== 'number') throw new Error(`conv2dTranspose: dimRoundingMode '${String(dimRoundingMode)}' needs a numeric pad, got ${show(pad)}`);
  return nn.conv2dTranspose(x, filter, outputShape, strides, pad);
}
