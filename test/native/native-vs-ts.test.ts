/**
 * Native against TS, kernel by kernel, on random shapes (broadcasts, transposes, slices, empty
 * and odd lengths) for every primitive, op and dtype, at every SIMD level this process may use
 * (the one TAPEFLOW_SIMD forces, else all the CPU has). The op lists are the TS kernel tables;
 * pairs the addon's `kernels` export does not list must be refused by the raw addon with a
 * TypeError; every listed pair must run natively and agree: exactly where the kernel is one IEEE
 * operation (`ieee` in the TS table), within a few ulp for transcendentals.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BinaryOp, ReduceOp, UnaryOp } from '../../src/backend/backend.js';
import { BINARY_KERNELS, binaryIsIeee, isCompareOp, tsBackend, UNARY_KERNELS, unaryIsIeee } from '../../src/backend/ts/index.js';
import { convGeometry, NativeBackend, poolGeometry } from '../../src/backend/native/native-backend.js';
import type { DType, TypedArray } from '../../src/dtype.js';
import { broadcastStrides, sizeOf, stridesOf } from '../../src/shape.js';
import * as R from '../support/reference.js';
import { window } from '../../src/nn/geometry.js';
import type { Conv2DArgs, PoolArgs } from '../../src/backend/backend.js';
import { binding, CTORS, DTYPES, nativeLabel, randomArray, rng, simdLevels } from './helpers.js';

const UNARY = Object.keys(UNARY_KERNELS) as UnaryOp[];
const BINARY = Object.keys(BINARY_KERNELS) as BinaryOp[];
const REDUCE: ReduceOp[] = ['sum', 'max', 'min', 'prod'];
const ieee = (op: string) => ((UNARY as string[]).includes(op) ? unaryIsIeee(op as UnaryOp) : (BINARY as string[]).includes(op) ? binaryIsIeee(op as BinaryOp) : true);
const SIZES = [0, 1, 7, 8, 9, 15, 16, 17, 33, 1037];

interface Tol { rtol: number; atol: number }
const EXACT: Tol = { rtol: 0, atol: 0 };

function close(a: TypedArray, b: TypedArray, tol: Tol, label: string): void {
  expect(a.length, label).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y || (x !== x && y !== y)) {
      if (tol === EXACT && !Object.is(x, y) && x === y) throw new Error(`${label}: [${i}] native ${x} (sign of zero) vs ts ${y}`);
      continue;
    }
    if (tol !== EXACT && Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y)) continue;
    throw new Error(`${label}: [${i}] native ${x} vs ts ${y}`);
  }
}

function tolFor(dtype: DType, op: string): Tol {
  if (ieee(op) || dtype === 'int32' || dtype === 'bool') return EXACT;
  return dtype === 'float32' ? { rtol: 1e-6, atol: 1e-37 } : { rtol: 1e-14, atol: 1e-300 };
}

function randomShape(rand: () => number, maxRank = 4, maxDim = 5, zero = 0.04): number[] {
  const rank = Math.floor(rand() * (maxRank + 1));
  return Array.from({ length: rank }, () => (rand() < zero ? 0 : 1 + Math.floor(rand() * maxDim)));
}

/** A shape that broadcasts to `out`: some leading dims dropped, some set to 1. */
function broadcastOperand(out: number[], rand: () => number): number[] {
  const drop = Math.floor(rand() * (out.length + 1) * 0.5);
  return out.slice(drop).map((d) => (rand() < 0.3 ? 1 : d));
}

describe.skipIf(!binding)(nativeLabel, () => {
  const raw = binding!;
  const initial = raw.info().simd;
  afterAll(() => { raw.setSimdLevel(initial); });

  const routing = new NativeBackend(raw);

  it('every elementwise op has a native float32 and float64 kernel', () => {
    for (const op of UNARY) for (const d of ['float32', 'float64'] as const) expect(routing.runsNatively('unary', d, op), `unary ${op} ${d}`).toBe(true);
    for (const op of BINARY) for (const d of ['float32', 'float64'] as const) expect(routing.runsNatively('binary', d, op), `binary ${op} ${d}`).toBe(true);
  });

  function runs(kernel: Parameters<NativeBackend['runsNatively']>[0], dtype: DType, op: string | undefined, call: () => void): boolean {
    if (!routing.runsNatively(kernel, dtype, op)) {
      expect(call, `${kernel} ${op ?? ''} ${dtype} is not in the addon's kernel list, so the addon must refuse it`).toThrow(TypeError);
      return false;
    }
    call();
    return true;
  }

  for (const level of simdLevels(raw)) {
    describe(`simd ${level}`, () => {
      it('selects the level', () => {
        expect(raw.setSimdLevel(level)).toBe(level);
      });

      it('unary: every op and dtype, odd lengths and specials', () => {
        raw.setSimdLevel(level);
        const rand = rng(1);
        for (const op of UNARY) for (const dtype of DTYPES) for (const n of [...SIZES, 70000]) {
          const x = randomArray(dtype, n, rand);
          const a = new CTORS[dtype](n), b = new CTORS[dtype](n);
          if (!runs('unary', dtype, op, () => raw.unary(op, x, a, 0.2))) break;
          tsBackend.unary(op, x, b, 0.2);
          close(a, b, tolFor(dtype, op), `unary ${op} ${dtype} n=${n}`);
        }
      });

      it('binary: arithmetic and comparisons under random broadcasts', () => {
        raw.setSimdLevel(level);
        const rand = rng(2);
        for (const op of BINARY) for (const dtype of DTYPES) {
          for (let trial = 0; trial < 40; trial++) {
            let outShape = randomShape(rand);
            let aShape = broadcastOperand(outShape, rand), bShape = broadcastOperand(outShape, rand);
            if (trial < 4) { // contiguous long rows, scalar, row and column broadcast
              outShape = [3, 37 + trial];
              aShape = outShape;
              bShape = [[3, 37 + trial], [], [1, 37 + trial], [3, 1]][trial];
              if (trial === 1) [aShape, bShape] = [bShape, aShape];
            }
            const x = randomArray(dtype, sizeOf(aShape), rand), y = randomArray(dtype, sizeOf(bShape), rand);
            if (op === 'pow' && dtype === 'int32') y.forEach((v, i) => { y[i] = Math.abs(v) % 40 - 3; });
            const outDType = isCompareOp(op) ? 'bool' : dtype;
            const size = sizeOf(outShape);
            const a = new CTORS[outDType](size), b = new CTORS[outDType](size);
            const sa = broadcastStrides(aShape, outShape), sb = broadcastStrides(bShape, outShape);
            if (!runs('binary', dtype, op, () => raw.binary(op, x, sa, y, sb, outShape, a))) break;
            tsBackend.binary(op, x, sa, y, sb, outShape, b);
            close(a, b, tolFor(dtype, op), `binary ${op} ${dtype} ${JSON.stringify([aShape, bShape, outShape])}`);
          }
        }
      });

      it('mulAdd: bit-identical to TS (product rounded before the sum) at every length', () => {
        raw.setSimdLevel(level);
        const rand = rng(7);
        for (const dtype of ['float32', 'float64'] as const) for (const n of [...SIZES, 70000, 300001]) {
          const [x, y, z] = [0, 1, 2].map(() => randomArray(dtype, n, rand)) as Float32Array[];
          const a = new CTORS[dtype](n), b = new CTORS[dtype](n);
          raw.mulAdd(x, y, z, a);
          tsBackend.mulAdd(x, y, z, b);
          expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer)), `mulAdd ${dtype} n=${n}`).toBe(0);
        }
      });

      it('select: every dtype under random broadcasts', () => {
        const rand = rng(3);
        for (const dtype of DTYPES) for (let trial = 0; trial < 30; trial++) {
          const outShape = randomShape(rand);
          const cShape = broadcastOperand(outShape, rand), aShape = broadcastOperand(outShape, rand), bShape = broadcastOperand(outShape, rand);
          const c = randomArray('bool', sizeOf(cShape), rand) as Uint8Array, x = randomArray(dtype, sizeOf(aShape), rand), y = randomArray(dtype, sizeOf(bShape), rand);
          const args = [c, broadcastStrides(cShape, outShape), x, broadcastStrides(aShape, outShape), y, broadcastStrides(bShape, outShape), outShape] as const;
          const a = new CTORS[dtype](sizeOf(outShape)), b = new CTORS[dtype](sizeOf(outShape));
          raw.select(...args, a);
          tsBackend.select(...args, b);
          close(a, b, EXACT, `select ${dtype}`);
        }
      });

      it('reduce: every op and dtype over random axes', () => {
        const rand = rng(4);
        for (const op of REDUCE) for (const dtype of DTYPES) for (let trial = 0; trial < 40; trial++) {
          const shape = trial === 0 ? [70000] : trial === 1 ? [3, 20000] : trial === 2 ? [50, 3, 40] : randomShape(rand, 4, 6);
          const axes = trial < 2 ? [shape.length - 1] : shape.map((_, i) => i).filter(() => rand() < 0.5);
          const x = randomArray(dtype, sizeOf(shape), rand, false);
          if (op === 'prod') x.forEach((v, i) => { x[i] = dtype === 'int32' ? (v % 3) : 1 + (v - 0) / 64; });
          const outSize = sizeOf(shape.filter((_, i) => !axes.includes(i)));
          const a = new CTORS[dtype](outSize), b = new CTORS[dtype](outSize);
          if (!runs('reduce', dtype, op, () => raw.reduce(op, x, shape, axes, a))) break;
          tsBackend.reduce(op, x, shape, axes, b);
          const tol = (op === 'sum' || op === 'prod') && (dtype === 'float32' || dtype === 'float64') ? { rtol: dtype === 'float32' ? 1e-6 : 1e-12, atol: 1e-9 } : EXACT;
          close(a, b, tol, `reduce ${op} ${dtype} ${JSON.stringify([shape, axes])}`);
        }
      });

      it('argReduce: ties and NaN, every axis', () => {
        const rand = rng(5);
        for (const op of ['argMax', 'argMin'] as const) for (const dtype of DTYPES) for (let trial = 0; trial < 30; trial++) {
          const shape = randomShape(rand, 3, 6, 0.02);
          if (shape.length === 0) shape.push(3);
          const axis = Math.floor(rand() * shape.length);
          const x = new CTORS[dtype](sizeOf(shape)).map(() => Math.floor(rand() * 4));
          if (dtype.startsWith('float')) x.forEach((_, i) => { if (rand() < 0.05) x[i] = NaN; });
          const outSize = sizeOf(shape) / (shape[axis] || 1) || sizeOf(shape.filter((_, i) => i !== axis));
          const a = new Int32Array(outSize), b = new Int32Array(outSize);
          if (!runs('argReduce', dtype, op, () => raw.argReduce(op, x, shape, axis, a))) break;
          tsBackend.argReduce(op, x, shape, axis, b);
          close(a, b, EXACT, `${op} ${dtype} ${JSON.stringify([shape, axis])}`);
        }
      });

      it('conv2d, its backprops (dense and depthwise), pools and maxPool argmax: tiled, 1x1, first-layer and threaded sizes', () => {
        raw.setSimdLevel(level);
        const rand = rng(12);
        const f32 = (n: number) => randomArray('float32', n, rand, false) as Float32Array;
        const near = (a: Float32Array, b: Float32Array, label: string) => {
          let scale = 0;
          for (const v of b) scale = Math.max(scale, Math.abs(v));
          close(a, b, { rtol: 1e-4, atol: 1e-5 * Math.max(1, scale) }, label);
        };
        for (const [xs, fs, st, pad, dil, depthwise] of [
          [[32, 14, 14, 32], [3, 3, 32, 64], 1, 'same', 1, false], [[8, 28, 28, 1], [3, 3, 1, 32], 1, 'same', 1, false],
          [[4, 17, 15, 3], [5, 5, 3, 20], 2, 'valid', 1, false], [[2, 9, 9, 40], [1, 1, 40, 33], 1, 'valid', 1, false],
          [[3, 12, 11, 7], [3, 3, 7, 9], [1, 2], [[0, 0], [2, 1], [0, 3], [0, 0]], [2, 1], false], [[1, 5, 5, 2], [3, 3, 2, 3], 3, 'same', 2, false],
          // Few input channels (the direct kernels), threaded: output channels off the vector width.
          [[16, 30, 29, 3], [3, 3, 3, 33], 1, 'same', 1, false], [[8, 27, 31, 4], [5, 5, 4, 70], [2, 1], [[0, 0], [1, 3], [2, 2], [0, 0]], [1, 2], false],
          [[8, 24, 24, 16], [3, 3, 16, 17], 1, 'valid', 1, false], [[4, 13, 40, 1], [3, 3, 1, 5], 3, 'same', 2, false],
          // More input channels, dw = 1: implicit GEMM over a strip (forward; stride-1 input gradient).
          [[3, 12, 11, 20], [3, 3, 20, 33], [1, 2], [[0, 0], [2, 1], [0, 3], [0, 0]], [2, 1], false],
          [[2, 9, 10, 24], [5, 4, 24, 19], 2, 'valid', 1, false], [[2, 3, 30, 18], [5, 3, 18, 40], 1, 'same', 1, false],
          [[3, 10, 9, 17], [4, 2, 17, 21], 1, [[0, 0], [3, 0], [1, 1], [0, 0]], [1, 1], false],
          // ... unless the window reaches far wider than x (here 85 columns over 5): im2col then.
          [[2, 6, 5, 3], [2, 3, 3, 4], 1, [[0, 0], [1, 1], [40, 40], [0, 0]], [1, 40], false],
          [[8, 20, 20, 32], [3, 3, 32, 1], 1, 'same', 1, true], [[2, 11, 13, 5], [3, 5, 5, 2], 2, 'same', [1, 2], true], [[4, 9, 9, 17], [3, 3, 17, 1], 3, 'valid', 1, true],
        ] as [number[], number[], number | number[], 'same', number | number[], boolean][]) {
          const s2 = (typeof st === 'number' ? [st, st] : st) as [number, number];
          const d2 = (typeof dil === 'number' ? [dil, dil] : dil) as [number, number];
          const w = window('test', xs, fs[0], fs[1], s2, d2, pad, 'filter');
          const g: Conv2DArgs = { ...w, inC: xs[3], outC: depthwise ? xs[3] * fs[3] : fs[3], depthwise };
          const x = f32(sizeOf(xs)), f = f32(sizeOf(fs)), dy = f32(g.batch * g.outH * g.outW * g.outC);
          const label = `${depthwise ? 'depthwise ' : ''}${JSON.stringify([xs, fs, st, pad, dil])}`;
          const [y1, y2] = [new Float32Array(dy.length), new Float32Array(dy.length)];
          raw.conv2d(x, f, y1, convGeometry(g));
          tsBackend.conv2d(x, f, y2, g);
          near(y1, y2, `conv2d ${label}`);
          const [dx1, dx2] = [new Float32Array(x.length), new Float32Array(x.length)];
          raw.conv2dBackpropInput(dy, f, dx1, convGeometry(g));
          tsBackend.conv2dBackpropInput(dy, f, dx2, g);
          near(dx1, dx2, `conv2dBackpropInput ${label}`);
          const [df1, df2] = [new Float32Array(f.length), new Float32Array(f.length)];
          raw.conv2dBackpropFilter(x, dy, df1, convGeometry(g));
          tsBackend.conv2dBackpropFilter(x, dy, df2, g);
          near(df1, df2, `conv2dBackpropFilter ${label}`);
        }
        for (const [xs, size, st, pad] of [
          [[32, 28, 28, 32], 2, 2, 'valid'], [[2, 7, 9, 3], 3, 1, 'same'], [[3, 10, 11, 17], [3, 2], [2, 3], 'same'], [[1, 6, 6, 5], 3, 3, [[0, 0], [1, 1], [2, 0], [0, 0]]],
        ] as [number[], number | number[], number | number[], 'same'][]) {
          const k = (typeof size === 'number' ? [size, size] : size) as [number, number];
          const s2 = (typeof st === 'number' ? [st, st] : st) as [number, number];
          const w = window('test', xs, k[0], k[1], s2, [1, 1], pad, 'window');
          const g: PoolArgs = { batch: w.batch, inH: w.inH, inW: w.inW, channels: xs[3], outH: w.outH, outW: w.outW, fh: k[0], fw: k[1], strideH: s2[0], strideW: s2[1], padTop: w.padTop, padLeft: w.padLeft };
          // Coarse values so windows hold ties: the argmax must pick the same (first) one.
          const x = Float32Array.from({ length: sizeOf(xs) }, () => Math.floor(rand() * 4));
          const n = g.batch * g.outH * g.outW * g.channels;
          const label = JSON.stringify([xs, size, st, pad]);
          for (const op of ['max', 'avg'] as const) {
            const [a, b] = [new Float32Array(n), new Float32Array(n)];
            raw.pool(op, x, a, poolGeometry(g));
            tsBackend.pool(op, x, b, g);
            close(a, b, op === 'max' ? EXACT : { rtol: 1e-6, atol: 1e-6 }, `pool ${op} ${label}`);
          }
          const [i1, i2] = [new Int32Array(n), new Int32Array(n)];
          raw.maxPoolArgmax(x, i1, poolGeometry(g));
          tsBackend.maxPoolArgmax(x, i2, g);
          close(i1, i2, EXACT, `maxPoolArgmax ${label}`);
          // Its routing in one kernel: dy added at those indices (float adds in window order).
          const dyPool = f32(n);
          const [r1, r2, r3] = [new Float32Array(x.length), new Float32Array(x.length), new Float32Array(x.length)];
          raw.maxPoolBackprop(x, dyPool, r1, poolGeometry(g));
          tsBackend.maxPoolBackprop(x, dyPool, r2, g);
          for (let q = 0; q < i2.length; q++) r3[i2[q]] += dyPool[q];
          close(r1, r3, EXACT, `maxPoolBackprop ${label}`);
          close(r2, r3, EXACT, `maxPoolBackprop (TS) ${label}`);
          const dy = f32(n);
          const [d1, d2] = [new Float32Array(x.length), new Float32Array(x.length)];
          raw.avgPoolBackprop(dy, d1, poolGeometry(g));
          tsBackend.avgPoolBackprop(dy, d2, g);
          close(d1, d2, { rtol: 1e-5, atol: 1e-5 }, `avgPoolBackprop ${label}`);
        }
      });

      it('lstmCell and lstmCellGrad: odd and vector-width units, threaded batches, specials, both float dtypes', () => {
        raw.setSimdLevel(level);
        const rand = rng(15);
        // [batch, units]: tails of every vector width, one row, empty, and threaded sizes (the
        // bench's b32 u256 splits rows across the pool).
        const dims = [[1, 1], [2, 7], [3, 8], [1, 9], [4, 16], [2, 17], [5, 33], [0, 4], [3, 0], [32, 256], [64, 100]];
        for (const dtype of ['float32', 'float64'] as const) for (const [batch, units] of dims) {
          const n = batch * units;
          const label = `${dtype} [${batch}, ${units}]`;
          const z = randomArray(dtype, 4 * n, rand, n < 1000) as Float32Array, cp = randomArray(dtype, n, rand, n < 1000) as Float32Array;
          const C = CTORS[dtype];
          const out = () => ({ h: new C(n) as Float32Array, c: new C(n) as Float32Array, act: new C(5 * n) as Float32Array });
          const a = out(), b = out();
          raw.lstmCell(z, cp, batch, units, a.h, a.c, a.act);
          tsBackend.lstmCell(z, cp, batch, units, b.h, b.c, b.act);
          // The forward goes through sigmoid and tanh: within their accuracy (the unary kernels'
          // tolerance, compounded by one mul and one add), against the TS kernel in double.
          const fwd = dtype === 'float32' ? { rtol: 4e-6, atol: 1e-6 } : { rtol: 1e-14, atol: 1e-15 };
          close(a.h, b.h, fwd, `lstmCell h ${label}`);
          close(a.c, b.c, fwd, `lstmCell c ${label}`);
          close(a.act, b.act, fwd, `lstmCell act ${label}`);
          // The backward is products and sums in the same order on both sides (float32 rounded
          // at every step, no FMA): bit for bit from the same act.
          const dh = randomArray(dtype, n, rand, false) as Float32Array, dc = randomArray(dtype, n, rand, false) as Float32Array;
          const g1 = { dz: new C(4 * n) as Float32Array, dcp: new C(n) as Float32Array }, g2 = { dz: new C(4 * n) as Float32Array, dcp: new C(n) as Float32Array };
          raw.lstmCellGrad(dh, dc, cp, b.act, batch, units, g1.dz, g1.dcp);
          tsBackend.lstmCellGrad(dh, dc, cp, b.act, batch, units, g2.dz, g2.dcp);
          close(g1.dz, g2.dz, EXACT, `lstmCellGrad dz ${label}`);
          close(g1.dcp, g2.dcp, EXACT, `lstmCellGrad dcPrev ${label}`);
        }
        expect(routing.runsNatively('lstm', 'float32')).toBe(true);
        expect(routing.runsNatively('lstm', 'float64')).toBe(true);
      });

      it('softmax and softmaxGrad: tails of every vector width, masks with fully masked rows, threaded sizes, both float dtypes', () => {
        raw.setSimdLevel(level);
        const rand = rng(16);
        // [rows, cols, maskRows] (0: no mask): the bench's attention scores are [16·8·128, 128].
        const dims = [[1, 1, 0], [3, 7, 2], [2, 16, 1], [5, 17, 3], [4, 33, 0], [0, 5, 1], [2048, 128, 128], [300, 100, 0]];
        for (const dtype of ['float32', 'float64'] as const) for (const [rows, cols, maskRows] of dims) {
          const n = rows * cols;
          const label = `${dtype} [${rows}, ${cols}] mask rows ${maskRows}`;
          const C = CTORS[dtype];
          const x = randomArray(dtype, n, rand, n < 1000) as Float32Array;
          const mask = maskRows ? Uint8Array.from({ length: maskRows * cols }, (_, i) => (i < cols ? 0 : rand() < 0.7 ? 1 : 0)) : null;
          const rowOf = maskRows ? Int32Array.from({ length: rows }, (_, r) => r % maskRows) : null;
          const [y1, y2] = [new C(n) as Float32Array, new C(n) as Float32Array];
          raw.softmax(x, rows, cols, mask ?? new Uint8Array(0), rowOf ?? new Int32Array(0), y1);
          tsBackend.softmax(x, rows, cols, mask, rowOf, y2);
          // The steps match the TS kernel's one for one; only exp (SIMD vs Math.exp) differs.
          close(y1, y2, dtype === 'float32' ? { rtol: 2e-6, atol: 1e-9 } : { rtol: 1e-14, atol: 1e-16 }, `softmax ${label}`);
          const dy = randomArray(dtype, n, rand, false) as Float32Array;
          const [d1, d2] = [new C(n) as Float32Array, new C(n) as Float32Array];
          raw.softmaxGrad(y2, dy, rows, cols, mask ?? new Uint8Array(0), rowOf ?? new Int32Array(0), d1);
          tsBackend.softmaxGrad(y2, dy, rows, cols, mask, rowOf, d2);
          // products, one double sum, a subtraction and a product: the same rounding on both sides,
          // up to the order of the double sum (far below float32's precision).
          close(d1, d2, dtype === 'float32' ? EXACT : { rtol: 1e-13, atol: 1e-16 }, `softmaxGrad ${label}`);
        }
        expect(routing.runsNatively('softmax', 'float32')).toBe(true);
        expect(routing.runsNatively('softmax', 'float64')).toBe(true);
      });

      it('matmul: transposes, batch strides (0 broadcasts), blocked and threaded sizes', () => {
        const rand = rng(6);
        // [m, n, k] (transposes random) or [m, n, k, ta, tb]: 1-2 rows stream B (threaded from n·k
        // of 2^18); one column streams rows of A (threaded from m·k of 2^18)
        const dims: number[][] = [[0, 3, 4], [3, 0, 4], [3, 4, 0], [1, 1, 1], [130, 150, 270], [300, 200, 300], [17, 33, 9],
          [1, 1000, 300, 0, 0], [2, 777, 400, 1, 0], [1, 70, 5, 0, 0], [2, 33, 3, 0, 0], [1000, 1, 300, 0, 0], [900, 1, 400, 0, 1]];
        for (const dtype of ['float32', 'float64'] as const) for (let trial = 0; trial < 40; trial++) {
          const [m, n, k] = dims[trial] ?? [1 + Math.floor(rand() * 40), 1 + Math.floor(rand() * 40), 1 + Math.floor(rand() * 40)];
          const batch = trial < dims.length ? 1 : 1 + Math.floor(rand() * 3);
          const ta = trial < dims.length && dims[trial].length > 3 ? dims[trial][3] === 1 : rand() < 0.5;
          const tb = trial < dims.length && dims[trial].length > 3 ? dims[trial][4] === 1 : rand() < 0.5;
          const aBS = batch > 1 && rand() < 0.3 ? 0 : m * k, bBS = batch > 1 && rand() < 0.3 ? 0 : k * n;
          const x = randomArray(dtype, aBS === 0 ? m * k : batch * m * k, rand, false) as Float32Array;
          const y = randomArray(dtype, bBS === 0 ? k * n : batch * k * n, rand, false) as Float32Array;
          const a = new CTORS[dtype](batch * m * n) as Float32Array, b = new CTORS[dtype](batch * m * n) as Float32Array;
          const args = { batch, m, n, k, transposeA: ta, transposeB: tb, aBatchStride: aBS, bBatchStride: bBS };
          raw.matmul(x, y, a, batch, m, n, k, ta, tb, aBS, bBS);
          tsBackend.matmul(x, y, b, args);
          close(a, b, { rtol: dtype === 'float32' ? 1e-5 : 1e-13, atol: (dtype === 'float32' ? 3e-6 : 1e-13) * k }, `matmul ${dtype} ${JSON.stringify(args)}`);
        }
      });
    });
  }

  it('copyStrided: transposes, slices and broadcasts for every dtype', () => {
    const rand = rng(7);
    for (const dtype of DTYPES) for (let trial = 0; trial < 60; trial++) {
      const src = randomShape(rand, 4, 6, 0);
      const x = randomArray(dtype, sizeOf(src), rand);
      const st = stridesOf(src);
      // random slice of each axis, then a random permutation, sometimes a broadcast axis
      const begin = src.map((d) => Math.floor(rand() * d));
      const size = src.map((d, i) => Math.floor(rand() * (d - begin[i] + 1)));
      const perm = src.map((_, i) => i).sort(() => rand() - 0.5);
      const outShape = perm.map((p) => size[p]);
      const strides = perm.map((p) => st[p]);
      if (rand() < 0.3) { outShape.unshift(3); strides.unshift(0); }
      const offset = begin.reduce((s, b, i) => s + b * st[i], 0);
      const a = new CTORS[dtype](sizeOf(outShape)), b = new CTORS[dtype](sizeOf(outShape));
      raw.copyStrided(x, sizeOf(outShape) ? offset : 0, strides, outShape, a);
      tsBackend.copyStrided(x, sizeOf(outShape) ? offset : 0, strides, outShape, b);
      close(a, b, EXACT, `copyStrided ${dtype} ${JSON.stringify([src, outShape, strides, offset])}`);
    }
  });

  it('gather and scatterAdd for every dtype', () => {
    const rand = rng(8);
    for (const dtype of DTYPES) for (let trial = 0; trial < 40; trial++) {
      const outer = Math.floor(rand() * 4), axis = 1 + Math.floor(rand() * 5), inner = Math.floor(rand() * 6);
      const idx = Int32Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * axis));
      const x = randomArray(dtype, outer * axis * inner, rand);
      const a = new CTORS[dtype](outer * idx.length * inner), b = new CTORS[dtype](outer * idx.length * inner);
      raw.gather(x, outer, axis, inner, idx, a);
      tsBackend.gather(x, outer, axis, inner, idx, b);
      close(a, b, EXACT, `gather ${dtype}`);
      const u = randomArray(dtype, outer * idx.length * inner, rand, false);
      const c = new CTORS[dtype](outer * axis * inner), d = new CTORS[dtype](outer * axis * inner);
      if (!runs('scatterAdd', dtype, undefined, () => raw.scatterAdd(u, outer, axis, inner, idx, c))) continue;
      tsBackend.scatterAdd(u, outer, axis, inner, idx, d);
      close(c, d, EXACT, `scatterAdd ${dtype}`);
    }
  });

  it('concat, pad and cast for every dtype', () => {
    const rand = rng(9);
    for (const dtype of DTYPES) for (let trial = 0; trial < 30; trial++) {
      const outer = Math.floor(rand() * 4);
      const inners = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 5));
      const inputs = inners.map((w) => randomArray(dtype, outer * w, rand));
      const total = inners.reduce((s, w) => s + w, 0);
      const a = new CTORS[dtype](outer * total), b = new CTORS[dtype](outer * total);
      raw.concat(inputs, outer, inners, a);
      tsBackend.concat(inputs, outer, inners, b);
      close(a, b, EXACT, `concat ${dtype}`);

      const shape = randomShape(rand, 3, 4, 0.05);
      const paddings = shape.flatMap(() => [Math.floor(rand() * 3), Math.floor(rand() * 3)]);
      const value = [0, 1, -2.7, 300, NaN, 1e10][trial % 6];
      const x = randomArray(dtype, sizeOf(shape), rand);
      const padded = shape.map((d, i) => d + paddings[2 * i] + paddings[2 * i + 1]);
      const c = new CTORS[dtype](sizeOf(padded)), d = new CTORS[dtype](sizeOf(padded));
      raw.pad(x, shape, paddings, value, c);
      tsBackend.pad(x, shape, paddings, value, d);
      close(c, d, EXACT, `pad ${dtype} value ${value}`);
    }
    const specials = [0, -0, 0.5, -0.5, 1.5, -2.7, 2.5, 255, 256, -1, 3e9, -3e9, 2 ** 31, 2 ** 32 + 5, 1e20, NaN, Infinity, -Infinity, 1e-40];
    for (const from of DTYPES) for (const to of DTYPES) {
      const x = new CTORS[from](specials.length * 3);
      x.forEach((_, i) => { x[i] = i < specials.length ? specials[i] : (rand() - 0.5) * 1e3; });
      if (from === 'bool') x.forEach((v, i) => { x[i] = v ? 1 : 0; }); // bool arrays hold 0/1
      const a = new CTORS[to](x.length), b = new CTORS[to](x.length);
      raw.cast(x, a);
      tsBackend.cast(x, b);
      close(a, b, EXACT, `cast ${from} -> ${to}`);
    }
  });

  it('scan: cumsum and cumprod, every flag, dtype and lane layout (threaded sizes too), bit for bit', () => {
    const rand = rng(11);
    const layouts: [number, number, number][] = [[1, 0, 1], [0, 3, 2], [1, 1, 1], [1, 7, 1], [3, 33, 1], [2, 9, 5], [4, 17, 1037],
      [1, 300000, 1], [7, 40000, 1], [2, 70, 3000], [1, 3, 200000]];
    for (const op of ['cumsum', 'cumprod'] as const) for (const dtype of ['float32', 'float64', 'int32'] as const) {
      for (const [outer, n, inner] of layouts) for (const [exclusive, reverse] of [[false, false], [true, false], [false, true], [true, true]]) {
        const x = randomArray(dtype, outer * n * inner, rand, n < 100);
        if (op === 'cumprod' && dtype !== 'int32') x.forEach((v, i) => { x[i] = 1 + (v as number) / 64; });
        const a = new CTORS[dtype](x.length), b = new CTORS[dtype](x.length);
        raw.scan(op, x, outer, n, inner, exclusive, reverse, a);
        tsBackend.scan(op, x, outer, n, inner, exclusive, reverse, b);
        close(a, b, EXACT, `scan ${op} ${dtype} ${JSON.stringify([outer, n, inner, exclusive, reverse])}`);
      }
    }
    expect(() => raw.scan('cumsum', new Uint8Array(3), 1, 3, 1, false, false, new Uint8Array(3)), 'bool has no scan kernel').toThrow(TypeError);
    expect(() => raw.scan('cumsum', new Float32Array(3), 1, 4, 1, false, false, new Float32Array(4)), 'short x').toThrow(RangeError);
    expect(() => raw.scan('cummax' as never, new Float32Array(3), 1, 3, 1, false, false, new Float32Array(3)), 'unknown op').toThrow(TypeError);
  });

  it('topK: every k regime, direction and dtype, ties, NaN and threaded row counts, exactly', () => {
    const rand = rng(12);
    const cases: [number, number, number][] = [[0, 5, 2], [3, 0, 0], [1, 1, 1], [4, 7, 3], [5, 33, 33], [6, 100, 1], [6, 100, 10],
      [3, 1037, 10], [2, 1037, 1037], [2000, 200, 10], [300, 300, 300], [1, 100000, 5]];
    for (const dtype of ['float32', 'float64', 'int32'] as const) for (const [rows, n, k] of cases) for (const descending of [true, false]) {
      const ties = rand() < 0.5;
      const x = randomArray(dtype, rows * n, rand, true);
      if (ties) x.forEach((v, i) => { x[i] = Number.isNaN(v) ? v : Math.round((v as number) / 4); });
      const va = new CTORS[dtype](rows * k), vb = new CTORS[dtype](rows * k);
      const ia = new Int32Array(rows * k), ib = new Int32Array(rows * k);
      raw.topK(x, rows, n, k, descending, va, ia);
      tsBackend.topK(x, rows, n, k, descending, vb, ib);
      const label = `topK ${dtype} ${JSON.stringify([rows, n, k, descending, ties])}`;
      close(ia, ib, EXACT, `${label} indices`);
      close(va, vb, EXACT, `${label} values`);
    }
    expect(() => raw.topK(new Float32Array(4), 1, 4, 5, true, new Float32Array(5), new Int32Array(5)), 'k > n').toThrow(RangeError);
    expect(() => raw.topK(new Float32Array(4), 1, 4, 2, true, new Float64Array(2), new Int32Array(2)), 'values dtype').toThrow(TypeError);
    expect(() => raw.topK(new Uint8Array(4), 1, 4, 2, true, new Uint8Array(2), new Int32Array(2)), 'bool').toThrow(TypeError);
  });

  it('the NativeBackend wrapper sends pairs the addon does not list to TS', () => {
    const be = new NativeBackend(raw);
    expect(be.runsNatively('binary', 'bool', 'add')).toBe(false);
    const t = Uint8Array.from([1, 0, 1]);
    const c = new Uint8Array(3), d = new Uint8Array(3);
    be.binary('add', t, [1], t, [1], [3], c);
    tsBackend.binary('add', t, [1], t, [1], [3], d);
    expect(Array.from(c)).toEqual(Array.from(d));
  });
});

/**
 * The float32 SIMD kernels (native/simd/vmath.h) against float64 functions written here or in
 * test/support/reference.ts: worst relative error over 100,003 points of each op's domain (uniform,
 * or log-uniform where it spans decades) plus its edges, and NaN/±inf/±0/huge/subnormal inputs
 * against the float64 TS kernel rounded to float32.
 */
describe.skipIf(!binding)(`${nativeLabel}: float32 transcendental accuracy against float64`, () => {
  const raw = binding!;
  const initial = raw.info().simd;
  afterAll(() => { raw.setSimdLevel(initial); });
  const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
  const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const erf = (x: number) => (Math.abs(x) <= 2 ? R.fns.erf(x) : Math.sign(x) * (1 - R.fns.erfc(Math.abs(x))));
  // [low, high, float64 function, log-uniform sampling]
  const domains: Partial<Record<UnaryOp, [number, number, (x: number) => number, boolean?]>> = {
    exp: [-87, 88, Math.exp],
    log: [1e-30, 1e30, Math.log, true],
    tanh: [-12, 12, Math.tanh],
    sigmoid: [-80, 80, sigmoid],
    sin: [-8192, 8192, Math.sin],
    cos: [-8192, 8192, Math.cos],
    tan: [-100, 100, Math.tan],
    asin: [-1, 1, Math.asin],
    acos: [-1, 1, Math.acos],
    atan: [-50, 50, Math.atan],
    sinh: [-89, 89, Math.sinh],
    cosh: [-89, 89, Math.cosh],
    asinh: [-1e5, 1e5, Math.asinh],
    acosh: [1, 1e5, Math.acosh],
    atanh: [-1, 1, Math.atanh],
    erf: [-6, 6, erf],
    expm1: [-30, 88.7, Math.expm1],
    log1p: [-0.9999, 1e6, Math.log1p],
    log2: [1e-30, 1e30, Math.log2, true],
    gelu: [-12, 10, (x) => 0.5 * x * R.fns.erfc(-x / Math.SQRT2)],
    silu: [-80, 80, (x) => x * sigmoid(x)],
    softplus: [-80, 80, softplus],
    logSigmoid: [-80, 80, (x) => -softplus(-x)],
    elu: [-30, 30, (x) => (x > 0 ? x : Math.expm1(x))],
    selu: [-30, 30, (x) => (x > 0 ? 1.0507009873554805 * x : 1.7580993408473766 * Math.expm1(x))],
    softsign: [-100, 100, (x) => x / (1 + Math.abs(x))],
    hardSigmoid: [-5, 5, (x) => (x <= -3 ? 0 : x >= 3 ? 1 : (x + 3) / 6)],
    relu6: [-10, 10, (x) => Math.min(Math.max(x, 0), 6)],
  };
  // Region edges of the kernels (polynomial switches, reductions, overflow guards).
  const EDGES = [0, 1e-7, -1e-7, 0.5, -0.5, 0.49999997, 0.50000006, 1, -1, Math.PI, Math.PI / 2, 0.625, -0.625, 2.4142135,
    0.41421357, 3, -3, 4096, 4097, 88, 88.5, 10, 6];
  for (const level of simdLevels(raw)) {
    it(`every SIMD transcendental within 1e-6 relative at ${level}`, () => {
      raw.setSimdLevel(level);
      const rand = rng(10);
      for (const [op, [lo, hi, f, logUniform]] of Object.entries(domains) as [UnaryOp, [number, number, (x: number) => number, boolean?]][]) {
        const n = 100003;
        const x = new Float32Array(n).map(() => (logUniform ? Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo))) : lo + rand() * (hi - lo)));
        x.set(EDGES.filter((v) => v >= lo && v <= hi));
        const out = new Float32Array(n);
        raw.unary(op, x, out, 0);
        let worst = 0, at = 0;
        for (let i = 0; i < n; i++) {
          const ref = f(x[i]);
          if (out[i] === ref) continue;  // also the infinities at the domain's ends
          const err = Math.abs(out[i] - ref) / Math.max(Math.abs(ref), 1e-37);
          if (!(err <= worst)) { worst = err; at = x[i]; }
        }
        expect(worst, `${op} worst relative error (at x = ${at})`).toBeLessThan(1e-6);
      }
      const specials = Float32Array.from([NaN, Infinity, -Infinity, 89, -104, 1e-45, -1e-45, -0, 0, 1e30, -1e30, 1e-30, -1e-30, 3e38, -3e38]);
      const out = new Float32Array(specials.length), wide = new Float64Array(specials.length);
      for (const op of Object.keys(domains) as UnaryOp[]) {
        raw.unary(op, specials, out, 0);
        tsBackend.unary(op, Float64Array.from(specials), wide, 0);
        // atol: results below float32's smallest normal (silu(−104) = −7e-44) are products of
        // underflowed factors in float32 and are not held to relative accuracy.
        close(out, Float32Array.from(wide, (v) => Math.fround(v)), { rtol: 1e-6, atol: 1.2e-38 }, `${op} specials`);
        for (let i = 0; i < specials.length; i++) {
          if (Object.is(Math.fround(wide[i]), 0) || Object.is(Math.fround(wide[i]), -0)) expect(Object.is(out[i], Math.fround(wide[i])), `${op}(${specials[i]}) sign of zero`).toBe(true);
        }
      }
    });
  }
});
