/**
 * The fused LSTM cell step (src/nn/lstm-cell.ts), on whichever backend the project runs:
 *   - the LSTM layer with Keras's default activations (fused) against the same layer with the
 *     activations given as functions (the op-by-op path, the reference), forward values and
 *     gradients with respect to the input, the initial states and every weight, float32 and
 *     float64, with returnSequences, returnState, masks, goBackwards and initial states;
 *   - a known answer: the cell equations evaluated here by plain float64 loops;
 *   - gradients against central differences in float64 (first and second order), and with
 *     only one of h and c receiving an upstream gradient;
 *   - argument errors naming the op, the argument and the shapes.
 */
import { describe, expect, it, vi } from 'vitest';
import { tsBackend } from '../src/backend/ts/index.js';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { lstmCell } from '../src/nn/lstm-cell.js';
import { LSTM } from '../src/layers/recurrent.js';
import { checkGradients, checkSecondDerivatives } from './support/gradcheck.js';
import { rng } from './support/random.js';

const rand = rng(4242);
const randArray = (n: number, scale = 1) => Array.from({ length: n }, () => scale * (2 * rand() - 1));
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** |a − b| ≤ atol + rtol·|b| element by element, with the first failure in the message. */
function expectClose(a: Tensor, b: Tensor, rtol: number, atol: number, label: string): void {
  expect(a.shape, label).toEqual(b.shape);
  const x = a.dataSync(), y = b.dataSync();
  for (let i = 0; i < x.length; i++) {
    if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) throw new Error(`${label}: [${i}] fused ${x[i]} vs op-by-op ${y[i]}`);
  }
}

describe('lstmCell: known answer from the cell equations (float64 loops)', () => {
  it('h and c for gates i, f, c, o in Keras order', () => {
    const B = 3, U = 5;
    const z = randArray(B * 4 * U, 3), cp = randArray(B * U, 2);
    const [h, c] = lstmCell(tf.tensor(z, [B, 4 * U], 'float64'), tf.tensor(cp, [B, U], 'float64'));
    expect(h.shape).toEqual([B, U]);
    expect(c.shape).toEqual([B, U]);
    const hv = h.dataSync(), cv = c.dataSync();
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        const zr = (k: number) => z[b * 4 * U + k * U + j];
        const cn = sig(zr(1)) * cp[b * U + j] + sig(zr(0)) * Math.tanh(zr(2));
        const hn = sig(zr(3)) * Math.tanh(cn);
        expect(Math.abs(cv[b * U + j] - cn)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(cn)));
        expect(Math.abs(hv[b * U + j] - hn)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(hn)));
      }
    }
  });

  it('float32 in, float32 out; empty batch gives empty outputs', () => {
    const [h, c] = lstmCell(tf.zeros([2, 8]), tf.ones([2, 2]));
    expect(h.dtype).toBe('float32');
    // z = 0: i = f = o = 1/2, g = 0, so c = cPrev/2 and h = tanh(c)/2 (a derivation).
    expect(Array.from(c.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(h.dataSync())).toEqual(new Array(4).fill(Math.fround(0.5 * Math.fround(Math.tanh(0.5)))));
    const [h0, c0] = lstmCell(tf.zeros([0, 12]), tf.zeros([0, 3]));
    expect(h0.shape).toEqual([0, 3]);
    expect(c0.shape).toEqual([0, 3]);
  });
});

describe('lstmCell: gradients against central differences (float64)', () => {
  const B = 2, U = 3;
  const z = () => tf.tensor(randArray(B * 4 * U, 2), [B, 4 * U], 'float64');
  const c = () => tf.tensor(randArray(B * U, 1.5), [B, U], 'float64');

  it('first order, both outputs weighted', () => {
    expect(checkGradients((zt, ct) => lstmCell(zt, ct), [z(), c()], { wrt: [0, 1], rand })).toEqual([]);
  });

  it('only h, or only c, receiving a gradient (the other treated as zeros)', () => {
    expect(checkGradients((zt, ct) => lstmCell(zt, ct)[0], [z(), c()], { wrt: [0, 1], rand })).toEqual([]);
    expect(checkGradients((zt, ct) => lstmCell(zt, ct)[1], [z(), c()], { wrt: [0, 1], rand })).toEqual([]);
  });

  it('a first-order gradient is one backward kernel call; under a recording tape it is ops', () => {
    // [2, 12]: 24 gate elements, below the native threshold, so the TS kernels run on every backend.
    const spy = vi.spyOn(tsBackend, 'lstmCellGrad');
    try {
      const zt = z(), ct = c();
      const tape = new tf.GradientTape();
      tape.watch([zt, ct]);
      const loss = tape.record(() => tf.sum(lstmCell(zt, ct)[0]));
      tape.gradient(loss, [zt, ct]);
      expect(spy).toHaveBeenCalledTimes(1);
      const outer = new tf.GradientTape();
      outer.watch(zt);
      outer.record(() => {
        const inner = new tf.GradientTape();
        inner.watch(zt);
        const l = inner.record(() => tf.sum(lstmCell(zt, ct)[0]));
        return inner.gradient(l, zt);
      });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('second order (the rule is written in ops when a tape records the gradient)', () => {
    expect(checkSecondDerivatives((zt, ct) => lstmCell(zt, ct), [z(), c()], { wrt: [0, 1], rand, tol: 1e-5 })).toEqual([]);
  });
});

describe('lstmCell: argument errors', () => {
  it('name the op, the argument and the shapes', () => {
    expect(() => lstmCell(tf.zeros([8]), tf.zeros([1, 2]))).toThrow(/^lstmCell: z must be rank 2 \[batch, 4·units\] \(gates i, f, c, o\), got shape \[8\]/);
    expect(() => lstmCell(tf.zeros([2, 6]), tf.zeros([2, 1]))).toThrow(/^lstmCell: z must be rank 2 .*got shape \[2,6\]/);
    expect(() => lstmCell(tf.zeros([2, 8]), tf.zeros([2, 3]))).toThrow(/^lstmCell: cPrev must have shape \[batch, units\] = \[2,2\] for z \[2,8\], got \[2,3\]/);
    expect(() => lstmCell(tf.zeros([2, 8]), tf.zeros([3, 2]))).toThrow(/^lstmCell: cPrev must have shape/);
    expect(() => lstmCell(tf.zeros([2, 8]), tf.zeros([2, 2, 1]))).toThrow(/^lstmCell: cPrev must have shape/);
    expect(() => lstmCell(tf.zeros([2, 8]), tf.zeros([2, 2], 'float64'))).toThrow(/^lstmCell: cPrev must have the dtype of z \(float32\), got float64/);
    expect(() => lstmCell(tf.zeros([2, 8], 'int32'), tf.zeros([2, 2], 'int32'))).toThrow(/^lstmCell: z must be float32 or float64, got int32/);
  });
});

interface Case {
  name: string;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  mask?: boolean;
  initialState?: boolean;
}

const CASES: Case[] = [
  { name: 'last output' },
  { name: 'returnSequences', returnSequences: true },
  { name: 'returnState', returnState: true },
  { name: 'returnSequences + returnState + mask', returnSequences: true, returnState: true, mask: true },
  { name: 'goBackwards + initialState + mask', goBackwards: true, initialState: true, mask: true, returnState: true },
];

describe('LSTM layer: fused cell against the op-by-op path (the reference)', () => {
  const B = 3, T = 4, D = 5, U = 6;
  for (const dtype of ['float32', 'float64'] as const) {
    for (const c of CASES) {
      it(`${dtype}: ${c.name}: outputs and gradients (input, states, every weight)`, () => {
        const opts = { units: U, dtype, returnSequences: c.returnSequences, returnState: c.returnState, goBackwards: c.goBackwards };
        const fused = new LSTM(opts);
        // The same activations given as functions select the op-by-op path.
        const ref = new LSTM({ ...opts, activation: (x: Tensor) => tf.tanh(x), recurrentActivation: (x: Tensor) => tf.sigmoid(x) });
        expect(fused.fusedCell).toBe(true);
        expect(ref.fusedCell).toBe(false);
        const x = tf.tensor(randArray(B * T * D, 2), [B, T, D], dtype);
        fused.apply(x);  // builds the weights
        ref.apply(x);
        // Random weights and bias (Keras's zero bias would leave the bias gradient path untested by values).
        const weights = fused.getWeights().map((w) => tf.tensor(randArray(w.size, 0.7), w.shape, dtype));
        fused.setWeights(weights);
        ref.setWeights(weights);
        const h0 = tf.tensor(randArray(B * U), [B, U], dtype), c0 = tf.tensor(randArray(B * U), [B, U], dtype);
        const mask = c.mask ? tf.tensor([[true, true, true, true], [true, true, false, false], [false, true, false, true]], undefined, 'bool') : undefined;
        const run = (layer: LSTM) => {
          const tape = new tf.GradientTape();
          const sources = [x, h0, c0, ...layer.trainableWeights];
          tape.watch([x, h0, c0]);
          const outs = tape.record(() => {
            const y = layer.apply(x, { mask, initialState: c.initialState ? [h0, c0] : undefined });
            return Array.isArray(y) ? y : [y];
          });
          // Random weights per output, so every output (and state) sends back its own gradient.
          const wr = rng(99);
          const loss = tape.record(() => outs.reduce<Tensor>((acc, o) => tf.add(acc, tf.sum(tf.mul(o, tf.tensor(Array.from({ length: o.size }, () => 2 * wr() - 1), o.shape, dtype)))), tf.scalar(0, dtype)));
          return { outs, grads: tape.gradient(loss, sources) };
        };
        const a = run(fused), b = run(ref);
        // float64: the two paths differ only in the order of a few operations of the backward.
        // float32: forward values rounded as the op-by-op kernels (bit-identical on TS; within the
        // SIMD sigmoid/tanh accuracy where small op-by-op tensors run TS kernels), gradients within
        // float32 rounding of the longer op-by-op chain.
        const [rtol, atol] = dtype === 'float64' ? [1e-12, 1e-13] : [2e-5, 2e-6];
        expect(a.outs.length).toBe(b.outs.length);
        a.outs.forEach((o, k) => expectClose(o, b.outs[k], rtol, atol, `output ${k}`));
        const names = ['x', 'h0', 'c0', 'kernel', 'recurrentKernel', 'bias'];
        a.grads.forEach((g, k) => {
          const r = b.grads[k];
          if (!c.initialState && (k === 1 || k === 2)) {
            expect(g, `${names[k]} is unconnected`).toBeNull();
            expect(r).toBeNull();
            return;
          }
          expect(g, names[k]).not.toBeNull();
          expectClose(g!, r!, rtol, atol, `gradient of ${names[k]}`);
        });
      });
    }
  }

  it('other activations keep the op-by-op path', () => {
    expect(new LSTM({ units: 2 }).fusedCell).toBe(true);
    expect(new LSTM({ units: 2, activation: 'relu' }).fusedCell).toBe(false);
    expect(new LSTM({ units: 2, recurrentActivation: 'tanh' }).fusedCell).toBe(false);
  });

  it('a float64 LSTM layer through the fused cell passes central differences', () => {
    const layer = new LSTM({ units: 2, dtype: 'float64', returnSequences: true });
    const x = tf.tensor(randArray(2 * 3 * 2), [2, 3, 2], 'float64');
    layer.apply(x);
    layer.setWeights(layer.getWeights().map((w) => tf.tensor(randArray(w.size, 0.8), w.shape, 'float64')));
    expect(checkGradients((t) => layer.apply(t) as Tensor, [x], { wrt: [0], rand })).toEqual([]);
  });
});
