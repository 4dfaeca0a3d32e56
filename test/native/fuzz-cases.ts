/**
 * The seeded random raw-binding calls shared by fuzz.test.ts (a few thousand, in process, also
 * under the sanitizer build) and fuzz-run.ts (100,000+, in child processes that may crash).
 *
 * Call `i` of seed `s` depends only on (s, i) (`makeCall`), so any call a run reports can be
 * rebuilt alone. Each starts from a valid call of its export with small random shapes, then
 * may be mutated by the classes the native boundary must survive:
 *   - sizes and extents near 2^31, 2^32 and 2^53, products of several such factors, and zero
 *     extents beside huge ones;
 *   - an output that is a view over an input's (or the indices') memory, of any dtype;
 *   - detached buffers, wrong typed-array kinds, DataView, ArrayBuffer, Buffer, non-arrays;
 *   - short arrays and wrong argument counts.
 * Every typed array sits at a random offset (odd ones for Uint8Array) inside a larger buffer
 * filled with a sentinel byte. `runCall` snapshots every buffer of the call, makes it, and
 * returns what went wrong: a throw that is not a TypeError/RangeError naming the export, a byte
 * changed outside the outputs (the guards, the inputs), any byte changed by a call that threw,
 * or a call that should have thrown (an overlap or a detached buffer) and did not.
 */
import { rng } from '../support/random.js';
import { stridesOf } from '../../src/shape.js';

export type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
type Rand = () => number;

export interface FuzzCall {
  name: string;
  args: unknown[];
  /** The mutations applied (for reports). */
  tags: string[];
}

/** Kernel exports, then the others; `makeCall` takes them in turn (kernels three times as often). */
export const KERNELS = [
  'unary', 'binary', 'mulAdd', 'select', 'reduce', 'argReduce', 'matmul', 'copyStrided', 'gather', 'scatterAdd',
  'concat', 'pad', 'cast', 'fusedUpdate', 'lstmCell', 'lstmCellGrad', 'softmax', 'softmaxGrad', 'attention', 'attentionGrad', 'scan', 'topK', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'pool',
  'avgPoolBackprop', 'maxPoolArgmax', 'maxPoolBackprop',
] as const;
export const OTHERS = ['info', 'kernels', 'setSimdLevel', 'setNumThreads', 'probeTriad', 'probeSum', 'probePeakFma'] as const;
/** native/mpi.cc: without tf.distribute.init() (as here) every call but mpiInit must throw or do nothing. */
export const MPI = ['mpiInit', 'mpiAllReduce', 'mpiAllGather', 'mpiBroadcast', 'mpiAllReduceAsync', 'mpiAllGatherAsync', 'mpiBroadcastAsync', 'mpiBarrier', 'mpiAbort', 'mpiFinalize'] as const;
const ROTATION: string[] = [...KERNELS, ...KERNELS, ...KERNELS, ...OTHERS, ...MPI];

export const SENTINEL = 0xa5;
const GUARD = 32;

/** Sizes the boundary must reject or survive: near 2^31, 2^32, 2^53, and the invalid ones. */
export const HUGE = [
  2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53, 2 ** 26, 2 ** 27, 2 ** 21,
  2 ** 21 + 1, 2 ** 50, 2 ** 40,
];
const INVALID_NUMBERS = [2 ** 53 + 2, -1, -(2 ** 31), 1.5, NaN, Infinity, -Infinity, 2 ** 64, -0.5];
const SMALL = [0, 1, 2, 3, 4, 7];

const FLOAT_CTORS: Ctor[] = [Float32Array, Float64Array];
const ALL_CTORS: Ctor[] = [Float32Array, Float64Array, Int32Array, Uint8Array];

const UNARY_OPS = ['neg', 'square', 'sqrt', 'exp', 'log', 'abs', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'round', 'sin', 'erf',
  'gelu', 'nope'];
const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'reluGrad', 'equal', 'less', 'greaterEqual', 'atan2', 'mod',
  'floorDiv', 'logicalAnd', 'nope'];
const COMPARE = new Set(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual']);
const REDUCE_OPS = ['sum', 'max', 'min', 'prod', 'nope'];
/** Fused update kinds: [name, arrays, scalars] as in native/kernels/optim_kinds.h. */
const FUSED: [string, number, number][] = [
  ['sgd', 2, 1], ['sgdMomentum', 3, 3], ['adam', 4, 4], ['adamAmsgrad', 5, 4], ['rmsprop', 3, 5], ['rmspropMomentum', 4, 5],
  ['rmspropCentered', 4, 5], ['rmspropCenteredMomentum', 5, 5], ['adagrad', 3, 2], ['adadelta', 4, 4], ['adamax', 4, 5],
  ['nadam', 4, 9], ['ftrl', 4, 5], ['lion', 3, 5],
];

// ---- random helpers -------------------------------------------------------------------------

/** A generator for call `index` of `seed` (fmix32 of both, so neighbouring calls are unrelated). */
function callRng(seed: number, index: number): Rand {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  const r = rng(h >>> 0 || 1);
  for (let i = 0; i < 3; i++) r();
  return r;
}
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const prod = (xs: number[]): number => xs.reduce((p, x) => p * x, 1);

/** A typed array of `n` random elements at a random (odd for bytes) offset inside a guarded buffer. */
export function guarded(C: Ctor, n: number, r: Rand): Typed {
  const es = C.BYTES_PER_ELEMENT;
  const offset = GUARD + es * int(r, 0, 3);
  const shared = r() < 0.05;
  const bytes = offset + n * es + GUARD;
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  new Uint8Array(buf).fill(SENTINEL);
  const a = new C(buf as ArrayBuffer, offset, n);
  for (let i = 0; i < n; i++) {
    if (C === Uint8Array) a[i] = r() < 0.5 ? 1 : 0;
    else if (C === Int32Array) a[i] = int(r, -50, 50);
    else a[i] = r() < 0.05 ? pick(r, [NaN, Infinity, -Infinity, 0, -0]) : (r() - 0.5) * 8;
  }
  return a;
}

function shapeOf(r: Rand, maxRank = 3, maxExtent = 4): number[] {
  const rank = int(r, 0, maxRank);
  return Array.from({ length: rank }, () => (r() < 0.08 ? 0 : int(r, 1, maxExtent)));
}

/** An operand broadcast to outShape: its strides (0 on broadcast axes) and element count. */
function operand(outShape: number[], r: Rand): { strides: number[]; length: number } {
  const dims = outShape.map((d) => (d !== 1 && r() < 0.25 ? 1 : d));
  const st = stridesOf(dims).map((s, i) => (dims[i] === 1 ? 0 : s));
  return { strides: st, length: prod(dims) };
}

// ---- valid calls ----------------------------------------------------------------------------

/**
 * A small conv or pool geometry (the 16 entries of native-backend.ts convGeometry) with its
 * x, y and filter sizes. Pools: depthwise, inC = outC, no dilation, pads below the window.
 */
function convGeom(r: Rand, pool: boolean): { geometry: number[]; x: number; y: number; f: number } {
  const depthwise = pool || r() < 0.3;
  const batch = int(r, 0, 2), inH = int(r, 1, 6), inW = int(r, 1, 6), inC = int(r, pool ? 1 : 0, 3);
  const fh = int(r, 1, 3), fw = int(r, 1, 3), sh = int(r, 1, 3), sw = int(r, 1, 3);
  const dh = pool ? 1 : int(r, 1, 2), dw = pool ? 1 : int(r, 1, 2);
  const [pt, pb, pl, pr] = pool ? [int(r, 0, fh - 1), int(r, 0, fh - 1), int(r, 0, fw - 1), int(r, 0, fw - 1)] : [int(r, 0, 2), int(r, 0, 2), int(r, 0, 2), int(r, 0, 2)];
  const out = (n: number, p: number, k: number, d: number, s: number) => Math.max(0, Math.floor((n + p - (k - 1) * d - 1) / s) + 1);
  const outH = out(inH, pt + pb, fh, dh, sh), outW = out(inW, pl + pr, fw, dw, sw);
  const q = pool ? 1 : depthwise ? int(r, 1, 2) : int(r, 0, 3);
  const outC = depthwise ? inC * q : q;
  return {
    geometry: [batch, inH, inW, inC, outH, outW, outC, fh, fw, sh, sw, dh, dw, pt, pl, depthwise ? 1 : 0],
    x: batch * inH * inW * inC, y: batch * outH * outW * outC, f: fh * fw * inC * q,
  };
}

function validCall(name: string, r: Rand): unknown[] {
  switch (name) {
    case 'unary': {
      const C = r() < 0.8 ? pick(r, FLOAT_CTORS) : pick(r, ALL_CTORS);
      const n = int(r, 0, 40);
      return [pick(r, UNARY_OPS), guarded(C, n, r), guarded(C, n, r), r() * 0.5];
    }
    case 'binary': {
      const op = pick(r, BINARY_OPS);
      const C = r() < 0.8 ? pick(r, FLOAT_CTORS) : pick(r, ALL_CTORS);
      const shape = shapeOf(r, 4);
      const a = operand(shape, r), b = operand(shape, r);
      return [op, guarded(C, a.length, r), a.strides, guarded(C, b.length, r), b.strides, shape,
        guarded(COMPARE.has(op) ? Uint8Array : C, prod(shape), r)];
    }
    case 'mulAdd': {
      const C = pick(r, FLOAT_CTORS);
      const n = int(r, 0, 40);
      return [guarded(C, n, r), guarded(C, n, r), guarded(C, n, r), guarded(C, n, r)];
    }
    case 'select': {
      const C = pick(r, ALL_CTORS);
      const shape = shapeOf(r, 4);
      const c = operand(shape, r), a = operand(shape, r), b = operand(shape, r);
      return [guarded(Uint8Array, c.length, r), c.strides, guarded(C, a.length, r), a.strides, guarded(C, b.length, r),
        b.strides, shape, guarded(C, prod(shape), r)];
    }
    case 'reduce': {
      const C = r() < 0.9 ? pick(r, [Float32Array, Float64Array, Int32Array]) : Uint8Array;
      const shape = shapeOf(r, 4);
      const axes = shape.map((_, i) => i).filter(() => r() < 0.5);
      const kept = shape.filter((_, i) => !axes.includes(i));
      return [pick(r, REDUCE_OPS), guarded(C, prod(shape), r), shape, axes, guarded(C, prod(kept), r)];
    }
    case 'argReduce': {
      const C = r() < 0.9 ? pick(r, [Float32Array, Float64Array, Int32Array]) : Uint8Array;
      const shape = shapeOf(r, 4);
      const axis = shape.length ? int(r, 0, shape.length - 1) : 0;
      const outSize = prod(shape.filter((_, i) => i !== axis));
      return [pick(r, ['argMax', 'argMin', 'nope']), guarded(C, prod(shape), r), shape, axis, guarded(Int32Array, outSize, r)];
    }
    case 'matmul': {
      const C = pick(r, FLOAT_CTORS);
      const batch = int(r, 0, 3), m = int(r, 0, 5), n = int(r, 0, 5), k = int(r, 0, 5);
      const aSingle = r() < 0.3, bSingle = r() < 0.3;
      return [guarded(C, (aSingle ? 1 : batch) * m * k, r), guarded(C, (bSingle ? 1 : batch) * k * n, r),
        guarded(C, batch * m * n, r), batch, m, n, k, r() < 0.5, r() < 0.5, aSingle ? 0 : m * k, bSingle ? 0 : k * n];
    }
    case 'copyStrided': {
      const C = pick(r, ALL_CTORS);
      const xShape = shapeOf(r, 4);
      const xStrides = stridesOf(xShape);
      const perm = xShape.map((_, i) => i).sort(() => r() - 0.5);
      const outShape = perm.map((p) => xShape[p]);
      const strides = perm.map((p) => xStrides[p]);
      if (r() < 0.3) {  // a broadcast axis in front
        outShape.unshift(int(r, 1, 3));
        strides.unshift(0);
      }
      return [guarded(C, prod(xShape), r), 0, strides, outShape, guarded(C, prod(outShape), r)];
    }
    case 'gather':
    case 'scatterAdd': {
      const C = name === 'gather' ? pick(r, ALL_CTORS) : pick(r, [Float32Array, Float64Array, Int32Array]);
      const outer = int(r, 0, 3), axis = int(r, 0, 4), inner = int(r, 0, 3);
      const nidx = axis === 0 ? 0 : int(r, 0, 4);
      const idx = guarded(Int32Array, nidx, r);
      for (let j = 0; j < nidx; j++) idx[j] = int(r, 0, axis - 1);
      const full = outer * axis * inner, picked = outer * nidx * inner;
      return name === 'gather'
        ? [guarded(C, full, r), outer, axis, inner, idx, guarded(C, picked, r)]
        : [guarded(C, picked, r), outer, axis, inner, idx, guarded(C, full, r)];
    }
    case 'concat': {
      const C = pick(r, ALL_CTORS);
      const outer = int(r, 0, 3);
      const inners = Array.from({ length: int(r, 1, 3) }, () => int(r, 0, 3));
      return [inners.map((w) => guarded(C, outer * w, r)), outer, inners, guarded(C, outer * inners.reduce((a, b) => a + b, 0), r)];
    }
    case 'pad': {
      const C = pick(r, ALL_CTORS);
      const shape = shapeOf(r, 3);
      const paddings = shape.flatMap(() => [int(r, 0, 2), int(r, 0, 2)]);
      const outShape = shape.map((d, i) => d + paddings[2 * i] + paddings[2 * i + 1]);
      return [guarded(C, prod(shape), r), shape, paddings, (r() - 0.5) * 10, guarded(C, prod(outShape), r)];
    }
    case 'cast': {
      const n = int(r, 0, 30);
      return [guarded(pick(r, ALL_CTORS), n, r), guarded(pick(r, ALL_CTORS), n, r)];
    }
    case 'fusedUpdate': {
      const [kind, arrays, scalars] = r() < 0.95 ? pick(r, FUSED) : ['nope', 2, 1];
      const C = r() < 0.95 ? pick(r, FLOAT_CTORS) : Int32Array;
      const n = int(r, 0, 40);
      const list = Array.from({ length: arrays }, (_, q) => {
        const a = guarded(C, n, r);
        if (q >= 2) for (let i = 0; i < n; i++) a[i] = Math.abs(a[i]) || 0;  // slots: non-negative
        return a;
      });
      return [kind, list, Array.from({ length: scalars }, () => r() * 0.5)];
    }
    case 'lstmCell': {  // (z, cPrev, batch, units, h, c, act)
      const C = r() < 0.9 ? pick(r, FLOAT_CTORS) : pick(r, ALL_CTORS);
      const batch = int(r, 0, 3), units = int(r, 0, 9), n = batch * units;
      return [guarded(C, 4 * n, r), guarded(C, n, r), batch, units, guarded(C, n, r), guarded(C, n, r), guarded(C, 5 * n, r)];
    }
    case 'lstmCellGrad': {  // (dh, dc, cPrev, act, batch, units, dz, dcPrev)
      const C = r() < 0.9 ? pick(r, FLOAT_CTORS) : pick(r, ALL_CTORS);
      const batch = int(r, 0, 3), units = int(r, 0, 9), n = batch * units;
      return [guarded(C, n, r), guarded(C, n, r), guarded(C, n, r), guarded(C, 5 * n, r), batch, units, guarded(C, 4 * n, r), guarded(C, n, r)];
    }
    case 'softmax': case 'softmaxGrad': {  // (x, rows, cols, mask, maskRow, y) / (y, dy, rows, cols, mask, maskRow, dx)
      const C = r() < 0.9 ? pick(r, FLOAT_CTORS) : pick(r, ALL_CTORS);
      const rows = int(r, 0, 4), cols = int(r, 0, 9), n = rows * cols, maskRows = int(r, 0, 3);
      const masked = r() < 0.6;
      const mask = masked ? guarded(Uint8Array, maskRows * cols, r) : new Uint8Array(0);
      const rowOf = masked ? Int32Array.from({ length: rows }, () => int(r, -1, maskRows)) : new Int32Array(0);
      const head = name === 'softmax' ? [guarded(C, n, r)] : [guarded(C, n, r), guarded(C, n, r)];
      return [...head, rows, cols, mask, rowOf, guarded(C, n, r)];
    }
    case 'attention': case 'attentionGrad': {
      // (q, k, v, mask, dims, scale, out, probs) / (q, k, v, probs, dout, mask, dims, scale, dq, dk, dv)
      const C = r() < 0.9 ? Float32Array : pick(r, ALL_CTORS);
      const batch = int(r, 0, 2), t = int(r, 0, 5), s = int(r, 0, 6), kvHeads = int(r, 1, 2), heads = kvHeads * int(r, 1, 2);
      const keyDim = int(r, 0, 5), valueDim = int(r, 0, 5);
      const maskKind = int(r, 0, 3);  // none, [B, N, T, S], [1, N, T, S], [B, 1, T, S]
      const bStride = maskKind === 1 || maskKind === 3 ? (maskKind === 1 ? heads : 1) * t * s : 0;
      const hStride = maskKind === 1 || maskKind === 2 ? t * s : 0;
      const mask = maskKind === 0 ? new Uint8Array(0) : guarded(Uint8Array, (maskKind === 2 ? 1 : batch) * (maskKind === 3 ? 1 : heads) * t * s, r);
      const dims = [batch, t, s, heads, kvHeads, keyDim, valueDim, bStride, hStride];
      const scale = r() < 0.9 ? r() : pick(r, [0, -1, 1e30]);
      const q = guarded(C, batch * t * heads * keyDim, r), k = guarded(C, batch * s * kvHeads * keyDim, r), v = guarded(C, batch * s * kvHeads * valueDim, r);
      const out = batch * t * heads * valueDim, probs = batch * heads * t * s;
      if (name === 'attention') return [q, k, v, mask, dims, scale, guarded(C, out, r), guarded(C, probs, r)];
      return [q, k, v, guarded(C, probs, r), guarded(C, out, r), mask, dims, scale, guarded(C, q.length, r), guarded(C, k.length, r), guarded(C, v.length, r)];
    }
    case 'scan': {
      const C = r() < 0.9 ? pick(r, [Float32Array, Float64Array, Int32Array]) : Uint8Array;
      const outer = int(r, 0, 3), n = int(r, 0, 5), inner = int(r, 0, 3);
      const size = outer * n * inner;
      return [pick(r, ['cumsum', 'cumprod', 'nope']), guarded(C, size, r), outer, n, inner, r() < 0.5, r() < 0.5,
        guarded(C, size, r)];
    }
    case 'topK': {
      const C = r() < 0.9 ? pick(r, [Float32Array, Float64Array, Int32Array]) : Uint8Array;
      const rows = int(r, 0, 3), n = int(r, 0, 6), k = int(r, 0, n);
      return [guarded(C, rows * n, r), rows, n, k, r() < 0.5, guarded(C, rows * k, r), guarded(Int32Array, rows * k, r)];
    }
    case 'conv2d':
    case 'conv2dBackpropInput':
    case 'conv2dBackpropFilter': {
      const C = r() < 0.9 ? Float32Array : pick(r, ALL_CTORS);
      const g = convGeom(r, false);
      const [a, b, out] = name === 'conv2d' ? [g.x, g.f, g.y] : name === 'conv2dBackpropInput' ? [g.y, g.f, g.x] : [g.x, g.y, g.f];
      return [guarded(C, a, r), guarded(C, b, r), guarded(C, out, r), g.geometry];
    }
    case 'pool':
    case 'avgPoolBackprop':
    case 'maxPoolArgmax':
    case 'maxPoolBackprop': {
      const C = r() < 0.9 ? Float32Array : pick(r, ALL_CTORS);
      const g = convGeom(r, true);
      if (name === 'pool') return [pick(r, ['max', 'avg', 'nope']), guarded(C, g.x, r), guarded(C, g.y, r), g.geometry];
      if (name === 'avgPoolBackprop') return [guarded(C, g.y, r), guarded(C, g.x, r), g.geometry];
      if (name === 'maxPoolBackprop') return [guarded(C, g.x, r), guarded(C, g.y, r), guarded(C, g.x, r), g.geometry];
      return [guarded(C, g.x, r), guarded(r() < 0.9 ? Int32Array : C, g.y, r), g.geometry];
    }
    case 'info':
    case 'kernels':
      return [];
    case 'setSimdLevel':
      return [pick(r, ['scalar', 'avx2', 'avx512', 'neon', 'nope', ''])];
    case 'setNumThreads':
      return [int(r, 1, 3)];
    case 'mpiInit':  // paths that cannot load an MPI library
      return pick(r, [[[]], [['/nonexistent/libmpi.so.40']], [['']], [['libc.so.6']], ['libmpi.so'], [[1]], [], [[], 2]]);
    case 'mpiAllReduce':
    case 'mpiAllReduceAsync': {
      const C = pick(r, ALL_CTORS), n = int(r, 0, 9);
      return [guarded(C, n, r), guarded(r() < 0.9 ? C : pick(r, ALL_CTORS), r() < 0.9 ? n : int(r, 0, 9), r), pick(r, [0, 1, 2, 3, -1, 0.5])];
    }
    case 'mpiAllGather':
    case 'mpiAllGatherAsync': {
      const C = pick(r, ALL_CTORS), n = int(r, 0, 9);
      return [guarded(C, n, r), guarded(C, int(r, 0, 9), r)];
    }
    case 'mpiBroadcast':
    case 'mpiBroadcastAsync':
      return [guarded(pick(r, ALL_CTORS), int(r, 0, 9), r), pick(r, [0, 1, -1, 2 ** 40, NaN])];
    case 'mpiAbort':
      return pick(r, [[1], [0], [-1], [256], []]);
    case 'mpiBarrier':
    case 'mpiFinalize':
      return pick(r, [[], [1]]);
    default: {  // the probes: never a valid call (a valid one runs for a third of a second or more)
      const x = r();
      if (x < 0.4) return [pick(r, [0, 100, 2 ** 40, NaN, -1, Infinity]), 2];
      if (x < 0.8) return [1 << 20, pick(r, [0, 257, 1.5, NaN, -1])];
      return pick(r, [[], [1 << 20], [1 << 20, 2, 3], ['x', 2], [1 << 20, null]]);
    }
  }
}

/** The output arrays of a call (for fusedUpdate, the variable and slots it updates in place). */
export function outputsOf(name: string, args: unknown[]): unknown[] {
  switch (name) {
    case 'matmul': case 'unary': case 'conv2d': case 'conv2dBackpropInput': case 'conv2dBackpropFilter': case 'pool': return [args[2]];
    case 'avgPoolBackprop': case 'maxPoolArgmax': return [args[1]];
    case 'maxPoolBackprop': return [args[2]];
    case 'fusedUpdate': return Array.isArray(args[1]) ? (args[1] as unknown[]).filter((_, q) => q !== 1) : [];
    case 'topK': return [args[5], args[6]];
    case 'lstmCell': return [args[4], args[5], args[6]];
    case 'lstmCellGrad': return [args[6], args[7]];
    case 'attention': return [args[6], args[7]];
    case 'attentionGrad': return [args[8], args[9], args[10]];
    case 'mpiAllReduce': case 'mpiAllGather': case 'mpiAllReduceAsync': case 'mpiAllGatherAsync': return [args[1]];
    case 'mpiBroadcast': case 'mpiBroadcastAsync': return [args[0]];
    case 'mpiInit': case 'mpiBarrier': case 'mpiAbort': case 'mpiFinalize': return [];
    case 'kernels': case 'info': case 'setSimdLevel': case 'setNumThreads': case 'probeTriad': case 'probeSum': case 'probePeakFma': return [];
    default: return [args[args.length - 1]];
  }
}

/** Every typed array of a call (top level and one level inside list arguments), with its slot. */
function typedSlots(args: unknown[]): { get: () => unknown; set: (v: unknown) => void }[] {
  const slots: { get: () => unknown; set: (v: unknown) => void }[] = [];
  args.forEach((a, i) => {
    if (ArrayBuffer.isView(a)) slots.push({ get: () => args[i], set: (v) => { args[i] = v; } });
    else if (Array.isArray(a)) {
      a.forEach((x, q) => {
        if (ArrayBuffer.isView(x)) slots.push({ get: () => a[q], set: (v) => { a[q] = v; } });
      });
    }
  });
  return slots;
}

// ---- mutations ------------------------------------------------------------------------------

function hugeOrInvalid(r: Rand): number {
  const x = r();
  if (x < 0.6) return pick(r, HUGE);
  if (x < 0.8) return pick(r, SMALL);
  return pick(r, INVALID_NUMBERS);
}

/** A huge factor or a small nonzero one. */
function factor(r: Rand): number {
  return r() < 0.6 ? pick(r, HUGE) : int(r, 1, 7);
}

/** A list of extents: several huge factors, zeros beside huge ones, or one entry changed. */
function mutateList(list: number[], r: Rand): unknown {
  const x = r();
  if (x < 0.2) return Array.from({ length: int(r, 2, 4) }, () => pick(r, HUGE));  // products of several huge factors
  if (x < 0.45) {  // a zero extent beside huge ones
    const out = Array.from({ length: int(r, 1, 3) }, () => factor(r));
    out.splice(int(r, 0, out.length), 0, 0);
    return out;
  }
  if (x < 0.6) return Array.from({ length: int(r, 1, 4) }, () => factor(r));
  if (x < 0.68) return r() < 0.5 ? [...list, pick(r, HUGE)] : list.slice(0, -1);
  if (x < 0.72) return pick(r, [null, 'x', { length: 2 }, [[1]], ['a'], Array(70).fill(1), new Int32Array(2)]);
  const out = list.slice();
  if (out.length) out[int(r, 0, out.length - 1)] = hugeOrInvalid(r);
  else out.push(hugeOrInvalid(r));
  return out;
}

const WRONG_KINDS: (() => unknown)[] = [
  () => new Int16Array(8), () => new Uint16Array(8), () => new Uint8ClampedArray(8), () => new Int8Array(8),
  () => new Uint32Array(8), () => new BigInt64Array(2), () => new DataView(new ArrayBuffer(16)), () => new ArrayBuffer(16),
  () => Buffer.alloc(16), () => Buffer.alloc(16).subarray(1), () => [1, 2, 3], () => null, () => undefined, () => 3,
  () => ({}), () => 'x',
];

function detach(a: Typed): void {
  if (a.buffer instanceof ArrayBuffer) structuredClone(a.buffer, { transfer: [a.buffer] });
}

/** A view of `len` elements of type C over (part of) the memory of `base`, overlapping it. */
function aliasOver(base: Typed, C: Ctor, len: number, r: Rand): Typed | null {
  if (base.byteLength === 0) return null;
  const es = C.BYTES_PER_ELEMENT;
  // a start inside base (rounded down to C's alignment), as many elements as fit up to len
  let start = base.byteOffset + Math.floor(r() * base.byteLength);
  start -= start % es;
  const fit = Math.floor((base.buffer.byteLength - start) / es);
  const n = Math.min(Math.max(len, 1), fit);
  if (n <= 0) return null;
  const v = new C(base.buffer as ArrayBuffer, start, n);
  return v.byteOffset < base.byteOffset + base.byteLength && base.byteOffset < v.byteOffset + v.byteLength ? v : null;
}

function mutate(name: string, args: unknown[], r: Rand, tags: string[]): unknown[] {
  const slots = typedSlots(args);
  const outs = new Set(outputsOf(name, args));
  const rounds = r() < 0.5 ? 1 : int(r, 2, 3);
  for (let round = 0; round < rounds; round++) {
    const x = r();
    if (x < 0.25) {  // a size, extent or stride near 2^31 / 2^32 / 2^53, or an invalid number
      const nums = args.map((a, i) => (typeof a === 'number' ? i : -1)).filter((i) => i >= 0);
      if (nums.length) {
        if (r() < 0.6) {
          const i = pick(r, nums);
          args[i] = hugeOrInvalid(r);
          tags.push(`number[${i}]=${args[i]}`);
        } else {  // every number at once: products of several huge sizes, or zeros beside them
          for (const i of nums) args[i] = r() < 0.15 ? 0 : factor(r);
          tags.push('all numbers');
        }
      }
    } else if (x < 0.5) {  // a shape / strides / inners / paddings list
      const lists = args.map((a, i) => (Array.isArray(a) && a.every((v) => typeof v === 'number') ? i : -1)).filter((i) => i >= 0);
      if (lists.length) {
        const i = pick(r, lists);
        args[i] = mutateList(args[i] as number[], r);
        tags.push(`list[${i}]=${JSON.stringify(args[i])}`);
      }
    } else if (x < 0.65) {  // an output over another array's memory
      const outSlots = slots.filter((s) => outs.has(s.get()) && isLive(s.get()));
      const others = slots.filter((s) => isLive(s.get()));
      if (outSlots.length && others.length) {
        const o = pick(r, outSlots), base = pick(r, others);
        const ov = o.get() as Typed, bv = base.get() as Typed;
        if (ov !== bv) {
          const C = r() < 0.7 ? (ov.constructor as Ctor) : pick(r, ALL_CTORS);
          const v = aliasOver(bv, C, ov.length, r);
          if (v) {
            o.set(v);
            tags.push(`alias ${C.name}(${v.length}) over ${bv.constructor.name}(${bv.length})`);
          }
        }
      }
    } else if (x < 0.72) {  // a detached buffer
      const live = slots.filter((s) => isLive(s.get()));
      if (live.length) {
        const s = pick(r, live);
        detach(s.get() as Typed);
        tags.push('detached');
      }
    } else if (x < 0.8) {  // a wrong kind of argument where a typed array goes
      if (slots.length) {
        const s = pick(r, slots);
        s.set(pick(r, WRONG_KINDS)());
        tags.push('wrong kind');
      }
    } else if (x < 0.9) {  // a short array
      const live = slots.filter((s) => isLive(s.get()));
      if (live.length) {
        const s = pick(r, live);
        const a = s.get() as Typed;
        s.set(a.subarray(0, Math.floor(r() * a.length)));
        tags.push('short');
      }
    } else if (x < 0.95) {  // a non-number where a number goes, or a wrong type anywhere
      const i = int(r, 0, Math.max(0, args.length - 1));
      args[i] = pick(r, [undefined, null, true, '1', {}, [], Symbol('s'), 1n, () => 0]);
      tags.push(`arg[${i}] wrong type`);
    } else {  // a wrong argument count
      if (r() < 0.5) args.pop();
      else args.push(0);
      tags.push('arg count');
    }
  }
  return args;
}

/** Call `index` of `seed`: export, arguments and the mutations applied. */
export function makeCall(seed: number, index: number): FuzzCall {
  const r = callRng(seed, index);
  const name = ROTATION[index % ROTATION.length];
  const tags: string[] = [];
  let args = validCall(name, r);
  if (!name.startsWith('probe') && r() < 0.75) args = mutate(name, args, r, tags);
  return { name, args, tags };
}

// ---- running and checking a call ------------------------------------------------------------

/** Node 20 has no ArrayBuffer.prototype.detached: a detached buffer refuses a new view. */
export function isDetached(b: ArrayBufferLike): boolean {
  if (b.byteLength > 0) return false;
  try {
    new Uint8Array(b);
    return false;
  } catch {
    return true;
  }
}

function describeValue(v: unknown): string {
  if (ArrayBuffer.isView(v)) {
    const a = v as Typed;
    const detached = isDetached(a.buffer);
    return `${a.constructor.name}(${detached ? 'detached' : `${a.length} @${a.byteOffset}/${a.buffer.byteLength}`})`;
  }
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'symbol' || typeof v === 'bigint') return String(v) + (typeof v === 'bigint' ? 'n' : '');
  if (typeof v === 'function') return 'function';
  if (v !== null && typeof v === 'object') return v.constructor?.name ?? 'object';
  return String(v);
}

export function describeCall(c: FuzzCall): string {
  return `${c.name}(${c.args.map(describeValue).join(', ')})${c.tags.length ? `  [${c.tags.join('; ')}]` : ''}`;
}

function isLive(v: unknown): v is Typed {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !isDetached(v.buffer);
}

function overlapping(a: Typed, b: Typed): boolean {
  return a.buffer === b.buffer && a.byteLength > 0 && b.byteLength > 0 &&
    a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

export interface CallResult {
  /** What went wrong, or null. */
  problem: string | null;
  threw: unknown;
  ms: number;
}

/** Makes the call on `binding` and checks it (see the file comment). */
export function runCall(binding: object, c: FuzzCall): CallResult {
  const all: Typed[] = [];
  let detachedArg = false;
  const collect = (v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      if (isLive(v)) all.push(v);
      else detachedArg = true;
    }
  };
  for (const a of c.args) {
    collect(a);
    if (Array.isArray(a)) a.forEach(collect);
  }
  const outs = outputsOf(c.name, c.args).filter(isLive);
  // an output sharing memory with any other typed-array argument must be rejected
  let aliased = false;
  for (const o of outs) for (const v of all) if (v !== o && overlapping(o, v)) aliased = true;
  if (!aliased) {  // the same array twice among the outputs and inputs counts too
    const seen = new Set<Typed>();
    const positions = [...c.args.filter(isLive), ...c.args.filter(Array.isArray).flatMap((l) => (l as unknown[]).filter(isLive))];
    for (const v of positions) {
      if (seen.has(v) && outs.includes(v) && v.byteLength > 0) aliased = true;
      seen.add(v);
    }
  }
  const buffers = [...new Set(all.map((a) => a.buffer))];
  const before = buffers.map((b) => new Uint8Array(b).slice());

  const fn = (binding as Record<string, (...a: unknown[]) => unknown>)[c.name];
  let threw: unknown = undefined;
  let result: unknown;
  const t0 = performance.now();
  try {
    result = fn(...c.args);
  } catch (e) {
    threw = e ?? new Error('a null or undefined value was thrown');
  }
  const ms = performance.now() - t0;

  let problem: string | null = null;
  if (threw !== undefined) {
    if (!(threw instanceof TypeError || threw instanceof RangeError)) problem = `threw ${String(threw)}`;
    else if (!threw.message.startsWith(`${c.name}: `)) problem = `error does not name the export: ${threw.message}`;
  } else if (c.name !== 'fusedUpdate' || result !== false) {  // an unknown fused kind returns false before any check
    if (aliased) problem = 'an output sharing memory with another argument was accepted';
    else if (detachedArg) problem = 'a detached buffer was accepted';
  }
  buffers.forEach((b, q) => {
    if (problem) return;
    const now = new Uint8Array(b);
    const old = before[q];
    const allowed = threw === undefined ? outs.filter((o) => o.buffer === b) : [];
    for (let i = 0; i < now.length; i++) {
      if (now[i] === old[i]) continue;
      if (allowed.some((o) => i >= o.byteOffset && i < o.byteOffset + o.byteLength)) continue;
      problem = threw === undefined
        ? `byte ${i} of a ${now.length}-byte buffer changed outside the outputs`
        : `byte ${i} of a ${now.length}-byte buffer changed by a call that threw ${String(threw)}`;
      return;
    }
  });
  return { problem, threw, ms };
}
