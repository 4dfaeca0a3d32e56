/**
 * GradientTape semantics (issue 2, item 4), one known-answer test per point of TF's contract.
 * Each expected value is derived by hand in the comment next to it.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';

/** Values of t (or null) as nested arrays, compared elementwise to `expected` within 1e-6 relative. */
type Nested = number | Nested[];
function expectValues(t: Tensor | null | undefined, expected: Nested, tol = 1e-6): void {
  expect(t, 'gradient is a tensor').toBeInstanceOf(tf.Tensor);
  const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
  const got = flat((t as Tensor).arraySync());
  const want = flat(expected);
  expect(got.length, 'number of elements').toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) expect.fail(`element ${i}: got ${g}, expected ${want[i]}`);
  });
}

describe('GradientTape: recording and watching', () => {
  it('record may be called several times on one tape', () => {
    // y = x², then z = y·x = x³ in a second record call: dz/dx = 3x² = 27 at x = 3.
    const x = new tf.Variable(3);
    const tape = new tf.GradientTape();
    const y = tape.record(() => x.mul(x));
    const z = tape.record(() => y.mul(x));
    expectValues(tape.gradient(z, x), 27);
  });

  it('record returns the value of its function', () => {
    const tape = new tf.GradientTape();
    const r = tape.record(() => ({ a: 1, b: tf.scalar(2) }));
    expect(r.a).toBe(1);
    expect(r.b.item()).toBe(2);
  });

  it('watch follows a constant tensor; unwatched constants get null', () => {
    // y = x² at x = 3: 2x = 6. c is not watched (constants are not sources by default).
    const x = tf.scalar(3);
    const c = tf.scalar(4);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square().mul(c));
    // d(4x²)/dx = 8x = 24
    const [gx, gc] = tape.gradient(y, [x, c]);
    expectValues(gx, 24);
    expect(gc).toBeNull();
  });

  it('watch accepts a list of tensors', () => {
    // y = a·b: dy/da = b = 5, dy/db = a = 2.
    const a = tf.scalar(2);
    const b = tf.scalar(5);
    const tape = new tf.GradientTape();
    tape.watch([a, b]);
    const y = tape.record(() => a.mul(b));
    const [ga, gb] = tape.gradient(y, [a, b]);
    expectValues(ga, 5);
    expectValues(gb, 2);
  });

  it('an op recorded before watch(x) does not connect x (TF records only ops on watched tensors)', () => {
    // z = 2x + x with x watched between the two ops: only the sum sees a watched x, so dz/dx = 1.
    const x = tf.scalar(3);
    const tape = new tf.GradientTape();
    const z = tape.record(() => {
      const y = x.mul(2);
      tape.watch(x);
      return y.add(x);
    });
    expectValues(tape.gradient(z, x), 1);
  });

  it('ops run outside record are not recorded', () => {
    const x = tf.scalar(3);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = x.square(); // not inside tape.record
    expect(tape.gradient(y, x)).toBeNull();
  });

  it('trainable variables are watched automatically when read', () => {
    // TF docs: w = Variable(3.0); y = w²: dy/dw = 2w = 6.
    const w = new tf.Variable(3);
    const tape = new tf.GradientTape();
    const y = tape.record(() => w.square());
    expectValues(tape.gradient(y, w), 6);
  });

  it('watchAccessedVariables: false watches only what is watched explicitly', () => {
    // y = v1·v2 with v1 = 2, v2 = 7; only v1 watched: dy/dv1 = v2 = 7, v2 gets null.
    const v1 = new tf.Variable(2);
    const v2 = new tf.Variable(7);
    const tape = new tf.GradientTape({ watchAccessedVariables: false });
    tape.watch(v1);
    const y = tape.record(() => v1.mul(v2));
    const [g1, g2] = tape.gradient(y, [v1, v2]);
    expectValues(g1, 7);
    expect(g2).toBeNull();
  });

  it('watchAccessedVariables: false with nothing watched records nothing', () => {
    const v = new tf.Variable(2);
    const tape = new tf.GradientTape({ watchAccessedVariables: false });
    const y = tape.record(() => v.square());
    expect(tape.gradient(y, v)).toBeNull();
  });

  it('non-trainable variables are not watched automatically, but can be watched', () => {
    // y = t·n with t = 3 (trainable), n = 4 (trainable: false): dy/dt = n = 4, dy/dn = null.
    const t = new tf.Variable(3);
    const n = new tf.Variable(4, { trainable: false });
    const tape = new tf.GradientTape({ persistent: true });
    const y = tape.record(() => t.mul(n));
    const [gt, gn] = tape.gradient(y, [t, n]);
    expectValues(gt, 4);
    expect(gn).toBeNull();
    // Watched explicitly, it is followed: d(t·n)/dn = t = 3.
    const tape2 = new tf.GradientTape();
    tape2.watch(n);
    const y2 = tape2.record(() => t.mul(n));
    expectValues(tape2.gradient(y2, n), 3);
  });

  it('watchedVariables lists the variables read', () => {
    const a = new tf.Variable(1);
    const b = new tf.Variable(2);
    const tape = new tf.GradientTape();
    tape.record(() => a.add(b));
    expect(tape.watchedVariables()).toEqual(expect.arrayContaining([a, b]));
  });

  it('stopRecording suspends recording inside record', () => {
    // y = x² recorded; z = x³ computed under stopRecording is a constant for the tape, so
    // d(y + z)/dx = 2x = 4 at x = 2 (not 2x + 3x² = 16).
    const x = new tf.Variable(2);
    const tape = new tf.GradientTape();
    const out = tape.record(() => {
      const y = x.square();
      const z = tape.stopRecording(() => x.mul(x).mul(x));
      return y.add(z);
    });
    expect(out.item()).toBe(12);
    expectValues(tape.gradient(out, x), 4);
  });

  it('reset forgets what was recorded', () => {
    // y = x² recorded, then reset; z = 3x recorded after: dz/dx = 3, and y is off the tape.
    const x = new tf.Variable(5);
    const tape = new tf.GradientTape({ persistent: true });
    const y = tape.record(() => x.square());
    tape.reset();
    const z = tape.record(() => x.mul(3));
    expectValues(tape.gradient(z, x), 3);
    expect(tape.gradient(y, x)).toBeNull();
  });

  it('reset clears explicitly watched tensors too', () => {
    const x = tf.scalar(2);
    const tape = new tf.GradientTape();
    tape.watch(x);
    tape.reset();
    const y = tape.record(() => x.square());
    expect(tape.gradient(y, x)).toBeNull();
  });
});

describe('GradientTape: gradient options', () => {
  it('persistent tapes allow several gradient calls', () => {
    // TF docs: x = 3; y = x²; z = y²: dz/dx = 4x³ = 108, dy/dx = 2x = 6.
    const x = tf.scalar(3);
    const tape = new tf.GradientTape({ persistent: true });
    tape.watch(x);
    const { y, z } = tape.record(() => {
      const yy = x.mul(x);
      return { y: yy, z: yy.mul(yy) };
    });
    expectValues(tape.gradient(z, x), 108);
    expectValues(tape.gradient(y, x), 6);
    expectValues(tape.gradient(z, x), 108);
  });

  it('a second gradient call on a non-persistent tape throws a clear error', () => {
    const x = new tf.Variable(3);
    const tape = new tf.GradientTape();
    const y = tape.record(() => x.square());
    tape.gradient(y, x);
    expect(() => tape.gradient(y, x)).toThrow(/non-persistent.*once.*persistent/i);
  });

  it('outputGradients weights the target', () => {
    // y = x² elementwise; upstream u: dy/dx·u = 2x·u = [2·1·1, 2·2·10, 2·3·100].
    const x = tf.tensor([1, 2, 3]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square());
    expectValues(tape.gradient(y, x, { outputGradients: tf.tensor([1, 10, 100]) }), [2, 40, 600]);
  });

  it('outputGradients of the wrong shape is an error naming both shapes', () => {
    const x = tf.tensor([1, 2, 3]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square());
    expect(() => tape.gradient(y, x, { outputGradients: tf.tensor([1, 2]) })).toThrow(/\[2\].*\[3\]/);
  });

  it("unconnectedGradients: 'none' gives null, 'zero' gives zeros of the source's shape", () => {
    // y depends on x only; z is unconnected.
    const x = tf.scalar(2);
    const z = tf.tensor([1, 2]);
    const tape = new tf.GradientTape({ persistent: true });
    tape.watch([x, z]);
    const y = tape.record(() => x.square());
    expect(tape.gradient(y, z)).toBeNull();
    expect(tape.gradient(y, z, { unconnectedGradients: 'none' })).toBeNull();
    const g = tape.gradient(y, z, { unconnectedGradients: 'zero' }) as Tensor;
    expect(g.shape).toEqual([2]);
    expect(g.dtype).toBe('float32');
    expectValues(g, [0, 0]);
  });

  it('sources may be an array or an object; the result has the same structure', () => {
    // y = a·b + c: dy/da = b = 3, dy/db = a = 2, dy/dc = 1.
    const a = new tf.Variable(2);
    const b = new tf.Variable(3);
    const c = new tf.Variable(4);
    const tape = new tf.GradientTape({ persistent: true });
    const y = tape.record(() => a.mul(b).add(c));
    // (A nested array literal is typed as an array of unions; the runtime structure is exact.)
    const arr = tape.gradient(y, [a, [b, c]]) as unknown as [Tensor, [Tensor, Tensor]];
    expect(Array.isArray(arr) && Array.isArray(arr[1])).toBe(true);
    expectValues(arr[0], 3);
    expectValues(arr[1][0], 2);
    expectValues(arr[1][1], 1);
    const obj = tape.gradient(y, { first: a, rest: { second: b, third: c } });
    expect(Object.keys(obj)).toEqual(['first', 'rest']);
    expectValues(obj.first, 3);
    expectValues(obj.rest.second, 2);
    expectValues(obj.rest.third, 1);
    // A single tensor gives a single gradient.
    expectValues(tape.gradient(y, c), 1);
  });

  it('a non-scalar target gives the gradient of its sum', () => {
    // y = x², d(Σy)/dx = 2x = [2, 4, 6].
    const x = tf.tensor([1, 2, 3]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square());
    expectValues(tape.gradient(y, x), [2, 4, 6]);
  });

  it('gradients are summed back over broadcast dimensions', () => {
    // y = a + b with a [2,3] and b [3]: dΣy/db_j = 2 (two rows), dΣy/da = 1.
    const a = tf.ones([2, 3]);
    const b = tf.tensor([1, 2, 3]);
    const tape = new tf.GradientTape();
    tape.watch([a, b]);
    const y = tape.record(() => a.add(b));
    const [ga, gb] = tape.gradient(y, [a, b]);
    expect(gb?.shape).toEqual([3]);
    expectValues(ga, [[1, 1, 1], [1, 1, 1]]);
    expectValues(gb, [2, 2, 2]);
  });

  it('a variable used twice accumulates both paths', () => {
    // y = w·w + w: dy/dw = 2w + 1 = 7 at w = 3.
    const w = new tf.Variable(3);
    const tape = new tf.GradientTape();
    const y = tape.record(() => w.mul(w).add(w));
    expectValues(tape.gradient(y, w), 7);
  });

  it('gradient with respect to an intermediate tensor', () => {
    // x = 3, y = x², z = y²: dz/dy = 2y = 18, dz/dx = 4x³ = 108.
    const x = new tf.Variable(3);
    const tape = new tf.GradientTape({ persistent: true });
    const { y, z } = tape.record(() => {
      const yy = x.square();
      return { y: yy, z: yy.square() };
    });
    expectValues(tape.gradient(z, y), 18);
    expectValues(tape.gradient(z, x), 108);
  });

  it('gradient with respect to an intermediate tensor that is watched explicitly', () => {
    // h = 2x is a constant (unwatched) tensor made watched: z = h² gives dz/dh = 2h = 8 at x = 2.
    const x = tf.scalar(2);
    const h = x.mul(2);
    const tape = new tf.GradientTape();
    tape.watch(h);
    const z = tape.record(() => h.square());
    expectValues(tape.gradient(z, h), 8);
  });

  it('integer and bool tensors are not differentiable: their gradient is null', () => {
    const i = tf.tensor([1, 2, 3], [3], 'int32');
    const b = tf.tensor([true, false]);
    const tape = new tf.GradientTape({ persistent: true });
    tape.watch([i, b]);
    const y = tape.record(() => tf.cast(i, 'float32').mul(2));
    const yi = tape.record(() => i.mul(i));
    expect(tape.gradient(y, i)).toBeNull();
    expect(tape.gradient(yi, i)).toBeNull();
    // An integer target has no gradient either (TF: None).
    const v = new tf.Variable(1);
    expect(tape.gradient(yi, v)).toBeNull();
    expect(tape.gradient(tf.cast(b, 'float32'), b)).toBeNull();
  });

  it('integer variables are not watched', () => {
    const v = new tf.Variable(3, { dtype: 'int32' });
    const tape = new tf.GradientTape();
    const y = tape.record(() => v.mul(2));
    expect(tape.gradient(y, v)).toBeNull();
  });

  it('gradient through cast between float dtypes', () => {
    // y = 3·cast(x, float64) with x float32: dy/dx = 3, returned as float32.
    const x = tf.scalar(1.5);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => tf.cast(x, 'float64').mul(3));
    const g = tape.gradient(y, x) as Tensor;
    expect(g.dtype).toBe('float32');
    expectValues(g, 3);
  });

  it('not differentiable ops (comparisons, argMax, floor, round, oneHot) stop the gradient', () => {
    const x = tf.tensor([0.3, 1.7, -2.2]);
    const tape = new tf.GradientTape({ persistent: true });
    tape.watch(x);
    const f = tape.record(() => tf.floor(x));
    const r = tape.record(() => tf.round(x));
    const c = tape.record(() => tf.cast(tf.greater(x, 0), 'float32'));
    expect(tape.gradient(f, x)).toBeNull();
    expect(tape.gradient(r, x)).toBeNull();
    expect(tape.gradient(c, x)).toBeNull();
  });

  it('gradients at ties and kinks follow TF', () => {
    const tape = new tf.GradientTape({ persistent: true });
    const x = tf.tensor([1, 3, 3]);
    const a = tf.scalar(2);
    const b = tf.scalar(2);
    const z = tf.tensor([-1, 0, 1]);
    tape.watch([x, a, b, z]);
    // reduce_max: the gradient is shared equally among tied maxima: [0, 1/2, 1/2].
    const m = tape.record(() => x.max());
    expectValues(tape.gradient(m, x), [0, 0.5, 0.5]);
    // maximum/minimum at a tie send the gradient to the first argument (TF: x >= y mask).
    const mx = tape.record(() => tf.maximum(a, b));
    const [ga, gb] = tape.gradient(mx, [a, b]);
    expectValues(ga, 1);
    expectValues(gb, 0);
    const mn = tape.record(() => tf.minimum(a, b));
    const [ha, hb] = tape.gradient(mn, [a, b]);
    expectValues(ha, 1);
    expectValues(hb, 0);
    // relu'(0) = 0 and abs'(0) = sign(0) = 0, as TF.
    expectValues(tape.gradient(tape.record(() => z.relu()), z), [0, 0, 1]);
    expectValues(tape.gradient(tape.record(() => z.abs()), z), [-1, 0, 1]);
    // TF's SeluGrad: y > 0 ? scale : y + scale·alpha, so selu'(0) = scale·alpha = 1.7580993
    // (and selu'(-1) = scale·alpha·e^-1); EluGrad: y < 0 ? y + 1 : 1, so elu'(0) = 1.
    expectValues(tape.gradient(tape.record(() => z.selu()), z), [1.7580993408473766 * Math.exp(-1), 1.7580993408473766, 1.0507009873554805].map(Math.fround), 1e-6);
    expectValues(tape.gradient(tape.record(() => z.elu()), z), [Math.exp(-1), 1, 1].map(Math.fround), 1e-6);
  });

  it('gradients keep the dtype of float64 sources', () => {
    // y = x³ in float64 at x = 1.1: 3x² = 3.63.
    const x = new tf.Variable(1.1, { dtype: 'float64' });
    const tape = new tf.GradientTape();
    const y = tape.record(() => x.pow(3));
    const g = tape.gradient(y, x) as Tensor;
    expect(g.dtype).toBe('float64');
    expect(g.item()).toBeCloseTo(3 * 1.1 * 1.1, 14);
  });
});

describe('GradientTape: higher-order gradients', () => {
  it('nested tapes give 2nd and 3rd derivatives', () => {
    // y = x³ at x = 3: y' = 3x² = 27, y'' = 6x = 18, y''' = 6.
    const x = new tf.Variable(3);
    const t3 = new tf.GradientTape();
    const d2 = t3.record(() => {
      const t2 = new tf.GradientTape();
      const d1 = t2.record(() => {
        const t1 = new tf.GradientTape();
        const y = t1.record(() => x.pow(3));
        const g1 = t1.gradient(y, x) as Tensor;
        expectValues(g1, 27);
        return g1;
      });
      const g2 = t2.gradient(d1, x) as Tensor;
      expectValues(g2, 18);
      return g2;
    });
    expectValues(t3.gradient(d2, x), 6);
  });

  it('TF docs example: d/dx and d²/dx² of x³ with one inner persistent tape', () => {
    // x = 1: dy/dx = 3x² = 3, d²y/dx² = 6x = 6.
    const x = new tf.Variable(1);
    const outer = new tf.GradientTape();
    const dy = outer.record(() => {
      const inner = new tf.GradientTape();
      const y = inner.record(() => x.mul(x).mul(x));
      return inner.gradient(y, x) as Tensor;
    });
    expectValues(dy, 3);
    expectValues(outer.gradient(dy, x), 6);
  });

  it('a gradient of a gradient through relu (its ReluGrad kernel is linear in dy, constant in x)', () => {
    // y = Σ relu(x)·x: dy/dx = 2x where x > 0, else 0; d²y/dx² = 2 where x > 0, else 0.
    const x = tf.tensor([-1.5, 2, 3]);
    const outer = new tf.GradientTape();
    outer.watch(x);
    const g = outer.record(() => {
      const inner = new tf.GradientTape();
      inner.watch(x);
      const y = inner.record(() => tf.relu(x).mul(x).sum());
      return inner.gradient(y, x) as Tensor;
    });
    expectValues(g, [0, 4, 6]);
    expectValues(outer.gradient(g, x), [0, 2, 2]);
  });

  it('a gradient of a gradient through tanh is 2nd-derivative exact', () => {
    // d²tanh/dx² = −2 tanh(x)(1 − tanh²(x)).
    const x0 = 0.7;
    const x = tf.scalar(x0, 'float64');
    const outer = new tf.GradientTape();
    outer.watch(x);
    const g = outer.record(() => {
      const inner = new tf.GradientTape();
      inner.watch(x);
      const y = inner.record(() => x.tanh());
      return inner.gradient(y, x) as Tensor;
    });
    const t = Math.tanh(x0);
    expectValues(outer.gradient(g, x), -2 * t * (1 - t * t), 1e-12);
  });
});

describe('GradientTape: jacobian and batchJacobian', () => {
  it('jacobian of an elementwise function is diagonal', () => {
    // y = x², J = diag(2x) = diag(2, 4, 6).
    const x = tf.tensor([1, 2, 3]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square());
    const j = tape.jacobian(y, x) as Tensor;
    expect(j.shape).toEqual([3, 3]);
    expectValues(j, [[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
  });

  it('jacobian of a coupled function (hand derivation)', () => {
    // y = [x0·x1, x1·x2]: J = [[x1, x0, 0], [0, x2, x1]] = [[2, 1, 0], [0, 3, 2]] at x = [1, 2, 3].
    const x = tf.tensor([1, 2, 3]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => tf.stack([x.gather(0).mul(x.gather(1)), x.gather(1).mul(x.gather(2))]));
    expectValues(tape.jacobian(y, x), [[2, 1, 0], [0, 3, 2]]);
  });

  it('jacobian shape is target.shape ++ source.shape', () => {
    // y = W·x with W [2,3] watched, x [3,1]: ∂y_i/∂W_jk = δij·x_k.
    const w = tf.tensor([[1, 2, 3], [4, 5, 6]]);
    const x = tf.tensor([[1], [2], [3]]);
    const tape = new tf.GradientTape();
    tape.watch(w);
    const y = tape.record(() => tf.matmul(w, x));
    const j = tape.jacobian(y, w) as Tensor;
    expect(j.shape).toEqual([2, 1, 2, 3]);
    expectValues(j, [[[[1, 2, 3], [0, 0, 0]]], [[[0, 0, 0], [1, 2, 3]]]]);
  });

  it('jacobian of an unconnected source is null, or zeros when asked', () => {
    const x = tf.tensor([1, 2]);
    const z = tf.tensor([1, 2, 3]);
    const tape = new tf.GradientTape({ persistent: true });
    tape.watch([x, z]);
    const y = tape.record(() => x.square());
    expect(tape.jacobian(y, z)).toBeNull();
    const j = tape.jacobian(y, z, { unconnectedGradients: 'zero' }) as Tensor;
    expect(j.shape).toEqual([2, 3]);
    expectValues(j, [[0, 0, 0], [0, 0, 0]]);
  });

  it('batchJacobian: per-example Jacobians', () => {
    // x [2,3], y = x·W with W [3,2]: each example's Jacobian ∂y_b/∂x_b = Wᵀ [2,3].
    const W = [[1, 2], [3, 4], [5, 6]];
    const x = tf.tensor([[1, 1, 1], [2, 0, -1]]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => tf.matmul(x, tf.tensor(W)));
    const j = tape.batchJacobian(y, x) as Tensor;
    expect(j.shape).toEqual([2, 2, 3]);
    const wt = [[1, 3, 5], [2, 4, 6]];
    expectValues(j, [wt, wt]);
  });

  it('batchJacobian of an elementwise function', () => {
    // y = x² with x [2,2]: per example diag(2x_b) = [[2,0],[0,4]] and [[6,0],[0,8]].
    const x = tf.tensor([[1, 2], [3, 4]]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.square());
    expectValues(tape.batchJacobian(y, x), [[[2, 0], [0, 4]], [[6, 0], [0, 8]]]);
  });

  it('batchJacobian checks the batch dimension', () => {
    const x = tf.tensor([[1, 2], [3, 4]]);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => x.sum(0));
    expect(() => tape.batchJacobian(tf.ones([3, 2]).add(y), x)).toThrow(/batchJacobian.*\[3,2\].*\[2,2\]/);
  });
});

describe('customGradient, stopGradient, grad, valueAndGrad', () => {
  // TF docs (@tf.custom_gradient): log(1 + eˣ) whose naive gradient eˣ/(1 + eˣ) is NaN at x = 100
  // in float32 (inf/inf); the custom rule upstream·(1 − 1/(1 + eˣ)) gives 1 there.
  const log1pexp = tf.customGradient((x: Tensor) => {
    const e = tf.exp(x);
    return [tf.log(tf.add(1, e)), (dy: Tensor) => dy.mul(tf.sub(1, tf.div(1, tf.add(1, e))))];
  });

  it('log1pexp: the custom gradient is used (stable at x = 100)', () => {
    const x = tf.scalar(100);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => log1pexp(x));
    expectValues(tape.gradient(y, x), 1);
  });

  it('log1pexp at 0: gradient 1/2, and the forward value log 2', () => {
    const x = tf.scalar(0);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => log1pexp(x));
    expectValues(y, Math.log(2));
    expectValues(tape.gradient(y, x), 0.5);
  });

  it('clipping gradients: identity forward, clipped backward', () => {
    // z = 3·clip(x): forward z = 3x = 6; upstream to clip is 3, clipped to 0.5.
    const clipGradients = tf.customGradient((y: Tensor) => [y, (dy: Tensor) => tf.clipByValue(dy, -0.5, 0.5)]);
    const x = tf.scalar(2);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const z = tape.record(() => clipGradients(x).mul(3));
    expectValues(z, 6);
    expectValues(tape.gradient(z, x), 0.5);
  });

  it('several inputs: one gradient each (null allowed)', () => {
    // f(a, b) = a·b with a custom rule giving [dy·b, null]: df/da = b = 4, b gets null.
    const f = tf.customGradient((a: Tensor, b: Tensor) => [a.mul(b), (dy: Tensor) => [dy.mul(b), null]]);
    const a = tf.scalar(3);
    const b = tf.scalar(4);
    const tape = new tf.GradientTape();
    tape.watch([a, b]);
    const y = tape.record(() => f(a, b));
    const [ga, gb] = tape.gradient(y, [a, b]);
    expectValues(ga, 4);
    expect(gb).toBeNull();
  });

  it('the gradient function is itself differentiable (second derivative)', () => {
    // f(x) = x² with rule dy·2x: f'' = 2.
    const sq = tf.customGradient((x: Tensor) => [x.square(), (dy: Tensor) => dy.mul(x).mul(2)]);
    const x = new tf.Variable(1.5);
    const outer = new tf.GradientTape();
    const g = outer.record(() => {
      const inner = new tf.GradientTape();
      const y = inner.record(() => sq(x));
      return inner.gradient(y, x) as Tensor;
    });
    expectValues(g, 3);
    expectValues(outer.gradient(g, x), 2);
  });

  it('stopGradient blocks the gradient of its argument', () => {
    // y = x·stopGradient(x): only the first factor is differentiated, dy/dx = x = 3 (not 2x).
    const x = new tf.Variable(3);
    const tape = new tf.GradientTape({ persistent: true });
    const y = tape.record(() => x.mul(tf.stopGradient(x)));
    expectValues(tape.gradient(y, x), 3);
    const z = tape.record(() => tf.stopGradient(x.square()));
    expectValues(z, 9);
    expect(tape.gradient(z, x)).toBeNull();
  });

  it('grad returns the gradient function', () => {
    // f(x) = x³ − 2x: f'(x) = 3x² − 2 = [1, 10] at x = [1, 2].
    const df = tf.grad((x: Tensor) => x.pow(3).sub(x.mul(2)));
    expectValues(df(tf.tensor([1, 2])), [1, 10]);
    // With an upstream dy: dy·f'(x) = [2, 30].
    expectValues(df(tf.tensor([1, 2]), tf.tensor([2, 3])), [2, 30]);
    // Accepts plain numbers: f'(3) = 25.
    expectValues(df(3), 25);
  });

  it('grad composes: the second derivative of x³ is 6x', () => {
    const d2 = tf.grad(tf.grad((x: Tensor) => x.pow(3)));
    expectValues(d2(tf.scalar(2)), 12);
  });

  it('valueAndGrad returns both', () => {
    // f(x) = Σ x²: value 1 + 4 + 9 = 14, gradient 2x = [2, 4, 6].
    const { value, grad } = tf.valueAndGrad((x: Tensor) => x.square().sum())(tf.tensor([1, 2, 3]));
    expectValues(value, 14);
    expectValues(grad, [2, 4, 6]);
  });
});

describe('the seed programs', () => {
  it('Adam drives w² − 10w + 25 to its minimum at w = 5', () => {
    // cost = (w − 5)², minimum at 5; the seed runs 1000 Adam steps with learning rate 0.1.
    const w = new tf.Variable(0, { dtype: 'float32' });
    const optimizer = new tf.optimizers.Adam({ learningRate: 0.1 });
    for (let i = 0; i < 1000; i++) {
      const tape = new tf.GradientTape();
      const cost = tape.record(() => w.square().sub(w.mul(10)).add(25));
      const grads = tape.gradient(cost, [w]);
      optimizer.applyGradients(tf.zip(grads, [w]));
    }
    expect(Math.abs(w.item() - 5)).toBeLessThan(1e-5);
  });

  it('the data-dependent cost: gradient of x0·w² + x1·w + x2 is 2·x0·w + x1', () => {
    // x = [1, −10, 25], w = 2: 2·1·2 − 10 = −6.
    const x = tf.tensor([1.0, -10, 25.0]);
    const w = new tf.Variable(2);
    const tape = new tf.GradientTape();
    const cost = tape.record(() => x.gather(0).mul(w.square()).add(x.gather(1).mul(w)).add(x.gather(2)));
    expectValues(cost, 4 - 20 + 25);
    expectValues(tape.gradient(cost, w), -6);
  });
});

describe('targets as TF takes them', () => {
  it('a nested target (array or object) gives the gradient of the sum of its tensors', () => {
    // TF GradientTape.gradient(target=nested): "target: a list or nested structure of Tensors
    // or Variables to be differentiated" and the gradient is that of their sum.
    // y1 = x², y2 = 3x, {a: y1, b: [y2]} at x = 2: d(x² + 3x)/dx = 2x + 3 = 7.
    const x = tf.tensor(2, [], 'float64');
    const tape = new tf.GradientTape({ persistent: true });
    tape.watch(x);
    const [y1, y2] = tape.record(() => [x.square(), x.mul(3)]);
    expect((tape.gradient([y1, y2], x) as tf.Tensor).item()).toBe(7);
    expect((tape.gradient({ a: y1, b: [y2] }, [x]) as tf.Tensor[])[0].item()).toBe(7);
    // outputGradients in the target's structure weight each part: 2·(2x) + 10·3 = 38.
    expect((tape.gradient([y1, y2], x, { outputGradients: [tf.scalar(2, 'float64'), tf.scalar(10, 'float64')] }) as tf.Tensor).item()).toBe(38);
  });

  it('a nested target on a non-persistent tape is one gradient call', () => {
    const x = tf.tensor([1, 2], [2], 'float64');
    const tape = new tf.GradientTape();
    tape.watch(x);
    const ys = tape.record(() => [x.sum(), x.square().sum()]);
    expect(Array.from((tape.gradient(ys, x) as tf.Tensor).dataSync())).toEqual([3, 5]); // 1 + 2x
    expect(() => tape.gradient(ys[0], x)).toThrow(/only compute gradients once/);
  });

  it('a Variable as the target: d v0 / [v0, v1] is [ones, null]', () => {
    // TF: reading a watched variable is recorded (ReadVariableOp), and the target v0 is then the
    // source v0 itself; v1, also read, does not influence v0.
    const v0 = new tf.Variable([1, 2]);
    const v1 = new tf.Variable(3);
    const tape = new tf.GradientTape();
    tape.record(() => { v0.value(); v1.value(); });
    const [g0, g1] = tape.gradient(v0, [v0, v1]) as (tf.Tensor | null)[];
    expect(Array.from(g0!.dataSync())).toEqual([1, 1]);
    expect(g1).toBeNull();
  });

  it('v.value() inside record is recorded: gradients flow through the copy', () => {
    const v = new tf.Variable(3, { dtype: 'float64' });
    const tape = new tf.GradientTape();
    const y = tape.record(() => v.value().square());
    expect((tape.gradient(y, v) as tf.Tensor).item()).toBe(6);
  });
});
