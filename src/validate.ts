/**
 * The one argument validator of the public API. Every op checks what the user passed through
 * these helpers, at its public entry and before any backend is chosen, so that both backends
 * (and both sides of every size threshold) accept exactly the same arguments, and every error
 * reads `op: what is wrong: value`, naming the op the user called.
 *
 * The checks themselves are a few `typeof` tests on the hot path; formatting a value (`show`)
 * happens only when throwing.
 */
import type { DType } from './dtype.js';

const DTYPE_NAMES = 'float32, float64, int32, bool';
const BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/**
 * A user value as text for an error message, whatever it is: Symbols, BigInts, cyclic or
 * huge objects, functions and proxies never make the formatting itself throw.
 */
export function show(value: unknown, depth = 0): string {
  try {
    switch (typeof value) {
      case 'string': return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
      case 'number': return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint': return `${value.toString()}n`;
      case 'symbol': return value.toString();
      case 'undefined': return 'undefined';
      case 'boolean': return String(value);
      case 'function': return `function ${value.name || '(anonymous)'}`;
    }
    if (value === null) return 'null';
    if (Array.isArray(value)) {
      if (depth > 2) return '[…]';
      const items = value.slice(0, 8).map((v) => show(v, depth + 1));
      if (value.length > 8) items.push(`… ${value.length - 8} more`);
      return `[${items.join(',')}]`;
    }
    if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`;
    const o = value as object;
    const ctor = Object.getPrototypeOf(o)?.constructor?.name;
    if (ctor === 'Tensor' || ctor === 'Variable') {
      const t = o as { shape: number[]; dtype: string };
      return `${ctor} ${t.dtype} [${t.shape.join(',')}]`;
    }
    if (depth > 1) return '{…}';
    const keys = Reflect.ownKeys(o).slice(0, 8);
    const body = keys.map((k) => `${typeof k === 'symbol' ? `[${k.toString()}]` : k}: ${show((o as Record<PropertyKey, unknown>)[k], depth + 1)}`);
    return `${ctor && ctor !== 'Object' ? `${ctor} ` : ''}{${body.join(', ')}}`;
  } catch {
    return `a value that cannot be shown (${typeof value})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** Any JS number, NaN and infinities included. */
export function checkNumber(value: unknown, op: string, arg: string): number {
  if (typeof value === 'number') return value;
  throw new TypeError(`${op}: ${arg} must be a number, got ${show(value)}`);
}

export function checkFinite(value: unknown, op: string, arg: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new (typeof value === 'number' ? RangeError : TypeError)(`${op}: ${arg} must be a finite number, got ${show(value)}`);
}

/** An integer (a safe one), e.g. an axis or a count; `min` bounds it below. */
export function checkInteger(value: unknown, op: string, arg: string, min = -Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
  const what = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : 'an integer';
  throw new (typeof value === 'number' ? RangeError : TypeError)(`${op}: ${arg} must be ${what}, got ${show(value)}`);
}

export function checkBoolean(value: unknown, op: string, arg: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new TypeError(`${op}: ${arg} must be a boolean, got ${show(value)}`);
}

/** A `keepDims` argument: undefined or null mean false. */
export function checkKeepDims(value: unknown, op: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  throw new TypeError(`${op}: keepDims must be a boolean, got ${show(value)}`);
}

/** A tensor argument that must hold floats (ops whose maths is only defined on them). */
export function requireFloat<T extends { dtype: DType; shape: number[] }>(t: T, op: string, arg: string): T {
  if (t.dtype === 'float32' || t.dtype === 'float64') return t;
  throw new TypeError(`${op}: ${arg} must be float32 or float64, got ${t.dtype} [${t.shape.join(',')}]`);
}

/** One of the four dtypes. */
export function checkDType(value: unknown, op: string, arg = 'dtype'): DType {
  if (value === 'float32' || value === 'float64' || value === 'int32' || value === 'bool') return value;
  throw new TypeError(`${op}: ${arg}: unknown dtype ${show(value)}; expected one of ${DTYPE_NAMES}`);
}

/** A number or boolean used as a fill value. */
export function checkScalarValue(value: unknown, op: string, arg: string): number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  throw new TypeError(`${op}: ${arg} must be a number or boolean, got ${show(value)}`);
}

// ---------------------------------------------------------------------------------------------
// Shapes and sizes

/**
 * The largest storage one tensor may have: what a single ArrayBuffer (and Node's Buffer, which
 * large outputs use) can hold, 4 GiB on Node 20.
 */
export const MAX_BYTES = 4294967296;

/** How many elements of `dtype` fit in MAX_BYTES. */
export function maxElements(dtype: DType): number {
  return MAX_BYTES / BYTES[dtype];
}

function showShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

function showCount(n: number): string {
  return n < 1e9 ? String(n) : n.toExponential(2).replace('e+', 'e').replace(/\.?0+e/, 'e');
}

/** Throws the RangeError for a shape whose size is too large to allocate. */
export function tooLarge(op: string, shape: readonly number[], size: number, dtype: DType): never {
  throw new RangeError(`${op}: shape ${showShape(shape)} has ${showCount(size)} elements, more than the ${maxElements(dtype)} ${dtype} elements that can be allocated`);
}

/**
 * The highest rank a tensor may have, the same on both backends: the native kernels take at
 * most 64 dimensions, and `tile` views a tensor of rank r as one of rank 2r.
 */
export const MAX_RANK = 32;

export function checkRank(shape: readonly number[], op: string): void {
  if (shape.length > MAX_RANK) {
    throw new RangeError(`${op}: shape ${showShape(shape.slice(0, MAX_RANK + 1))}${shape.length > MAX_RANK + 1 ? '…' : ''} has rank ${shape.length}, more than the ${MAX_RANK} supported`);
  }
}

/**
 * The size of an (already validated) shape, or a RangeError naming the op and the shape if it
 * is too large to allocate (or of too high a rank).
 */
export function checkSize(shape: readonly number[], op: string, dtype: DType): number {
  if (shape.length > MAX_RANK) checkRank(shape, op);
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  if (n > MAX_BYTES / BYTES[dtype]) tooLarge(op, shape, n, dtype);
  return n;
}

/**
 * A shape argument: an array of non-negative safe integers whose product can be allocated.
 * Returns a copy (the user's array may change later).
 */
export function checkShape(shape: unknown, op: string, dtype: DType, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: ${arg} must be an array of non-negative integers, got ${show(shape)}`);
  if (shape.length > MAX_RANK) throw new RangeError(`${op}: ${arg} has ${shape.length} dimensions, more than the ${MAX_RANK} supported: ${show(shape)}`);
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new (typeof d === 'number' ? RangeError : TypeError)(
        `${op}: ${arg} must be an array of non-negative integers, got ${show(shape)} (${arg}[${i}] = ${show(d)})`);
    }
    out[i] = d;
  }
  checkSize(out, op, dtype);
  return out;
}

/** An array of integers (any sign): begin/size lists, perms, reps, axes lists. */
export function checkIntegerList(list: unknown, op: string, arg: string): number[] {
  if (!Array.isArray(list)) throw new TypeError(`${op}: ${arg} must be an array of integers, got ${show(list)}`);
  if (list.length > 1024) throw new RangeError(`${op}: ${arg} has ${list.length} entries, too many: ${show(list)}`);
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) {
      throw new (typeof d === 'number' ? RangeError : TypeError)(`${op}: ${arg} must be an array of integers, got ${show(list)} (${arg}[${i}] = ${show(d)})`);
    }
  }
  return list.slice();
}

// ---------------------------------------------------------------------------------------------
// Options objects

/** What an option may hold: a primitive kind, or a list of allowed strings. */
/** `'any'`: the key is allowed and the caller checks its value itself. */
export type OptionKind = 'any' | 'boolean' | 'number' | 'finite' | 'integer' | 'nonNegativeInteger' | 'dtype' | 'string' | readonly string[];
export type OptionSpec = Readonly<Record<string, OptionKind>>;

function checkOption(kind: OptionKind, value: unknown, op: string, arg: string): void {
  if (typeof kind !== 'string') {
    if (typeof value !== 'string' || !kind.includes(value)) {
      throw new (typeof value === 'string' ? RangeError : TypeError)(`${op}: ${arg} must be one of ${kind.map((k) => `'${k}'`).join(', ')}, got ${show(value)}`);
    }
    return;
  }
  switch (kind) {
    case 'any': return;
    case 'boolean': checkBoolean(value, op, arg); return;
    case 'number': checkNumber(value, op, arg); return;
    case 'finite': checkFinite(value, op, arg); return;
    case 'integer': checkInteger(value, op, arg); return;
    case 'nonNegativeInteger': checkInteger(value, op, arg, 0); return;
    case 'dtype': checkDType(value, op, arg); return;
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`${op}: ${arg} must be a string, got ${show(value)}`);
  }
}

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/**
 * An options object: null or undefined mean defaults (an empty object is returned); anything
 * else must be a plain object whose keys are all in `spec` and whose values have the declared
 * kind (an undefined value means the default). Returns the object itself, so ops read their
 * options from it as before.
 */
export function checkOptions<T extends object>(options: T | null | undefined, spec: OptionSpec, op: string): Partial<T> {
  if (options === undefined || options === null) return EMPTY as Partial<T>;
  if (typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new TypeError(`${op}: options must be an object, got ${show(options)}`);
  }
  const proto = Object.getPrototypeOf(options);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`${op}: options must be a plain object, got ${show(options)}`);
  }
  for (const key in options) {
    const kind = spec[key];
    if (kind === undefined || !Object.prototype.hasOwnProperty.call(spec, key)) {
      throw new TypeError(`${op}: unknown option ${show(key)}; expected ${Object.keys(spec).join(', ') || 'no options'}`);
    }
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) checkOption(kind, value, op, `options.${key}`);
  }
  return options;
}
