/**
 * Argument validation through the public API (issue 10, "Through the public API"): every op
 * checks its arguments and options in TS, before a backend is chosen, so an error names the op
 * the user called, the argument and the value, and never leaks an engine message. Each case
 * runs on both backends and on both sides of the size thresholds (a few elements and more
 * than 1000), and must give the same error there. A seeded random-call fuzz then checks the
 * same properties over thousands of calls with odd argument kinds.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { rng } from './support/random.js';
import { onBackend as on } from './support/backends.js';

const NATIVE = tf.backendInfo().nativeAvailable;
const BACKENDS: ('js' | 'native')[] = NATIVE ? ['js', 'native'] : ['js'];

/** Runs `fn` and reads every result (so deferred work runs too); returns the error, if any. */
function outcome(fn: () => unknown): { error: Error | null; value: unknown } {
  try {
    const r = fn();
    return { error: null, value: read(r) };
  } catch (e) {
    return { error: e as Error, value: undefined };
  }
}

function read(r: unknown): unknown {
  if (r instanceof tf.Tensor) return { shape: r.shape, dtype: r.dtype, values: Array.from(r.dataSync()) };
  if (Array.isArray(r)) return r.map(read);
  return r;
}

type ErrorClass = typeof TypeError | typeof RangeError | typeof Error;
/** [title, call on a float32 tensor x of `n` elements (shape [n] or [2, n/2]), class, message]. */
type Case = [string, (x: tf.Tensor, m: tf.Tensor) => unknown, ErrorClass, RegExp];

const S = Symbol('s');

const CASES: Case[] = [
  // composites name the public op
  ['squaredDifference names itself', (x) => tf.squaredDifference(x, tf.ones([3, 7])), Error, /^squaredDifference: shapes cannot be broadcast together: \[\d+\] and \[3,7\]$/],
  ['squaredDifference bool', () => tf.squaredDifference(tf.tensor([true]), tf.tensor([false])), TypeError, /^squaredDifference: bool/],
  ['clipByValue names itself (shape)', (x) => tf.clipByValue(x, tf.ones([3, 7]), 1), Error, /^clipByValue: shapes cannot be broadcast together/],
  ['clipByValue names itself (dtype)', (x) => tf.clipByValue(x, tf.ones([1], 'float64'), 1), TypeError, /^clipByValue: dtypes differ: x is float32 \[\d+\], clipValueMin is float64 \[1\]/],
  ['clipByValue Symbol bound', (x) => tf.clipByValue(x, S as never, 1), TypeError, /^clipByValue: clipValueMin must be .* got Symbol\(s\)$/],
  ['zeros names itself', () => tf.zeros([2], 'x' as never), TypeError, /^zeros: dtype: unknown dtype "x"; expected one of float32, float64, int32, bool$/],
  ['ones names itself', () => tf.ones([2, -1]), RangeError, /^ones: shape must be an array of non-negative integers, got \[2,-1\] \(shape\[1\] = -1\)$/],
  ['softmax of int32 names softmax', () => tf.softmax(tf.ones([1200], 'int32')), TypeError, /^softmax: x must be float32 or float64, got int32 \[1200\]$/],
  ['logSumExp of int32 names logSumExp', () => tf.logSumExp(tf.ones([3], 'int32')), TypeError, /^logSumExp: x must be float32/],
  ['stack dtypes name stack', (x) => tf.stack([x, tf.ones(x.shape, 'int32')]), TypeError, /^stack: dtypes differ: tensors\[0\] is float32, tensors\[1\] is int32$/],
  // engine messages do not leak
  ['matmul null options are defaults', (_x, m) => { tf.matmul(m, m, null); throw new Error('matmul: ok'); }, Error, /^matmul: ok$/],
  ['matmul options not an object', (_x, m) => tf.matmul(m, m, 5 as never), TypeError, /^matmul: options must be an object, got 5$/],
  ['Symbol in a shape', () => tf.zeros([2, S] as never), TypeError, /^zeros: shape must be an array of non-negative integers, got \[2,Symbol\(s\)\] \(shape\[1\] = Symbol\(s\)\)$/],
  ['BigInt dtype', () => tf.cast(tf.ones([2]), 10n as never), TypeError, /^cast: dtype: unknown dtype 10n/],
  ['BigInt value', (x) => tf.add(x, 10n as never), TypeError, /^add: b must be a tensor, number, boolean, nested array or typed array, got 10n$/],
  ['Symbol axis', (x) => tf.sum(x, S as never), TypeError, /^sum: axis must be an integer or an array of integers, got Symbol\(s\)$/],
  ['slice begin not a list', (x) => tf.slice(x, {} as never), TypeError, /^slice: begin must be an array of integers, got \{\}$/],
  ['slice fractional size', (x) => tf.slice(x, [0], [1.5]), RangeError, /^slice: size must be an array of integers, got \[1\.5\] \(size\[0\] = 1\.5\)$/],
  ['reshape Symbol', (x) => tf.reshape(x, [S] as never), TypeError, /^reshape: shape must be an array of integers, got \[Symbol\(s\)\]/],
  ['split non-list', (x) => tf.split(x, 'two' as never), TypeError, /^split: numOrSizes must be an array of integers, got "two"$/],
  ['tile BigInt reps', (x) => tf.tile(x, [2n] as never), Error, /^tile: reps must be 1 non-negative integers .* got \[2n\]$/],
  ['pad Symbol value', (x) => tf.pad(x, [[1, 1]], S as never), TypeError, /^pad: constantValue must be a number, got Symbol\(s\)$/],
  // sizes too large to allocate
  ['zeros too large', () => tf.zeros([1e6, 1e6]), RangeError, /^zeros: shape \[1000000,1000000\] has 1e12 elements, more than the 1073741824 float32 elements that can be allocated$/],
  ['broadcast too large', () => tf.add(tf.ones([100000, 1]), tf.ones([1, 100000])), RangeError, /^add: shape \[100000,100000\] has 1e10 elements, more than/],
  ['tile too large', (x) => tf.tile(x, [2 ** 40]), RangeError, /^tile: shape \[\d+\] has [\d.]+e1\d elements/],
  ['random too large', () => tf.random.normal([2 ** 31]), RangeError, /^random\.normal: shape \[2147483648\] has 2\.15e9 elements/],
  ['range too large', () => tf.range(0, 1e21), RangeError, /^range: shape \[1e\+21\] has 1e21 elements/],
  ['oneHot too large', () => tf.oneHot([1, 2], 2 ** 40), RangeError, /^oneHot: shape \[2,1099511627776\] has 2\.2e12 elements/],
  ['fractional shape', (x) => tf.broadcastTo(x, [2, 2.22, 3.33]), RangeError, /^broadcastTo: shape must be an array of non-negative integers, got \[2,2\.22,3\.33\] \(shape\[1\] = 2\.22\)$/],
  ['unsafe-integer shape', () => tf.zeros([2 ** 60]), RangeError, /^zeros: shape must be an array of non-negative integers, got \[1152921504606847000\]/],
  ['rank too high', () => tf.zeros(new Array(40).fill(1)), RangeError, /^zeros: shape has 40 dimensions, more than the 32 supported/],
  // options objects
  ['unknown option', (_x, m) => tf.matmul(m, m, { transpose: true } as never), TypeError, /^matmul: unknown option "transpose"; expected transposeA, transposeB$/],
  ['transposeA: 1', (_x, m) => tf.matmul(m, m, { transposeA: 1 } as never), TypeError, /^matmul: options\.transposeA must be a boolean, got 1$/],
  ['fromLogits: yes', (x) => tf.losses.binaryCrossentropy(x, x, { fromLogits: 'yes' } as never), TypeError, /^binaryCrossentropy: options\.fromLogits must be a boolean, got "yes"$/],
  ['unknown loss option', (x) => tf.losses.meanSquaredError(x, x, { fromLogits: true } as never), TypeError, /^meanSquaredError: unknown option "fromLogits"; expected reduction$/],
  ['bad reduction', (x) => tf.losses.categoricalCrossentropy(x, x, { reduction: 'avg' } as never), RangeError, /^categoricalCrossentropy: options\.reduction must be one of 'sum_over_batch_size', 'mean', 'sum', 'none', got "avg"$/],
  ['random options a number', () => tf.random.normal([2], 5 as never), TypeError, /^random\.normal: options must be an object, got 5$/],
  ['random bad seed', () => tf.random.uniform([2], { seed: 'x' } as never), TypeError, /^random\.uniform: options\.seed must be an integer, got "x"$/],
  ['random unknown key', () => tf.random.uniform([2], { min: 0 } as never), TypeError, /^random\.uniform: unknown option "min"; expected minval, maxval, seed, dtype$/],
  ['Variable unknown key', () => new tf.Variable(1, { trainble: false } as never), TypeError, /^Variable: unknown option "trainble"; expected name, trainable, dtype$/],
  ['leakyRelu string alpha', (x) => tf.leakyRelu(x, '0.5' as never), TypeError, /^leakyRelu: alpha must be a number, got "0\.5"$/],
  ['leakyRelu method string alpha', (x) => x.leakyRelu('0.5' as never), TypeError, /^leakyRelu: alpha must be a number, got "0\.5"$/],
  ['oneHot float16', () => tf.oneHot([0, 1], 3, 1, 0, 'float16' as never), TypeError, /^oneHot: dtype: unknown dtype "float16"/],
  ['oneHot string onValue', () => tf.oneHot([0, 1], 3, '1' as never), TypeError, /^oneHot: onValue must be a number, got "1"$/],
  ['keepDims not boolean', (x) => tf.sum(x, 0, 'yes' as never), TypeError, /^sum: keepDims must be a boolean, got "yes"$/],
  ['mean keepDims not boolean', (x) => tf.mean(x, 0, 1 as never), TypeError, /^mean: keepDims must be a boolean, got 1$/],
  ['tensor dtype', () => tf.tensor([1, 2], [2], 'complex64' as never), TypeError, /^tensor: dtype: unknown dtype "complex64"/],
];

describe('validation cases (both backends, both sides of the size thresholds)', () => {
  for (const n of [4, 1200]) {
    const x = tf.ones([n]);
    const m = tf.ones([n === 4 ? 2 : 40, n === 4 ? 2 : 40]);
    for (const [title, call, cls, pattern] of CASES) {
      it(`${title} (${n} elements)`, () => {
        const results = BACKENDS.map((b) => on(b, () => outcome(() => call(x, m))));
        for (const [i, r] of results.entries()) {
          expect(r.error, `${BACKENDS[i]}: no error`).not.toBeNull();
          expect(r.error, BACKENDS[i]).toBeInstanceOf(cls);
          if (cls !== Error) expect(r.error!.constructor, BACKENDS[i]).toBe(cls);
          expect(r.error!.message, BACKENDS[i]).toMatch(pattern);
        }
        if (results.length === 2) expect(results[1].error!.message).toBe(results[0].error!.message);
      });
    }
  }

  it('null and undefined options and optional arguments mean defaults', () => {
    const m = tf.tensor([[1, 2], [3, 4]]);
    for (const b of BACKENDS) {
      on(b, () => {
        expect(tf.matmul(m, m, null).arraySync()).toEqual([[7, 10], [15, 22]]);
        expect(tf.matmul(m, m, { transposeA: undefined }).arraySync()).toEqual([[7, 10], [15, 22]]);
        expect(tf.random.normal([3], null).shape).toEqual([3]);
        expect(tf.losses.meanSquaredError(m, m, null).item()).toBe(0);
        expect(tf.leakyRelu(tf.tensor([-1]), null).item()).toBeCloseTo(-0.2);
        expect(tf.sum(m, null, null).item()).toBe(10);
        expect(tf.oneHot([1], 2, null, null, null).arraySync()).toEqual([[0, 1]]);
        expect(new tf.Variable(1, null).trainable).toBe(true);
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzz

type Op = [name: string, fn: (...args: never[]) => unknown, arity: number];

const OPS: Op[] = [
  ['add', tf.add, 2], ['sub', tf.sub, 2], ['mul', tf.mul, 2], ['div', tf.div, 2], ['pow', tf.pow, 2],
  ['maximum', tf.maximum, 2], ['minimum', tf.minimum, 2], ['squaredDifference', tf.squaredDifference, 2],
  ['equal', tf.equal, 2], ['less', tf.less, 2], ['greaterEqual', tf.greaterEqual, 2],
  ['neg', tf.neg, 1], ['exp', tf.exp, 1], ['relu', tf.relu, 1], ['sqrt', tf.sqrt, 1], ['leakyRelu', tf.leakyRelu, 2],
  ['sum', tf.sum, 3], ['max', tf.max, 3], ['prod', tf.prod, 3], ['argMax', tf.argMax, 2],
  ['mean', tf.mean, 3], ['logSumExp', tf.logSumExp, 3], ['softmax', tf.softmax, 2], ['logSoftmax', tf.logSoftmax, 2],
  ['clipByValue', tf.clipByValue, 3], ['matmul', tf.matmul, 3],
  ['reshape', tf.reshape, 2], ['expandDims', tf.expandDims, 2], ['squeeze', tf.squeeze, 2],
  ['transpose', tf.transpose, 2], ['broadcastTo', tf.broadcastTo, 2], ['slice', tf.slice, 3], ['tile', tf.tile, 2],
  ['concat', tf.concat, 2], ['stack', tf.stack, 2], ['split', tf.split, 3], ['gather', tf.gather, 3],
  ['pad', tf.pad, 3], ['cast', tf.cast, 2], ['where', tf.where, 3], ['oneHot', tf.oneHot, 5],
  ['zeros', tf.zeros, 2], ['ones', tf.ones, 2], ['fill', tf.fill, 3], ['zerosLike', tf.zerosLike, 1], ['onesLike', tf.onesLike, 1],
  ['range', tf.range, 4], ['linspace', tf.linspace, 3], ['eye', tf.eye, 3], ['tensor', tf.tensor, 3], ['scalar', tf.scalar, 2],
  ['random.normal', tf.random.normal, 2], ['random.uniform', tf.random.uniform, 2],
  ['meanSquaredError', tf.losses.meanSquaredError, 3], ['binaryCrossentropy', tf.losses.binaryCrossentropy, 3],
  ['categoricalCrossentropy', tf.losses.categoricalCrossentropy, 3], ['sparseCategoricalCrossentropy', tf.losses.sparseCategoricalCrossentropy, 3],
];

/** Argument kinds: odd values, and ordinary ones so that calls also get past the first check. */
function argumentPool(): unknown[] {
  const small = tf.tensor([[0.5, -1, 2], [3, -0.25, 0]]);
  const big = tf.random.uniform([40, 30], { minval: -2, maxval: 2, seed: 9 });
  return [
    null, undefined, Symbol('fuzz'), 10n, NaN, Infinity, -Infinity, -1, 0, 1, 2, 3, 2.5, -0.5, 1e300, 2 ** 53, 2 ** 31,
    true, false, 'float16', 'float32', 'int32', 'bool', 'x', '0.5', '', [], [2, 3], [3, 2], [6], [-1], [1200], [40, 30],
    [30, 40], [0], [2, 'a'], [[1, 2], [3]], [1.5, 2], [1e6, 1e6], [2, 2.22, 3.33], [[1, 1], [1, 1]], [0, 1, 1],
    {}, { bogus: 1 }, { transposeA: 1 }, { transposeB: true }, { fromLogits: 'yes' }, { reduction: 'sum' }, { seed: 3 },
    { dtype: 'float16' }, () => 1, new Float32Array(3), new Int16Array(2),
    small, big, tf.ones([2, 3], 'int32'), tf.tensor([true, false, true]), tf.ones([1200]), tf.zeros([0, 3]), tf.scalar(2),
    tf.ones([30, 40], 'float64'), tf.tensor([0, 1, 1, 0, 2, 1], [2, 3], 'int32'),
  ];
}

function sameValues(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValues(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const x = a as { shape: number[]; dtype: string; values: number[] };
    const y = b as typeof x;
    if (x.dtype !== y.dtype || x.shape.join() !== y.shape.join() || x.values.length !== y.values.length) return false;
    return x.values.every((v, i) => {
      const w = y.values[i];
      return v === w || (v !== v && w !== w) || Math.abs(v - w) <= 1e-5 * Math.max(1, Math.abs(v), Math.abs(w));
    });
  }
  return Object.is(a, b);
}

describe('random-call fuzz through the public API', () => {
  it('every error is a named TypeError/RangeError/Error of the called op, and js and native agree', () => {
    const rand = rng(20261202);
    const pool = argumentPool();
    const CALLS = 5000;
    let errors = 0;
    const failures: string[] = [];
    for (let c = 0; c < CALLS && failures.length < 10; c++) {
      const [name, fn, arity] = OPS[Math.floor(rand() * OPS.length)];
      const count = Math.floor(rand() * (arity + 1));
      const args = Array.from({ length: count }, () => pool[Math.floor(rand() * pool.length)]);
      const call = () => (fn as (...a: unknown[]) => unknown)(...args);
      const results = BACKENDS.map((b) => on(b, () => outcome(call)));
      const describeCall = () => `${name}(${args.map((a) => (typeof a === 'symbol' ? a.toString() : typeof a === 'bigint' ? `${a}n` : a instanceof tf.Tensor ? `Tensor${JSON.stringify(a.shape)}${a.dtype}` : (() => { try { return JSON.stringify(a) ?? String(a); } catch { return String(a); } })())).join(', ')})`;
      for (const [i, r] of results.entries()) {
        if (r.error === null) continue;
        errors++;
        const e = r.error;
        const ok = (e instanceof TypeError || e instanceof RangeError || e.constructor === Error) && e.message.startsWith(`${name}: `);
        if (!ok) failures.push(`${BACKENDS[i]}: ${describeCall()} threw ${e.constructor.name}: ${e.message}`);
      }
      if (results.length === 2) {
        const [js, nat] = results;
        const same = js.error || nat.error
          ? js.error?.message === nat.error?.message && js.error?.constructor === nat.error?.constructor
          : name.startsWith('random.') || sameValues(js.value, nat.value);
        if (!same) failures.push(`js and native differ on ${describeCall()}: ${js.error?.message ?? 'ok'} vs ${nat.error?.message ?? 'ok'}`);
      }
    }
    expect(failures).toEqual([]);
    expect(errors).toBeGreaterThan(CALLS / 4); // the pool really is hostile
  });
});
