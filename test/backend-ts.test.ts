/**
 * Sanity tests of the TS backend's kernels against naive float64 loops on random inputs:
 * contiguous arrays of awkward lengths, broadcast strides, empty arrays, every kernel family.
 * The full conformance suite (test/cases) runs both backends; this file is the kernel
 * author's own check and stays self-contained.
 */
import { describe, expect, it } from 'vitest';
import { tsBackend as be } from '../src/backend/ts/index.js';
import type { BinaryOp, ReduceOp, UnaryOp } from '../src/backend/backend.js';
import { BINARY_KERNELS, UNARY_KERNELS } from '../src/backend/ts/index.js';
import { BINARY_SPECS, COMPARE_SPECS, UNARY_SPECS, type UnarySpec } from './cases/ops.js';
import type { TypedArray } from '../src/dtype.js';
import { broadcastStrides, sizeOf, stridesOf } from '../src/shape.js';
import { rng } from './support/random.js';

const SIZES = [0, 1, 7, 8, 9, 17, 33, 1025];

const rand = rng(12345);
const randInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
const FLOATS: [string, FloatCtor][] = [['float32', Float32Array], ['float64', Float64Array]];

function randomArray<C extends new (n: number) => TypedArray>(ctor: C, n: number, lo = -3, hi = 3): InstanceType<C> {
  const a = new ctor(n) as InstanceType<C>;
  const isInt = a instanceof Int32Array || a instanceof Uint8Array;
  for (let i = 0; i < n; i++) a[i] = isInt ? randInt(lo, hi) : lo + (hi - lo) * rand();
  return a;
}

function round(x: number, a: TypedArray): number {
  if (a instanceof Float32Array) return Math.fround(x);
  if (a instanceof Int32Array) return x | 0;
  if (a instanceof Uint8Array) return x & 255;
  return x;
}

/** Elementwise comparison; NaN matches NaN; relative tolerance by dtype. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (!(Number.isNaN(e) && Number.isNaN(a))) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    if (a === e) continue;
    if (!(Math.abs(a - e) <= rtol * Math.max(1, Math.abs(e)))) expect.fail(`${what}[${i}]: got ${a}, expected ${e}`);
  }
}
const tol = (a: TypedArray) => (a instanceof Float32Array ? 2e-6 : a instanceof Float64Array ? 1e-13 : 0);

/** Multi-index of flat index `i` in `shape`, dotted with `strides`. */
function offsetOf(i: number, shape: number[], strides: number[]): number {
  let off = 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    off += (i % n) * strides[d];
    i = Math.floor(i / n);
  }
  return off;
}

/** A random out shape and an operand shape that broadcasts to it (dims dropped to 1 or leading dims removed). */
function randomBroadcast(outShape: number[]): number[] {
  const r = outShape.length;
  const drop = randInt(0, r);
  const s = outShape.slice(rand() < 0.3 ? drop : 0);
  return s.map((d) => (rand() < 0.35 ? 1 : d));
}
function randomShape(maxRank = 4, dims = [1, 2, 3, 5, 8, 17]): number[] {
  const r = randInt(0, maxRank);
  return Array.from({ length: r }, () => dims[randInt(0, dims.length - 1)]);
}

// ---------------------------------------------------------------- unary

/** References from the op-case table's rows (test/cases/ops.ts); leakyRelu's uses alpha 0.2, as below. */
const UNARY_REF = Object.fromEntries(UNARY_SPECS.map((u) => [u.op, u])) as Record<string, UnarySpec>;
/** Input ranges by the row's domain (the table's own ranges, widened where the op allows). */
const RANGE: Record<string, [number, number]> = { positive: [0.01, 5], unit: [0.05, 0.95], signedUnit: [-0.9, 0.9], aboveOne: [1.1, 5] };

// 20-digit values from mpmath (mp.erf, and 0.5·x·mp.erfc(−x/√2) for gelu) at 30 digits, at
// points on both sides of every piece boundary of src/backend/ts/erf.ts.
const ERF_VALUES: [number, number][] = [[-5.5, -0.99999999999999264215], [-3.2, -0.99999397423884823791], [-1.7, -0.98379045859077456084], [-0.75, -0.7111556336535151316], [-0.3, -0.32862675945912741619], [1e-08, 1.1283791670955125599e-8], [0.2, 0.22270258921047846618], [0.49, 0.51166826118852309133], [0.51, 0.52924361984117043674], [1.0, 0.84270079294971486934], [1.49, 0.96489786484320421101], [1.51, 0.96727674812871163694], [2.9, 0.99995890212190054114], [3.1, 0.99998835134263280041], [4.99, 0.99999999999829773389], [5.01, 0.99999999999861166337], [7.9, 1.0], [8.1, 1.0]];
const GELU_VALUES: [number, number][] = [[-37.0, -2.1184613523340934244e-298], [-30.0, -1.4720141781444561179e-196], [-20.0, -5.5072482372124673902e-88], [-11.0, -2.1017255319485432823e-27], [-7.2, -2.1676521464045522203e-12], [-4.3, -0.000036721593525264785958], [-2.2, -0.030587584529696931959], [-1.1, -0.14923266704102093346], [-0.6, -0.16455187065004414653], [-0.2, -0.084148058112179399194], [0.3, 0.18537342665668578306], [0.9, 0.73434588718791648374], [2.5, 2.4844758366855596621], [6.0, 5.9999999940804741298]];

describe('float64 erf and gelu against 20-digit values', () => {
  const run = (op: UnaryOp, xs: number[]) => {
    const out = new Float64Array(xs.length);
    be.unary(op, Float64Array.from(xs), out, 0);
    return out;
  };
  it('erf within 1e-15 relative', () => {
    const out = run('erf', ERF_VALUES.map(([x]) => x));
    ERF_VALUES.forEach(([x, want], i) => expect(Math.abs(out[i] - want) / Math.abs(want), `erf(${x})`).toBeLessThan(1e-15));
  });
  it('erf(±inf) = ±1, gelu(inf) = inf, gelu(−inf) = −inf·0 = NaN (TF: 0.5·x·(1 + erf(x/√2))), NaN stays NaN', () => {
    expect(Array.from(run('erf', [Infinity, -Infinity, NaN]))).toEqual([1, -1, NaN]);
    expect(Array.from(run('gelu', [Infinity, -Infinity, NaN]))).toEqual([Infinity, NaN, NaN]);
  });
  it('gelu within 2e-15 relative, down to its far negative tail', () => {
    const out = run('gelu', GELU_VALUES.map(([x]) => x));
    GELU_VALUES.forEach(([x, want], i) => expect(Math.abs(out[i] - want) / Math.abs(want), `gelu(${x})`).toBeLessThan(2e-15));
  });
});

describe('unary', () => {
  for (const [dt, Ctor] of FLOATS) {
    for (const op of Object.keys(UNARY_KERNELS) as UnaryOp[]) {
      it(`${op} ${dt}`, () => {
        const spec = UNARY_REF[op];
        expect(spec, `${op} has a row in the op-case table`).toBeDefined();
        for (const n of SIZES) {
          const [lo, hi] = RANGE[spec.domain] ?? [-3, 3];
          const x = randomArray(Ctor, n, lo, hi);
          if (n > 3 && op === 'round') { x[0] = 2.5; x[1] = -2.5; x[2] = 0.5; x[3] = -1.5; }
          const out = new Ctor(n);
          be.unary(op, x, out, 0.2);
          const ref = Array.from(x, (v) => round(spec.ref(v), out));
          // softplus/sigmoid references are the naive formulas: allow a few ulps more.
          expectClose(out, ref, tol(out) * 4, `${op}/${dt}/${n}`);
        }
      });
    }
  }

  it('special values (TF semantics)', () => {
    const x = new Float64Array([0, -0, NaN, 2.5, -2.5, 3.5, -0.5, 1e300, -1e300, -800, 800, Infinity, -Infinity]);
    const run = (op: UnaryOp) => { const o = new Float64Array(x.length); be.unary(op, x, o, 0.1); return Array.from(o); };
    expect(run('sign').slice(0, 3)).toEqual([0, 0, NaN]);
    expect(run('relu').slice(0, 3)).toEqual([0, 0, NaN]);
    expect(run('round').slice(3, 7)).toEqual([2, -2, 4, -0]);
    const sg = run('sigmoid');
    expect(sg[9]).toBe(Math.exp(-800) / (1 + Math.exp(-800)));
    expect(sg[10]).toBe(1);
    expect(sg[11]).toBe(1);
    expect(sg[12]).toBe(0);
    const sp = run('softplus');
    expect(sp[10]).toBe(800);
    expect(sp[9]).toBe(0);
    expect(sp[11]).toBe(Infinity);
    expect(run('leakyRelu').slice(0, 3)).toEqual([0, -0, NaN]);
    expect(run('elu')[12]).toBe(-1);
  });

  it('int32 neg abs square sign', () => {
    const x = new Int32Array([0, 1, -1, 7, -7, 46341, -2147483648, 2147483647]);
    const run = (op: UnaryOp) => { const o = new Int32Array(x.length); be.unary(op, x, o, 0); return Array.from(o); };
    expect(run('neg')).toEqual([0, -1, 1, -7, 7, -46341, -2147483648, -2147483647]);
    expect(run('abs')).toEqual([0, 1, 1, 7, 7, 46341, -2147483648, 2147483647]);
    expect(run('square')).toEqual(Array.from(x, (v) => Math.imul(v, v)));
    expect(run('sign')).toEqual([0, 1, -1, 1, -1, 1, -1, 1]);
  });
});

// ---------------------------------------------------------------- binary

/** References from the op-case table's rows, plus reluGrad (an internal kernel with no public op). */
const ARITH_REF: Record<string, (x: number, y: number) => number> = {
  ...Object.fromEntries(BINARY_SPECS.map((b) => [b.op, b.ref])),
  reluGrad: (x, y) => x * +(y > 0),
};
const CMP_REF: Record<string, (x: number, y: number) => boolean> = Object.fromEntries(COMPARE_SPECS);

function checkBinary(op: BinaryOp, Ctor: { new (n: number): TypedArray }, aShape: number[], bShape: number[], outShape: number[]): void {
  const positive = op === 'pow';
  const a = randomArray(Ctor, sizeOf(aShape), positive ? 0.1 : -3, 3);
  const b = randomArray(Ctor, sizeOf(bShape), -3, 3);
  if (!(a instanceof Int32Array)) {
    // Ties and NaNs for comparisons and maximum/minimum.
    if (a.length > 2 && b.length > 2) { b[1] = a[1]; a[2] = NaN; }
  }
  const isCmp = op in CMP_REF;
  const n = sizeOf(outShape);
  const out = isCmp ? new Uint8Array(n) : new Ctor(n);
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  be.binary(op, a, as, b, bs, outShape, out);
  const ref = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = a[offsetOf(i, outShape, as)];
    const y = b[offsetOf(i, outShape, bs)];
    ref[i] = isCmp ? +CMP_REF[op](x, y) : round(ARITH_REF[op](x, y), out);
  }
  expectClose(out, ref, tol(out), `${op} ${Ctor.name} ${JSON.stringify([aShape, bShape, outShape])}`);
}

describe('binary', () => {
  const ops = Object.keys(BINARY_KERNELS) as BinaryOp[];
  it('every binary kernel has a reference', () => {
    for (const op of ops) expect(op in ARITH_REF || op in CMP_REF, op).toBe(true);
  });
  for (const [dt, Ctor] of FLOATS) {
    for (const op of ops) {
      it(`${op} ${dt}: contiguous, scalar, row and column broadcast, random broadcasts`, () => {
        for (const n of SIZES) {
          checkBinary(op, Ctor, [n], [n], [n]);
          checkBinary(op, Ctor, [n], [], [n]);
          checkBinary(op, Ctor, [], [n], [n]);
          checkBinary(op, Ctor, [3, n], [n], [3, n]);
          checkBinary(op, Ctor, [n, 3], [n, 1], [n, 3]);
          checkBinary(op, Ctor, [n, 1], [1, 5], [n, 5]);
        }
        for (let t = 0; t < 40; t++) {
          const outShape = randomShape();
          checkBinary(op, Ctor, randomBroadcast(outShape), randomBroadcast(outShape), outShape);
        }
      });
    }
  }

  it('int32: wrapping add/mul, truncating div (x/0 = 0), integer pow, comparisons', () => {
    const a = new Int32Array([7, -7, 7, -7, 0, 2147483647, 65536, 3, -2, 5]);
    const b = new Int32Array([2, 2, -2, -2, 0, 1, 65536, 13, 3, 0]);
    const st = [1];
    const run = (op: BinaryOp) => { const o = new Int32Array(a.length); be.binary(op, a, st, b, st, [a.length], o); return Array.from(o); };
    expect(run('div')).toEqual([3, -3, -3, 3, 0, 2147483647, 1, 0, 0, 0]);
    expect(run('add')[5]).toBe(-2147483648);
    expect(run('mul')[6]).toBe(0);
    expect(run('pow')).toEqual(Array.from(a, (x, i) => { let r = 1; for (let k = 0; k < b[i]; k++) r = Math.imul(r, x); return b[i] < 0 ? 0 : r; }));
    for (const [dt, Ctor] of [['int32', Int32Array], ['bool', Uint8Array]] as const) {
      for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', ...Object.keys(CMP_REF)] as BinaryOp[]) {
        if (dt === 'bool' && !(op in CMP_REF)) continue;
        for (let t = 0; t < 10; t++) {
          const outShape = randomShape();
          checkBinary(op, Ctor, randomBroadcast(outShape), randomBroadcast(outShape), outShape);
        }
      }
    }
  });

  it('NaN propagation in maximum/minimum and C pow edge cases', () => {
    const a = new Float64Array([NaN, 1, 1, -1]);
    const b = new Float64Array([1, NaN, NaN, Infinity]);
    const o = new Float64Array(4);
    be.binary('maximum', a, [1], b, [1], [4], o);
    expect(Array.from(o).slice(0, 2)).toEqual([NaN, NaN]);
    be.binary('minimum', a, [1], b, [1], [4], o);
    expect(Array.from(o).slice(0, 2)).toEqual([NaN, NaN]);
    be.binary('pow', a, [1], b, [1], [4], o);
    expect(Array.from(o).slice(2)).toEqual([1, 1]);
  });
});

// ---------------------------------------------------------------- select

describe('select', () => {
  for (const [dt, Ctor] of [...FLOATS, ['int32', Int32Array] as const]) {
    it(`${dt} with broadcasting`, () => {
      for (let t = 0; t < 60; t++) {
        const outShape = t < SIZES.length ? [SIZES[t]] : randomShape();
        const cShape = randomBroadcast(outShape), aShape = randomBroadcast(outShape), bShape = randomBroadcast(outShape);
        const c = randomArray(Uint8Array, sizeOf(cShape), 0, 1);
        const a = randomArray(Ctor, sizeOf(aShape));
        const b = randomArray(Ctor, sizeOf(bShape));
        const cs = broadcastStrides(cShape, outShape), as = broadcastStrides(aShape, outShape), bs = broadcastStrides(bShape, outShape);
        const n = sizeOf(outShape);
        const out = new Ctor(n);
        be.select(c, cs, a, as, b, bs, outShape, out);
        const ref = Array.from({ length: n }, (_, i) => (c[offsetOf(i, outShape, cs)] ? a[offsetOf(i, outShape, as)] : b[offsetOf(i, outShape, bs)]));
        expect(Array.from(out)).toEqual(ref);
      }
    });
  }
});

// ---------------------------------------------------------------- reduce

const REDUCE_INIT: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };
const REDUCE_REF: Record<ReduceOp, (s: number, v: number) => number> = {
  sum: (s, v) => s + v,
  prod: (s, v) => s * v,
  max: (s, v) => (Number.isNaN(s) || Number.isNaN(v) ? NaN : Math.max(s, v)),
  min: (s, v) => (Number.isNaN(s) || Number.isNaN(v) ? NaN : Math.min(s, v)),
};

function refReduce(op: ReduceOp, x: TypedArray, shape: number[], axes: number[], intInit?: number): number[] {
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const outShape = kept.map((d) => shape[d]);
  const out = new Array<number>(sizeOf(outShape)).fill(intInit ?? REDUCE_INIT[op]);
  const os = stridesOf(outShape);
  const n = sizeOf(shape);
  for (let i = 0; i < n; i++) {
    // Output offset of input index i.
    let rem = i, off = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      const k = kept.indexOf(d);
      if (k >= 0) off += c * os[k];
    }
    out[off] = REDUCE_REF[op](out[off], x[i]);
  }
  return out;
}

describe('reduce', () => {
  for (const [dt, Ctor] of FLOATS) {
    for (const op of Object.keys(REDUCE_REF) as ReduceOp[]) {
      it(`${op} ${dt}: all, trailing, leading, general, empty`, () => {
        const cases: [number[], number[]][] = [];
        for (const n of SIZES) cases.push([[n], [0]], [[n, 3], [0]], [[3, n], [1]], [[2, n, 3], [0, 2]], [[n, 2], [0, 1]]);
        cases.push([[0, 3], [1]], [[3, 0], [1]], [[4, 1, 5], [1]], [[4, 1, 5], []], [[], []]);
        for (let t = 0; t < 60; t++) {
          const shape = randomShape(5, [1, 2, 3, 4, 7]);
          cases.push([shape, shape.map((_, d) => d).filter(() => rand() < 0.5)]);
        }
        for (const [shape, axes] of cases) {
          const x = randomArray(Ctor, sizeOf(shape), op === 'prod' ? 0.5 : -3, op === 'prod' ? 1.5 : 3);
          if (x.length > 5 && (op === 'max' || op === 'min') && rand() < 0.3) x[randInt(0, x.length - 1)] = NaN;
          const ref = refReduce(op, x, shape, axes);
          const out = new Ctor(ref.length);
          be.reduce(op, x, shape, axes, out);
          expectClose(out, ref.map((v) => round(v, out)), tol(out) * 4, `${op} ${dt} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)}`);
        }
      });
    }
  }

  it('int32 with wrap-around and dtype identities', () => {
    const x = new Int32Array([2147483647, 1, 65536, 65536, -5]);
    const o = new Int32Array(1);
    be.reduce('sum', x, [5], [0], o);
    expect(o[0]).toBe((2147483647 + 1 + 65536 + 65536 - 5) | 0);
    be.reduce('prod', x.subarray(2, 4), [2], [0], o);
    expect(o[0]).toBe(0);
    be.reduce('max', new Int32Array(0), [0], [0], o);
    expect(o[0]).toBe(-2147483648);
    be.reduce('min', new Int32Array(0), [0], [0], o);
    expect(o[0]).toBe(2147483647);
    for (let t = 0; t < 30; t++) {
      const shape = randomShape(4, [1, 2, 3, 5]);
      const axes = shape.map((_, d) => d).filter(() => rand() < 0.5);
      const xi = randomArray(Int32Array, sizeOf(shape), -9, 9);
      for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
        const init = op === 'sum' ? 0 : op === 'max' ? -2147483648 : 2147483647;
        const ref = refReduce(op, xi, shape, axes, init);
        const out = new Int32Array(ref.length);
        be.reduce(op, xi, shape, axes, out);
        expect(Array.from(out)).toEqual(ref);
      }
    }
  });
});

describe('argReduce', () => {
  for (const [dt, Ctor] of FLOATS) {
    it(`argMax/argMin ${dt}: ties take the first index, the first NaN wins`, () => {
      for (let t = 0; t < 60; t++) {
        const shape = randomShape(4, [1, 2, 3, 5, 9]).concat([randInt(1, 6)]);
        shape.reverse();
        const axis = randInt(0, shape.length - 1);
        const x = randomArray(Int32Array, sizeOf(shape), 0, 3); // small integers: many ties
        const xf = new Ctor(x.length);
        xf.set(x);
        if (xf.length > 3 && rand() < 0.5) { xf[randInt(0, xf.length - 1)] = NaN; xf[randInt(0, xf.length - 1)] = NaN; }
        for (const op of ['argMax', 'argMin'] as const) {
          let outer = 1, inner = 1;
          for (let d = 0; d < axis; d++) outer *= shape[d];
          for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
          const len = shape[axis];
          const ref: number[] = [];
          for (let o = 0; o < outer; o++) {
            for (let i = 0; i < inner; i++) {
              let bi = 0;
              for (let j = 0; j < len; j++) {
                const v = xf[(o * len + j) * inner + i];
                if (Number.isNaN(v)) { bi = j; break; }
                const b = xf[(o * len + bi) * inner + i];
                if (op === 'argMax' ? v > b : v < b) bi = j;
              }
              ref.push(bi);
            }
          }
          const out = new Int32Array(outer * inner);
          be.argReduce(op, xf, shape, axis, out);
          expect(Array.from(out), `${op} ${JSON.stringify(shape)} axis ${axis}`).toEqual(ref);
        }
      }
    });
  }
});

// ---------------------------------------------------------------- matmul

describe('matmul', () => {
  for (const [dt, Ctor] of FLOATS) {
    it(`${dt}: small and packed paths, transposes, edge tiles, batch and batch stride 0`, () => {
      const dims: [number, number, number][] = [[1, 1, 1], [0, 3, 2], [3, 0, 2], [2, 3, 0], [7, 9, 17], [1, 1025, 3], [33, 1, 65],
        [70, 45, 33], [65, 67, 300], [130, 9, 260], [5, 600, 20]];
      for (const [m, n, k] of dims) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const batch = m * n * k > 100000 ? 1 : 3;
            const aStride = rand() < 0.5 ? 0 : m * k;
            const bStride = aStride === 0 ? n * k : rand() < 0.5 ? 0 : n * k;
            const a = randomArray(Ctor, Math.max(1, batch * m * k) ), b = randomArray(Ctor, Math.max(1, batch * n * k));
            const out = new Ctor(batch * m * n).fill(NaN);
            be.matmul(a, b, out, { batch, m, n, k, transposeA, transposeB, aBatchStride: aStride, bBatchStride: bStride });
            const ref = new Float64Array(batch * m * n);
            const absSum = new Float64Array(batch * m * n);
            for (let t = 0; t < batch; t++) {
              for (let i = 0; i < m; i++) {
                for (let j = 0; j < n; j++) {
                  let s = 0, a1 = 0;
                  for (let p = 0; p < k; p++) {
                    const av = a[t * aStride + (transposeA ? p * m + i : i * k + p)];
                    const bv = b[t * bStride + (transposeB ? j * k + p : p * n + j)];
                    s += av * bv;
                    a1 += Math.abs(av * bv);
                  }
                  ref[(t * m + i) * n + j] = round(s, out);
                  absSum[(t * m + i) * n + j] = a1;
                }
              }
            }
            const what = `matmul ${dt} ${m}x${n}x${k} tA=${transposeA} tB=${transposeB}`;
            if (dt === 'float64') expectClose(out, ref, 1e-12, what);
            else {
              // float32 sums in float32 (src/backend/ts/matmul.ts): recursive summation of k
              // terms errs by at most k·u·Σ|a·b| (Higham, Accuracy and Stability, §4.2), u = 2^-24,
              // plus the final rounding of the reference.
              const u = 2 ** -24;
              for (let i = 0; i < ref.length; i++) {
                const bound = k * u * absSum[i] + u * Math.abs(ref[i]);
                if (!(Math.abs(out[i] - ref[i]) <= bound)) expect.fail(`${what}[${i}]: got ${out[i]}, expected ${ref[i]} ± ${bound}`);
              }
            }
          }
        }
      }
    });
  }
});

// ---------------------------------------------------------------- data movement

describe('copy family', () => {
  it('copyStrided: transpose, slice, broadcast, tile-like', () => {
    for (const [, Ctor] of [...FLOATS, ['int32', Int32Array] as const, ['bool', Uint8Array] as const]) {
      for (let t = 0; t < 60; t++) {
        const xShape = randomShape(4, [1, 2, 3, 5, 70]);
        const x = randomArray(Ctor, Math.max(1, sizeOf(xShape)), 0, 1);
        const xs = stridesOf(xShape);
        // Random permutation, then a random slice of it, sometimes broadcast a size-1 axis.
        const perm = xShape.map((_, d) => d).sort(() => rand() - 0.5);
        const outShape: number[] = [];
        const strides: number[] = [];
        let offset = 0;
        for (const d of perm) {
          const begin = randInt(0, Math.max(0, xShape[d] - 1));
          const size = randInt(0, xShape[d] - begin);
          offset += begin * xs[d];
          outShape.push(size);
          strides.push(xs[d]);
        }
        if (rand() < 0.3) { outShape.push(4); strides.push(0); }
        const n = sizeOf(outShape);
        const out = new Ctor(n);
        be.copyStrided(x, offset, strides, outShape, out);
        const ref = Array.from({ length: n }, (_, i) => x[offset + offsetOf(i, outShape, strides)]);
        expect(Array.from(out)).toEqual(ref);
      }
    }
  });

  it('gather and scatterAdd', () => {
    for (const [outer, axisSize, inner, k] of [[1, 5, 1, 7], [3, 4, 2, 5], [2, 9, 100, 3], [0, 3, 2, 2], [2, 3, 4, 0], [1, 1025, 1, 33]]) {
      const x = randomArray(Float32Array, outer * axisSize * inner);
      const indices = randomArray(Int32Array, k, 0, axisSize - 1);
      const out = new Float32Array(outer * k * inner);
      be.gather(x, outer, axisSize, inner, indices, out);
      const ref: number[] = [];
      for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) for (let i = 0; i < inner; i++) ref.push(x[(o * axisSize + indices[j]) * inner + i]);
      expect(Array.from(out)).toEqual(ref);

      const upd = randomArray(Float64Array, outer * k * inner);
      const acc = new Float64Array(outer * axisSize * inner);
      be.scatterAdd(upd, outer, axisSize, inner, indices, acc);
      const refAcc = new Float64Array(acc.length);
      for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) for (let i = 0; i < inner; i++) refAcc[(o * axisSize + indices[j]) * inner + i] += upd[(o * k + j) * inner + i];
      expectClose(acc, refAcc, 1e-13, 'scatterAdd');
    }
  });

  it('concat', () => {
    for (const outer of [0, 1, 3, 17]) {
      for (const inners of [[1], [2, 0, 3], [100, 1, 65], [7, 8, 9]]) {
        const xs = inners.map((w) => randomArray(Int32Array, outer * w, -100, 100));
        const total = inners.reduce((s, w) => s + w, 0);
        const out = new Int32Array(outer * total);
        be.concat(xs, outer, inners, out);
        const ref: number[] = [];
        for (let o = 0; o < outer; o++) xs.forEach((x, q) => { for (let i = 0; i < inners[q]; i++) ref.push(x[o * inners[q] + i]); });
        expect(Array.from(out)).toEqual(ref);
      }
    }
  });

  it('pad', () => {
    for (let t = 0; t < 40; t++) {
      const shape = t === 0 ? [] : randomShape(4, [0, 1, 2, 3, 70]);
      const paddings = shape.flatMap(() => [randInt(0, 2), randInt(0, 2)]);
      const x = randomArray(Float64Array, sizeOf(shape));
      const outShape = shape.map((d, i) => d + paddings[2 * i] + paddings[2 * i + 1]);
      const out = new Float64Array(sizeOf(outShape));
      be.pad(x, shape, paddings, 9.5, out);
      const ref = Array.from({ length: out.length }, (_, i) => {
        let rem = i, off = 0, inside = true;
        const xs = stridesOf(shape);
        for (let d = outShape.length - 1; d >= 0; d--) {
          const c = rem % outShape[d] - paddings[2 * d];
          rem = Math.floor(rem / outShape[d]);
          if (c < 0 || c >= shape[d]) inside = false;
          off += c * xs[d];
        }
        return inside ? x[off] : 9.5;
      });
      expect(Array.from(out), JSON.stringify([shape, paddings])).toEqual(ref);
    }
  });

  it('cast', () => {
    const f = new Float64Array([1.7, -1.7, 0.5, -0.5, NaN, 0, -0, 3e9, 2.5]);
    const i = new Int32Array(f.length);
    be.cast(f, i);
    expect(Array.from(i)).toEqual([1, -1, 0, 0, 0, 0, 0, 3e9 | 0, 2]);
    const b = new Uint8Array(f.length);
    be.cast(f, b);
    expect(Array.from(b)).toEqual([1, 1, 1, 1, 1, 0, 0, 1, 1]);
    const bi = new Uint8Array(new Int32Array([0, 5, -1, 256]).length);
    be.cast(new Int32Array([0, 5, -1, 256]), bi);
    expect(Array.from(bi)).toEqual([0, 1, 1, 1]);
    const back = new Float32Array(4);
    be.cast(new Uint8Array([0, 1, 1, 0]), back);
    expect(Array.from(back)).toEqual([0, 1, 1, 0]);
    const f32 = new Float32Array(f.length);
    be.cast(f, f32);
    expect(Array.from(f32)).toEqual(Array.from(f, Math.fround));
    for (const n of SIZES) {
      const x = randomArray(Float32Array, n, -50, 50);
      const o = new Int32Array(n);
      be.cast(x, o);
      expect(Array.from(o)).toEqual(Array.from(x, Math.trunc).map((v) => v | 0));
    }
  });
});

// ---------------------------------------------------------------- fusedUpdate

describe('fusedUpdate', () => {
  const fr = Math.fround;
  /** The update rules in float64; for float32, every operation rounded (`r`). */
  function refStep(kind: string, st: number[][], sc: number[], r: (x: number) => number): void {
    const [w, g, m, v, vh] = st;
    for (let i = 0; i < w.length; i++) {
      if (kind === 'sgd') w[i] = r(w[i] - r(g[i] * sc[0]));
      else if (kind === 'sgdMomentum') {
        m[i] = r(r(m[i] * sc[1]) - r(g[i] * sc[0]));
        w[i] = r(w[i] + (sc[2] ? r(r(m[i] * sc[1]) - r(g[i] * sc[0])) : m[i]));
      } else {
        const [alpha, omb1, omb2, eps] = sc; // 1 - beta comes precomputed, as Keras casts it
        m[i] = r(m[i] + r(r(g[i] - m[i]) * omb1));
        v[i] = r(v[i] + r(r(r(g[i] * g[i]) - v[i]) * omb2));
        let d = v[i];
        if (kind === 'adamAmsgrad') { vh[i] = Math.max(vh[i], v[i]); d = vh[i]; }
        w[i] = r(w[i] - r(r(alpha * m[i]) / r(r(Math.sqrt(d)) + eps)));
      }
    }
  }
  const kinds: [string, number, number[]][] = [
    ['sgd', 2, [0.01]],
    ['sgdMomentum', 3, [0.01, 0.9, 0]],
    ['sgdMomentum', 3, [0.01, 0.9, 1]],
    ['adam', 4, [0.001, 1 - 0.9, 1 - 0.999, 1e-7]],
    ['adamAmsgrad', 5, [0.001, 1 - 0.9, 1 - 0.999, 1e-7]],
  ];
  for (const [kind, count, scalars] of kinds) {
    for (const [dt, Ctor] of FLOATS) {
      it(`${kind}${kind === 'sgdMomentum' ? ` nesterov=${scalars[2]}` : ''} ${dt} matches the rule${dt === 'float32' ? ' bit for bit' : ''}`, () => {
        for (const n of SIZES) {
          const arrays = Array.from({ length: count }, (_, q) => randomArray(Ctor, n, q >= 3 ? 0 : -1, 1));
          const sc = dt === 'float32' ? scalars.map(fr) : scalars;
          const ref = arrays.map((a) => Array.from(a));
          for (let step = 0; step < 3; step++) {
            expect(be.fusedUpdate(kind, arrays, sc)).toBe(true);
            refStep(kind, ref, sc, dt === 'float32' ? fr : (x) => x);
          }
          arrays.forEach((a, q) => expect(Array.from(a), `${kind} array ${q} n=${n}`).toEqual(ref[q]));
        }
      });
    }
  }
  it('unknown kinds return false and touch nothing', () => {
    const w = new Float32Array([1, 2]);
    expect(be.fusedUpdate('nope', [w, w], [1])).toBe(false);
    expect(be.fusedUpdate('toString', [w, w], [1])).toBe(false);
    expect(Array.from(w)).toEqual([1, 2]);
  });
});
