/**
 * Recurrent layers: known answers against Keras 3's cell equations, computed here by plain
 * float64 loops (no tapeflow ops), for SimpleRNN, LSTM and GRU (both resetAfter variants),
 * with goBackwards, initialState and masks; Keras weight paths and defaults; output shapes;
 * Bidirectional merge modes and TimeDistributed; gradient checks through every layer and
 * through masking; errors naming the layer; and a tiny sequence model that fit trains.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor, Variable } from '../src/index.js';
import { checkGradients, checkVariableGradients } from './support/gradcheck.js';
import { rng } from './support/random.js';

type M = number[][];
type Seq = number[][][];

const rand = rng(1515);
const randArray = (n: number, scale = 1) => Array.from({ length: n }, () => scale * (2 * rand() - 1));
const randMat = (r: number, c: number, scale = 1): M => Array.from({ length: r }, () => randArray(c, scale));
const randSeq = (b: number, t: number, d: number): Seq => Array.from({ length: b }, () => randMat(t, d));
const f64 = (v: number[] | M | Seq, shape?: number[]) => tf.tensor(v, shape, 'float64');
const sig = (v: number) => 1 / (1 + Math.exp(-v));

/** row · matrix for one row (v [n], m [n][k]) → [k]. */
function vecMat(v: number[], m: M): number[] {
  const out = new Array(m[0].length).fill(0);
  for (let i = 0; i < v.length; i++) for (let j = 0; j < out.length; j++) out[j] += v[i] * m[i][j];
  return out;
}
const addv = (a: number[], b: number[]) => a.map((v, i) => v + b[i]);

interface RefOptions {
  goBackwards?: boolean;
  mask?: boolean[][];
  initial?: number[][][]; // [state][batch][units]
}

/**
 * Runs a cell over each batch row as Keras 3's RNN loop does: steps in order (reversed with
 * goBackwards), a masked step keeps the states and repeats the previous output (zeros at first).
 * Returns the per-step outputs in processing order and the final states.
 */
function refRun(x: Seq, units: number, stateCount: number, cell: (xt: number[], s: number[][]) => number[][], o: RefOptions = {}) {
  const outputs: Seq = [];
  const finals: number[][][] = Array.from({ length: stateCount }, () => []);
  x.forEach((row, b) => {
    let states = Array.from({ length: stateCount }, (_, k) => (o.initial ? o.initial[k][b].slice() : new Array(units).fill(0)));
    let prevOut = new Array(units).fill(0);
    const order = row.map((_, t) => t);
    if (o.goBackwards) order.reverse();
    const outs: M = [];
    for (const t of order) {
      const next = cell(row[t], states);
      if (o.mask && !o.mask[b][t]) {
        outs.push(prevOut);
        continue;
      }
      states = next;
      prevOut = next[0];
      outs.push(prevOut);
    }
    outputs.push(outs);
    states.forEach((s, k) => finals[k].push(s));
  });
  return { outputs, last: outputs.map((o2) => o2[o2.length - 1]), finals };
}

/** Keras SimpleRNNCell: h = tanh(x·W + b + h·U). */
const simpleCell = (W: M, U: M, bias: number[]) => (xt: number[], [h]: number[][]) => [addv(addv(vecMat(xt, W), bias), vecMat(h, U)).map(Math.tanh)];

/** Keras LSTMCell: z = x·W + h·U + b, gates i, f, c, o in that order. */
const lstmCell = (W: M, U: M, bias: number[], units: number) => (xt: number[], [h, c]: number[][]) => {
  const z = addv(addv(vecMat(xt, W), vecMat(h, U)), bias);
  const gate = (k: number) => z.slice(k * units, (k + 1) * units);
  const i = gate(0).map(sig), f = gate(1).map(sig), g = gate(2).map(Math.tanh), og = gate(3).map(sig);
  const c2 = c.map((cv, j) => f[j] * cv + i[j] * g[j]);
  return [c2.map((cv, j) => og[j] * Math.tanh(cv)), c2];
};

/** Keras GRUCell, gates z, r, h; resetAfter with bias [input row, recurrent row], else bias [3u]. */
const gruCell = (W: M, U: M, bias: number[] | M, units: number, resetAfter: boolean) => (xt: number[], [h]: number[][]) => {
  const part = (v: number[], k: number) => v.slice(k * units, (k + 1) * units);
  const colSlice = (m: M, k: number) => m.map((r) => part(r, k));
  if (resetAfter) {
    const [bi, br] = bias as M;
    const mx = addv(vecMat(xt, W), bi);
    const mi = addv(vecMat(h, U), br);
    const z = addv(part(mx, 0), part(mi, 0)).map(sig);
    const r = addv(part(mx, 1), part(mi, 1)).map(sig);
    const hh = part(mx, 2).map((v, j) => Math.tanh(v + r[j] * part(mi, 2)[j]));
    return [h.map((hv, j) => z[j] * hv + (1 - z[j]) * hh[j])];
  }
  const b = bias as number[];
  const mx = addv(vecMat(xt, W), b);
  const z = addv(part(mx, 0), vecMat(h, colSlice(U, 0))).map(sig);
  const r = addv(part(mx, 1), vecMat(h, colSlice(U, 1))).map(sig);
  const hh = addv(part(mx, 2), vecMat(h.map((hv, j) => r[j] * hv), colSlice(U, 2))).map(Math.tanh);
  return [h.map((hv, j) => z[j] * hv + (1 - z[j]) * hh[j])];
};

const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
};
const flat = (v: unknown[]): number[] => (v as unknown[]).flat(3) as number[];
const asList = (y: Tensor | Tensor[]) => (Array.isArray(y) ? y : [y]);

interface Case {
  name: string;
  make: (args: Record<string, unknown>) => tf.layers.RNN;
  stateCount: number;
  /** Random Keras-shaped weights and the reference cell that uses them. */
  weights: (d: number, u: number) => { values: (M | number[])[]; cell: (xt: number[], s: number[][]) => number[][] };
}

const B = 3, T = 4, D = 3, U = 2;
const CASES: Case[] = [
  {
    name: 'SimpleRNN', stateCount: 1, make: (a) => tf.layers.simpleRNN({ units: U, dtype: 'float64', ...a }),
    weights: (d, u) => { const W = randMat(d, u), R = randMat(u, u), b = randArray(u); return { values: [W, R, b], cell: simpleCell(W, R, b) }; },
  },
  {
    name: 'LSTM', stateCount: 2, make: (a) => tf.layers.lstm({ units: U, dtype: 'float64', ...a }),
    weights: (d, u) => { const W = randMat(d, 4 * u), R = randMat(u, 4 * u), b = randArray(4 * u); return { values: [W, R, b], cell: lstmCell(W, R, b, u) }; },
  },
  {
    name: 'GRU (resetAfter)', stateCount: 1, make: (a) => tf.layers.gru({ units: U, dtype: 'float64', ...a }),
    weights: (d, u) => { const W = randMat(d, 3 * u), R = randMat(u, 3 * u), b = randMat(2, 3 * u); return { values: [W, R, b], cell: gruCell(W, R, b, u, true) }; },
  },
  {
    name: 'GRU (resetAfter false)', stateCount: 1, make: (a) => tf.layers.gru({ units: U, dtype: 'float64', resetAfter: false, ...a }),
    weights: (d, u) => { const W = randMat(d, 3 * u), R = randMat(u, 3 * u), b = randArray(3 * u); return { values: [W, R, b], cell: gruCell(W, R, b, u, false) }; },
  },
];

function setUp(c: Case, args: Record<string, unknown> = {}) {
  const layer = c.make(args);
  layer.apply(f64(randSeq(1, 2, D)));
  const w = c.weights(D, U);
  layer.setWeights(w.values.map((v) => f64(v)));
  return { layer, cell: w.cell };
}

describe('known answers against Keras 3 cell equations (float64)', () => {
  for (const c of CASES) {
    it(`${c.name}: returnSequences and returnState`, () => {
      const { layer, cell } = setUp(c, { returnSequences: true, returnState: true });
      const x = randSeq(B, T, D);
      const [seq, ...states] = asList(layer.apply(f64(x)));
      const ref = refRun(x, U, c.stateCount, cell);
      expect(seq.shape).toEqual([B, T, U]);
      close(seq.dataSync(), flat(ref.outputs));
      expect(states.length).toBe(c.stateCount);
      states.forEach((s, k) => close(s.dataSync(), flat(ref.finals[k])));
    });

    it(`${c.name}: goBackwards, initialState and a mask`, () => {
      const { layer, cell } = setUp(c, { returnSequences: true, goBackwards: true });
      const x = randSeq(B, T, D);
      const initial = Array.from({ length: c.stateCount }, () => randMat(B, U));
      // Row 0 unmasked, row 1 padded at the end, row 2 with holes (the first step masked too).
      const mask = [[true, true, true, true], [true, true, false, false], [false, true, false, true]];
      const y = layer.apply(f64(x), { initialState: initial.map((s) => f64(s)), mask: tf.tensor(mask, undefined, 'bool') }) as Tensor;
      const ref = refRun(x, U, c.stateCount, cell, { goBackwards: true, initial, mask });
      close(y.dataSync(), flat(ref.outputs));
    });

    it(`${c.name}: the last output by default`, () => {
      const { layer, cell } = setUp(c);
      const x = randSeq(B, T, D);
      const y = layer.apply(f64(x)) as Tensor;
      expect(y.shape).toEqual([B, U]);
      close(y.dataSync(), flat(refRun(x, U, c.stateCount, cell).last));
    });
  }

  it('a mask from embedding({maskZero: true}) reaches the LSTM in a Sequential model', () => {
    const emb = tf.layers.embedding({ inputDim: 5, outputDim: D, maskZero: true, dtype: 'float64' });
    const rnn = tf.layers.lstm({ units: U, dtype: 'float64' });
    const model = tf.sequential({ layers: [emb, rnn] });
    const ids = [[1, 2, 3, 0], [4, 0, 0, 0]];
    model.apply(tf.tensor(ids, undefined, 'int32'));
    const E = randMat(5, D), W = randMat(D, 4 * U), R = randMat(U, 4 * U), b = randArray(4 * U);
    emb.setWeights([f64(E)]);
    rnn.setWeights([f64(W), f64(R), f64(b)]);
    const y = model.apply(tf.tensor(ids, undefined, 'int32')) as Tensor;
    const x = ids.map((r) => r.map((i) => E[i]));
    const ref = refRun(x, U, 2, lstmCell(W, R, b, U), { mask: ids.map((r) => r.map((i) => i !== 0)) });
    close(y.dataSync(), flat(ref.last));
    // Without the mask the padded steps would change the answer: the check can fail.
    const unmasked = refRun(x, U, 2, lstmCell(W, R, b, U));
    expect(Math.abs(y.dataSync()[2] - unmasked.last[1][0])).toBeGreaterThan(1e-6);
  });
});

describe('masks through a functional model', () => {
  it('padded steps at the end give the answer of the unpadded sequence', () => {
    const inp = tf.input({ shape: [4], dtype: 'int32' });
    const emb = tf.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, dtype: 'float64' });
    const rnn = tf.layers.gru({ units: 2, dtype: 'float64' });
    const m = tf.model({ inputs: inp, outputs: rnn.apply(emb.apply(inp) as tf.SymbolicTensor) as tf.SymbolicTensor });
    const padded = (m.apply(tf.tensor([[1, 2, 0, 0], [3, 0, 0, 0]], undefined, 'int32')) as Tensor).dataSync();
    const short = (rnn.apply(emb.apply(tf.tensor([[1, 2]], undefined, 'int32')) as Tensor) as Tensor).dataSync();
    close(padded.slice(0, 2), Array.from(short));
    const unmasked = (rnn.apply(emb.apply(tf.tensor([[1, 2, 0, 0]], undefined, 'int32')) as Tensor) as Tensor).dataSync();
    expect(Math.abs(unmasked[0] - short[0])).toBeGreaterThan(1e-9);
  });
});

describe('Keras defaults, names and shapes', () => {
  it('names lstm, lstm_1, gru, simple_rnn and weight paths <layer>/<cell>/<weight>', () => {
    tf.keras.backend.clearSession();
    const a = tf.layers.lstm({ units: 3 }), b = tf.layers.lstm({ units: 3 }), g = tf.layers.gru({ units: 2 }), s = tf.layers.simpleRNN({ units: 2 });
    expect([a.name, b.name, g.name, s.name]).toEqual(['lstm', 'lstm_1', 'gru', 'simple_rnn']);
    for (const l of [a, g, s]) l.apply(tf.zeros([1, 2, 5]));
    expect(a.weights.map((w) => `${w.path} [${w.shape}]`)).toEqual(['lstm/lstm_cell/kernel [5,12]', 'lstm/lstm_cell/recurrent_kernel [3,12]', 'lstm/lstm_cell/bias [12]']);
    expect(g.weights.map((w) => `${w.path} [${w.shape}]`)).toEqual(['gru/gru_cell/kernel [5,6]', 'gru/gru_cell/recurrent_kernel [2,6]', 'gru/gru_cell/bias [2,6]']);
    expect(s.weights.map((w) => w.path)).toEqual(['simple_rnn/simple_rnn_cell/kernel', 'simple_rnn/simple_rnn_cell/recurrent_kernel', 'simple_rnn/simple_rnn_cell/bias']);
    const g2 = tf.layers.gru({ units: 2, resetAfter: false });
    g2.apply(tf.zeros([1, 2, 5]));
    expect(g2.weights[2].shape).toEqual([6]);
  });

  it('LSTM bias starts as zeros, ones for the forget gate, zeros (unitForgetBias); the recurrent kernel is orthogonal', () => {
    const l = tf.layers.lstm({ units: 2, dtype: 'float64' });
    l.apply(tf.zeros([1, 1, 3]));
    expect(Array.from(l.bias!.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    const off = tf.layers.lstm({ units: 2, unitForgetBias: false });
    off.apply(tf.zeros([1, 1, 3]));
    expect(Array.from(off.bias!.dataSync())).toEqual(new Array(8).fill(0));
    // [2, 8] orthogonal: rows < cols, so the rows are orthonormal.
    const r = l.recurrentKernel!.arraySync() as M;
    const dot = (p: number[], q: number[]) => p.reduce((s, v, i) => s + v * q[i], 0);
    expect(dot(r[0], r[0])).toBeCloseTo(1, 10);
    expect(dot(r[0], r[1])).toBeCloseTo(0, 10);
  });

  it('output shapes for returnSequences / returnState, and in a functional graph', () => {
    const x = tf.zeros([2, 6, 3]);
    expect((tf.layers.lstm({ units: 4 }).apply(x) as Tensor).shape).toEqual([2, 4]);
    expect((tf.layers.lstm({ units: 4, returnSequences: true }).apply(x) as Tensor).shape).toEqual([2, 6, 4]);
    expect(asList(tf.layers.lstm({ units: 4, returnState: true }).apply(x)).map((t) => t.shape)).toEqual([[2, 4], [2, 4], [2, 4]]);
    expect(asList(tf.layers.gru({ units: 4, returnState: true, returnSequences: true }).apply(x)).map((t) => t.shape)).toEqual([[2, 6, 4], [2, 4]]);
    const inp = tf.input({ shape: [6, 3] });
    const out = tf.layers.lstm({ units: 4, returnSequences: true }).apply(inp) as tf.SymbolicTensor;
    expect(out.shape).toEqual([null, 6, 4]);
  });

  it('dense on rank-3 input and timeDistributed(dense) agree', () => {
    const d = tf.layers.dense({ units: 2, dtype: 'float64' });
    const x = f64(randSeq(2, 3, 4));
    const td = tf.layers.timeDistributed({ layer: d });
    const a = td.apply(x) as Tensor;
    const b = d.apply(x) as Tensor;
    expect(a.shape).toEqual([2, 3, 2]);
    close(a.dataSync(), Array.from(b.dataSync()));
    expect(td.weights.map((w) => w.path)).toEqual([`${d.name}/kernel`, `${d.name}/bias`]);
  });
});

describe('Bidirectional', () => {
  const modes: [tf.layers.MergeMode, (f: number, b: number) => number][] = [['sum', (f, b) => f + b], ['mul', (f, b) => f * b], ['ave', (f, b) => (f + b) / 2]];
  function run(mergeMode: tf.layers.MergeMode, returnSequences: boolean) {
    const bi = tf.layers.bidirectional({ layer: tf.layers.gru({ units: U, dtype: 'float64', returnSequences }), mergeMode });
    const x = randSeq(B, T, D);
    bi.apply(f64(x));
    const wf = CASES[2].weights(D, U), wb = CASES[2].weights(D, U);
    bi.setWeights([...wf.values, ...wb.values].map((v) => f64(v)));
    const y = asList(bi.apply(f64(x)));
    const fwd = refRun(x, U, 1, wf.cell);
    const bwd = refRun(x, U, 1, wb.cell, { goBackwards: true });
    // The backward outputs come back in forward time order.
    const bwdSeq = bwd.outputs.map((r) => r.slice().reverse());
    return { bi, y, f: returnSequences ? fwd.outputs : fwd.last, b: returnSequences ? bwdSeq : bwd.last };
  }

  it('concat (default) puts forward then backward units on the last axis; weights forward_ then backward_', () => {
    const { bi, y, f, b } = run('concat', true);
    expect(y[0].shape).toEqual([B, T, 2 * U]);
    const expected = (f as Seq).map((r, i) => r.map((v, t) => [...v, ...(b as Seq)[i][t]]));
    close(y[0].dataSync(), flat(expected));
    expect(bi.weights.map((w) => w.path)[0]).toMatch(/^forward_gru(_\d+)?\/gru_cell\/kernel$/);
    expect(bi.weights.map((w) => w.path)[3]).toMatch(/^backward_gru(_\d+)?\/gru_cell\/kernel$/);
  });

  for (const [mode, fn] of modes) {
    it(`mergeMode ${mode}`, () => {
      const { y, f, b } = run(mode, false);
      expect(y[0].shape).toEqual([B, U]);
      close(y[0].dataSync(), flat((f as M).map((r, i) => r.map((v, j) => fn(v, (b as M)[i][j])))));
    });
  }

  it('mergeMode null returns [forward, backward]', () => {
    const { y, f, b } = run(null, true);
    expect(y.length).toBe(2);
    close(y[0].dataSync(), flat(f as Seq));
    close(y[1].dataSync(), flat(b as Seq));
  });

  it('returnState gives [merged, forward states, backward states]', () => {
    const bi = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, returnState: true }) });
    expect(asList(bi.apply(tf.zeros([2, 4, 5]))).map((t) => t.shape)).toEqual([[2, 6], [2, 3], [2, 3], [2, 3], [2, 3]]);
  });
});

/** Weight gradients of Σ r·layer(x) by central differences on each variable (as test/layers.test.ts). */
function checkWeightGradients(layer: tf.layers.Layer, run: () => Tensor, r: Tensor): string[] {
  return checkVariableGradients(() => tf.sum(tf.mul(run(), r)), layer.trainableWeights);
}

describe('gradients through every recurrent layer (float64)', () => {
  const mask = tf.tensor([[true, true, false], [false, true, true]], undefined, 'bool');
  for (const c of CASES) {
    for (const masked of [false, true]) {
      it(`${c.name}${masked ? ' with a mask' : ''}: input, initial state and weights`, () => {
        const { layer } = setUp(c, { returnSequences: true, goBackwards: masked });
        const x = f64(randSeq(2, 3, D));
        const h0 = f64(randMat(2, U));
        const extra = c.stateCount === 2 ? [f64(randMat(2, U))] : [];
        const call = (xi: Tensor, h: Tensor, ...rest: Tensor[]) => layer.apply(xi, { initialState: [h, ...rest], mask: masked ? mask : undefined }) as Tensor;
        expect(checkGradients(call, [x, h0, ...extra], { wrt: [0, 1, ...extra.map((_, i) => 2 + i)], rand })).toEqual([]);
        const r = f64(randSeq(2, 3, U));
        expect(checkWeightGradients(layer, () => call(x, h0, ...extra), r)).toEqual([]);
      });
    }
  }

  it('Bidirectional LSTM (concat) and TimeDistributed(Dense)', () => {
    const bi = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnSequences: true, dtype: 'float64', biasInitializer: 'randomNormal' }) });
    const x = f64(randSeq(2, 3, 2));
    expect(checkGradients((t) => bi.apply(t, { mask }) as Tensor, [x], { wrt: [0], rand })).toEqual([]);
    expect(checkWeightGradients(bi, () => bi.apply(x) as Tensor, f64(randSeq(2, 3, 4)))).toEqual([]);
    const td = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'tanh', dtype: 'float64' }) });
    expect(checkGradients((t) => td.apply(t) as Tensor, [x], { wrt: [0], rand })).toEqual([]);
  });
});

describe('errors name the layer', () => {
  it('wrong input rank', () => {
    const l = tf.layers.lstm({ units: 2, name: 'enc' });
    expect(() => l.apply(tf.zeros([2, 3]))).toThrow(/layer 'enc' \(LSTM\).*rank 3/);
    l.apply(tf.zeros([1, 2, 3]));
    expect(() => l.apply(tf.zeros([2, 3]))).toThrow(/layer 'enc' \(LSTM\).*rank/);
    expect(() => tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }), name: 'td' }).apply(tf.zeros([2, 3]))).toThrow(/layer 'td' \(TimeDistributed\)/);
  });

  it('a mask of the wrong shape', () => {
    const l = tf.layers.gru({ units: 2, name: 'g' });
    expect(() => l.apply(tf.zeros([2, 3, 4]), { mask: tf.ones([2, 4], 'bool') })).toThrow(/layer 'g' \(GRU\): mask must have shape \[batch, time\] = \[2,3\], got \[2,4\]/);
  });

  it('an initialState of the wrong shape or count', () => {
    const l = tf.layers.lstm({ units: 2, name: 'dec' });
    expect(() => l.apply(tf.zeros([2, 3, 4]), { initialState: [tf.zeros([2, 2])] })).toThrow(/layer 'dec' \(LSTM\): initialState must hold 2 tensors/);
    expect(() => l.apply(tf.zeros([2, 3, 4]), { initialState: [tf.zeros([2, 2]), tf.zeros([2, 3])] })).toThrow(/layer 'dec' \(LSTM\): initialState\[1\] must have shape \[batch, units\] = \[2,2\], got \[2,3\]/);
  });

  it('bad options', () => {
    expect(() => tf.layers.lstm({ units: 0 })).toThrow(/LSTM: units must be a positive integer/);
    expect(() => tf.layers.gru({ units: 2, dropout: 1 })).toThrow(/GRU: dropout must be a number in \[0, 1\)/);
    expect(() => tf.layers.bidirectional({ layer: tf.layers.dense({ units: 2 }) as never })).toThrow(/Bidirectional: options.layer must be a recurrent layer/);
    expect(() => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow(/mergeMode/);
  });
});

describe('dropout and training', () => {
  it('dropout and recurrentDropout change the training output only, reproducibly with a seed', () => {
    const x = f64(randSeq(2, 5, 3));
    const make = () => tf.layers.lstm({ units: 3, dropout: 0.5, recurrentDropout: 0.5, seed: 4, dtype: 'float64', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }) });
    const a = make(), b = make();
    const inf = (a.apply(x) as Tensor).dataSync();
    const tr = (a.apply(x, { training: true }) as Tensor).dataSync();
    expect(Array.from(tr)).not.toEqual(Array.from(inf));
    b.apply(x);
    expect(Array.from((b.apply(x, { training: true }) as Tensor).dataSync())).toEqual(Array.from(tr));
  });

  it('fit reduces the loss of a tiny embedding + LSTM + dense model', async () => {
    // Label: whether token 1 occurs in the sequence (0 is padding, masked).
    const r = rng(99);
    const xs: number[][] = [], ys: number[] = [];
    for (let i = 0; i < 64; i++) {
      const len = 2 + Math.floor(r() * 5);
      const row = Array.from({ length: 6 }, (_, t) => (t < len ? 1 + Math.floor(r() * 4) : 0));
      xs.push(row);
      ys.push(row.includes(1) ? 1 : 0);
    }
    const model = tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 5, outputDim: 8, maskZero: true, inputShape: [6] }),
      tf.layers.lstm({ units: 8 }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ] });
    model.compile({ optimizer: new tf.optimizers.Adam(0.03), loss: 'binaryCrossentropy' });
    const h = await model.fit(tf.tensor(xs, undefined, 'int32'), tf.tensor(ys, [64, 1]), { epochs: 8, batchSize: 16, verbose: 0, seed: 3 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(0.7 * loss[0]);
  });
});
