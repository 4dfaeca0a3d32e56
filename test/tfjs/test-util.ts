/**
 * Stand-in for tfjs-core's test_util, with its documented semantics: arrays (nested, typed or
 * plain) are flattened and compared element by element; `expectArraysClose` allows 1e-3 (the
 * float32 test epsilon of TF.js's CPU backend) unless given another, and counts two
 * non-finite values as close; booleans compare as 0/1.
 */
import { Tensor } from '../../src/index.js';
import { ExpectationFailed } from './jasmine.js';

export const TEST_EPSILON_FLOAT32 = 1e-3;
export const TEST_EPSILON_FLOAT16 = 1e-1;

export function testEpsilon(): number {
  return TEST_EPSILON_FLOAT32;
}

type Values = number | boolean | string | ArrayLike<unknown> | unknown[] | Tensor;

function flatten(x: Values): unknown[] {
  if (x instanceof Tensor) return Array.from(x.dataSync() as ArrayLike<number>);
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return x.flatMap((v) => (Array.isArray(v) || ArrayBuffer.isView(v) ? flatten(v as Values) : [v]));
  return [x];
}

function predicate(actual: Values, expected: Values, close: (a: unknown, b: unknown) => boolean, what: string): void {
  const a = flatten(actual), e = flatten(expected);
  if (a.length !== e.length) {
    throw new ExpectationFailed(`Arrays have different lengths actual: ${a.length} vs expected: ${e.length}.\nActual: ${a.slice(0, 20)}\nExpected: ${e.slice(0, 20)}`);
  }
  for (let i = 0; i < e.length; i++) {
    if (!close(a[i], e[i])) throw new ExpectationFailed(`Arrays differ (${what}): actual[${i}] = ${String(a[i])}, expected[${i}] = ${String(e[i])}.\nActual: ${a.slice(0, 20)}\nExpected: ${e.slice(0, 20)}`);
  }
}

const num = (x: unknown) => (typeof x === 'boolean' ? (x ? 1 : 0) : (x as number));

/** tfjs-core's areClose: any two non-finite values count as close (NaN and Infinity included). */
export function areClose(a: number, e: number, epsilon: number): boolean {
  if (!Number.isFinite(a) && !Number.isFinite(e)) return true;
  return !(Number.isNaN(a) || Number.isNaN(e) || Math.abs(a - e) > epsilon);
}

export function expectArraysClose(actual: Values, expected: Values, epsilon?: number): void {
  const eps = epsilon ?? testEpsilon();
  predicate(actual, expected, (a, e) => areClose(num(a), num(e), eps), `epsilon ${eps}`);
}

export function expectArraysEqual(actual: Values, expected: Values): void {
  predicate(actual, expected, (a, e) => (typeof a === 'string' || typeof e === 'string' ? a === e : areClose(num(a), num(e), 0)), 'exact');
}

export function expectNumbersClose(a: number, e: number, epsilon?: number): void {
  if (!areClose(a, e, epsilon ?? testEpsilon())) throw new ExpectationFailed(`Numbers differ: actual ${a}, expected ${e}`);
}

export function expectValuesInRange(actual: Values, low: number, high: number): void {
  for (const v of flatten(actual)) {
    if ((v as number) < low || (v as number) > high) throw new ExpectationFailed(`Value out of range: ${String(v)} not in [${low}, ${high}]`);
  }
}

export async function expectPromiseToFail(fn: () => Promise<unknown>, done: { (): void; fail(e?: unknown): void }): Promise<void> {
  try {
    await fn();
    done.fail();
  } catch {
    done();
  }
}

export function expectArrayBuffersEqual(a: ArrayBuffer, b: ArrayBuffer): void {
  expectArraysEqual(new Uint8Array(a), new Uint8Array(b));
}

export function encodeStrings(a: unknown[]): unknown[] {
  return a.map((s) => (typeof s === 'string' ? new TextEncoder().encode(s) : Array.isArray(s) ? encodeStrings(s) : s));
}

export function createVideoElement(): never {
  throw new Error('createVideoElement: no DOM in Node');
}
