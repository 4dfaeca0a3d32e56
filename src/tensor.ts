/**
 * The Tensor: an immutable n-d array (shape, dtype, typed-array values) with a unique id that
 * the tape uses to follow it. Its values may be made on first read (`Deferred`): a fused
 * product, or the array of a one-element result kept as a number. Op methods (`t.add(…)`,
 * `t.sum()`, …) are attached in `ops/methods.ts`, next to the ops themselves; conversion of
 * user values (numbers, nested arrays, typed arrays) lives here in `toTensor`. So do disposal
 * and memory scopes (`runScoped`, behind `tf.tidy`): a disposed tensor gives its storage back
 * for reuse (see "Recycled storage" in dtype.ts) and cannot be read again.
 */
import { allocate, dtypeOfArray, releaseStorage, retainStorage, roundTo, RECYCLE_MIN_BYTES, type DType, type TypedArray } from './dtype.js';
import { formatTensor } from './format.js';
import { fmt, sizeOf } from './shape.js';
import { checkDType, checkShape as validShape, show } from './validate.js';

let nextId = 1;

/**
 * @internal Work whose result is computed on the first read of a tensor's `values`: large
 * float products wait so that an `add` reading them can run both in one pass (ops/binary.ts),
 * and one-element results keep their value as a number (`BOXED`).
 */
export interface Deferred {
  compute(t: Tensor): TypedArray;
  /** Lets go of what the work holds, when its tensor is disposed before being read. */
  drop?(): void;
}

/**
 * One-element op results hold their value in `num` until something needs the array: scalar
 * graphs (losses, the seed loop) then chain ops on plain numbers, and a one-element typed array
 * costs more than the op itself.
 */
const BOXED: Deferred = {
  compute(t: Tensor): TypedArray {
    const out = allocate(t.dtype, 1);
    out[0] = t.num;
    return out;
  },
};

/** The state of a disposed tensor: reading it is an error, as in TF.js. */
const DISPOSED: Deferred = {
  compute(t: Tensor): TypedArray {
    throw new Error(`Tensor is disposed: a ${t.dtype} tensor of shape ${fmt(t.shape)} was read after tf.dispose() or after the tf.tidy() that made it ended (return it from the tidy, or tf.keep it)`);
  },
};

export type NestedArray = number | boolean | NestedArray[];
export type TensorLike = Tensor | number | boolean | NestedArray[] | TypedArray | Uint8ClampedArray | Int8Array | Int16Array | Uint16Array;

export class Tensor {
  /** Identity for the tape; a Variable keeps one id across assignments. */
  readonly id: number;
  readonly shape: number[];
  readonly dtype: DType;
  /** @internal Storage, row-major, never mutated after creation (except a Variable's); null while deferred. */
  private storage: TypedArray | null;
  /** @internal What computes `storage` on first read, or null once it exists. */
  deferred: Deferred | null;
  /** @internal True for trainable variables: tapes watch them when a recorded op reads them. */
  autoWatch = false;
  /** @internal The key of the first tape that followed this tensor (0: none), and its slot there. */
  slotOwner = 0;
  /** @internal */
  slot = -1;
  /** @internal The value of a one-element tensor whose array is not made yet (see `BOXED`). */
  num = 0;
  /** @internal Set by `tf.keep`: no memory scope disposes this tensor. */
  kept = false;
  /**
   * @internal The tape that recorded an op reading or making this tensor, and that tape's key
   * then: while the key is unchanged (the tape is not yet used up or reset) scopes leave the
   * tensor alone, since the backward pass may read it.
   */
  heldBy: { key: number } | null = null;
  /** @internal */
  heldKey = 0;

  /** @internal Use `tf.tensor(…)`. Takes ownership of `values` (null: computed by `deferred`). */
  constructor(values: TypedArray | null, shape: number[], dtype: DType, deferred: Deferred | null = null) {
    this.id = nextId++;
    this.storage = values;
    this.deferred = deferred;
    this.shape = shape;
    this.dtype = dtype;
    // Only large tensors are counted, and only they are scoped by tapeflow's own scopes.
    if (values !== null ? values.byteLength >= RECYCLE_MIN_BYTES : deferred !== BOXED) {
      if (values !== null) retainStorage(values);
      if (scope !== null) scope.push(this);
    } else if (scopeTakesAll) scope!.push(this);
  }

  /** @internal The storage, row-major; reading it runs deferred work. */
  get values(): TypedArray {
    const s = this.storage;
    return s !== null ? s : this.materialize();
  }

  /** @internal The first element; for a one-element op result, without making its array. */
  first(): number {
    const s = this.storage;
    return s !== null ? s[0] : this.deferred === BOXED ? this.num : this.values[0];
  }

  private materialize(): TypedArray {
    const s = this.deferred!.compute(this);
    this.deferred = null;
    if (s.byteLength >= RECYCLE_MIN_BYTES) retainStorage(s);
    return (this.storage = s);
  }

  /**
   * Frees the tensor (TF.js `t.dispose()`): its storage goes back for reuse once no other
   * tensor (a reshaped view, say) holds it, and reading it afterwards is an error. Disposing
   * twice does nothing.
   */
  dispose(): void {
    const d = this.deferred;
    if (d === DISPOSED) return;
    const s = this.storage;
    if (s !== null && s.byteLength >= RECYCLE_MIN_BYTES) releaseStorage(s);
    else if (d !== null && d.drop !== undefined) d.drop();
    this.storage = null;
    this.deferred = DISPOSED;
  }

  /** True once the tensor is disposed (TF.js `t.isDisposed`). */
  get isDisposed(): boolean {
    return this.deferred === DISPOSED;
  }

  /** @internal True for Variables, whose values change on assignment (so views must copy). */
  get mutable(): boolean {
    return false;
  }

  /** @internal The values for a new tensor that shares storage: copied when this one can change. */
  shareableValues(): TypedArray {
    return this.mutable ? this.values.slice() : this.values;
  }

  get size(): number {
    const s = this.storage;
    return s !== null ? s.length : sizeOf(this.shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A copy of the values, row-major, as a typed array of the dtype. */
  dataSync(): TypedArray {
    return this.values.slice();
  }

  /** Promise form of `dataSync`, for code written against TF.js. */
  async data(): Promise<TypedArray> {
    return this.dataSync();
  }

  /** The values as nested JS arrays (numbers, or booleans for `bool`); a scalar as a number. */
  arraySync(): NestedArray {
    const { values, shape } = this;
    const asValue = this.dtype === 'bool' ? (i: number) => values[i] !== 0 : (i: number) => values[i];
    if (shape.length === 0) return asValue(0);
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = shape[dim];
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === shape.length - 1 ? asValue(offset + i) : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, sizeOf(shape));
  }

  /** The value as a number (scalars) or nested arrays, for code written against TF's `.numpy()`. */
  numpy(): NestedArray {
    return this.arraySync();
  }

  async array(): Promise<NestedArray> {
    return this.arraySync();
  }

  /** The single value of a one-element tensor as a JS number (booleans as 0/1 are returned as boolean). */
  item(): number {
    if (this.size !== 1) {
      throw new Error(`item: tensor must have exactly one element, got shape ${fmt(this.shape)}`);
    }
    return this.first();
  }

  toString(): string {
    return formatTensor(this.values, this.shape, this.dtype);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

// ---------------------------------------------------------------------------------------------
// Memory scopes

/** The tensors made while the innermost scope runs (null: no scope). */
let scope: Tensor[] | null = null;
/** Whether the innermost scope takes small tensors too (a user's `tidy`), or large ones only. */
let scopeTakesAll = false;

/**
 * Runs `fn` in a memory scope: when it returns, the tensors made inside are disposed except
 * the ones in its result (a tensor, or arrays and plain objects of them), variables, tensors
 * passed to `keepTensor`, and tensors a live tape still needs for its backward pass; those pass
 * to the enclosing scope. When `fn` throws, nothing is disposed. `all` (TF.js `tidy`) takes
 * every tensor; tapeflow's own scopes (a backward pass, a training step) take only those of
 * RECYCLE_MIN_BYTES and more, whose storage is worth reusing.
 */
export function runScoped<T>(fn: () => T, all = false): T {
  const outer = scope, outerAll = scopeTakesAll;
  const mine: Tensor[] = [];
  scope = mine;
  scopeTakesAll = all;
  let result: T;
  try {
    result = fn();
  } finally {
    scope = outer;
    scopeTakesAll = outerAll;
  }
  if (mine.length > 0) endScope(mine, outer, result);
  return result;
}

function endScope(made: Tensor[], outer: Tensor[] | null, result: unknown): void {
  const returned = new Set<Tensor>();
  collectTensors(result, returned, 0);
  for (let i = 0; i < made.length; i++) {
    const t = made[i];
    const held = t.heldBy !== null && t.heldBy.key === t.heldKey;
    if (returned.has(t) || t.kept || t.mutable || held) {
      if (outer !== null) outer.push(t);
    } else t.dispose();
  }
}

function collectTensors(x: unknown, out: Set<Tensor>, depth: number): void {
  if (x instanceof Tensor) out.add(x);
  else if (depth > 8 || x === null || typeof x !== 'object') return;
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, out, depth + 1);
  else if (x instanceof Map) for (const v of x.values()) collectTensors(v, out, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collectTensors(v, out, depth + 1);
}

/** TF.js `tf.keep`: no scope will dispose `t`. */
export function keepTensor<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Disposes every tensor in `x` (a tensor, or arrays and plain objects of them: TF.js `tf.dispose`). */
export function disposeTensors(x: unknown): void {
  const found = new Set<Tensor>();
  collectTensors(x, found, 0);
  for (const t of found) t.dispose();
}

// ---------------------------------------------------------------------------------------------
// Conversion of user values

function inferShape(values: unknown, op: string, arg: string): number[] {
  const shape: number[] = [];
  let v = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

function flatten(values: unknown, shape: number[], dim: number, out: number[], op: string, arg: string, path: string): void {
  if (dim === shape.length) {
    if (Array.isArray(values)) throw new Error(`${op}: ${arg} is ragged: ${path} is an array where a number was expected (shape ${fmt(shape)})`);
    if (typeof values === 'boolean') out.push(values ? 1 : 0);
    else if (typeof values === 'number') out.push(values);
    else throw new TypeError(`${op}: ${arg} must contain only numbers or booleans, got ${typeof values} ${show(values)} at ${path}`);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    const got = Array.isArray(values) ? `length ${values.length}` : typeof values;
    throw new Error(`${op}: ${arg} is ragged: ${path} has ${got}, expected length ${shape[dim]} (shape ${fmt(shape)})`);
  }
  for (let i = 0; i < values.length; i++) flatten(values[i], shape, dim + 1, out, op, arg, `${path}[${i}]`);
}

function firstLeaf(values: unknown): unknown {
  let v = values;
  while (Array.isArray(v) && v.length > 0) v = v[0];
  return v;
}

/**
 * Builds a tensor from user data. `dtype` forces the dtype (values are converted); otherwise
 * Float32Array and Float64Array keep theirs, the small integer arrays (Int32Array, Uint8Array —
 * pixel data —, Uint8ClampedArray, Int8Array, Int16Array, Uint16Array) give int32 as in TF.js,
 * booleans give `bool` and numbers `float32`. Bool comes only from booleans or `dtype: 'bool'`.
 */
export function makeTensor(values: unknown, shape: number[] | undefined, dtype: DType | undefined, op = 'tensor', arg = 'values'): Tensor {
  if (dtype !== undefined) dtype = checkDType(dtype, op);
  if (values instanceof Tensor) {
    const d = dtype ?? values.dtype;
    const out = allocate(d, values.size);
    for (let i = 0; i < out.length; i++) out[i] = values.values[i];
    return reshapeChecked(new Tensor(out, values.shape.slice(), d), shape, op);
  }
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const arr = values as unknown as TypedArray;
    const smallInt = arr instanceof Uint8Array || values instanceof Uint8ClampedArray || values instanceof Int8Array ||
      values instanceof Int16Array || values instanceof Uint16Array;
    if (!(arr instanceof Float32Array || arr instanceof Float64Array || arr instanceof Int32Array || smallInt)) {
      throw new TypeError(`${op}: ${arg}: unsupported typed array ${values.constructor.name}; use Float32Array, Float64Array, Int32Array, Uint8Array, Int8Array, Int16Array or Uint16Array`);
    }
    const d = dtype ?? (smallInt ? 'int32' : dtypeOfArray(arr));
    const out = allocate(d, arr.length);
    if (d === 'bool') for (let i = 0; i < arr.length; i++) out[i] = arr[i] ? 1 : 0;
    else out.set(arr);
    return new Tensor(out, checkShape(shape ?? [arr.length], arr.length, op), d);
  }
  if (typeof values === 'number' || typeof values === 'boolean') {
    const d = dtype ?? (typeof values === 'boolean' ? 'bool' : 'float32');
    const out = allocate(d, 1);
    if (d === 'int32') checkIntegral([Number(values)], op, arg);
    out[0] = d === 'bool' ? (values ? 1 : 0) : Number(values);
    if (shape !== undefined && sizeOf(validShape(shape, op, 'bool')) !== 1) {
      // tf.fill-like broadcasting of a scalar is not what tf.tensor does; TF errors.
      throw new Error(`${op}: a single value cannot fill shape ${fmt(shape)}; use tf.fill`);
    }
    return new Tensor(out, shape ? shape.slice() : [], d);
  }
  if (Array.isArray(values)) {
    const inferred = inferShape(values, op, arg);
    const flat: number[] = [];
    flatten(values, inferred, 0, flat, op, arg, arg);
    const leaf = firstLeaf(values);
    const d = dtype ?? (typeof leaf === 'boolean' ? 'bool' : 'float32');
    const out = allocate(d, flat.length);
    if (d === 'bool') for (let i = 0; i < flat.length; i++) out[i] = flat[i] ? 1 : 0;
    else {
      if (d === 'int32') checkIntegral(flat, op, arg);
      out.set(flat);
    }
    return new Tensor(out, checkShape(shape ?? inferred, flat.length, op), d);
  }
  throw new TypeError(`${op}: ${arg} must be a tensor, number, boolean, nested array or typed array, got ${show(values)}`);
}

/** TF refuses to truncate non-integral Python numbers into an int tensor; so do we. */
function checkIntegral(values: number[], op: string, arg: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i])) {
      throw new TypeError(`${op}: ${arg} has the non-integer value ${values[i]} at flat index ${i} and cannot be int32; use tf.cast to truncate`);
    }
  }
}

function checkShape(shape: number[], size: number, op: string): number[] {
  shape = validShape(shape, op, 'bool');
  if (sizeOf(shape) !== size) throw new Error(`${op}: ${size} values cannot have shape ${fmt(shape)} (size ${sizeOf(shape)})`);
  return shape.slice();
}

function reshapeChecked(t: Tensor, shape: number[] | undefined, op: string): Tensor {
  if (shape === undefined) return t;
  return new Tensor(t.values, checkShape(shape, t.size, op), t.dtype);
}

/**
 * Converts an op argument. Tensors pass through; anything else becomes a tensor of `dtype`
 * when given (the other operand's dtype, TF's rule for Python numbers), else by inference.
 */
export function toTensor(x: TensorLike, op: string, arg: string, dtype?: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' && dtype !== undefined) {
    // TF: a Python float does not silently truncate into an int tensor (TypeError there too).
    if (dtype === 'int32' && !Number.isInteger(x)) {
      throw new TypeError(`${op}: ${arg} = ${x} is not an integer and cannot take the other operand's dtype int32; cast explicitly`);
    }
    return scalarConstant(x, dtype);
  }
  return makeTensor(x, undefined, dtype, op, arg);
}

const CONSTANT_CACHE_LIMIT = 1024;
const constants: Record<DType, Map<number, Tensor>> = { float32: new Map(), float64: new Map(), int32: new Map(), bool: new Map() };

/**
 * The scalar tensor for a plain number operand (`w.mul(10)`). Tensors are immutable, so one
 * per (value, dtype) is shared: in small graphs these allocations are a good part of an op's
 * cost. A constant is never a tape source, so sharing its id is harmless. (-0 is not cached:
 * Map keys do not tell it from 0.)
 */
function scalarConstant(x: number, dtype: DType): Tensor {
  const cache = constants[dtype];
  let t = cache.get(x);
  if (t === undefined) {
    const out = allocate(dtype, 1);
    out[0] = x;
    t = new Tensor(out, [], dtype);
    t.kept = true; // shared by every op given x: no tidy may dispose it
    if (x === 0 && 1 / x < 0) return t;
    if (cache.size >= CONSTANT_CACHE_LIMIT) cache.clear();
    cache.set(x, t);
  }
  return t;
}

/**
 * @internal A one-element tensor holding `x` as stored in `dtype` (rounded or wrapped as its
 * typed array would), its array made only when read.
 */
export function oneElementTensor(x: number, shape: number[], dtype: DType): Tensor {
  const t = new Tensor(null, shape, dtype, BOXED);
  t.num = roundTo(dtype, x);
  return t;
}

/** Converts two operands of a binary op under TF's dtype rule (no silent promotion). */
export function toTensorPair(a: TensorLike, b: TensorLike, op: string, argA = 'a', argB = 'b'): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? a : undefined;
  const tb = b instanceof Tensor ? b : undefined;
  const x = ta ?? toTensor(a, op, argA, tb && !isBoolLike(a) ? tb.dtype : undefined);
  const y = tb ?? toTensor(b, op, argB, !isBoolLike(b) ? x.dtype : undefined);
  if (x.dtype !== y.dtype) {
    throw new TypeError(`${op}: dtypes differ: ${argA} is ${x.dtype} ${fmt(x.shape)}, ${argB} is ${y.dtype} ${fmt(y.shape)}; cast one with tf.cast`);
  }
  return [x, y];
}

function isBoolLike(x: unknown): boolean {
  return typeof x === 'boolean' || (Array.isArray(x) && typeof firstLeaf(x) === 'boolean');
}
