/**
 * Tensor methods: `t.op(...)` is `tf.op(t, ...)`. To add one, add it to the interface and the
 * table below (the interface gives users types; the table attaches the implementation).
 */
import type { DType } from '../dtype.js';
import { Tensor, type TensorLike } from '../tensor.js';
import * as binary from './binary.js';
import * as compare from './compare.js';
import * as unary from './unary.js';
import * as reduce from './reduce.js';
import * as shape from './reshape.js';
import * as strided from './strided.js';
import * as math from './composite/math.js';
import { matmul, type MatmulOptions } from './matmul.js';
import { gather } from './gather.js';
import { pad } from './pad.js';
import { cast } from './cast.js';
import { concat, split, stack } from './concat.js';
import { oneHot } from './composite/one-hot.js';
import type { Axis } from './reduce.js';
import { cumprod, cumsum, type ScanOptions } from './scan.js';
import { all, any } from './logical-reduce.js';
import { reverse } from './reverse.js';
import { dropout, type DropoutOptions } from './composite/dropout.js';
import { booleanMask, gatherND, unsortedSegmentSum } from './indexing.js';
import { moments, norm, type Moments, type NormOrd } from './composite/norms.js';
import { argsort, sort, topK, type SortOptions, type TopKResult } from './sort.js';

type T = Tensor;
type L = TensorLike;

declare module '../tensor.js' {
  interface Tensor {
    add(b: L): T; sub(b: L): T; mul(b: L): T; div(b: L): T; pow(b: L): T;
    maximum(b: L): T; minimum(b: L): T; squaredDifference(b: L): T;
    equal(b: L): T; notEqual(b: L): T; less(b: L): T; lessEqual(b: L): T; greater(b: L): T; greaterEqual(b: L): T;
    neg(): T; square(): T; sqrt(): T; rsqrt(): T; exp(): T; log(): T; log1p(): T; abs(): T; sign(): T;
    relu(): T; sigmoid(): T; tanh(): T; softplus(): T; elu(): T; leakyRelu(alpha?: number): T;
    reciprocal(): T; floor(): T; ceil(): T; round(): T;
    softmax(axis?: number): T; logSoftmax(axis?: number): T;
    sum(axis?: Axis, keepDims?: boolean): T; mean(axis?: Axis, keepDims?: boolean): T;
    max(axis?: Axis, keepDims?: boolean): T; min(axis?: Axis, keepDims?: boolean): T;
    prod(axis?: Axis, keepDims?: boolean): T; logSumExp(axis?: Axis, keepDims?: boolean): T;
    argMax(axis?: number): T; argMin(axis?: number): T;
    matmul(b: L, options?: MatmulOptions): T;
    reshape(shape: number[]): T; transpose(perm?: number[]): T; expandDims(axis?: number): T;
    squeeze(axis?: number | number[]): T; slice(begin: number | number[], size?: number | number[]): T;
    gather(indices: L, axis?: number): T; tile(reps: number[]): T; broadcastTo(shape: number[]): T;
    pad(paddings: [number, number][], constantValue?: number): T; cast(dtype: DType): T;
    clipByValue(min: L, max: L): T; concat(others: L | L[], axis?: number): T;
    stack(others: L | L[], axis?: number): T; split(numOrSizes: number | number[], axis?: number): T[];
    oneHot(depth: number, onValue?: number, offValue?: number): T;
    flatten(): T;
    cumsum(axis?: number, options?: ScanOptions): T; cumprod(axis?: number, options?: ScanOptions): T;
    any(axis?: Axis, keepDims?: boolean): T; all(axis?: Axis, keepDims?: boolean): T; reverse(axes: number | number[]): T;
    norm(ord?: NormOrd, axis?: number | number[], keepDims?: boolean): T; moments(axes: number | number[], keepDims?: boolean): Moments;
    gatherND(indices: L): T; unsortedSegmentSum(segmentIds: L, numSegments: number): T; booleanMask(mask: L, axis?: number): T;
    dropout(rate: number, options?: DropoutOptions): T;
    topK(k?: number, sorted?: boolean): TopKResult; sort(options?: SortOptions): T; argsort(options?: SortOptions): T;
  }
}

const list = (x: L | L[]): L[] => (Array.isArray(x) && (x.length === 0 || x[0] instanceof Tensor) ? (x as L[]) : [x as L]);

const methods: Record<string, (this: T, ...args: never[]) => unknown> = {
  add(this: T, b: L) { return binary.add(this, b); },
  sub(this: T, b: L) { return binary.sub(this, b); },
  mul(this: T, b: L) { return binary.mul(this, b); },
  div(this: T, b: L) { return binary.div(this, b); },
  pow(this: T, b: L) { return binary.pow(this, b); },
  maximum(this: T, b: L) { return binary.maximum(this, b); },
  minimum(this: T, b: L) { return binary.minimum(this, b); },
  squaredDifference(this: T, b: L) { return binary.squaredDifference(this, b); },
  equal(this: T, b: L) { return compare.equal(this, b); },
  notEqual(this: T, b: L) { return compare.notEqual(this, b); },
  less(this: T, b: L) { return compare.less(this, b); },
  lessEqual(this: T, b: L) { return compare.lessEqual(this, b); },
  greater(this: T, b: L) { return compare.greater(this, b); },
  greaterEqual(this: T, b: L) { return compare.greaterEqual(this, b); },
  neg(this: T) { return unary.neg(this); },
  square(this: T) { return unary.square(this); },
  sqrt(this: T) { return unary.sqrt(this); },
  rsqrt(this: T) { return unary.rsqrt(this); },
  exp(this: T) { return unary.exp(this); },
  log(this: T) { return unary.log(this); },
  log1p(this: T) { return unary.log1p(this); },
  abs(this: T) { return unary.abs(this); },
  sign(this: T) { return unary.sign(this); },
  relu(this: T) { return unary.relu(this); },
  sigmoid(this: T) { return unary.sigmoid(this); },
  tanh(this: T) { return unary.tanh(this); },
  softplus(this: T) { return unary.softplus(this); },
  elu(this: T) { return unary.elu(this); },
  leakyRelu(this: T, alpha?: number) { return unary.leakyRelu(this, alpha); },
  reciprocal(this: T) { return unary.reciprocal(this); },
  floor(this: T) { return unary.floor(this); },
  ceil(this: T) { return unary.ceil(this); },
  round(this: T) { return unary.round(this); },
  softmax(this: T, axis?: number) { return math.softmax(this, axis); },
  logSoftmax(this: T, axis?: number) { return math.logSoftmax(this, axis); },
  sum(this: T, axis?: Axis, keepDims?: boolean) { return reduce.sum(this, axis, keepDims); },
  mean(this: T, axis?: Axis, keepDims?: boolean) { return math.mean(this, axis, keepDims); },
  max(this: T, axis?: Axis, keepDims?: boolean) { return reduce.max(this, axis, keepDims); },
  min(this: T, axis?: Axis, keepDims?: boolean) { return reduce.min(this, axis, keepDims); },
  prod(this: T, axis?: Axis, keepDims?: boolean) { return reduce.prod(this, axis, keepDims); },
  logSumExp(this: T, axis?: Axis, keepDims?: boolean) { return math.logSumExp(this, axis, keepDims); },
  argMax(this: T, axis?: number) { return reduce.argMax(this, axis); },
  argMin(this: T, axis?: number) { return reduce.argMin(this, axis); },
  matmul(this: T, b: L, options?: MatmulOptions) { return matmul(this, b, options); },
  reshape(this: T, s: number[]) { return shape.reshape(this, s); },
  transpose(this: T, perm?: number[]) { return strided.transpose(this, perm); },
  expandDims(this: T, axis?: number) { return shape.expandDims(this, axis); },
  squeeze(this: T, axis?: number | number[]) { return shape.squeeze(this, axis); },
  slice(this: T, begin: number | number[], size?: number | number[]) { return strided.slice(this, begin, size); },
  gather(this: T, indices: L, axis?: number) { return gather(this, indices, axis); },
  tile(this: T, reps: number[]) { return strided.tile(this, reps); },
  broadcastTo(this: T, s: number[]) { return strided.broadcastTo(this, s); },
  pad(this: T, paddings: [number, number][], constantValue?: number) { return pad(this, paddings, constantValue); },
  cast(this: T, dtype: DType) { return cast(this, dtype); },
  clipByValue(this: T, lo: L, hi: L) { return math.clipByValue(this, lo, hi); },
  concat(this: T, others: L | L[], axis?: number) { return concat([this, ...list(others)], axis); },
  stack(this: T, others: L | L[], axis?: number) { return stack([this, ...list(others)], axis); },
  split(this: T, numOrSizes: number | number[], axis?: number) { return split(this, numOrSizes, axis); },
  oneHot(this: T, depth: number, onValue?: number, offValue?: number) { return oneHot(this, depth, onValue, offValue); },
  flatten(this: T) { return shape.reshape(this, [-1]); },
  cumsum(this: T, axis?: number, options?: ScanOptions) { return cumsum(this, axis, options); },
  cumprod(this: T, axis?: number, options?: ScanOptions) { return cumprod(this, axis, options); },
  any(this: T, axis?: Axis, keepDims?: boolean) { return any(this, axis, keepDims); },
  all(this: T, axis?: Axis, keepDims?: boolean) { return all(this, axis, keepDims); },
  reverse(this: T, axes: number | number[]) { return reverse(this, axes); },
  norm(this: T, ord?: NormOrd, axis?: number | number[], keepDims?: boolean) { return norm(this, ord, axis, keepDims); },
  moments(this: T, axes: number | number[], keepDims?: boolean) { return moments(this, axes, keepDims); },
  gatherND(this: T, indices: L) { return gatherND(this, indices); },
  unsortedSegmentSum(this: T, segmentIds: L, numSegments: number) { return unsortedSegmentSum(this, segmentIds, numSegments); },
  booleanMask(this: T, mask: L, axis?: number) { return booleanMask(this, mask, axis); },
  dropout(this: T, rate: number, options?: DropoutOptions) { return dropout(this, rate, options); },
  topK(this: T, k?: number, sorted?: boolean) { return topK(this, k, sorted); },
  sort(this: T, options?: SortOptions) { return sort(this, options); },
  argsort(this: T, options?: SortOptions) { return argsort(this, options); },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
