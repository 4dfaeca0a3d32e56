/**
 * The one place that decides which backend runs a kernel. `TAPEFLOW_BACKEND=js|native`
 * chooses at start (default: native when the addon loads); `setBackend` changes it. Small
 * tensors stay in TS even on the native backend, below the size where a JS loop costs what the
 * N-API call does (`kernels`, `stridedKernels`).
 */
import type { Backend, BackendInfo } from './backend.js';
import { loadNative, loadRawBinding } from './native/load.js';
import { tsBackend } from './ts/index.js';

/**
 * Below this many output elements a TS loop beats the N-API call with a few typed arrays
 * (~0.3 µs; a TS loop costs 1-2 ns an element for relu-like ops, ~7 for exp).
 */
export const NATIVE_MIN_ELEMENTS = 64;
/**
 * The same for kernels that also pass shape and stride lists (binary, select, reduce, strided
 * copies, pad, concat): their call costs ~0.8 µs, which TS loops of add or sum match at about
 * 300 elements (measured on this machine, float32, contiguous).
 */
export const NATIVE_MIN_STRIDED_ELEMENTS = 384;
/**
 * The same for fused optimizer updates: the native call unpacks four or five arrays (about
 * 1.5 µs) and the TS float32 Adam loop costs about 12 ns an element.
 */
export const NATIVE_MIN_UPDATE_ELEMENTS = 256;

/**
 * Float products at least this large are deferred until read, so that an `add` reading one
 * runs product and sum in one pass (`mulAdd`) and never writes the product (ops/binary.ts).
 * Below it the product fits in cache and writing it costs little.
 */
export const DEFER_PRODUCT_MIN_ELEMENTS = 1 << 14;

/**
 * One-element tensors skip the Backend interface: their ops apply the TS backend's scalar
 * function for the op (resolved once per op) inline, which costs less than planning a loop
 * over shapes and strides. Same expression and rounding as the TS loops, on every backend.
 */
export { scalarBinary, scalarUnary } from './ts/index.js';

type Name = 'js' | 'native';

let native: Backend | null | undefined;
let nativeError: string | undefined;
let nativeSimd = 'none';
let nativeThreads = 1;
let active: Name = 'js';
let warned = false;

function ensureNative(): Backend | null {
  if (native !== undefined) return native;
  const loaded = loadNative();
  native = loaded.backend ?? null;
  nativeError = loaded.error;
  nativeSimd = loaded.simd;
  nativeThreads = loaded.threads;
  return native;
}

/** Environment settings the addon reads itself; a typo there would otherwise pass silently. */
function checkNativeEnvironment(): void {
  const simd = process.env.TAPEFLOW_SIMD;
  if (simd && !['avx512', 'avx2', 'neon', 'scalar'].includes(simd)) {
    process.stderr.write(`tapeflow: TAPEFLOW_SIMD=${simd} is not avx512, avx2, neon or scalar; using the best level this CPU has\n`);
  }
  const threads = process.env.TAPEFLOW_NUM_THREADS;
  if (threads && !(Number.isInteger(Number(threads)) && Number(threads) >= 1 && Number(threads) <= 1024)) {
    process.stderr.write(`tapeflow: TAPEFLOW_NUM_THREADS=${threads} is not a whole number from 1 to 1024; using one thread per core\n`);
  }
  const gemm = process.env.TAPEFLOW_GEMM;
  if (gemm) {
    const valid = (field: string): boolean => {
      const size = /^(kc|nc)=([0-9]+)$/.exec(field);
      return size ? Number(size[2]) >= 16 && Number(size[2]) <= 65536 : /^packA=(auto|always|never)$/.test(field);
    };
    const bad = gemm.split(',').filter((field) => !valid(field));
    if (bad.length > 0) {
      process.stderr.write(`tapeflow: TAPEFLOW_GEMM=${gemm}: ignoring ${bad.join(', ')} (expected kc=<16..65536>, nc=<16..65536>, packA=auto|always|never, comma-separated)\n`);
    }
  }
}

function initialBackend(): Name {
  checkNativeEnvironment();
  const env = process.env.TAPEFLOW_BACKEND;
  if (env === 'js') return 'js';
  if (env !== undefined && env !== '' && env !== 'native') {
    process.stderr.write(`tapeflow: TAPEFLOW_BACKEND=${env} is not 'js' or 'native'; using the default\n`);
  }
  if (ensureNative()) return 'native';
  if (!warned) {
    warned = true;
    process.stderr.write(`tapeflow: native addon not loaded (${nativeError}); using the TypeScript backend. Set TAPEFLOW_BACKEND=js to silence this.\n`);
  }
  return 'js';
}

active = initialBackend();
let current: Backend = active === 'native' ? (native as Backend) : tsBackend;

/** The backend for a kernel whose output (or work) has `size` elements. */
export function kernels(size: number): Backend {
  return size < NATIVE_MIN_ELEMENTS ? tsBackend : current;
}

/** The backend for a kernel that takes shape and stride lists (see NATIVE_MIN_STRIDED_ELEMENTS). */
export function stridedKernels(size: number): Backend {
  return size < NATIVE_MIN_STRIDED_ELEMENTS ? tsBackend : current;
}

/** The backend for a fused optimizer update of a variable with `size` elements. */
export function updateKernels(size: number): Backend {
  return size < NATIVE_MIN_UPDATE_ELEMENTS ? tsBackend : current;
}

/** The backend for kernels that must not switch on size (matmul). */
export function activeKernels(): Backend {
  return current;
}

export function getBackend(): Name {
  return active;
}

export function setBackend(name: Name): void {
  if (name === 'js') {
    active = 'js';
    current = tsBackend;
    return;
  }
  if (name !== 'native') throw new Error(`setBackend: unknown backend ${JSON.stringify(name)}; expected 'js' or 'native'`);
  const b = ensureNative();
  if (!b) throw new Error(`setBackend: the native backend is not available: ${nativeError}`);
  active = 'native';
  current = b;
}

export function backendInfo(): BackendInfo {
  ensureNative();
  // The level, thread count and GEMM plan can change after load (setSimdLevel, setNumThreads): ask the addon.
  const live = active === 'native' ? loadRawBinding().binding?.info() : undefined;
  return {
    backend: active,
    simd: active === 'native' ? ((live?.simd ?? nativeSimd) as BackendInfo['simd']) : 'none',
    threads: active === 'native' ? (live?.threads ?? nativeThreads) : 1,
    nativeAvailable: native !== null,
    ...(nativeError !== undefined ? { nativeError } : {}),
    ...(live !== undefined ? { cpu: live.cpu, gemm: live.gemm } : {}),
  };
}

export { tsBackend };
