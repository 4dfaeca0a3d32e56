/**
 * The deferred product (ops/binary.ts): large float products compute on first read, and an
 * `add` of one runs product and sum in one pass. Users must not be able to tell, except by
 * speed: every value here equals the unfused definition bit for bit — float32 as
 * fround(fround(a·b) + c), the product rounded before the sum (no FMA) — whatever order,
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
  return Ctor.from({ length: n }, () => (r() - 0.5) * 8);
}

function inputs(dtype: 'float32' | 'float64', n = N) {
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  const [a, b, c] = [1, 2, 3].map((s) => randomValues(Ctor, n, s));
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  return {
    a, b, c,
    ta: tf.tensor(a), tb: tf.tensor(b), tc: tf.tensor(c),
    product: Ctor.from(a, (x, i) => round(x * b[i])),
    triad: Ctor.from(a, (x, i) => round(round(x * b[i]) + c[i])),
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
