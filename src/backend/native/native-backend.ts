/**
 * The native backend: the `Backend` interface over the raw N-API binding (native/addon.cc).
 * The addon says which (kernel, op, dtype) it runs (its `kernels` export, read once at load);
 * each method sends those to the addon and every other pair to the TS backend, so a kernel
 * added to TS first runs everywhere until its native row exists. The addon checks its
 * arguments again and throws TypeError/RangeError on a bad call. The raw binding's signatures
 * match `Backend` except `matmul`, whose arguments are flattened.
 */
import type { ArgReduceOp, AttentionDims, Backend, BinaryOp, Conv2DArgs, CpuInfo, GemmInfo, FusedUpdateKind, MatmulArgs, PoolArgs, PoolOp, ReduceOp, ScanOp, UnaryOp } from '../backend.js';
import { dtypeOfArray, type DType, type FloatArray, type TypedArray } from '../../dtype.js';
import { tsBackend } from '../ts/index.js';

/** The addon's `kernels` export: per family with ops, op → dtypes; per other kernel, dtypes. */
export interface NativeCatalog {
  unary: Record<string, DType[]>;
  binary: Record<string, DType[]>;
  reduce: Record<string, DType[]>;
  argReduce: DType[];
  matmul: DType[];
  mulAdd: DType[];
  scatterAdd: DType[];
  fusedUpdate: DType[];
  /** conv2d, its two backprops, pool, avgPoolBackprop, maxPoolArgmax and maxPoolBackprop. */
  conv: DType[];
  /** lstmCell and lstmCellGrad. */
  lstm: DType[];
  /** softmax and softmaxGrad. */
  softmax: DType[];
  /** attention and attentionGrad. */
  attention: DType[];
}
type OpFamily = 'unary' | 'binary' | 'reduce';
type DTypeKernel = Exclude<keyof NativeCatalog, OpFamily>;

/**
 * The addon's export table (native/addon.cc, `kExports`): every Backend primitive with the same
 * signature, except `matmul`, whose arguments are flattened, plus introspection and probes.
 */
export interface RawBinding extends Omit<Backend, 'name' | 'matmul' | ConvKernel | 'softmax' | 'softmaxGrad' | 'attention' | 'attentionGrad'> {
  /** Empty mask and maskRow arrays stand for no mask. */
  softmax(x: FloatArray, rows: number, cols: number, mask: Uint8Array, maskRow: Int32Array, y: FloatArray): void;
  softmaxGrad(y: FloatArray, dy: FloatArray, rows: number, cols: number, mask: Uint8Array, maskRow: Int32Array, dx: FloatArray): void;
  /** An empty mask stands for none; dims as `attentionDims` flattens them. */
  attention(q: FloatArray, k: FloatArray, v: FloatArray, mask: Uint8Array, dims: number[], scale: number, out: FloatArray, probs: FloatArray): void;
  attentionGrad(q: FloatArray, k: FloatArray, v: FloatArray, probs: FloatArray, dout: FloatArray, mask: Uint8Array, dims: number[], scale: number, dq: FloatArray, dk: FloatArray, dv: FloatArray): void;
  matmul(a: FloatArray, b: FloatArray, out: FloatArray, batch: number, m: number, n: number, k: number,
    transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number): void;
  conv2d(x: FloatArray, filter: FloatArray, out: FloatArray, geometry: number[]): void;
  conv2dBackpropInput(dy: FloatArray, filter: FloatArray, dx: FloatArray, geometry: number[]): void;
  conv2dBackpropFilter(x: FloatArray, dy: FloatArray, dfilter: FloatArray, geometry: number[]): void;
  pool(op: PoolOp, x: FloatArray, out: FloatArray, geometry: number[]): void;
  avgPoolBackprop(dy: FloatArray, dx: FloatArray, geometry: number[]): void;
  maxPoolArgmax(x: FloatArray, out: Int32Array, geometry: number[]): void;
  maxPoolBackprop(x: FloatArray, dy: FloatArray, dx: FloatArray, geometry: number[]): void;
  /** Which (kernel, op, dtype) the addon runs natively. */
  kernels(): NativeCatalog;
  /** SIMD level in use, thread count, the levels this CPU can run (comma-separated), the CPU and the GEMM plan. */
  info(): { simd: string; threads: number; simdAvailable: string; cpu: CpuInfo; gemm: GemmInfo };
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
  /**
   * MPI loaded at run time (native/mpi.cc), for src/distribute/ only. Ops: 0 sum, 1 max, 2 min.
   * Not in RAW_EXPORTS: an addon without them still loads (tf.distribute then says why).
   */
  mpiInit?(paths: string[]): { abi: 'openmpi' | 'mpich'; path: string; version: string; rank: number; size: number; threadLevel: number };
  mpiAllReduce?(x: MpiArray, out: MpiArray, op: number): void;
  mpiAllGather?(x: MpiArray, out: MpiArray): void;
  mpiBroadcast?(buffer: MpiArray, root: number): void;
  /** The same on the addon's MPI thread, in start order; settles when the output is written. */
  mpiAllReduceAsync?(x: MpiArray, out: MpiArray, op: number): Promise<void>;
  mpiAllGatherAsync?(x: MpiArray, out: MpiArray): Promise<void>;
  mpiBroadcastAsync?(buffer: MpiArray, root: number): Promise<void>;
  mpiBarrier?(): void;
  mpiAbort?(code: number): void;
  mpiFinalize?(): void;
}

export type MpiArray = Float32Array | Float64Array | Int32Array;

type ConvKernel = 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter' | 'pool' | 'avgPoolBackprop' | 'maxPoolArgmax' | 'maxPoolBackprop';

/** The flat geometry the addon's conv exports take (native/addon.cc `conv_geometry`), in this order. */
export function convGeometry(g: Conv2DArgs): number[] {
  return [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.fh, g.fw, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.depthwise ? 1 : 0];
}
/** The flat geometry the addon's attention exports take (native/addon.cc `attention_dims`). */
function attentionDims(d: AttentionDims): number[] {
  return [d.batch, d.t, d.s, d.heads, d.kvHeads, d.keyDim, d.valueDim, d.maskBatchStride, d.maskHeadStride];
}
/** Pools as depthwise windows: inC = outC = channels, no dilation (native/addon.cc `pool_geometry`). */
export function poolGeometry(g: PoolArgs): number[] {
  return [g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.channels, g.fh, g.fw, g.strideH, g.strideW, 1, 1, g.padTop, g.padLeft, 1];
}

const NO_MASK = new Uint8Array(0);
const NO_MASK_ROW = new Int32Array(0);

export const RAW_EXPORTS = [
  'unary', 'binary', 'mulAdd', 'select', 'reduce', 'argReduce', 'scan', 'topK', 'matmul', 'copyStrided', 'gather', 'scatterAdd',
  'concat', 'pad', 'cast', 'fusedUpdate', 'lstmCell', 'lstmCellGrad', 'softmax', 'softmaxGrad', 'attention', 'attentionGrad', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'pool', 'avgPoolBackprop', 'maxPoolArgmax', 'maxPoolBackprop', 'info', 'kernels', 'setSimdLevel', 'setNumThreads',
] as const;

export class NativeBackend implements Backend {
  readonly name = 'native' as const;

  /** `${op}:${dtype}` per family, and the dtypes of single kernels, that run natively. */
  private readonly opPairs: Record<OpFamily, Set<string>>;
  private readonly dtypes: Record<DTypeKernel, Set<DType>>;

  constructor(readonly raw: RawBinding) {
    const c = raw.kernels();
    const pairs = (f: Record<string, DType[]>) => new Set(Object.entries(f).flatMap(([op, ds]) => ds.map((d) => `${op}:${d}`)));
    this.opPairs = { unary: pairs(c.unary), binary: pairs(c.binary), reduce: pairs(c.reduce) };
    this.dtypes = {
      argReduce: new Set(c.argReduce), matmul: new Set(c.matmul), mulAdd: new Set(c.mulAdd),
      scatterAdd: new Set(c.scatterAdd), fusedUpdate: new Set(c.fusedUpdate), conv: new Set(c.conv),
      lstm: new Set(c.lstm), softmax: new Set(c.softmax), attention: new Set(c.attention),
    };
  }

  /** True when the addon runs `kernel` (with `op`, for unary, binary and reduce) on `dtype`. */
  runsNatively(kernel: OpFamily | DTypeKernel, dtype: DType, op?: string): boolean {
    if (kernel === 'unary' || kernel === 'binary' || kernel === 'reduce') return this.opPairs[kernel].has(`${op}:${dtype}`);
    return this.dtypes[kernel].has(dtype);
  }

  unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void {
    if (!this.runsNatively('unary', dtypeOfArray(x), op)) return tsBackend.unary(op, x, out, alpha);
    this.raw.unary(op, x, out, alpha);
  }

  binary(op: BinaryOp, a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void {
    if (!this.runsNatively('binary', dtypeOfArray(a), op)) return tsBackend.binary(op, a, aStrides, b, bStrides, outShape, out);
    this.raw.binary(op, a, aStrides, b, bStrides, outShape, out);
  }

  mulAdd(a: FloatArray, b: FloatArray, c: FloatArray, out: FloatArray): void {
    if (!this.runsNatively('mulAdd', dtypeOfArray(a))) return tsBackend.mulAdd(a, b, c, out);
    this.raw.mulAdd(a, b, c, out);
  }

  select(cond: Uint8Array, condStrides: number[], a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void {
    this.raw.select(cond, condStrides, a, aStrides, b, bStrides, outShape, out);
  }

  reduce(op: ReduceOp, x: TypedArray, shape: number[], axes: number[], out: TypedArray): void {
    if (!this.runsNatively('reduce', dtypeOfArray(x), op)) return tsBackend.reduce(op, x, shape, axes, out);
    this.raw.reduce(op, x, shape, axes, out);
  }

  argReduce(op: ArgReduceOp, x: TypedArray, shape: number[], axis: number, out: Int32Array): void {
    if (!this.runsNatively('argReduce', dtypeOfArray(x))) return tsBackend.argReduce(op, x, shape, axis, out);
    this.raw.argReduce(op, x, shape, axis, out);
  }

  // scan and topK: native for float32, float64 and int32 (the dtypes their ops accept).
  scan(op: ScanOp, x: TypedArray, outer: number, n: number, inner: number, exclusive: boolean, reverse: boolean, out: TypedArray): void {
    this.raw.scan(op, x, outer, n, inner, exclusive, reverse, out);
  }

  topK(x: TypedArray, rows: number, n: number, k: number, descending: boolean, values: TypedArray, indices: Int32Array): void {
    this.raw.topK(x, rows, n, k, descending, values, indices);
  }

  matmul(a: FloatArray, b: FloatArray, out: FloatArray, args: MatmulArgs): void {
    if (!this.runsNatively('matmul', dtypeOfArray(a))) return tsBackend.matmul(a, b, out, args);
    this.raw.matmul(a, b, out, args.batch, args.m, args.n, args.k, args.transposeA, args.transposeB, args.aBatchStride, args.bBatchStride);
  }

  conv2d(x: FloatArray, filter: FloatArray, out: FloatArray, args: Conv2DArgs): void {
    if (!this.runsNatively('conv', dtypeOfArray(x))) return tsBackend.conv2d(x, filter, out, args);
    this.raw.conv2d(x, filter, out, convGeometry(args));
  }

  conv2dBackpropInput(dy: FloatArray, filter: FloatArray, dx: FloatArray, args: Conv2DArgs): void {
    if (!this.runsNatively('conv', dtypeOfArray(dy))) return tsBackend.conv2dBackpropInput(dy, filter, dx, args);
    this.raw.conv2dBackpropInput(dy, filter, dx, convGeometry(args));
  }

  conv2dBackpropFilter(x: FloatArray, dy: FloatArray, dfilter: FloatArray, args: Conv2DArgs): void {
    if (!this.runsNatively('conv', dtypeOfArray(x))) return tsBackend.conv2dBackpropFilter(x, dy, dfilter, args);
    this.raw.conv2dBackpropFilter(x, dy, dfilter, convGeometry(args));
  }

  pool(op: PoolOp, x: FloatArray, out: FloatArray, args: PoolArgs): void {
    if (!this.runsNatively('conv', dtypeOfArray(x))) return tsBackend.pool(op, x, out, args);
    this.raw.pool(op, x, out, poolGeometry(args));
  }

  avgPoolBackprop(dy: FloatArray, dx: FloatArray, args: PoolArgs): void {
    if (!this.runsNatively('conv', dtypeOfArray(dy))) return tsBackend.avgPoolBackprop(dy, dx, args);
    this.raw.avgPoolBackprop(dy, dx, poolGeometry(args));
  }

  maxPoolBackprop(x: FloatArray, dy: FloatArray, dx: FloatArray, args: PoolArgs): void {
    if (!this.runsNatively('conv', dtypeOfArray(x))) return tsBackend.maxPoolBackprop(x, dy, dx, args);
    this.raw.maxPoolBackprop(x, dy, dx, poolGeometry(args));
  }

  maxPoolArgmax(x: FloatArray, out: Int32Array, args: PoolArgs): void {
    if (!this.runsNatively('conv', dtypeOfArray(x))) return tsBackend.maxPoolArgmax(x, out, args);
    this.raw.maxPoolArgmax(x, out, poolGeometry(args));
  }

  copyStrided(x: TypedArray, offset: number, strides: number[], outShape: number[], out: TypedArray): void {
    this.raw.copyStrided(x, offset, strides, outShape, out);
  }

  gather(x: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void {
    this.raw.gather(x, outer, axisSize, inner, indices, out);
  }

  scatterAdd(updates: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void {
    if (!this.runsNatively('scatterAdd', dtypeOfArray(updates))) return tsBackend.scatterAdd(updates, outer, axisSize, inner, indices, out);
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

  lstmCell(z: FloatArray, cPrev: FloatArray, batch: number, units: number, h: FloatArray, c: FloatArray, act: FloatArray): void {
    if (!this.runsNatively('lstm', dtypeOfArray(z))) return tsBackend.lstmCell(z, cPrev, batch, units, h, c, act);
    this.raw.lstmCell(z, cPrev, batch, units, h, c, act);
  }

  softmax(x: FloatArray, rows: number, cols: number, mask: Uint8Array | null, maskRow: Int32Array | null, y: FloatArray): void {
    if (!this.runsNatively('softmax', dtypeOfArray(x))) return tsBackend.softmax(x, rows, cols, mask, maskRow, y);
    this.raw.softmax(x, rows, cols, mask ?? NO_MASK, maskRow ?? NO_MASK_ROW, y);
  }

  softmaxGrad(y: FloatArray, dy: FloatArray, rows: number, cols: number, mask: Uint8Array | null, maskRow: Int32Array | null, dx: FloatArray): void {
    if (!this.runsNatively('softmax', dtypeOfArray(y))) return tsBackend.softmaxGrad(y, dy, rows, cols, mask, maskRow, dx);
    this.raw.softmaxGrad(y, dy, rows, cols, mask ?? NO_MASK, maskRow ?? NO_MASK_ROW, dx);
  }

  attention(q: FloatArray, k: FloatArray, v: FloatArray, mask: Uint8Array | null, dims: AttentionDims, out: FloatArray, probs: FloatArray): void {
    if (!this.runsNatively('attention', dtypeOfArray(q))) return tsBackend.attention(q, k, v, mask, dims, out, probs);
    this.raw.attention(q, k, v, mask ?? NO_MASK, attentionDims(dims), dims.scale, out, probs);
  }

  attentionGrad(q: FloatArray, k: FloatArray, v: FloatArray, probs: FloatArray, dout: FloatArray, mask: Uint8Array | null, dims: AttentionDims, dq: FloatArray, dk: FloatArray, dv: FloatArray): void {
    if (!this.runsNatively('attention', dtypeOfArray(q))) return tsBackend.attentionGrad(q, k, v, probs, dout, mask, dims, dq, dk, dv);
    this.raw.attentionGrad(q, k, v, probs, dout, mask ?? NO_MASK, attentionDims(dims), dims.scale, dq, dk, dv);
  }

  lstmCellGrad(dh: FloatArray, dc: FloatArray, cPrev: FloatArray, act: FloatArray, batch: number, units: number, dz: FloatArray, dcPrev: FloatArray): void {
    if (!this.runsNatively('lstm', dtypeOfArray(dh))) return tsBackend.lstmCellGrad(dh, dc, cPrev, act, batch, units, dz, dcPrev);
    this.raw.lstmCellGrad(dh, dc, cPrev, act, batch, units, dz, dcPrev);
  }

  fusedUpdate(kind: FusedUpdateKind, arrays: FloatArray[], scalars: number[]): boolean {
    if (arrays.length === 0 || !this.runsNatively('fusedUpdate', dtypeOfArray(arrays[0]))) return tsBackend.fusedUpdate(kind, arrays, scalars);
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
