/**
 * Disposal and memory scopes (src/tensor.ts) and recycled storage (src/dtype.ts): TF.js's
 * `dispose`, `tidy` and `keep` semantics (a disposed tensor cannot be read; tidy disposes what
 * it made and did not return; variables and kept tensors survive), and the guarantees that
 * make reuse safe (tapeflow's own scopes take only tensors of 64 KiB and more; tidy takes all): a view keeps shared storage alive, a pending product keeps its operands, a
 * live tape keeps what its backward pass reads, a reused buffer starts zeroed where zeros were
 * asked for. Expected values are written out or derived in float64 next to each check.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { recycling } from '../src/dtype.js';

const recycledBytes = () => recycling().waitingBytes;

/** 32768 float32 values: 128 KiB, above the 64 KiB from which storage is recycled. */
const BIG = 32768;
const ramp = (n: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => ((i % 97) - 48) * scale);

describe('dispose', () => {
  it('makes a tensor unreadable, with an error that says why; twice is harmless', () => {
    for (const n of [2, BIG]) {
      const t = tf.tensor(ramp(n));
      expect(t.isDisposed).toBe(false);
      t.dispose();
      expect(t.isDisposed).toBe(true);
      expect(() => t.dataSync()).toThrow(/Tensor is disposed: a float32 tensor of shape \[\d+\] was read after tf.dispose\(\)/);
      expect(() => tf.add(t, 1)).toThrow(/Tensor is disposed/);
      t.dispose();
      expect(t.shape).toEqual([n]);
    }
  });

  it('tf.dispose takes a tensor, arrays and objects of them, and ignores other values', () => {
    const a = tf.tensor(ramp(BIG)), b = tf.tensor([1, 2]), c = tf.tensor([3]);
    tf.dispose({ list: [a, b], c, n: 3, s: 'x' });
    expect([a.isDisposed, b.isDisposed, c.isDisposed]).toEqual([true, true, true]);
    expect(() => tf.dispose(undefined)).not.toThrow();
  });

  it('a reshaped view keeps the storage it shares: disposing the source and reusing its size leaves the view intact', () => {
    const src = tf.tensor(ramp(BIG));
    const view = tf.reshape(src, [128, 256]);
    src.dispose();
    const other = tf.mul(tf.tensor(ramp(BIG, 3)), 2); // same byte length: would take a recycled buffer
    const expected = Array.from(ramp(BIG));
    expect(Array.from(view.dataSync())).toEqual(expected);
    expect(other.dataSync()[1]).toBe(((1 % 97) - 48) * 6);
    view.dispose();
  });

  it('a large product read after its operands were disposed has their values (the product holds them)', () => {
    const a = tf.tensor(ramp(BIG)), b = tf.tensor(ramp(BIG, 0.5));
    const p = tf.mul(a, b);
    a.dispose();
    b.dispose();
    tf.add(tf.tensor(ramp(BIG, 7)), 1).dispose(); // churn buffers of the same size
    const got = p.dataSync();
    for (let i = 0; i < BIG; i += 1021) expect(got[i]).toBe(Math.fround(((i % 97) - 48) * ((i % 97) - 48) * 0.5));
  });
});

describe('tidy', () => {
  it('disposes the large tensors it made and did not return; returns the rest intact', () => {
    const x = tf.tensor(ramp(BIG));
    let inner: tf.Tensor | undefined, small: tf.Tensor | undefined;
    const out = tf.tidy(() => {
      inner = tf.mul(x, 2);
      small = tf.tensor([1, 2]);
      return { y: tf.add(inner, 1), list: [tf.neg(x)] };
    });
    expect(inner!.isDisposed).toBe(true);
    expect(x.isDisposed).toBe(false); // made outside
    expect(small!.isDisposed).toBe(true); // tidy takes small tensors too, as TF.js
    expect(out.y.dataSync()[5]).toBe(((5 % 97) - 48) * 2 + 1);
    expect(out.list[0].dataSync()[5]).toBe(-((5 % 97) - 48));
  });

  it('keeps variables and tf.keep-ed tensors, and nests: a result passes to the enclosing tidy', () => {
    let v: tf.Variable | undefined, kept: tf.Tensor | undefined, passed: tf.Tensor | undefined;
    tf.tidy(() => {
      passed = tf.tidy(() => {
        v = new tf.Variable(tf.zeros([BIG]));
        kept = tf.keep(tf.ones([BIG]));
        return tf.fill([BIG], 3);
      });
      expect(passed.isDisposed).toBe(false);
    });
    expect(passed!.isDisposed).toBe(true); // the outer tidy did not return it
    expect(v!.isDisposed).toBe(false);
    expect(kept!.dataSync()[BIG - 1]).toBe(1);
    v!.assign(tf.fill([BIG], 2));
    expect(v!.dataSync()[0]).toBe(2);
  });

  it('leaves the shared scalar constants alone: a number operand inside a tidy works again after it', () => {
    const x = tf.tensor([1, 2]);
    tf.tidy(() => { tf.add(x, 3.25); });
    expect(Array.from(tf.add(x, 3.25).dataSync())).toEqual([4.25, 5.25]);
  });

  it('disposes nothing when its function throws', () => {
    let made: tf.Tensor | undefined;
    expect(() => tf.tidy(() => {
      made = tf.ones([BIG]);
      throw new Error('boom');
    })).toThrow('boom');
    expect(made!.isDisposed).toBe(false);
  });

  it('refuses a function returning a Promise, as TF.js', () => {
    expect(() => tf.tidy(async () => 1)).toThrow(/tidy: fn must not return a Promise/);
  });

  it('storage given back is reused, and zeros asked for are zeros even from a used buffer', () => {
    tf.tidy(() => { tf.fill([BIG], 5); });
    const before = recycledBytes();
    expect(before).toBeGreaterThanOrEqual(BIG * 4);
    const z = tf.zeros([BIG]);
    expect(recycledBytes()).toBe(before - BIG * 4);
    expect(z.dataSync().every((v) => v === 0)).toBe(true);
  });

  it('leaves alone what a live tape still needs, so a tidy inside record does not break the gradient', () => {
    // loss = sum((x·w)²) with x, w large: dloss/dw = 2·x²·w, derived by hand.
    const x = tf.tensor(ramp(BIG, 0.01));
    const w = new tf.Variable(tf.tensor(ramp(BIG, 0.02)));
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.tidy(() => tf.sum(tf.square(tf.mul(x, w)))));
    const g = tape.gradient(loss, [w])[0]!.dataSync();
    for (let i = 0; i < BIG; i += 997) {
      const xi = Math.fround(((i % 97) - 48) * 0.01), wi = Math.fround(((i % 97) - 48) * 0.02);
      expect(g[i]).toBeCloseTo(2 * xi * xi * wi, 5);
    }
  });
});

describe('the scopes tapeflow opens itself', () => {
  it('a backward pass gives its intermediate gradients back and returns correct ones', () => {
    // y = sum(tanh(x·2)·x): dy/dx = 2·(1 - tanh²(2x))·x + tanh(2x), float64 reference.
    const xs = ramp(BIG, 0.01);
    const x = tf.tensor(xs);
    const tape = new tf.GradientTape();
    tape.watch(x);
    const y = tape.record(() => tf.sum(tf.mul(tf.tanh(tf.mul(x, 2)), x)));
    const before = recycledBytes();
    const g = (tape.gradient(y, x) as tf.Tensor).dataSync();
    expect(recycledBytes()).toBeGreaterThan(before);
    for (let i = 0; i < BIG; i += 991) {
      const t = Math.tanh(2 * xs[i]);
      expect(g[i]).toBeCloseTo(2 * (1 - t * t) * xs[i] + t, 5);
    }
  });

  it('a backward pass under an outer tape keeps its tensors for the second derivative', () => {
    // f = sum(x³): f' = 3x², f'' summed = sum(6x).
    const xs = ramp(BIG, 0.01);
    const x = tf.tensor(xs);
    const outer = new tf.GradientTape(), inner = new tf.GradientTape();
    outer.watch(x);
    const g1 = outer.record(() => {
      inner.watch(x);
      const f = inner.record(() => tf.sum(tf.mul(tf.mul(x, x), x)));
      return tf.sum(inner.gradient(f, x) as tf.Tensor);
    });
    const g2 = (outer.gradient(g1, x) as tf.Tensor).dataSync();
    for (let i = 0; i < BIG; i += 989) expect(g2[i]).toBeCloseTo(6 * xs[i], 4);
  });

  it('fit recycles each step\'s storage and still learns (a dense layer on 2-d data)', async () => {
    // y = x·[1, -2]ᵀ + 0.5, exactly linear: the loss must fall far below its start.
    const n = 2048;
    const xv = Float32Array.from({ length: n * 2 }, (_, i) => Math.sin(i * 0.37));
    const yv = Float32Array.from({ length: n }, (_, i) => xv[2 * i] - 2 * xv[2 * i + 1] + 0.5);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 64, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: new tf.optimizers.Adam(0.01), loss: 'meanSquaredError' });
    const x = tf.tensor(xv, [n, 2]), y = tf.tensor(yv, [n, 1]);
    const before = recycling().reused;
    const history = await model.fit(x, y, { batchSize: 512, epochs: 20, verbose: 0 });
    // 80 steps, each with [512, 64] activations and their gradients (128 KiB each) to reuse.
    expect(recycling().reused - before).toBeGreaterThan(80);
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 20);
  });
});
