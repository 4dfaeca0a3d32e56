/**
 * Tensors and Variables as the README's API table lists them: creation functions, dtypes, reading
 * values, printing like TF eager, Variable naming, assignment, and use wherever a tensor is.
 * Expected values are derived in comments (NumPy/TF definitions), never copied from a run.
 */
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';

describe('Variable naming (first in this file: names are process-wide counters, as in TF)', () => {
  it('default names Variable:0, Variable_1:0, …; an explicit name is kept as name:0 (TF 2 eager)', () => {
    const a = new tf.Variable(1);
    const b = tf.variable(2);
    const w = new tf.Variable(3, { name: 'w' });
    const w2 = new tf.Variable(4, { name: 'w' });
    expect(a.name).toBe('Variable:0');
    expect(b.name).toBe('Variable_1:0');
    expect(w.name).toBe('w:0');
    expect(w2.name).toBe('w:0');
  });

  it('prints like TF repr(variable)', () => {
    expect(String(new tf.Variable(5, { name: 'five' }))).toBe("<tf.Variable 'five:0' shape=() dtype=float32, numpy=5.0>");
    expect(String(new tf.Variable([1, 2], { name: 'vec' }))).toBe("<tf.Variable 'vec:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>");
    expect(inspect(new tf.Variable(2, { name: 'shown', dtype: 'int32' }))).toBe("<tf.Variable 'shown:0' shape=() dtype=int32, numpy=2>");
  });
});

describe('creation', () => {
  it('tensor: numbers, nested arrays, typed arrays; dtype inference', () => {
    const s = tf.tensor(3);
    expect([s.shape, s.dtype, s.rank, s.size]).toEqual([[], 'float32', 0, 1]);
    const m = tf.tensor([[1, 2, 3], [4, 5, 6]]);
    expect([m.shape, m.dtype, m.rank, m.size]).toEqual([[2, 3], 'float32', 2, 6]);
    expect(tf.tensor([true, false]).dtype).toBe('bool');
    expect(tf.tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tf.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tf.tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(tf.tensor([[1, 2], [3, 4]]).numpy()).toEqual([[1, 2], [3, 4]]); // TF's .numpy() spelling
    expect(tf.scalar(2.5).numpy()).toBe(2.5);
    // An explicit dtype converts: 2.7 stored as int32 truncates to 2 (as tf.cast would).
    expect(Array.from(tf.tensor([1, 2.5], undefined, 'float64').dataSync())).toEqual([1, 2.5]);
    expect(tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]).shape).toEqual([3, 2]);
    // float32 storage rounds: 0.1 is stored as fround(0.1).
    expect(tf.tensor([0.1]).dataSync()[0]).toBe(Math.fround(0.1));
    expect(tf.tensor([0.1], [1], 'float64').dataSync()[0]).toBe(0.1);
  });

  it('tensor does not alias the caller’s typed array', () => {
    const data = new Float32Array([1, 2]);
    const t = tf.tensor(data);
    data[0] = 9;
    expect(t.dataSync()[0]).toBe(1);
  });

  it('scalar, zeros, ones, fill, zerosLike, onesLike', () => {
    expect(tf.scalar(2.5).shape).toEqual([]);
    expect(tf.scalar(2, 'int32').dtype).toBe('int32');
    expect(tf.scalar(true).dtype).toBe('bool');
    expect(tf.zeros([2, 3]).arraySync()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(tf.zeros([2], 'int32').dtype).toBe('int32');
    expect(tf.ones([3], 'float64').arraySync()).toEqual([1, 1, 1]);
    expect(tf.ones([3], 'float64').dtype).toBe('float64');
    expect(tf.fill([2, 2], 7).arraySync()).toEqual([[7, 7], [7, 7]]);
    expect(tf.fill([2], 7, 'int32').dtype).toBe('int32');
    expect(tf.fill([2], true).arraySync()).toEqual([true, true]);
    const x = tf.tensor([[1, 2]], [1, 2], 'float64');
    expect([tf.zerosLike(x).shape, tf.zerosLike(x).dtype, tf.zerosLike(x).arraySync()]).toEqual([[1, 2], 'float64', [[0, 0]]]);
    expect([tf.onesLike(x).dtype, tf.onesLike(x).arraySync()]).toEqual(['float64', [[1, 1]]]);
    expect(tf.zeros([]).shape).toEqual([]);
  });

  it('range, linspace, eye', () => {
    // range(5) = 0..4; range(1, 10, 3) = 1, 4, 7; range(5, 0, -2) = 5, 3, 1; empty when limit is behind.
    expect(tf.range(5).arraySync()).toEqual([0, 1, 2, 3, 4]);
    expect(tf.range(1, 10, 3).arraySync()).toEqual([1, 4, 7]);
    expect(tf.range(5, 0, -2).arraySync()).toEqual([5, 3, 1]);
    expect(tf.range(3, 1).shape).toEqual([0]);
    expect(tf.range(0, 3, 1, 'int32').dtype).toBe('int32');
    // linspace(0, 1, 5): step 1/4; endpoints exact.
    expect(tf.linspace(0, 1, 5).arraySync()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(tf.linspace(2, 3, 1).arraySync()).toEqual([2]);
    const l = tf.linspace(-1, 1, 7).dataSync();
    for (let i = 0; i < 7; i++) expect(l[i]).toBeCloseTo(-1 + i / 3, 6);
    expect(tf.eye(3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(tf.eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(tf.eye(2, 2, 'int32').dtype).toBe('int32');
  });

  it('random.normal: reproducible with a seed, moments close to (mean, stddev)', () => {
    const a = tf.random.normal([20000], { seed: 42 });
    const b = tf.random.normal([20000], { seed: 42 });
    const c = tf.random.normal([20000], { seed: 43 });
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    // Sample mean of n draws of N(3, 2²) has standard error 2/√n ≈ 0.014; allow 5 standard errors.
    const n = 20000;
    const x = tf.random.normal([n], { mean: 3, stddev: 2, seed: 7, dtype: 'float64' });
    expect(x.dtype).toBe('float64');
    const v = x.dataSync();
    let m = 0;
    for (const e of v) m += e / n;
    let s2 = 0;
    for (const e of v) s2 += (e - m) ** 2 / (n - 1);
    expect(Math.abs(m - 3)).toBeLessThan(5 * 2 / Math.sqrt(n));
    // Sample std: standard error ≈ σ/√(2n) = 0.01.
    expect(Math.abs(Math.sqrt(s2) - 2)).toBeLessThan(5 * 2 / Math.sqrt(2 * n));
    // Odd sizes fill every element.
    expect(tf.random.normal([7], { seed: 1 }).dataSync().every((e) => Number.isFinite(e))).toBe(true);
  });

  it('random.uniform: in [minval, maxval), reproducible, mean and variance of U(a, b)', () => {
    const n = 20000;
    const u = tf.random.uniform([n], { minval: -1, maxval: 3, seed: 5, dtype: 'float64' });
    expect(Array.from(u.dataSync())).toEqual(Array.from(tf.random.uniform([n], { minval: -1, maxval: 3, seed: 5, dtype: 'float64' }).dataSync()));
    const v = u.dataSync();
    let m = 0;
    for (const e of v) {
      expect(e >= -1 && e < 3).toBe(true);
      m += e / n;
    }
    let s2 = 0;
    for (const e of v) s2 += (e - m) ** 2 / (n - 1);
    // U(−1, 3): mean 1, variance (b − a)²/12 = 16/12; std 1.155, so the mean's s.e. is 0.008.
    expect(Math.abs(m - 1)).toBeLessThan(5 * Math.sqrt(16 / 12 / n));
    expect(Math.abs(s2 - 16 / 12)).toBeLessThan(0.05);
    const ints = tf.random.uniform([1000], { minval: 0, maxval: 5, dtype: 'int32', seed: 3 }).dataSync();
    const seen = new Set(ints);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    const d = tf.random.uniform([3]);
    expect([d.dtype, d.shape]).toEqual(['float32', [3]]);
  });
});

describe('reading values', () => {
  it('dataSync returns a copy as a typed array of the dtype', () => {
    const t = tf.tensor([1, 2, 3]);
    const d = t.dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    d[0] = 100;
    expect(t.dataSync()[0]).toBe(1);
    expect(tf.ones([1], 'float64').dataSync()).toBeInstanceOf(Float64Array);
    expect(tf.ones([1], 'int32').dataSync()).toBeInstanceOf(Int32Array);
    expect(tf.tensor([true]).dataSync()).toBeInstanceOf(Uint8Array);
  });

  it('arraySync gives nested arrays (booleans for bool); item gives a number', () => {
    expect(tf.tensor([[1, 2], [3, 4]]).arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(tf.zeros([2, 1, 2]).arraySync()).toEqual([[[0, 0]], [[0, 0]]]);
    expect(tf.tensor([true, false]).arraySync()).toEqual([true, false]);
    expect(tf.scalar(4).arraySync()).toBe(4);
    expect(tf.scalar(4).item()).toBe(4);
    expect(tf.tensor([[7]]).item()).toBe(7);
  });

  it('data() and array() are promise forms', async () => {
    const t = tf.tensor([1, 2]);
    expect(Array.from(await t.data())).toEqual([1, 2]);
    expect(await t.array()).toEqual([1, 2]);
  });
});

describe('printing like TF eager', () => {
  it('String(t) and console.log show tf.Tensor(numpy, shape, dtype)', () => {
    expect(String(tf.tensor([1, 2, 3]))).toBe('tf.Tensor([1. 2. 3.], shape=(3,), dtype=float32)');
    expect(String(tf.scalar(5))).toBe('tf.Tensor(5.0, shape=(), dtype=float32)');
    expect(String(tf.tensor([1, 2], [2], 'int32'))).toBe('tf.Tensor([1 2], shape=(2,), dtype=int32)');
    expect(String(tf.tensor([true, false]))).toBe('tf.Tensor([ True False], shape=(2,), dtype=bool)');
    expect(String(tf.tensor([0.5], [1], 'float64'))).toBe('tf.Tensor([0.5], shape=(1,), dtype=float64)');
    // A multi-line value moves to its own line (TF's _numpy_text).
    expect(String(tf.tensor([[1, 2], [3, 4]]))).toBe('tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)');
    expect(inspect(tf.tensor([1, 2, 3]))).toBe('tf.Tensor([1. 2. 3.], shape=(3,), dtype=float32)');
  });
});

describe('Variable', () => {
  it('keeps dtype, shape and trainable; dtype option converts', () => {
    const v = new tf.Variable([1, 2], { dtype: 'float64', trainable: false });
    expect([v.dtype, v.shape, v.trainable]).toEqual(['float64', [2], false]);
    expect(new tf.Variable(1).trainable).toBe(true);
    expect(new tf.Variable(tf.ones([2, 2], 'int32')).dtype).toBe('int32');
    expect(v).toBeInstanceOf(tf.Tensor);
  });

  it('assign, assignAdd, assignSub update in place and return the variable', () => {
    const v = new tf.Variable([1, 2, 3]);
    const id = v.id;
    expect(v.assign([4, 5, 6])).toBe(v);
    expect(v.arraySync()).toEqual([4, 5, 6]);
    expect(v.assignAdd(tf.tensor([1, 1, 1]))).toBe(v);
    expect(v.arraySync()).toEqual([5, 6, 7]);
    expect(v.assignSub([5, 6, 7])).toBe(v);
    expect(v.arraySync()).toEqual([0, 0, 0]);
    expect(v.id).toBe(id);
    // A scalar variable takes a plain number.
    const s = new tf.Variable(1, { dtype: 'float64' });
    s.assign(0.1);
    expect(s.item()).toBe(0.1);
  });

  it('value() is a snapshot; tensors computed from a variable do not change when it does', () => {
    const v = new tf.Variable([1, 2]);
    const snap = v.value();
    const r = v.reshape([2, 1]);
    const t = tf.transpose(v.reshape([1, 2]));
    v.assign([10, 20]);
    expect(snap.arraySync()).toEqual([1, 2]);
    expect(r.arraySync()).toEqual([[1], [2]]);
    expect(t.arraySync()).toEqual([[1], [2]]);
    expect(v.readValue().arraySync()).toEqual([10, 20]);
  });

  it('is usable wherever a tensor is', () => {
    const v = new tf.Variable([[1, 2], [3, 4]]);
    // v·v = [[1·1 + 2·3, 1·2 + 2·4], [3·1 + 4·3, 3·2 + 4·4]] = [[7, 10], [15, 22]].
    expect(tf.matmul(v, v).arraySync()).toEqual([[7, 10], [15, 22]]);
    expect(v.add(1).arraySync()).toEqual([[2, 3], [4, 5]]);
    expect(tf.add(1, v).arraySync()).toEqual([[2, 3], [4, 5]]);
    expect(tf.concat([v, tf.zeros([1, 2])]).shape).toEqual([3, 2]);
    expect(tf.sum(v).item()).toBe(10);
    expect(tf.tensor(v).arraySync()).toEqual([[1, 2], [3, 4]]);
    // Gradients use the value at the time of the computation: after assign(3), d(v²)/dv = 6.
    const w = new tf.Variable(1);
    w.assign(3);
    const tape = new tf.GradientTape();
    const y = tape.record(() => w.square());
    expect((tape.gradient(y, w) as Tensor).item()).toBe(6);
  });
});

describe('zip and backends', () => {
  it('zip pairs arrays as Python zip', () => {
    expect(tf.zip([1, 2, 3], ['a', 'b'])).toEqual([[1, 'a'], [2, 'b']]);
    expect(() => tf.zip(1 as never, [])).toThrow(/zip/);
  });

  it('getBackend follows TAPEFLOW_BACKEND; setBackend rejects unknown names', () => {
    const env = process.env.TAPEFLOW_BACKEND;
    if (env === 'js' || env === 'native') expect(tf.getBackend()).toBe(env);
    const info = tf.backendInfo();
    expect(info.backend).toBe(tf.getBackend());
    expect(['avx512', 'avx2', 'neon', 'scalar', 'none']).toContain(info.simd);
    expect(() => tf.setBackend('gpu' as never)).toThrow(/setBackend.*gpu/);
    tf.setBackend('js');
    expect(tf.getBackend()).toBe('js');
    if (env === 'native') tf.setBackend('native');
    expect(tf.getBackend()).toBe(env === 'native' ? 'native' : 'js');
  });
});

describe('storage (dtype.ts allocate)', () => {
  it('arrays carved from shared slabs start zeroed, never overlap and keep 8-byte alignment', async () => {
    const { allocate } = await import('../src/dtype.js');
    const dtypes = ['float32', 'float64', 'int32', 'bool'] as const;
    const arrays = [];
    for (let i = 0; i < 3000; i++) {
      const dtype = dtypes[i % 4];
      const size = 1 + ((i * 7919) % 2100); // 1 element up to 16 KiB of float64, crossing slab ends
      const a = allocate(dtype, size);
      expect(a.length).toBe(size);
      expect(a.every((v) => v === 0)).toBe(true);
      expect(a.byteOffset % 8).toBe(0);
      a.fill((i % 100) + 1);
      arrays.push({ a, mark: (i % 100) + 1 });
    }
    // every array still holds its own mark: no region was handed out twice
    for (const { a, mark } of arrays) expect(a.every((v) => v === mark)).toBe(true);
  });
});
