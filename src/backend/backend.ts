/**
 * The backend seam: the primitive kernels every backend implements. Kernels are pure: typed
 * arrays, shapes and strides in, a caller-allocated output filled (or, for `fusedUpdate`,
 * state arrays updated in place). They never allocate tensors, never see the tape and never
 * validate user input: ops do that before calling. Broadcasting arrives as 0-strides.
 *
 * To add a primitive: add it here, to the TS backend (`ts/`) and to the native export table
 * (the addon reports which dtypes it runs; the rest go to TS), and give its op a gradient rule.
 * An op of an existing family (unary, binary) is one entry in that family's kernel table in
 * `ts/` and one row in its native file: CONTRIBUTING.md lists the steps.
 */
import type { DType, FloatArray, TypedArray } from '../dtype.js';

/** The elementwise op names are the keys of the TS kernel tables, the one list of each family. */
export type { UnaryOp } from './ts/unary.js';
export type { ArithmeticOp, BinaryOp, CompareOp } from './ts/binary.js';
import type { UnaryOp } from './ts/unary.js';
import type { BinaryOp } from './ts/binary.js';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';
export type ArgReduceOp = 'argMax' | 'argMin';
/** Running reductions along one axis (cumsum, cumprod). */
export type ScanOp = 'cumsum' | 'cumprod';

/** Fused optimizer updates; each kind documents its array and scalar layout in `optimizers/`. */
export type FusedUpdateKind = string;

export interface MatmulArgs {
  /** Number of matrices in the (flattened, already broadcast) batch. */
  batch: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  /** Elements between consecutive matrices of a / b; 0 repeats one matrix across the batch. */
  aBatchStride: number;
  bBatchStride: number;
}

/**
 * The geometry of a 2-D convolution over NHWC data (src/nn/geometry.ts computes it). x is
 * [batch, inH, inW, inC], the output [batch, outH, outW, outC]. The filter is [fh, fw, inC, outC],
 * or with `depthwise` [fh, fw, inC, outC / inC] (output channel c·multiplier + q reads input
 * channel c only). Output (oh, ow) reads input (oh·strideH − padTop + kh·dilationH, …); positions
 * outside the input read zeros.
 */
export interface Conv2DArgs extends Window2D {
  inC: number;
  outC: number;
  dilationH: number;
  dilationW: number;
  depthwise: boolean;
}

/** The geometry conv and pool kernels share: a sliding window over NHWC data, channels aside. */
export interface Window2D {
  batch: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  fh: number;
  fw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** A pooling window over NHWC data: x [batch, inH, inW, channels], out [batch, outH, outW, channels]. */
export interface PoolArgs extends Window2D {
  channels: number;
}

export type PoolOp = 'max' | 'avg';

export interface Backend {
  readonly name: 'js' | 'native';

  /** out[i] = f(x[i]); `alpha` is the parameter of leakyRelu. x and out have one dtype. */
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void;

  /**
   * out[idx] = f(a[idx·aStrides], b[idx·bStrides]) over every index of `outShape`.
   * a and b share a dtype; out has that dtype for arithmetic ops and is bool for comparisons.
   */
  binary(op: BinaryOp, a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void;

  /**
   * out[i] = a[i]·b[i] + c[i] over contiguous arrays of one float dtype, the product rounded to
   * the dtype before the sum: bit-identical to `mul` then `add`, in one pass over memory.
   */
  mulAdd(a: FloatArray, b: FloatArray, c: FloatArray, out: FloatArray): void;

  /** out[idx] = cond[idx] ? a[idx] : b[idx], each read through its (broadcast) strides. */
  select(cond: Uint8Array, condStrides: number[], a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void;

  /** Reduces x (contiguous, `shape`) over sorted `axes`; out holds the kept axes in order. */
  reduce(op: ReduceOp, x: TypedArray, shape: number[], axes: number[], out: TypedArray): void;

  /** Index of the max/min along `axis` (first one on ties; NaN wins as in NumPy). */
  argReduce(op: ArgReduceOp, x: TypedArray, shape: number[], axis: number, out: Int32Array): void;

  /**
   * x viewed as [outer, n, inner]: out[o, j, i] = x[o, 0, i] ⊕ … ⊕ x[o, j, i] (`exclusive`: up to
   * j − 1, the first being the identity; `reverse`: from the end, j … n − 1). Floats accumulate
   * in double and store each partial rounded to the dtype; int32 wraps (as C++ and Math.imul).
   */
  scan(op: ScanOp, x: TypedArray, outer: number, n: number, inner: number, exclusive: boolean, reverse: boolean, out: TypedArray): void;

  /**
   * Per row of x viewed as [rows, n]: the k entries that come first in the order "larger first"
   * (`descending`) or "smaller first", ties by lower index, NaN larger than every number. That
   * order is total, so every algorithm (and both backends) give the same rows. values is
   * [rows, k] of x's dtype, indices [rows, k] int32.
   */
  topK(x: TypedArray, rows: number, n: number, k: number, descending: boolean, values: TypedArray, indices: Int32Array): void;

  /** out = op(a) · op(b) per batch entry; out is contiguous [batch, m, n]. */
  matmul(a: FloatArray, b: FloatArray, out: FloatArray, args: MatmulArgs): void;

  /** out = x ⋆ filter (cross-correlation, as TF's conv2d and depthwiseConv2d). */
  conv2d(x: FloatArray, filter: FloatArray, out: FloatArray, args: Conv2DArgs): void;

  /** dx = ∂⟨dy, conv2d(x, filter)⟩/∂x: the transposed convolution of dy (dx fully written). */
  conv2dBackpropInput(dy: FloatArray, filter: FloatArray, dx: FloatArray, args: Conv2DArgs): void;

  /** dfilter = ∂⟨dy, conv2d(x, filter)⟩/∂filter: the correlation of x and dy over the batch. */
  conv2dBackpropFilter(x: FloatArray, dy: FloatArray, dfilter: FloatArray, args: Conv2DArgs): void;

  /**
   * Max or mean of each window over the positions inside x (padding is never a candidate; the
   * mean divides by the count of those positions, as TF).
   */
  pool(op: PoolOp, x: FloatArray, out: FloatArray, args: PoolArgs): void;

  /** dx (fully written) = the adjoint of avg pool applied to dy. */
  avgPoolBackprop(dy: FloatArray, dx: FloatArray, args: PoolArgs): void;

  /**
   * For each output element, the flat index into x of the first maximum of its window (scan
   * order kh, kw; a later element wins only if strictly larger), as TF routes maxPool gradients.
   */
  maxPoolArgmax(x: FloatArray, out: Int32Array, args: PoolArgs): void;

  /**
   * dx (fully written) = maxPool's gradient: each dy element added at its window's first
   * maximum (as maxPoolArgmax picks it), zeros elsewhere.
   */
  maxPoolBackprop(x: FloatArray, dy: FloatArray, dx: FloatArray, args: PoolArgs): void;

  /** out[idx] = x[offset + idx·strides]: transpose, slice, broadcastTo and tile are this. */
  copyStrided(x: TypedArray, offset: number, strides: number[], outShape: number[], out: TypedArray): void;

  /** x viewed as [outer, axisSize, inner]; out[o, j, i] = x[o, indices[j], i]. Indices are checked by the op. */
  gather(x: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void;

  /** The adjoint of gather: out (zeroed by the caller, [outer, axisSize, inner]) += updates scattered by indices. */
  scatterAdd(updates: TypedArray, outer: number, axisSize: number, inner: number, indices: Int32Array, out: TypedArray): void;

  /** Inputs viewed as [outer, inner_i]; out is [outer, Σ inner_i]. */
  concat(inputs: TypedArray[], outer: number, inners: number[], out: TypedArray): void;

  /** Constant padding; `paddings` is flat [before0, after0, before1, after1, …]. */
  pad(x: TypedArray, shape: number[], paddings: number[], value: number, out: TypedArray): void;

  /** Element conversion between dtypes (to bool: x != 0; float to int32: truncation). */
  cast(x: TypedArray, out: TypedArray): void;

  /**
   * The fused LSTM cell step (src/nn/lstm-cell.ts): z [batch, 4·units] (gates i, f, c, o) and
   * cPrev [batch, units] in; h and c [batch, units] and act [batch, 5·units] (the activated
   * gates i, f, g, o and tanh c of each row, for the backward pass) out, one float dtype.
   */
  lstmCell(z: FloatArray, cPrev: FloatArray, batch: number, units: number, h: FloatArray, c: FloatArray, act: FloatArray): void;

  /**
   * Its backward pass: from the upstream dh, dc [batch, units], cPrev and the forward's act,
   * dz [batch, 4·units] and dcPrev [batch, units] (both fully written).
   */
  lstmCellGrad(dh: FloatArray, dc: FloatArray, cPrev: FloatArray, act: FloatArray, batch: number, units: number, dz: FloatArray, dcPrev: FloatArray): void;

  /**
   * Softmax over the last axis of x viewed as [rows, cols] into y (src/ops/softmax.ts). With a
   * mask ([maskRows, cols], 0 = masked, in Keras's `Softmax(mask=…)` semantics: a masked logit
   * becomes −1e9), row r reads mask row maskRow[r] ([rows]); mask and maskRow are null together.
   */
  softmax(x: FloatArray, rows: number, cols: number, mask: Uint8Array | null, maskRow: Int32Array | null, y: FloatArray): void;

  /** Its backward pass from the forward's y and the upstream dy: dx = (dy − Σ dy·y)·y, 0 where masked. */
  softmaxGrad(y: FloatArray, dy: FloatArray, rows: number, cols: number, mask: Uint8Array | null, maskRow: Int32Array | null, dx: FloatArray): void;

  /**
   * Fused scaled dot-product attention (src/nn/attention.ts), per batch b and query head n
   * (key/value head n / (heads / kvHeads)): probs = softmax(scale·q·kᵀ) over the key axis,
   * masked logits replaced by −1e9 as in `softmax`, and out = probs·v. q [batch, t, heads,
   * keyDim], k [batch, s, kvHeads, keyDim], v [batch, s, kvHeads, valueDim], one float dtype;
   * out [batch, t, heads, valueDim] and probs [batch, heads, t, s] fully written. The mask (null
   * for none) holds bool rows of s: row (b, n, i) starts at b·maskBatchStride +
   * n·maskHeadStride + i·s.
   */
  attention(q: FloatArray, k: FloatArray, v: FloatArray, mask: Uint8Array | null, dims: AttentionDims, out: FloatArray, probs: FloatArray): void;

  /** Its backward pass from the forward's inputs, its probs and the upstream dout: dq, dk, dv fully written. */
  attentionGrad(q: FloatArray, k: FloatArray, v: FloatArray, probs: FloatArray, dout: FloatArray, mask: Uint8Array | null, dims: AttentionDims, dq: FloatArray, dk: FloatArray, dv: FloatArray): void;

  /**
   * One optimizer step over a whole variable in place: `arrays` is [variable, gradient,
   * ...slots], all the same length and float dtype; `scalars` are the step's hyperparameters
   * already cast to the variable's dtype. Returns false if this backend has no such kernel.
   */
  fusedUpdate(kind: FusedUpdateKind, arrays: FloatArray[], scalars: number[]): boolean;
}

/** The geometry of `attention` (native/kernels/kernels.h AttentionDims). */
export interface AttentionDims {
  batch: number;
  /** Query positions. */
  t: number;
  /** Key and value positions. */
  s: number;
  heads: number;
  /** Key/value heads: heads is a multiple of them (grouped-query attention when fewer). */
  kvHeads: number;
  keyDim: number;
  valueDim: number;
  maskBatchStride: number;
  maskHeadStride: number;
  scale: number;
}

export interface BackendInfo {
  backend: 'js' | 'native';
  simd: 'avx512' | 'avx2' | 'neon' | 'scalar' | 'none';
  threads: number;
  /** Why the native addon is not in use, when it is not. */
  nativeError?: string;
  nativeAvailable: boolean;
  /** The CPU as the addon read it (native backend only; sizes in bytes, 0 when unknown). */
  cpu?: CpuInfo;
  /** The float32 GEMM's blocking chosen for this CPU (native backend only): see native/kernels/matmul.cc. */
  gemm?: GemmInfo;
}

export interface CpuInfo {
  vendor: string;
  family: number;
  model: number;
  l1d: number;
  l1dWays: number;
  l2: number;
  l3: number;
}

export interface GemmInfo {
  /** Micro-tile rows x columns of the SIMD level in use. */
  tile: string;
  /** Deepest k slice and widest B panel (columns, for the current thread count). */
  kc: number;
  nc: number;
  /** When rows of A are packed: 'auto' (when transposed, or when their stride crowds L1 sets). */
  packA: 'auto' | 'always' | 'never';
  /** 'cpu': derived from the caches; 'default': caches unknown; 'TAPEFLOW_GEMM': overridden. */
  source: 'cpu' | 'default' | 'TAPEFLOW_GEMM';
}

export type { DType };
