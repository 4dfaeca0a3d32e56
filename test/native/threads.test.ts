/**
 * Results do not depend on the thread count (native/threadpool.h): every kernel that splits
 * work keeps each output element's sequence of operations fixed, so 1, 2 and 3 threads give the
 * same bits. Shapes reach every GEMM schedule (column groups, row split for a narrow panel over
 * a tall A, streamed B rows, a single B sliver, transposed A packed in chunks) and the split
 * reductions and elementwise loops, and the conv passes (direct and im2col).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { binding, nativeLabel, randomArray, rng } from './helpers.js';

const THREADS = [1, 2, 3];

function sameBits(x: Float32Array, y: Float32Array): boolean {
  return Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;
}

describe.skipIf(!binding)(nativeLabel, () => {
  const raw = binding!;
  const initial = raw.info().threads;
  afterAll(() => {
    raw.setNumThreads(initial);
  });

  /** Runs `fn` at each thread count; every result must equal the one-thread result bit for bit. */
  function acrossThreads(label: string, fn: () => Float32Array): Float32Array {
    raw.setNumThreads(1);
    const reference = fn();
    for (const t of THREADS.slice(1)) {
      raw.setNumThreads(t);
      expect(sameBits(fn(), reference), `${label} with ${t} threads`).toBe(true);
    }
    return reference;
  }

  // [m, n, k, transposeA, transposeB]
  const SHAPES: [number, number, number, boolean, boolean][] = [
    [300, 400, 500, false, false], // column groups, two k slices
    [300, 400, 500, true, true],
    [3000, 64, 96, false, false], // narrow panel over a tall A: split by rows
    [3000, 64, 96, true, false], // ... with A packed
    [2, 3000, 200, false, false], // streamed B rows
    [1, 3000, 200, true, false],
    [3000, 7, 200, false, false], // a single B sliver
    [64, 64, 2000, false, true], // deep k, few slivers
    [200, 300, 2100, true, false], // small output, long k: k in 2 uneven parts
    [48, 40, 9000, false, true], // … in 8 parts
  ];

  it.each(SHAPES)('matmul %i×%i (k %i, ta %s, tb %s) is the same at 1, 2 and 3 threads', (m, n, k, ta, tb) => {
    const rand = rng(m + n + k);
    const a = randomArray('float32', m * k, rand, false) as Float32Array;
    const b = randomArray('float32', k * n, rand, false) as Float32Array;
    const out = acrossThreads('matmul', () => {
      const out = new Float32Array(m * n);
      raw.matmul(a, b, out, 1, m, n, k, ta, tb, m * k, k * n);
      return out;
    });
    // and right: against the float64 product, each error within 8·√k float32 roundings of Σ|a·b|
    let worst = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let acc = 0, size = 0;
      for (let p = 0; p < k; p++) {
        const t = a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
        acc += t;
        size += Math.abs(t);
      }
      worst = Math.max(worst, Math.abs(out[i * n + j] - acc) / (8 * Math.sqrt(k) * 2 ** -24 * size));
    }
    expect(worst).toBeLessThan(1);
  });

  it('sum, mulAdd and exp over 1e6 elements are the same at 1, 2 and 3 threads', () => {
    const rand = rng(9);
    const x = randomArray('float32', 1_000_003, rand, false) as Float32Array;
    const y = randomArray('float32', x.length, rand, false) as Float32Array;
    acrossThreads('sum', () => {
      const out = new Float32Array(1);
      raw.reduce('sum', x, [x.length], [0], out);
      return out;
    });
    acrossThreads('row sums', () => {
      const out = new Float32Array(7);
      raw.reduce('sum', x.subarray(0, 7 * 140_000), [7, 140_000], [1], out);
      return out;
    });
    // Column sums (the bias-gradient shape) and [outer, reduced, inner]: each column adds its
    // rows in order in double, so the float32 result is the rounded in-order float64 sum exactly.
    for (const [outer, rows, cols] of [[1, 2048, 300], [3, 700, 70]]) {
      const xs = x.subarray(0, outer * rows * cols);
      const shape = outer === 1 ? [rows, cols] : [outer, rows, cols];
      const out = acrossThreads(`column sums ${shape}`, () => {
        const o = new Float32Array(outer * cols);
        raw.reduce('sum', xs, shape, [shape.length - 2], o);
        return o;
      });
      const expected = new Float32Array(outer * cols);
      for (let o = 0; o < outer; o++) for (let c = 0; c < cols; c++) {
        let acc = 0;
        for (let r = 0; r < rows; r++) acc += xs[(o * rows + r) * cols + c];
        expected[o * cols + c] = acc;
      }
      expect(Array.from(out)).toEqual(Array.from(expected));
    }
    acrossThreads('mulAdd', () => {
      const out = new Float32Array(x.length);
      raw.mulAdd(x, y, x, out);
      return out;
    });
    acrossThreads('exp', () => {
      const out = new Float32Array(x.length);
      raw.unary('exp', x, out, 0);
      return out;
    });
  });

  // [batch, h, w, inC, outC]: 3x3 'same' stride 1 (geometry of native-backend.ts convGeometry);
  // 1-16 input channels run direct (native/kernels/conv.cc), 32 through im2col + GEMM.
  it.each([[16, 28, 28, 1, 32], [8, 30, 31, 3, 33], [4, 20, 20, 16, 17], [8, 14, 14, 32, 40]])(
    'conv2d and its backprops [%i,%i,%i,%i]→%i are the same at 1, 2 and 3 threads', (n, h, w, ci, co) => {
      const rand = rng(n * h + ci + co);
      const geometry = [n, h, w, ci, h, w, co, 3, 3, 1, 1, 1, 1, 1, 1, 0];
      const x = randomArray('float32', n * h * w * ci, rand, false) as Float32Array;
      const f = randomArray('float32', 9 * ci * co, rand, false) as Float32Array;
      const dy = randomArray('float32', n * h * w * co, rand, false) as Float32Array;
      acrossThreads('conv2d', () => {
        const out = new Float32Array(dy.length);
        raw.conv2d(x, f, out, geometry);
        return out;
      });
      acrossThreads('conv2dBackpropInput', () => {
        const out = new Float32Array(x.length);
        raw.conv2dBackpropInput(dy, f, out, geometry);
        return out;
      });
      acrossThreads('conv2dBackpropFilter', () => {
        const out = new Float32Array(f.length);
        raw.conv2dBackpropFilter(x, dy, out, geometry);
        return out;
      });
    });
});
