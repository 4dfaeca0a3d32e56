/**
 * dotProductAttention (Keras 3's `keras.ops.dot_product_attention`): known answers from plain
 * float64 loops over its definition (softmax(scale·q·kᵀ) over the allowed keys, masked logits
 * −1e9 so a row with nothing allowed is uniform, grouped-query heads sharing key/value head
 * n·K/N), float32 at sizes that cross the GEMM micro-tile edges (MR 14 / NR 32 rows and columns,
 * odd head sizes) against the same reference; the fused kernels' outputs and gradients equal
 * to the op-by-op composition (einsum + maskedSoftmax); numeric gradient checks of first and
 * second order; the layer's fused path equal to its unfused one; and errors naming the op.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { checkGradients, checkSecondDerivatives } from './support/gradcheck.js';
import { rng } from './support/random.js';
import { maskedSoftmax } from '../src/ops/softmax.js';
import * as R from './support/reference.js';

const rand = rng(515);
const values = (n: number) => Array.from({ length: n }, () => 2 * rand() - 1);
const make = (shape: number[], dtype: 'float32' | 'float64' = 'float64') => tf.tensor(values(shape.reduce((a, b) => a * b, 1)), shape, dtype);

type Allowed = (b: number, n: number, t: number, s: number) => boolean;

/** The definition, in float64 loops (test/support/reference.ts): q [B,T,N,H], k [B,S,K,H], v [B,S,K,Hv] → [B,T,N,Hv]. */
function reference(q: Tensor, k: Tensor, v: Tensor, scale: number, allowed: Allowed): number[] {
  const a = (t: Tensor) => R.arr(t.shape, t.dataSync());
  return R.dotProductAttention(a(q), a(k), a(v), scale, allowed).data;
}

/** The op-by-op composition the fused kernels replace (heads repeated for grouped queries). */
function composed(q: Tensor, k: Tensor, v: Tensor, scale: number, mask: Tensor | null): Tensor {
  const group = q.shape[2] / k.shape[2];
  const repeat = (x: Tensor) => (group === 1 ? x : tf.reshape(tf.tile(tf.expandDims(x, 3), [1, 1, 1, group, 1]), [x.shape[0], x.shape[1], q.shape[2], x.shape[3]]));
  const scores = tf.mul(tf.einsum('btnh,bsnh->bnts', q, repeat(k)), scale);
  const p = mask === null ? tf.softmax(scores, -1) : maskedSoftmax(scores, mask);
  return tf.einsum('bnts,bsnh->btnh', p, repeat(v));
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what = '') => {
  expect(a.length, what).toBe(b.length);
  let worst = 0, at = -1;
  for (let i = 0; i < b.length; i++) {
    const err = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(err <= worst)) worst = err, at = i;
  }
  expect(worst, `${what} worst at ${at}: ${a[at]} vs ${b[at]}`).toBeLessThanOrEqual(tol);
};

const causal: Allowed = (_b, _n, t, s) => s <= t;
const all: Allowed = () => true;

describe('known answers (float64 loops)', () => {
  const cases: { name: string; dims: [number, number, number, number, number, number, number]; mask?: (B: number, N: number, T: number, S: number) => { tensor: Tensor; allowed: Allowed }; isCausal?: boolean; scale?: number }[] = [
    { name: 'no mask', dims: [2, 3, 2, 2, 4, 5, 3] },
    { name: 'grouped-query heads (N = 3·K)', dims: [2, 4, 6, 2, 5, 3, 2] },
    { name: 'isCausal with T = S', dims: [1, 5, 2, 1, 5, 4, 3], isCausal: true },
    { name: 'isCausal with T < S (query i sees keys ≤ i)', dims: [2, 3, 2, 2, 6, 3, 4], isCausal: true },
    { name: 'custom scale', dims: [1, 3, 2, 2, 4, 3, 3], scale: 0.37 },
    {
      name: 'mask [B, 1, T, S] with one row fully masked (uniform)', dims: [2, 3, 2, 1, 4, 3, 2],
      mask: (B, _N, T, S) => {
        const m = Array.from({ length: B }, (_, b) => [Array.from({ length: T }, (_, t) => Array.from({ length: S }, (_, s) => !(b === 1 && t === 2) && (s + t + b) % 3 !== 0))]);
        return { tensor: tf.tensor(m, undefined, 'bool'), allowed: (b, _n, t, s) => m[b][0][t][s] };
      },
    },
    {
      name: 'mask [T, S] of 0/1 floats, combined with isCausal', dims: [2, 4, 2, 2, 4, 3, 3], isCausal: true,
      mask: (_B, _N, T, S) => {
        const m = Array.from({ length: T }, (_, t) => Array.from({ length: S }, (_, s) => (s === 1 && t === 3 ? 0 : 1)));
        return { tensor: tf.tensor(m, undefined, 'float64'), allowed: (_b, _n, t, s) => m[t][s] === 1 && s <= t };
      },
    },
    {
      name: 'padding mask [B, 1, 1, S]', dims: [2, 3, 4, 2, 5, 2, 3],
      mask: (B, _N, _T, S) => {
        const m = Array.from({ length: B }, (_, b) => [[Array.from({ length: S }, (_, s) => s < S - b - 1)]]);
        return { tensor: tf.tensor(m, undefined, 'bool'), allowed: (b, _n, _t, s) => m[b][0][0][s] };
      },
    },
    {
      name: 'per-head mask [1, N, T, S]', dims: [2, 3, 2, 2, 3, 2, 2],
      mask: (_B, N, T, S) => {
        const m = [Array.from({ length: N }, (_, n) => Array.from({ length: T }, (_, t) => Array.from({ length: S }, (_, s) => (n + t + s) % 2 === 0 || s === t)))];
        return { tensor: tf.tensor(m, undefined, 'bool'), allowed: (_b, n, t, s) => m[0][n][t][s] };
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [B, T, N, K, S, H, Hv] = c.dims;
      const q = make([B, T, N, H]), k = make([B, S, K, H]), v = make([B, S, K, Hv]);
      const m = c.mask?.(B, N, T, S);
      const scale = c.scale ?? 1 / Math.sqrt(H);
      const base = m?.allowed ?? all;
      const allowed: Allowed = c.isCausal && !m ? causal : base;
      const y = tf.dotProductAttention(q, k, v, { mask: m?.tensor, scale: c.scale, isCausal: c.isCausal });
      expect(y.shape).toEqual([B, T, N, Hv]);
      expect(y.dtype).toBe('float64');
      close(y.dataSync(), reference(q, k, v, scale, allowed), 1e-12, c.name);
    });
  }

  // Empty extents: no keys gives zeros (an empty sum of values), head size 0 a uniform average, empty outputs stay empty.
  for (const dims of [[2, 3, 2, 1, 0, 2, 3], [2, 3, 2, 1, 4, 0, 3], [0, 3, 2, 1, 4, 2, 3], [2, 0, 2, 1, 4, 2, 3], [2, 3, 2, 1, 4, 2, 0], [2, 3, 0, 2, 4, 2, 3]]) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`empty extents [B, T, N, K, S, H, Hv] = [${dims}] in ${dtype}`, () => {
        const [B, T, N, K, S, H, Hv] = dims;
        const q = make([B, T, N, H], dtype), k = make([B, S, K, H], dtype), v = make([B, S, K, Hv], dtype);
        const tape = new tf.GradientTape();
        tape.watch([q, k, v]);
        const y = tape.record(() => tf.dotProductAttention(q, k, v, { isCausal: true }));
        const L = tape.record(() => tf.sum(y));
        close(y.dataSync(), reference(q, k, v, 1, causal), dtype === 'float32' ? 1e-6 : 1e-12);
        const grads = tape.gradient(L, [q, k, v]) as Tensor[];
        grads.forEach((g, i) => {
          expect(g.shape).toEqual([q, k, v][i].shape);
          expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
        });
        // No query (T or N = 0) reaches a key: dk, dv are zeros; no key (S = 0): dq is zero.
        const zeros = (g: Tensor) => expect(Array.from(g.dataSync()).every((x) => x === 0)).toBe(true);
        if (T === 0 || N === 0) zeros(grads[1]), zeros(grads[2]);
        if (S === 0) zeros(grads[0]);
        // H = 0, causal: query t spreads 1/(t+1) over keys 0..t, so dL/dv at key 0 is Σ_t (N/K)/(t+1) for every feature.
        if (H === 0) close(grads[2].dataSync().slice(0, 1), [Array.from({ length: T }, (_, t) => (N / K) / (t + 1)).reduce((a, b) => a + b, 0)], 1e-6);
      });
    }
  }

  it('the masked answer differs from the unmasked one (so the mask checks can fail)', () => {
    const q = make([1, 4, 1, 3]), k = make([1, 4, 1, 3]), v = make([1, 4, 1, 3]);
    const a = tf.dotProductAttention(q, k, v).dataSync(), b = tf.dotProductAttention(q, k, v, { isCausal: true }).dataSync();
    expect(Math.abs(a[0] - b[0])).toBeGreaterThan(1e-6);
    // Query 0 under the causal mask sees only key 0: its output is value 0 exactly.
    expect(Array.from(b.slice(0, 3))).toEqual(Array.from(v.dataSync().slice(0, 3)));
  });
});

describe('float32 across micro-tile edges, fused against the composition', () => {
  // 37 query rows cross MR = 14 twice, 45 keys cross NR = 32; head sizes 17 and 40 are not multiples of 16.
  const sizes: [string, number[], boolean, boolean][] = [
    ['T 37, S 45, H 17, Hv 40, no mask', [2, 37, 2, 2, 45, 17, 40], false, false],
    ['T 37, S 45, H 32, Hv 9, causal', [1, 37, 4, 2, 45, 32, 9], true, false],
    ['T = S = 64, H 16, causal + padding mask', [2, 64, 2, 1, 64, 16, 16], true, true],
    ['T 1, S 70 (one decoding step)', [3, 1, 2, 1, 70, 8, 8], false, true],
  ];
  for (const [name, [B, T, N, K, S, H, Hv], isCausal, padded] of sizes) {
    it(name, () => {
      const q64 = make([B, T, N, H]), k64 = make([B, S, K, H]), v64 = make([B, S, K, Hv]);
      const [q, k, v] = [q64, k64, v64].map((x) => tf.cast(x, 'float32'));
      const pad = Array.from({ length: B }, (_, b) => [[Array.from({ length: S }, (_, s) => s < S - 3 * b)]]);
      const mask = padded ? tf.tensor(pad, undefined, 'bool') : null;
      const allowed: Allowed = (b, _n, t, s) => (!isCausal || s <= t) && (!padded || pad[b][0][0][s]);
      const scale = 1 / Math.sqrt(H);
      const y = tf.dotProductAttention(q, k, v, { mask, isCausal });
      expect(y.dtype).toBe('float32');
      close(y.dataSync(), reference(q64, k64, v64, scale, allowed), 2e-6, 'forward vs float64');

      // Gradients of L = Σ w·y: fused kernels against the op-by-op tape, and both against float64.
      const w = make(y.shape, 'float32');
      const w64 = tf.cast(w, 'float64');
      let full: Tensor | null = null;
      if (isCausal) {
        const lower = Array.from({ length: T }, (_, t) => Array.from({ length: S }, (_, s) => s <= t));
        full = tf.reshape(tf.tensor(lower, undefined, 'bool'), [1, 1, T, S]);
        if (mask) full = tf.logicalAnd(full, mask);
      } else full = mask;
      const grads = (f: (a: Tensor, b: Tensor, c: Tensor) => Tensor, xs: Tensor[], weights: Tensor) => {
        const tape = new tf.GradientTape();
        tape.watch(xs);
        const L = tape.record(() => tf.sum(tf.mul(f(xs[0], xs[1], xs[2]), weights)));
        return tape.gradient(L, xs) as Tensor[];
      };
      const fused = grads((a, b, c) => tf.dotProductAttention(a, b, c, { mask, isCausal }), [q, k, v], w);
      const ops32 = grads((a, b, c) => composed(a, b, c, scale, full), [q, k, v], w);
      const ops64 = grads((a, b, c) => composed(a, b, c, scale, full), [q64, k64, v64], w64);
      ['dq', 'dk', 'dv'].forEach((name, i) => {
        close(fused[i].dataSync(), ops64[i].dataSync(), 2e-5, `${name} fused vs float64`);
        close(fused[i].dataSync(), ops32[i].dataSync(), 2e-5, `${name} fused vs float32 composition`);
      });
    });
  }
});

describe('gradients (float64)', () => {
  it('match the composition exactly enough, with grouped heads and a mask', () => {
    const q = make([2, 5, 4, 3]), k = make([2, 6, 2, 3]), v = make([2, 6, 2, 4]);
    const pad = tf.tensor([[[[1, 1, 1, 1, 0, 0]]], [[[1, 1, 1, 1, 1, 1]]]], undefined, 'bool');
    const w = make([2, 5, 4, 4]);
    const grads = (f: (a: Tensor, b: Tensor, c: Tensor) => Tensor) => {
      const tape = new tf.GradientTape();
      tape.watch([q, k, v]);
      const L = tape.record(() => tf.sum(tf.mul(f(q, k, v), w)));
      return tape.gradient(L, [q, k, v]) as Tensor[];
    };
    const fused = grads((a, b, c) => tf.dotProductAttention(a, b, c, { mask: pad }));
    const ops = grads((a, b, c) => composed(a, b, c, 1 / Math.sqrt(3), pad));
    fused.forEach((g, i) => close(g.dataSync(), ops[i].dataSync(), 1e-12, `input ${i}`));
  });

  it('pass numeric checks through query, key and value (causal, grouped)', () => {
    const q = make([1, 4, 2, 3]), k = make([1, 4, 1, 3]), v = make([1, 4, 1, 2]);
    const failures = checkGradients((a, b, c) => tf.dotProductAttention(a, b, c, { isCausal: true, scale: 0.8 }), [q, k, v], { wrt: [0, 1, 2], rand, tol: 1e-7 });
    expect(failures).toEqual([]);
  });

  it('of second order (nested tapes take the differentiable rule)', () => {
    const q = make([1, 3, 2, 2]), k = make([1, 3, 1, 2]), v = make([1, 3, 1, 2]);
    const mask = tf.tensor([[1, 0, 1], [1, 1, 0], [0, 1, 1]], undefined, 'bool');
    const failures = checkSecondDerivatives((a, b, c) => tf.dotProductAttention(a, b, c, { mask }), [q, k, v], { wrt: [0, 1, 2], rand });
    expect(failures).toEqual([]);
  });
});

describe('MultiHeadAttention takes the fused path', () => {
  it('equals the unfused path (returnAttentionScores) in outputs and weight gradients', () => {
    const mha = tf.layers.multiHeadAttention({ numHeads: 4, keyDim: 8, dtype: 'float64' });
    const x = make([2, 9, 16]);
    mha.apply(x);
    const run = (scores: boolean) => {
      const tape = new tf.GradientTape();
      const L = tape.record(() => {
        const r = mha.apply(x, { useCausalMask: true, returnAttentionScores: scores });
        const y = Array.isArray(r) ? r[0] : r;
        return tf.sum(tf.mul(y, tf.sin(y)));
      });
      return { L: L.dataSync()[0], grads: tape.gradient(L, mha.trainableWeights) as Tensor[] };
    };
    const fused = run(false), plain = run(true);
    expect(Math.abs(fused.L - plain.L)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(plain.L)));
    fused.grads.forEach((g, i) => close(g.dataSync(), plain.grads[i].dataSync(), 1e-11, mha.trainableWeights[i].name));
  });
});

describe('errors name the op and the argument', () => {
  const q = make([1, 2, 2, 3]), k = make([1, 4, 2, 3]), v = make([1, 4, 2, 5]);
  const cases: [string, () => unknown, RegExp][] = [
    ['rank', () => tf.dotProductAttention(make([2, 2, 3]), k, v), /dotProductAttention: query must have rank 4 \[B, T, N, H\]/],
    ['dtype', () => tf.dotProductAttention(tf.cast(q, 'int32'), k, v), /dotProductAttention: query must be float32 or float64/],
    ['mixed dtypes', () => tf.dotProductAttention(q, tf.cast(k, 'float32'), v), /dotProductAttention: key must have the dtype of query/],
    ['head size', () => tf.dotProductAttention(q, make([1, 4, 2, 4]), v), /same head size H/],
    ['heads multiple', () => tf.dotProductAttention(make([1, 2, 3, 3]), k, v), /query heads N must be a multiple of the key\/value heads K/],
    ['key/value positions', () => tf.dotProductAttention(q, k, make([1, 3, 2, 5])), /key and value must have the same positions/],
    ['batch', () => tf.dotProductAttention(make([2, 2, 2, 3]), k, v), /same batch/],
    ['mask shape', () => tf.dotProductAttention(q, k, v, { mask: tf.ones([2, 3], 'bool') }), /mask \[2,3\] must broadcast to \[B, N, T, S\] = \[1,2,2,4\]/],
    ['scale', () => tf.dotProductAttention(q, k, v, { scale: Number.NaN }), /dotProductAttention: options.scale/],
    ['unknown option', () => tf.dotProductAttention(q, k, v, { causal: true } as never), /dotProductAttention/],
  ];
  for (const [name, f, message] of cases) it(name, () => expect(f).toThrow(message));
});

describe('memory', () => {
  it('the kept probabilities and the causal mask outlive a tidy that ends before the backward pass', () => {
    // float32 [1, 1, 300, 300] probabilities (360 KB) and a bool [300, 300] mask (90 KB): both
    // recyclable sizes, so if the tidy freed them the arrays made next would take their storage.
    const q = make([1, 300, 1, 4], 'float32'), k = make([1, 300, 1, 4], 'float32'), v = make([1, 300, 1, 2], 'float32');
    const gradOf = (inTidy: boolean) => {
      const tape = new tf.GradientTape();
      tape.watch([q, k, v]);
      const f = () => tf.sum(tf.mul(tf.dotProductAttention(q, k, v, { isCausal: true }), tf.range(0, 600, 1, 'float32').reshape([1, 300, 1, 2])));
      const L = tape.record(() => (inTidy ? tf.tidy(f) : f()));
      const junk = [tf.fill([300, 300], 7, 'float32'), tf.fill([300, 300], 1, 'bool'), tf.fill([300, 300], -3, 'float32')];
      const g = (tape.gradient(L, [q, k, v]) as Tensor[]).map((t) => Array.from(t.dataSync()));
      tf.dispose(junk);
      return g;
    };
    expect(gradOf(true)).toEqual(gradOf(false));
  });
});
