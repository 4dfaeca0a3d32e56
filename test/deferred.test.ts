/**
 * Deferred storage (tensor.ts `Deferred`): large float products compute on first read, and an
 * `add` of one runs product and sum in one pass (ops/binary.ts); one-element results keep
 * their value as a number until an array is needed. Users must not be able to tell, except by
 * speed: every value here equals the eager definition bit for bit — float32 products as
 * fround(fround(a·b) + c), the product rounded before the sum (no FMA); one-element results as
 * element 0 of the same op on a two-element tensor (the kernel path) — whatever order,
 * backend or later assignment.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { DEFER_PRODUCT_MIN_ELEMENTS } from '../src/backend/select.js';
import { backendLabel, IS_NATIVE, onBackend } from './support/backends.js';
import { rng } from './support/random.js';

const N = DEFER_PRODUCT_MIN_ELEMENTS + 37; // deferred, and not a multiple of any SIMD width

function randomValues(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number) {
  const r = rng(seed);
  return (Ctor as Float64ArrayConstructor).from({ length: n }, () => (r() - 0.5) * 8);
}

function inputs(dtype: 'float32' | 'float64', n = N) {
  const Ctor = (dtype === 'float32' ? Float32Array : Float64Array) as Float64ArrayConstructor;
  const [a, b, c] = [1, 2, 3].map((s) => randomValues(Ctor, n, s));
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  return {
    a, b, c,
    ta: tf.tensor(a), tb: tf.tensor(b), tc: tf.tensor(c),
    product: Ctor.from(a, (x: number, i: number) => round(x * b[i])),
    triad: Ctor.from(a, (x: number, i: number) => round(round(x * b[i]) + c[i])),
  };
}

/** The first index where x and y differ in bits (NaN-safe), or -1: small failure messages for big arrays. */
function firstDifference(x: ArrayLike<number> & ArrayBufferView, y: ArrayLike<number> & ArrayBufferView): number {
  const bx = Buffer.from(x.buffer, x.byteOffset, x.byteLength), by = Buffer.from(y.buffer, y.byteOffset, y.byteLength);
  if (x.length !== y.length || bx.length !== by.length) return Math.min(x.length, y.length);
  const width = bx.length / Math.max(x.length, 1);
  for (let i = 0; i < x.length; i++) if (bx.compare(by, i * width, (i + 1) * width, i * width, (i + 1) * width) !== 0) return i;
  return -1;
}

describe(`deferred products on ${backendLabel()}`, () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: a*b+c and c+a*b equal the unfused definition bit for bit`, () => {
      const { ta, tb, tc, triad } = inputs(dtype);
      expect(firstDifference(ta.mul(tb).add(tc).dataSync(), triad)).toBe(-1);
      expect(firstDifference(tc.add(ta.mul(tb)).dataSync(), triad)).toBe(-1);
      expect(firstDifference(tf.add(tf.mul(ta, tb), tc).dataSync(), triad)).toBe(-1);
    });

    it(`${dtype}: a product read directly, reused in two sums and reshaped keeps its value`, () => {
      const { ta, tb, tc, product, triad } = inputs(dtype);
      const p = ta.mul(tb);
      const s1 = p.add(tc);
      expect(firstDifference(p.dataSync(), product)).toBe(-1);
      const s2 = p.add(tc);
      expect(firstDifference(s1.dataSync(), triad)).toBe(-1);
      expect(firstDifference(s2.dataSync(), triad)).toBe(-1);
      expect(firstDifference(ta.mul(tb).reshape([N, 1]).dataSync(), product)).toBe(-1);
      expect(ta.mul(tb).size).toBe(N);
    });
  }

  it('a product with a broadcast or smaller operand is computed normally', () => {
    const { ta, tb, product } = inputs('float32');
    const p = ta.mul(tb);
    const plusOne = Float32Array.from(product, (x) => x + 1);
    expect(firstDifference(p.add(1).dataSync(), plusOne)).toBe(-1);
    const rows = ta.reshape([1, N]).mul(tb.reshape([1, N])).add(tf.ones([2, 1]));
    expect(rows.shape).toEqual([2, N]);
    expect(firstDifference(rows.dataSync().subarray(N), plusOne)).toBe(-1);
  });

  it('a product of a Variable keeps the value the Variable had when multiplied', () => {
    const { a, b, product } = inputs('float32');
    const v = tf.variable(tf.tensor(a));
    const p = v.mul(tf.tensor(b));
    v.assign(tf.zeros([N]));
    expect(firstDifference(p.dataSync(), product)).toBe(-1);
  });

  it.skipIf(!tf.backendInfo().nativeAvailable)('a product made on one backend and read on the other has the same bits', () => {
    const { ta, tb, tc, triad, product } = inputs('float32');
    const other = IS_NATIVE ? 'js' : 'native';
    const p = ta.mul(tb);
    const q = ta.mul(tb);
    onBackend(other, () => {
      expect(firstDifference(p.dataSync(), product)).toBe(-1);
      expect(firstDifference(q.add(tc).dataSync(), triad)).toBe(-1);
    });
  });

  it('gradients flow through the fused sum: d(sum(a*b+c)) = (b, a, 1)', () => {
    const { a, b, ta, tb, tc } = inputs('float64');
    const tape = new tf.GradientTape();
    tape.watch([ta, tb, tc]);
    const y = tape.record(() => ta.mul(tb).add(tc).sum());
    const [ga, gb, gc] = tape.gradient(y, [ta, tb, tc]) as tf.Tensor[];
    expect(firstDifference(ga.dataSync(), b)).toBe(-1);
    expect(firstDifference(gb.dataSync(), a)).toBe(-1);
    expect(firstDifference(gc.dataSync(), new Float64Array(N).fill(1))).toBe(-1);
  });
});

// [op, dtype, x, y]: values chosen to round (float32), wrap (int32) or hit special cases.
const ONE_ELEMENT_BINARY: [string, 'float32' | 'float64' | 'int32', number, number][] = [
  ['add', 'float32', 0.1, 0.2], ['sub', 'float32', 1e-8, 1], ['mul', 'float32', 1 / 3, 3], ['div', 'float32', 1, 3],
  ['pow', 'float32', 1.1, 2.5], ['pow', 'float32', -1, Infinity], ['maximum', 'float32', NaN, 1], ['minimum', 'float32', -0, 0],
  ['add', 'float64', 0.1, 0.2], ['div', 'float64', -1, 0], ['pow', 'float64', 2, 0.5],
  ['add', 'int32', 2 ** 31 - 1, 1], ['mul', 'int32', 65537, 65537], ['sub', 'int32', -(2 ** 31), 1], ['pow', 'int32', 3, 21],
];
const ONE_ELEMENT_UNARY: [string, 'float32' | 'float64' | 'int32', number][] = [
  ['exp', 'float32', 0.1], ['sqrt', 'float32', 2], ['tanh', 'float32', 0.3], ['sigmoid', 'float64', -40], ['neg', 'float32', 0],
  ['square', 'int32', 65537], ['round', 'float32', 2.5], ['softplus', 'float32', 30], ['log', 'float32', -1],
];

describe(`one-element results on ${backendLabel()}`, () => {
  const call = (name: string, ...args: unknown[]) => (tf as unknown as Record<string, (...a: unknown[]) => tf.Tensor>)[name](...args);
  const typed = (dtype: 'float32' | 'float64' | 'int32', values: number[]) =>
    dtype === 'float32' ? Float32Array.from(values) : dtype === 'float64' ? Float64Array.from(values) : Int32Array.from(values);

  it.each(ONE_ELEMENT_BINARY)('%s %s (%s, %s) equals element 0 of the kernel path, bit for bit', (op, dtype, x, y) => {
    const one = call(op, tf.tensor(typed(dtype, [x]), [], dtype), tf.tensor(typed(dtype, [y]), [], dtype));
    const two = call(op, tf.tensor(typed(dtype, [x, 5])), tf.tensor(typed(dtype, [y, 7])));
    expect(one.dtype).toBe(two.dtype);
    expect(Object.is(one.item(), two.dataSync()[0])).toBe(true); // before anything makes its array
    expect(Object.is(one.neg().item(), two.neg().dataSync()[0])).toBe(true); // fed on as a number
    expect(firstDifference(one.dataSync(), two.dataSync().subarray(0, 1))).toBe(-1);
  });

  it.each(ONE_ELEMENT_UNARY)('%s %s (%s) equals element 0 of the kernel path, bit for bit', (op, dtype, x) => {
    const one = call(op, tf.tensor(typed(dtype, [x]), [1, 1], dtype));
    const two = call(op, tf.tensor(typed(dtype, [x, 0.5])));
    expect(one.shape).toEqual([1, 1]);
    expect(firstDifference(one.dataSync(), two.dataSync().subarray(0, 1))).toBe(-1);
  });

  it('a chain of scalar ops prints, reads and feeds kernels like any tensor', () => {
    const y = tf.scalar(3).square().sub(tf.scalar(3).mul(10)).add(25); // 9 - 30 + 25 = 4
    expect(y.item()).toBe(4);
    expect(String(y)).toBe('tf.Tensor(4.0, shape=(), dtype=float32)');
    expect(Array.from(y.reshape([1]).add(tf.ones([3])).dataSync())).toEqual([5, 5, 5]);
    expect(tf.onesLike(tf.scalar(2, 'int32')).item()).toBe(1);
  });
});
