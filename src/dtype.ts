/**
 * Data types: the four dtypes tapeflow supports, their typed-array storage, and TF's
 * no-silent-promotion rule. Adding a dtype means adding it to `DType`, `ArrayFor` and
 * `arrayConstructor`; every kernel family then needs a TS loop for it (the native addon reports which dtypes it runs).
 */

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

export function arrayConstructor(dtype: DType): ArrayCtor {
  switch (dtype) {
    case 'float32': return Float32Array;
    case 'float64': return Float64Array;
    case 'int32': return Int32Array;
    case 'bool': return Uint8Array;
  }
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/**
 * Arrays of 65 bytes to 16 KiB are views into shared 128 KiB slabs, as Node pools small
 * Buffers: an array with its own buffer costs V8 a backing store and its bookkeeping (0.5-2 µs
 * here, more than the op on it), a view about 50 ns. Regions are handed out once, so they start
 * zeroed. A slab lives while any view into it does. Up to 64 bytes V8 keeps the array on its
 * heap, which is cheaper still.
 */
const SLAB_BYTES = 1 << 17;
const SLAB_MAX_BYTES = 1 << 14;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function slabView(dtype: DType, size: number, bytes: number): TypedArray {
  const span = (bytes + 15) & ~15; // 16-byte aligned regions
  if (slabUsed + span > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += span;
  switch (dtype) {
    case 'float32': return new Float32Array(slab, at, size);
    case 'float64': return new Float64Array(slab, at, size);
    case 'int32': return new Int32Array(slab, at, size);
    case 'bool': return new Uint8Array(slab, at, size);
  }
}

/** Zero-filled storage. (One literal `new` per dtype keeps each allocation site monomorphic.) */
export function allocate(dtype: DType, size: number): TypedArray {
  const bytes = size * BYTES[dtype];
  if (bytes > 64 && bytes <= SLAB_MAX_BYTES) return slabView(dtype, size, bytes);
  if (bytes >= RECYCLE_MIN_BYTES) return recyclableArray(dtype, size, bytes, true);
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

const UNINITIALISED_MIN_BYTES = 1 << 16;

/**
 * Storage for a kernel output that the kernel overwrites completely. Large arrays skip the
 * zero fill (Node's unpooled uninitialised buffers): for big elementwise ops the memset and
 * its page faults cost as much as the op itself. Small ones stay on the V8 heap, where
 * allocation is cheapest.
 */
export function allocateOutput(dtype: DType, size: number): TypedArray {
  if (size < UNINITIALISED_MIN_BYTES / 8) return allocate(dtype, size);
  const bytes = size * BYTES[dtype];
  if (bytes < UNINITIALISED_MIN_BYTES) return allocate(dtype, size);
  return recyclableArray(dtype, size, bytes, false);
}

// ---------------------------------------------------------------------------------------------
// Recycled storage

/**
 * Arrays of 64 KiB and more are recycled. Each one made here has an owner count beside its
 * buffer: one per tensor holding it (views share arrays; `Tensor` keeps the count). Tensors
 * hold such arrays whole: one made on a part of one is counted by its own length, so the
 * buffer must first be taken out (`unrecycled`). A tensor
 * that is disposed (`tf.dispose`, the end of `tf.tidy`, and the scopes tapeflow opens itself
 * around a backward pass and a training step) gives its count back; at zero the buffer waits,
 * keyed by byte length, for the next array of that size. A training loop allocates the same
 * sizes every step, so its buffers come back warm in cache, with no page faults and no
 * garbage for V8 to find: every 64 MB or so of new off-heap buffers V8 starts a full
 * mark-compact. Tensors that are only dropped are garbage-collected as before. At most
 * `RECYCLE_LIMIT_BYTES` wait; past that a released buffer is left to the collector.
 */
export const RECYCLE_MIN_BYTES = UNINITIALISED_MIN_BYTES;
const RECYCLE_LIMIT_BYTES = 256 * 1024 * 1024;
const owners = new WeakMap<ArrayBuffer, number>();
const waiting = new Map<number, ArrayBuffer[]>();
let waitingBytes = 0;
let reused = 0;

function recyclableArray(dtype: DType, size: number, bytes: number, zeroed: boolean): TypedArray {
  const list = waiting.get(bytes);
  let buffer: ArrayBuffer;
  if (list !== undefined && list.length > 0) {
    buffer = list.pop()!;
    waitingBytes -= bytes;
    reused++;
    if (zeroed) new Uint8Array(buffer).fill(0);
  } else {
    buffer = zeroed ? new ArrayBuffer(bytes) : (Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
  }
  owners.set(buffer, 0);
  return new (arrayConstructor(dtype))(buffer, 0, size);
}

/** @internal A tensor took `values` as its storage (called for arrays of RECYCLE_MIN_BYTES and more). */
export function retainStorage(values: TypedArray): void {
  const buffer = values.buffer as ArrayBuffer;
  const n = owners.get(buffer);
  if (n !== undefined) owners.set(buffer, n + 1);
}

/** @internal A disposed tensor let go of `values`: the buffer is recycled when no tensor holds it. */
export function releaseStorage(values: TypedArray): void {
  const buffer = values.buffer as ArrayBuffer;
  const n = owners.get(buffer);
  if (n === undefined || n === 0) return;
  if (n > 1) {
    owners.set(buffer, n - 1);
    return;
  }
  park(buffer);
}

/** Puts a buffer no tensor holds in the waiting list of its size (or leaves it to the collector past the limit). */
function park(buffer: ArrayBuffer): void {
  owners.delete(buffer);
  const bytes = buffer.byteLength;
  if (waitingBytes + bytes > RECYCLE_LIMIT_BYTES) return;
  let list = waiting.get(bytes);
  if (list === undefined) waiting.set(bytes, (list = []));
  list.push(buffer);
  waitingBytes += bytes;
}

/**
 * @internal Takes `values` out of recycling. Needed before tensors are made on parts of it
 * (subarray views): the owner count is kept per buffer, and only whole arrays are counted.
 */
export function unrecycled<A extends TypedArray>(values: A): A {
  owners.delete(values.buffer as ArrayBuffer);
  return values;
}

/** @internal Recycles a scratch array that no tensor ever held (a fusion buffer, say), now unused. */
export function recycleScratch(values: TypedArray): void {
  if (owners.get(values.buffer as ArrayBuffer) === 0) park(values.buffer as ArrayBuffer);
}

/** @internal Bytes of released buffers waiting for reuse, and how many buffers were reused so far (tests, tf.memory()). */
export function recycling(): { waitingBytes: number; reused: number } {
  return { waitingBytes, reused };
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function dtypeOfArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Int32Array) return 'int32';
  return 'bool';
}

/** Rounds a JS number to what the dtype can hold (as storing it in the typed array would). */
export function roundTo(dtype: DType, x: number): number {
  switch (dtype) {
    case 'float32': return Math.fround(x);
    case 'float64': return x;
    case 'int32': return x | 0;
    case 'bool': return x ? 1 : 0;
  }
}
