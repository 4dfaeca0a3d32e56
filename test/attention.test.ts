/**
 * MultiHeadAttention: known answers against Keras 3's equations computed by plain float64 loops
 * (projections, softmax(q·kᵀ/√keyDim) over the allowed key positions only, output projection),
 * with attentionMask, the causal mask and the self-attention query mask; Keras weight names and
 * shapes; returned scores; gradient checks through query, key, value, the weights and a mask;
 * errors naming the layer; and training-only attention dropout.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor, Variable } from '../src/index.js';
import { checkGradients, checkVariableGradients } from './support/gradcheck.js';
import { rng } from './support/random.js';

const rand = rng(2024);
const nd = (shape: number[]): unknown => (shape.length === 0 ? 2 * rand() - 1 : Array.from({ length: shape[0] }, () => nd(shape.slice(1))));
const f64 = (v: unknown) => tf.tensor(v as number[], undefined, 'float64');
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
const close = (a: ArrayLike<number>, b: number[], tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
};

type T3 = number[][][];
interface Weights { Wq: T3; bq: number[][]; Wk: T3; bk: number[][]; Wv: T3; bv: number[][]; Wo: T3; bo: number[] }

/** x [S][d] · W [d][n][h] + b [n][h] → [S][n][h]. */
const project = (x: number[][], W: T3, b: number[][]) =>
  x.map((row) => b.map((bn, n) => bn.map((bh, h) => row.reduce((s, xv, d) => s + xv * W[d][n][h], bh))));

/** Keras 3's MultiHeadAttention for one batch row; allowed[t][s] says whether t may attend s. */
function refMHA(q: number[][], v: number[][], k: number[][], w: Weights, keyDim: number, allowed: (t: number, s: number) => boolean) {
  const Q = project(q, w.Wq, w.bq), K = project(k, w.Wk, w.bk), V = project(v, w.Wv, w.bv);
  const heads = w.bq.length, dv = w.bv[0].length, out = w.bo.length;
  const probs = Array.from({ length: heads }, (_, n) => Q.map((qt, t) => {
    const logits = K.map((ks) => ks[n].reduce((s, kv, h) => s + kv * qt[n][h], 0) / Math.sqrt(keyDim));
    const keep = logits.map((_, s) => allowed(t, s));
    const m = Math.max(...logits.filter((_, s) => keep[s]));
    const e = logits.map((l, s) => (keep[s] ? Math.exp(l - m) : 0));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  }));
  const y = Q.map((_, t) => w.bo.map((bo, o) => {
    let acc = bo;
    for (let n = 0; n < heads; n++) for (let h = 0; h < dv; h++) {
      let ctx = 0;
      for (let s = 0; s < K.length; s++) ctx += probs[n][t][s] * V[s][n][h];
      acc += ctx * w.Wo[n][h][o];
    }
    return acc;
  }));
  void out;
  return { y, probs };
}

function setUp(dq: number, dk: number, dv: number, heads: number, keyDim: number, valueDim: number, outDim: number | undefined, T = 3, S = 4) {
  const mha = tf.layers.multiHeadAttention({ numHeads: heads, keyDim, valueDim, outputShape: outDim, dtype: 'float64' });
  mha.apply(f64(nd([1, T, dq])), { value: f64(nd([1, S, dv])), key: f64(nd([1, S, dk])) });
  const o = outDim ?? dq;
  const w: Weights = {
    Wq: nd([dq, heads, keyDim]) as T3, bq: nd([heads, keyDim]) as number[][],
    Wk: nd([dk, heads, keyDim]) as T3, bk: nd([heads, keyDim]) as number[][],
    Wv: nd([dv, heads, valueDim]) as T3, bv: nd([heads, valueDim]) as number[][],
    Wo: nd([heads, valueDim, o]) as T3, bo: nd([o]) as number[],
  };
  mha.setWeights([w.Wq, w.bq, w.Wk, w.bk, w.Wv, w.bv, w.Wo, w.bo].map(f64));
  return { mha, w };
}

describe('known answers against Keras 3 (float64)', () => {
  it('cross-attention with key ≠ value, valueDim and outputShape, scores returned', () => {
    const B = 2, T = 3, S = 4;
    const { mha, w } = setUp(5, 3, 2, 2, 3, 4, 6, T, S);
    const q = nd([B, T, 5]) as T3, v = nd([B, S, 2]) as T3, k = nd([B, S, 3]) as T3;
    const [y, scores] = mha.apply(f64(q), { value: f64(v), key: f64(k), returnAttentionScores: true }) as Tensor[];
    expect(y.shape).toEqual([B, T, 6]);
    expect(scores.shape).toEqual([B, 2, T, S]);
    const refs = q.map((_, b) => refMHA(q[b], v[b], k[b], w, 3, () => true));
    close(y.dataSync(), flat(refs.map((r) => r.y)));
    close(scores.dataSync(), flat(refs.map((r) => r.probs)));
  });

  it('attentionMask and the causal mask combine; masked positions get probability 0', () => {
    const B = 2, T = 4;
    const { mha, w } = setUp(4, 4, 4, 2, 2, 2, undefined, T, T);
    const x = nd([B, T, 4]) as T3;
    const am = [0, 1].map((b) => Array.from({ length: T }, (_, t) => Array.from({ length: T }, (_, s) => !(b === 1 && s === 0 && t > 0))));
    const [y, scores] = mha.apply(f64(x), { attentionMask: tf.tensor(am, undefined, 'bool'), useCausalMask: true, returnAttentionScores: true }) as Tensor[];
    const refs = x.map((xb, b) => refMHA(xb, xb, xb, w, 2, (t, s) => s <= t && am[b][t][s]));
    close(y.dataSync(), flat(refs.map((r) => r.y)));
    close(scores.dataSync(), flat(refs.map((r) => r.probs)));
    const p = scores.arraySync() as number[][][][];
    expect(p[0][1][0].slice(1)).toEqual([0, 0, 0]);
    expect(p[1][0][2][0]).toBe(0);
    // Unmasked, the answer differs (so the check can fail).
    const free = mha.apply(f64(x)) as Tensor;
    expect(Math.abs(free.dataSync()[0] - y.dataSync()[0])).toBeGreaterThan(1e-9);
  });

  it('a [batch, T] mask from embedding({maskZero}) masks self-attention rows and columns', () => {
    const emb = tf.layers.embedding({ inputDim: 6, outputDim: 4, maskZero: true, dtype: 'float64' });
    const { mha, w } = setUp(4, 4, 4, 2, 2, 2, undefined, 3, 3);
    const model = tf.sequential({ layers: [emb, mha] });
    const ids = [[3, 1, 0], [5, 2, 4]];
    model.apply(tf.tensor(ids, undefined, 'int32'));
    const E = emb.getWeights()[0].arraySync() as number[][];
    const y = model.apply(tf.tensor(ids, undefined, 'int32')) as Tensor;
    const x = ids.map((r) => r.map((i) => E[i]));
    // Row 0, query position 2 is padding: Keras masks its whole row, which its softmax then spreads evenly.
    const refs = x.map((xb, b) => refMHA(xb, xb, xb, w, 2, (t, s) => ids[b][t] !== 0 && ids[b][s] !== 0));
    const yv = y.arraySync() as T3;
    close(flat(yv[1]), flat(refs[1].y));
    close(flat(yv[0].slice(0, 2)), flat(refs[0].y.slice(0, 2)));
  });
});

describe('Keras 3 weights and options', () => {
  it('names, paths and shapes', () => {
    tf.keras.backend.clearSession();
    const mha = tf.layers.multiHeadAttention({ numHeads: 8, keyDim: 4, valueDim: 3 });
    expect(mha.name).toBe('multi_head_attention');
    mha.apply(tf.zeros([2, 5, 16]), { value: tf.zeros([2, 7, 12]) });
    expect(mha.weights.map((v) => `${v.path} [${v.shape}]`)).toEqual([
      'multi_head_attention/query/kernel [16,8,4]', 'multi_head_attention/query/bias [8,4]',
      'multi_head_attention/key/kernel [12,8,4]', 'multi_head_attention/key/bias [8,4]',
      'multi_head_attention/value/kernel [12,8,3]', 'multi_head_attention/value/bias [8,3]',
      'multi_head_attention/attention_output/kernel [8,3,16]', 'multi_head_attention/attention_output/bias [16]',
    ]);
    const nb = tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 2, useBias: false });
    nb.apply(tf.zeros([1, 2, 3]));
    expect(nb.weights.length).toBe(4);
  });

  it('in a functional graph, with returnAttentionScores', () => {
    const inp = tf.input({ shape: [5, 8] });
    const mha = tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 4 });
    const [out, scores] = mha.apply(inp, { useCausalMask: true, returnAttentionScores: true }) as tf.SymbolicTensor[];
    expect(out.shape).toEqual([null, 5, 8]);
    expect(scores.shape).toEqual([null, 2, 5, 5]);
    const m = tf.model({ inputs: inp, outputs: out });
    expect((m.apply(tf.ones([3, 5, 8])) as Tensor).shape).toEqual([3, 5, 8]);
  });

  it('dropout acts only while training, reproducibly with a seed', () => {
    const make = () => tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 0.5, seed: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }), dtype: 'float64' });
    const x = f64(nd([2, 4, 3]));
    const a = make(), b = make();
    const inf = Array.from((a.apply(x) as Tensor).dataSync());
    const tr = Array.from((a.apply(x, { training: true }) as Tensor).dataSync());
    expect(tr).not.toEqual(inf);
    b.apply(x);
    expect(Array.from((b.apply(x, { training: true }) as Tensor).dataSync())).toEqual(tr);
  });
});

describe('errors name the layer', () => {
  it('missing keyDim, bad numHeads', () => {
    expect(() => tf.layers.multiHeadAttention({ numHeads: 2 } as never)).toThrow(/MultiHeadAttention 'multi_head_attention(_\d+)?': keyDim is required/);
    expect(() => tf.layers.multiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow(/numHeads must be a positive integer/);
  });

  it('wrong input rank and an attentionMask of the wrong shape', () => {
    const mha = tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 2, name: 'att' });
    expect(() => mha.apply(tf.zeros([2, 3]))).toThrow(/layer 'att' \(MultiHeadAttention\): query must have rank 3/);
    expect(() => mha.apply(tf.zeros([2, 3, 4]), { attentionMask: tf.ones([2, 3, 5], 'bool') })).toThrow(/layer 'att' \(MultiHeadAttention\): attentionMask must have shape \[batch, T, S\] = \[2,3,3\]/);
  });
});

describe('gradients (float64)', () => {
  it('through query, value and key, with attentionMask and the causal mask', () => {
    const { mha } = setUp(3, 2, 3, 2, 2, 2, undefined, 3, 3);
    const am = tf.tensor([[[true, true, false], [true, true, true], [false, true, true]]], undefined, 'bool');
    const f = (q: Tensor, v: Tensor, k: Tensor) => mha.apply(q, { value: v, key: k, attentionMask: am, useCausalMask: true }) as Tensor;
    expect(checkGradients(f, [f64(nd([1, 3, 3])), f64(nd([1, 3, 3])), f64(nd([1, 3, 2]))], { wrt: [0, 1, 2], rand })).toEqual([]);
  });

  it('through every weight', () => {
    const { mha } = setUp(3, 3, 3, 2, 2, 2, 2, 3, 3);
    const x = f64(nd([2, 3, 3]));
    const r = f64(nd([2, 3, 2]));
    const loss = () => tf.sum(tf.mul(mha.apply(x, { useCausalMask: true }) as Tensor, r));
    expect(checkVariableGradients(loss, mha.trainableWeights)).toEqual([]);
  });
});
