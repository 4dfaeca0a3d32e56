/**
 * softmax and maskedSoftmax (src/ops/softmax.ts: one kernel forward, one backward), on
 * whichever backend the project runs:
 *   - known answers from Keras 3's `keras.layers.Softmax` docstring (with and without a mask);
 *   - a float64 reference written here as plain loops (the masked logit replaced by −1e9, as
 *     Keras's Softmax layer does), over every way a mask broadcasts, with rows fully masked
 *     (uniform, as in Keras) and a row of −inf (NaN, as TF);
 *   - the fused path against the op-by-op composite it replaced, exp(x − max) / Σ, on float32;
 *   - gradients against central differences in float64 (first and second order), exactly zero
 *     at masked positions and on fully masked rows, and one backward kernel call per gradient;
 *   - argument errors naming the op, the argument and the shapes.
 */
import { describe, expect, it, vi } from 'vitest';
import { tsBackend } from '../src/backend/ts/index.js';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { maskedSoftmax } from '../src/ops/softmax.js';
import { checkGradients, checkSecondDerivatives } from './support/gradcheck.js';
import { rng } from './support/random.js';

const rand = rng(777);
const randArray = (n: number, scale = 3) => Array.from({ length: n }, () => scale * (2 * rand() - 1));

/** Softmax of each last-axis row of x (shape), masked where mask (broadcast by index) is false. */
function reference(x: number[], shape: number[], mask?: (row: number[], j: number) => boolean): number[] {
  const cols = shape[shape.length - 1], rows = x.length / cols, out = new Array<number>(x.length);
  for (let r = 0; r < rows; r++) {
    const idx: number[] = [];
    for (let i = shape.length - 2, q = r; i >= 0; i--) { idx.unshift(q % shape[i]); q = Math.floor(q / shape[i]); }
    const v = Array.from({ length: cols }, (_, j) => (mask && !mask(idx, j) ? -1e9 : x[r * cols + j]));
    const m = Math.max(...v);
    const e = v.map((a) => Math.exp(a - m));
    const s = e.reduce((a, b) => a + b, 0);
    for (let j = 0; j < cols; j++) out[r * cols + j] = e[j] / s;
  }
  return out;
}

function expectClose(a: Tensor, b: number[], rtol: number, atol: number, label: string): void {
  const x = a.dataSync();
  expect(x.length, label).toBe(b.length);
  for (let i = 0; i < x.length; i++) {
    if (!(Math.abs(x[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) throw new Error(`${label}: [${i}] got ${x[i]}, expected ${b[i]}`);
  }
}

describe('softmax and maskedSoftmax: known answers', () => {
  it("Keras's Softmax docstring: [1, 2, 1] and the mask [true, false, true]", () => {
    expectClose(tf.softmax([1, 2, 1]), [0.21194157, 0.5761169, 0.21194157], 1e-6, 0, 'softmax');
    expect([...maskedSoftmax([1, 2, 1], tf.tensor([true, false, true], [3], 'bool')).dataSync()]).toEqual([0.5, 0, 0.5]);
  });

  it('against float64 loops, every broadcast of the mask over [2, 3, 4, 5] scores (rows fully masked come out uniform)', () => {
    const shape = [2, 3, 4, 5];
    const x = randArray(2 * 3 * 4 * 5);
    const xt = tf.tensor(x, shape, 'float64');
    for (const ms of [[2, 3, 4, 5], [2, 1, 4, 5], [1, 1, 4, 5], [4, 5], [5], [2, 1, 1, 5], [3, 1, 5], [1, 3, 4, 5]]) {
      const n = ms.reduce((a, b) => a * b, 1);
      // A pattern with whole rows false (row index 1 of every mask row block) and scattered falses.
      const bits = Array.from({ length: n }, (_, i) => (Math.floor(i / 5) % 4 === 1 && ms.length >= 2 && ms[ms.length - 2] === 4 ? false : rand() > 0.3));
      const at = (idx: number[], j: number) => {
        const full = [...idx, j].slice(4 - ms.length);
        let f = 0;
        for (let i = 0; i < ms.length; i++) f = f * ms[i] + (ms[i] === 1 ? 0 : full[i]);
        return bits[f];
      };
      const got = maskedSoftmax(xt, tf.tensor(bits, ms, 'bool'));
      expectClose(got, reference(x, shape, at), 1e-14, 1e-15, `mask [${ms}]`);
      // float32: the same within float32 rounding
      expectClose(maskedSoftmax(tf.tensor(x, shape), tf.tensor(bits, ms, 'bool')), reference(x, shape, at), 2e-6, 1e-7, `float32 mask [${ms}]`);
    }
  });

  it('a fully masked row is uniform, and a non-bool mask counts where it is above 0.5 (Keras)', () => {
    const y = maskedSoftmax(tf.tensor([[3, -7, 100, 2], [1, 2, 3, 4]]), tf.tensor([[0, 0, 0, 0], [0.2, 0.6, 1, 0.5]]));
    expectClose(y, [0.25, 0.25, 0.25, 0.25, 0, ...reference([2, 3], [2]), 0], 1e-6, 0, 'uniform and >0.5');
  });

  it('any axis (transposed to the last and back), and the specials of the composite: -inf rows give NaN as in TF', () => {
    const x = randArray(24);
    const shape = [2, 3, 4];
    const t = tf.tensor(x, shape, 'float64');
    const moved = tf.transpose(tf.softmax(tf.transpose(t, [0, 2, 1]), -1), [0, 2, 1]);
    expectClose(tf.softmax(t, 1), [...moved.dataSync()], 1e-15, 0, 'axis 1');
    const special = tf.softmax(tf.tensor([[-Infinity, -Infinity], [0, -Infinity], [Infinity, 0], [NaN, 1]])).dataSync();
    expect([...special].map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(['NaN', 'NaN', 1, 0, 'NaN', 'NaN', 'NaN', 'NaN']);
  });

  it('the fused float32 path equals the op-by-op composite exp(x − max) / Σ it replaced (same rounding steps)', () => {
    for (const shape of [[7, 33], [64, 128], [3, 1]]) {
      const x = tf.tensor(randArray(shape[0] * shape[1], 10), shape);
      const e = tf.exp(tf.sub(x, tf.max(x, -1, true)));
      const composite = tf.div(e, tf.sum(e, -1, true)).dataSync();
      // exp is the one kernel whose native SIMD version may differ from Math.exp (by < 1e-6 relative).
      expectClose(tf.softmax(x), [...composite], 2e-6, 1e-9, `[${shape}]`);
    }
  });
});

describe('softmax and maskedSoftmax: gradients', () => {
  const shape = [2, 2, 3, 4];
  const x = () => tf.tensor(randArray(48), shape, 'float64');
  const mask = tf.tensor(Array.from({ length: 12 }, (_, i) => i % 4 === 2 || i >= 8 ? false : true), [1, 1, 3, 4], 'bool');

  it('first order against central differences (float64)', () => {
    expect(checkGradients((t) => tf.softmax(t), [x()], { wrt: [0], rand })).toEqual([]);
    expect(checkGradients((t) => tf.softmax(t, 1), [x()], { wrt: [0], rand })).toEqual([]);
    expect(checkGradients((t) => maskedSoftmax(t, mask), [x()], { wrt: [0], rand })).toEqual([]);
  });

  it('exactly zero at masked positions and across fully masked rows', () => {
    const xt = x();
    const g = tf.grad((t: Tensor) => tf.sum(tf.mul(maskedSoftmax(t, mask), tf.tensor(randArray(48), shape, 'float64'))))(xt).dataSync();
    const m = mask.dataSync();
    for (let i = 0; i < 48; i++) if (!m[i % 12]) expect(g[i], `element ${i}`).toBe(0);
    expect(g.some((v) => v !== 0)).toBe(true);
  });

  it('second order (the rule is written in ops when a tape records the gradient)', () => {
    expect(checkSecondDerivatives((t) => tf.softmax(t), [x()], { wrt: [0], rand, tol: 1e-5 })).toEqual([]);
    expect(checkSecondDerivatives((t) => maskedSoftmax(t, mask), [x()], { wrt: [0], rand, tol: 1e-5 })).toEqual([]);
  });

  it('a first-order gradient is one backward kernel call', () => {
    // [2, 2, 3, 4]: 48 elements, below the native threshold, so the TS kernels run on every backend.
    const spy = vi.spyOn(tsBackend, 'softmaxGrad');
    try {
      const xt = x();
      const tape = new tf.GradientTape();
      tape.watch(xt);
      tape.gradient(tape.record(() => tf.sum(tf.square(maskedSoftmax(xt, mask)))), xt);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('maskedSoftmax: argument errors', () => {
  it('names the op, the argument and both shapes', () => {
    expect(() => maskedSoftmax(tf.zeros([2, 3, 4]), tf.ones([2, 3, 5], 'bool'))).toThrow(/^maskedSoftmax: mask \[2,3,5\] must broadcast against x \[2,3,4\] with the same last axis \(4\)/);
    expect(() => maskedSoftmax(tf.zeros([2, 3, 4]), tf.ones([3, 3, 4], 'bool'))).toThrow(/^maskedSoftmax: mask \[3,3,4\] must broadcast against x \[2,3,4\]/);
    expect(() => maskedSoftmax(tf.zeros([3, 4]), tf.ones([1, 3, 4], 'bool'))).toThrow(/^maskedSoftmax: mask \[1,3,4\] must broadcast/);
    expect(() => maskedSoftmax(tf.zeros([3, 4], 'int32'), tf.ones([3, 4], 'bool'))).toThrow(/^maskedSoftmax: x must be float/);
    expect(() => tf.softmax(tf.zeros([3, 4], 'int32'))).toThrow(/^softmax: x must be float/);
  });
});
