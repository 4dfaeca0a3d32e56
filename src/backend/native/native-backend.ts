/**
 * The native backend: the `Backend` interface over the raw N-API binding (native/addon.cc).
 * Each method sends the pairs declared in `fallback.ts` to the TS backend and everything else
 * to the addon, which checks its arguments again and throws TypeError/RangeError on a bad call.
 * The raw binding's signatures match `Backend` except `matmul`, whose arguments are flattened.
 */
import type { ArgReduceOp, Backend, BinaryOp, FusedUpdateKind, MatmulArgs, ReduceOp, UnaryOp } from '../backend.js';
import { dtypeOfArray, type FloatArray, type TypedArray } from '../../dtype.js';
import { tsBackend } from '../ts/index.js';
import { fallsBack } from './fallback.js';

/**
 * The addon's export table (native/addon.cc, `kExports`): every Backend primitive with the same
 * signature, except `matmul`, whose arguments are flattened, plus introspection and probes.
 */
export interface RawBinding extends Omit<Backend, 'name' | 'matmul'> {
  matmul(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, n: number, k: number,
    transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number): void;
  /** SIMD level in use, thread count, and the levels this CPU can run (comma-separated). */
  info(): { simd: string; threads: number; simdAvailable: string };
  /** Caps the SIMD level (scalar|avx2|avx512|neon); returns the level now in use. */
  setSimdLevel(level: string): string;
  /** Resizes the pool; returns the thread count now in use (fewer when the system could not start more). */
  setNumThreads(n: number): number;
  /**
   * Machine-limit probes for bench/ (native/probes.cc), at the SIMD level in use, on exactly
   * `threads` threads. Not kernels and not in RAW_EXPORTS: an addon without them still loads.
   */
  probeTriad?(bytesPerArray: number, threads: number): number; // GB/s, a = b + s·c, 12 bytes/element
  probeSum?(bytes: number, threads: number): number; // GB/s, read-only sum
  probePeakFma?(seconds: number, threads: number): number; // GFLOP/s, FP32 FMA
}

export const RAW_EXPORTS = [
  'unary', 'binary', 'mulAdd', 'select', 'reduce', 'argReduce', 'matmul', 'copyStrided', 'gather', 'scatterAdd',
  'concat', 'pad', 'cast', 'fusedUpdate', 'info', 'setSimdLevel', 'setNumThreads',
] as const;

export class NativeBackend implements Backend {
  readonly name = 'native' as const;

  constructor(readonly raw: RawBinding) {}

  unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void {
    if (fallsBack('unary', dtypeOfArray(x), op)) return tsBackend.unary(op, x, out, alpha);
    this.raw.unary(op, x, out, alpha);
  }

  binary(op: BinaryOp, a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void {
    if (fallsBack('binary', dtypeOfArray(a), op)) return tsBackend.binary(op, a, aStrides, b, bStrides, outShape, out);
    this.raw.binary(op, a, aStrides, b, bStrides, outShape, out);
  }

  mulAdd(a: FloatArray, b: FloatArray, c: FloatArray, out: FloatArray): void {
    this.raw.mulAdd(a, b, c, out);
  }

  select(cond: Uint8Array, condStrides: number[], a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void {
    this.raw.select(cond, condStrides, a, aStrides, b, bStrides, outShape, out);
  }

  reduce(op: ReduceOp, x: TypedArray, shape: number[], axes: number[], out: TypedArray): void {
    if (fallsBack('reduce', dtypeOfArray(x), op)) return tsBackend.reduce(op, x, shape, axes, out);
    this.raw.reduce(op, x, shape, axes, out);
  }

  argReduce(op: ArgReduceOp, x: TypedArray, shape: number[], axis: number, out: Int32Array): void {
    if (fallsBack('argReduce', dtypeOfArray(x))) return tsBackend.argReduce(op, x, shape, axis, out);
    this.raw.argReduce(op, x, shape, axis, out);
  }

  matmul(a: FloatArray, b: FloatArray, out: FloatArray, args: MatmulArgs): void {
    if (fallsBack('matmul', dtypeOfArray(a))) return tsBackend.matmul(a, b, out, args);
    this.raw.matmul(a, b, out, args.batch, args.m, args.n, args.k, args.transposeA, args.transposeB, args.aBatchStride, args.bBatchStride);
  }

  copyStrided(x: TypedArray, offset: number, strides: number[], outShape: number[], out: TypedArray): void {
    this.raw.copyStrided(x, offset, strides, outShape, out);
  }

  gather(x: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void {
    this.raw.gather(x, outer, axisSize, inner, indices, out);
  }

  scatterAdd(updates: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void {
    if (fallsBack('scatterAdd', dtypeOfArray(updates))) return tsBackend.scatterAdd(updates, outer, axisSize, inner, indices, out);
    this.raw.scatterAdd(updates, outer, axisSize, inner, indices, out);
  }

  concat(inputs: TypedArray[], outer: number, inners: number[], out: TypedArray): void {
    this.raw.concat(inputs, outer, inners, out);
  }

  pad(x: TypedArray, shape: number[], paddings: number[], value: number, out: TypedArray): void {
    this.raw.pad(x, shape, paddings, value, out);
  }

  cast(x: TypedArray, out: TypedArray): void {
    this.raw.cast(x, out);
  }

  fusedUpdate(kind: FusedUpdateKind, arrays: FloatArray[], scalars: number[]): boolean {
    if (arrays.length === 0 || fallsBack('fusedUpdate', dtypeOfArray(arrays[0]))) return tsBackend.fusedUpdate(kind, arrays, scalars);
    return this.raw.fusedUpdate(kind, gradientApart(arrays), scalars) || tsBackend.fusedUpdate(kind, arrays, scalars);
  }
}

/**
 * The addon updates the variable and slots in place and rejects any of them sharing memory
 * with another array of the call. The gradient (arrays[1]) is only read, and
 * `applyGradients([[v, v]])` legitimately passes a variable's storage as its own gradient: that
 * gradient goes as a copy, which gives the TS kernels' result (each reads g[i] before writing
 * element i). One comparison per array; no copy otherwise.
 */
function gradientApart(arrays: FloatArray[]): FloatArray[] {
  const g = arrays[1];
  if (g === undefined || g.length === 0) return arrays;
  for (let q = 0; q < arrays.length; q++) {
    const a = arrays[q];
    if (q !== 1 && a.buffer === g.buffer && a.byteOffset < g.byteOffset + g.byteLength && g.byteOffset < a.byteOffset + a.byteLength) {
      const copy = arrays.slice();
      copy[1] = g.slice();
      return copy;
    }
  }
  return arrays;
}
