/**
 * Tensor methods: `t.op(...)` is `tf.op(t, ...)`. Ops declared with `method(...)` (src/ops/op.ts)
 * in the modules of `METHOD_MODULES` become methods with no edit here: their types come from
 * `MethodsOf` and their implementations from the loop at the bottom. Methods that are not a
 * plain "tensor first" call (concat and stack take a list, flatten has no op) are in the
 * interface and table below.
 */
import type { DType } from '../dtype.js';
import { Tensor, type TensorLike } from '../tensor.js';
import * as binary from './binary.js';
import * as compare from './compare.js';
import * as unary from './unary.js';
import * as tfjs from './tfjs.js';
import * as reduce from './reduce.js';
import * as shape from './reshape.js';
import * as strided from './strided.js';
import * as math from './composite/math.js';
import { softmax } from './softmax.js';
import { matmul, type MatmulOptions } from './matmul.js';
import { gather } from './gather.js';
import { pad } from './pad.js';
import { cast } from './cast.js';
import { concat, split, stack } from './concat.js';
import { oneHot } from './composite/one-hot.js';
import type { Axis } from './reduce.js';
import type { MethodsOf } from './op.js';
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
  interface Tensor extends MethodsOf<typeof unary>, MethodsOf<typeof binary>, MethodsOf<typeof compare>, MethodsOf<typeof tfjs> {
    /** Prints the tensor (TF.js `t.print()`). */
    print(): void;
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
    cumsum(axis?: number, options?: ScanOptions | boolean, reverse?: boolean): T; cumprod(axis?: number, options?: ScanOptions | boolean, reverse?: boolean): T;
    any(axis?: Axis, keepDims?: boolean): T; all(axis?: Axis, keepDims?: boolean): T; reverse(axes: number | number[]): T;
    norm(ord?: NormOrd, axis?: number | number[], keepDims?: boolean): T; moments(axes: number | number[], keepDims?: boolean): Moments;
    gatherND(indices: L): T; unsortedSegmentSum(segmentIds: L, numSegments: number): T; booleanMask(mask: L, axis?: number): T;
    dropout(rate: number, options?: DropoutOptions): T;
    topK(k?: number, sorted?: boolean): TopKResult; sort(options?: SortOptions): T; argsort(options?: SortOptions): T;
  }
}

// As TF.js's `t.concat(x)`: an array is a list of tensor-likes (`a.concat([[5]])` joins [5]).
const list = (x: L | L[]): L[] => (Array.isArray(x) ? (x as L[]) : [x as L]);

const methods: Record<string, (this: T, ...args: never[]) => unknown> = {
  softmax(this: T, axis?: number) { return softmax(this, axis); },
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
  print(this: T) { console.log(this.toString()); },
  cumsum(this: T, axis?: number, options?: ScanOptions | boolean, reverse?: boolean) { return cumsum(this, axis, options, reverse); },
  cumprod(this: T, axis?: number, options?: ScanOptions | boolean, reverse?: boolean) { return cumprod(this, axis, options, reverse); },
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

/** Modules whose `method(...)` exports become Tensor methods (and are in `MethodsOf` above). */
const METHOD_MODULES: Record<string, unknown>[] = [unary, binary, compare, tfjs];

for (const mod of METHOD_MODULES) {
  for (const [name, op] of Object.entries(mod)) {
    if (typeof op !== 'function' || !(op as { asMethod?: unknown }).asMethod) continue;
    const f = op as (x: T, ...rest: unknown[]) => unknown;
    methods[name] = function (this: T, ...rest: unknown[]) { return f(this, ...rest); } as (this: T, ...args: never[]) => unknown;
  }
}

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
