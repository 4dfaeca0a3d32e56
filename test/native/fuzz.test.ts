/**
 * Throws thousands of malformed calls at the raw binding: wrong types, short buffers, negative
 * and huge sizes, bad strides, mismatched dtypes, wrong argument counts, getters that detach a
 * buffer mid-call. Every call must either succeed (a mutation that happens to be valid) without
 * writing outside `out`, or throw a TypeError/RangeError; the must-fail cases must throw; and the
 * process must survive to the end. (Out-of-bounds *reads* are caught by the ASan build:
 * npm run test:sanitize, which runs this file too.)
 *
 * The second block covers the classes of the native boundary one by one: each reproducer of
 * issue 10 with the exact error it must now give; sizes near 2^31, 2^32 and 2^53 and products of
 * several of them; zero extents beside huge ones (return at once, or a RangeError naming the
 * shape); outputs over the memory of any input at any offset and dtype (a RangeError that
 * writes nothing), non-overlapping views of one buffer (accepted); odd byte offsets; wrong
 * kinds of typed arrays and detached buffers (TypeErrors naming the argument); and 4,000 calls
 * of the seeded fuzz of fuzz-cases.ts, whose 150,000-call run is npm run test:fuzz. Outputs sit
 * between sentinel bytes that each call must leave alone.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { describeCall, isDetached, KERNELS, makeCall, OTHERS, runCall, type Typed } from './fuzz-cases.js';
import { RAW_EXPORTS } from '../../src/backend/native/native-backend.js';
import { binding, nativeLabel, rng } from './helpers.js';

type Args = unknown[];
const KINDS = [Float32Array, Float64Array, Int32Array, Uint8Array];
const SENTINEL = 0xa5;
const GUARD_BYTES = 16;
interface Case { name: string; args: () => Args; }

const f32 = (n: number) => new Float32Array(n).map((_, i) => i * 0.5 - 1);
const ATT = [1, 2, 3, 2, 1, 2, 2, 0, 0];
const ADAM = () => [f32(4), f32(4), f32(4), f32(4).map(Math.abs)];

// One valid call per export; mutations start from these.
const VALID: Case[] = [
  { name: 'unary', args: () => ['exp', f32(6), f32(6), 0.1] },
  { name: 'binary', args: () => ['add', f32(6), [3, 1], f32(3), [0, 1], [2, 3], f32(6)] },
  { name: 'binary', args: () => ['less', f32(6), [3, 1], f32(3), [0, 1], [2, 3], new Uint8Array(6)] },
  { name: 'mulAdd', args: () => [f32(6), f32(6), f32(6), f32(6)] },
  { name: 'select', args: () => [new Uint8Array(6), [3, 1], f32(6), [3, 1], f32(6), [3, 1], [2, 3], f32(6)] },
  { name: 'reduce', args: () => ['sum', f32(6), [2, 3], [1], f32(2)] },
  { name: 'argReduce', args: () => ['argMax', f32(6), [2, 3], 1, new Int32Array(2)] },
  { name: 'matmul', args: () => [f32(6), f32(6), f32(4), 1, 2, 2, 3, false, false, 6, 6] },
  { name: 'copyStrided', args: () => [f32(6), 0, [1, 3], [3, 2], f32(6)] },
  { name: 'gather', args: () => [f32(6), 1, 3, 2, new Int32Array([2, 0]), f32(4)] },
  { name: 'scatterAdd', args: () => [f32(4), 1, 3, 2, new Int32Array([2, 0]), f32(6)] },
  { name: 'concat', args: () => [[f32(2), f32(4)], 2, [1, 2], f32(6)] },
  { name: 'pad', args: () => [f32(6), [2, 3], [1, 0, 0, 1], 0, f32(12)] },
  { name: 'cast', args: () => [f32(6), new Int32Array(6)] },
  { name: 'fusedUpdate', args: () => ['adam', ADAM(), [0.1, 0.9, 0.999, 1e-7]] },
  { name: 'lstmCell', args: () => [f32(8), f32(2), 1, 2, f32(2), f32(2), f32(10)] },
  { name: 'lstmCellGrad', args: () => [f32(2), f32(2), f32(2), f32(10), 1, 2, f32(8), f32(2)] },
  { name: 'softmax', args: () => [f32(16), 4, 4, new Uint8Array([1, 0, 1, 1, 0, 0, 0, 0]), new Int32Array([0, 1, 1, 0]), f32(16)] },
  { name: 'softmaxGrad', args: () => [f32(16), f32(16), 4, 4, new Uint8Array([1, 0, 1, 1, 1, 1, 1, 0]), new Int32Array([1, 0, 0, 1]), f32(16)] },
  // attention [B 1, T 2, S 3, N 2, K 1, H 2, Hv 2], mask [1, 1, T, S]
  { name: 'attention', args: () => [f32(8), f32(6), f32(6), new Uint8Array([1, 0, 1, 1, 1, 0]), ATT, 0.5, f32(8), f32(12)] },
  { name: 'attentionGrad', args: () => [f32(8), f32(6), f32(6), f32(12), f32(8), new Uint8Array([1, 0, 1, 1, 1, 0]), ATT, 0.5, f32(8), f32(6), f32(6)] },
];

const many = Array.from({ length: 70 }, () => 1);
const BAD: unknown[] = [
  undefined, null, true, 'x', '', {}, [], () => 0, Symbol('s'), 1n, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 60,
  -(2 ** 60), 2 ** 53 + 2, 1e300, 0, 7, new Float32Array(0), new Float32Array(1), new Float64Array(6),
  new Int32Array(6), new Uint8Array(6), new Uint16Array(6), new Int8Array(6), new BigInt64Array(2),
  new DataView(new ArrayBuffer(8)), new ArrayBuffer(24), [NaN], [-1], [2 ** 60], ['a'], [1.5], [null], many,
  [2 ** 30, 2 ** 30, 2 ** 30], [-(2 ** 50), 3], [0], [1, 2, 3, 4, 5, 6, 7], [[1]], { length: 2, 0: 1, 1: 2 },
];

function isJsArgError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError;
}

/** Where each export's output goes (fusedUpdate's variable and slots are handled apart). */
function outIndex(name: string, args: Args): number {
  return name === 'fusedUpdate' ? -1 : name === 'matmul' || name === 'unary' ? 2 : args.length - 1;
}

/** A copy of `a` placed GUARD bytes into a buffer whose other bytes are SENTINEL. */
function inGuards<T extends Typed>(a: T): { view: T; bytes: Uint8Array } {
  const Ctor = a.constructor as new (b: ArrayBuffer, o: number, n: number) => T;
  const bytes = new Uint8Array(GUARD_BYTES + a.byteLength + GUARD_BYTES).fill(SENTINEL);
  const view = new Ctor(bytes.buffer, GUARD_BYTES, a.length);
  view.set(a as never);
  return { view, bytes };
}

function guardsIntact(bytes: Uint8Array): boolean {
  for (let i = 0; i < GUARD_BYTES; i++) if (bytes[i] !== SENTINEL || bytes[bytes.length - 1 - i] !== SENTINEL) return false;
  return true;
}

/**
 * Calls with every output array (for fusedUpdate: the variable and slots, which it updates in
 * place) moved inside a buffer with GUARD_BYTES sentinel bytes before and after it; checks the
 * guards after.
 */
function guardedCall(name: string, args: Args): { threw: unknown; guardsOk: boolean } {
  const guards: Uint8Array[] = [];
  const place = (v: unknown): unknown => {
    if (!ArrayBuffer.isView(v) || !KINDS.includes(v.constructor as never) || isDetached(v.buffer)) return v;
    const g = inGuards(v as Typed);
    guards.push(g.bytes);
    return g.view;
  };
  const o = outIndex(name, args);
  if (o >= 0) args[o] = place(args[o]);
  else if (Array.isArray(args[1])) args[1] = (args[1] as unknown[]).map((a, q) => (q === 1 ? a : place(a)));
  let threw: unknown = undefined;
  try {
    (binding as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);
  } catch (e) {
    threw = e ?? new Error('null thrown');
  }
  return { threw, guardsOk: guards.every(guardsIntact) };
}

describe.skipIf(!binding)(nativeLabel, () => {
  it('accepts the valid template calls', () => {
    for (const c of VALID) {
      const { threw, guardsOk } = guardedCall(c.name, c.args());
      expect(threw, c.name).toBeUndefined();
      expect(guardsOk, c.name).toBe(true);
    }
  });

  it('rejects wrong argument counts with TypeError', () => {
    for (const c of VALID) {
      const args = c.args();
      for (const bad of [[], args.slice(0, -1), [...args, 0], args.slice(0, 1)]) {
        const { threw } = guardedCall(c.name, bad);
        expect(threw, `${c.name} with ${bad.length} args`).toBeInstanceOf(TypeError);
      }
    }
  });

  it('every single-argument substitution throws TypeError/RangeError or succeeds in bounds', () => {
    let calls = 0, errors = 0;
    for (const c of VALID) {
      const n = c.args().length;
      for (let i = 0; i < n; i++) {
        for (const bad of BAD) {
          const args = c.args();
          args[i] = bad;
          const { threw, guardsOk } = guardedCall(c.name, args);
          calls++;
          if (threw !== undefined) {
            errors++;
            if (!isJsArgError(threw)) throw new Error(`${c.name} arg ${i} = ${String(bad)}: threw ${String(threw)}`);
            expect((threw as Error).message.startsWith(c.name === 'fusedUpdate' ? 'fusedUpdate' : c.name)).toBe(true);
          }
          expect(guardsOk, `${c.name} arg ${i} wrote outside out`).toBe(true);
        }
      }
    }
    expect(calls).toBeGreaterThan(2000);
    expect(errors / calls).toBeGreaterThan(0.8);
  });

  it('short buffers throw RangeError', () => {
    // typed-array arguments whose length is exactly what the call needs
    const exact: Record<string, number[]> = {
      unary: [1], binary: [1, 3, 6], mulAdd: [0, 1, 2], select: [0, 2, 4, 7], reduce: [1, 4], argReduce: [1, 4], matmul: [0, 1, 2],
      copyStrided: [0, 4], gather: [0, 5], scatterAdd: [0, 5], pad: [0, 4], cast: [0],
      lstmCell: [0, 1, 4, 5, 6], lstmCellGrad: [0, 1, 2, 3, 6, 7], softmax: [0, 4, 5], softmaxGrad: [0, 1, 5, 6],
      attention: [0, 1, 2, 3, 6, 7], attentionGrad: [0, 1, 2, 3, 4, 5, 8, 9, 10],
    };
    for (const c of VALID) {
      for (const i of exact[c.name] ?? []) {
        const args = c.args();
        const a = args[i] as Float32Array;
        args[i] = a.subarray(0, a.length - 1);
        const { threw } = guardedCall(c.name, args);
        expect(threw, `${c.name} arg ${i} short`).toBeInstanceOf(RangeError);
      }
    }
    const fused = VALID.find((c) => c.name === 'fusedUpdate')!;
    for (let q = 0; q < 4; q++) {
      const args = fused.args();
      const arrays = args[1] as Float32Array[];
      arrays[q] = arrays[q].subarray(0, 3);
      expect(guardedCall('fusedUpdate', args).threw).toBeInstanceOf(RangeError);
    }
    const concat = VALID.find((c) => c.name === 'concat')!.args();
    (concat[0] as Float32Array[])[1] = f32(3);
    expect(guardedCall('concat', concat).threw).toBeInstanceOf(RangeError);
  });

  it('mismatched dtypes throw TypeError', () => {
    const cases: [string, Args][] = [
      ['unary', ['exp', f32(6), new Float64Array(6), 0]],
      ['binary', ['add', f32(6), [1], new Float64Array(6), [1], [6], f32(6)]],
      ['binary', ['less', f32(6), [1], f32(6), [1], [6], f32(6)]],
      ['binary', ['add', f32(6), [1], f32(6), [1], [6], new Uint8Array(6)]],
      ['select', [f32(6), [1], f32(6), [1], f32(6), [1], [6], f32(6)]],
      ['reduce', ['sum', f32(6), [6], [0], new Float64Array(1)]],
      ['argReduce', ['argMax', f32(6), [6], 0, f32(1)]],
      ['matmul', [new Int32Array(6), new Int32Array(6), new Int32Array(4), 1, 2, 2, 3, false, false, 6, 6]],
      ['matmul', [f32(6), new Float64Array(6), f32(4), 1, 2, 2, 3, false, false, 6, 6]],
      ['gather', [f32(6), 1, 3, 2, new Float32Array([2, 0]), f32(4)]],
      ['concat', [[f32(2), new Float64Array(4)], 2, [1, 2], f32(6)]],
      ['fusedUpdate', ['sgd', [f32(4), new Float64Array(4)], [0.1]]],
      ['fusedUpdate', ['sgd', [new Int32Array(4), new Int32Array(4)], [0.1]]],
      ['unary', ['exp', new Int32Array(6), new Int32Array(6), 0]],
      ['unary', ['nope', f32(6), f32(6), 0]],
      ['lstmCell', [f32(8), new Float64Array(2), 1, 2, f32(2), f32(2), f32(10)]],
      ['lstmCell', [f32(8), f32(2), 1, 2, f32(2), f32(2), new Float64Array(10)]],
      ['lstmCell', [new Int32Array(8), new Int32Array(2), 1, 2, new Int32Array(2), new Int32Array(2), new Int32Array(10)]],
      ['lstmCellGrad', [f32(2), f32(2), f32(2), new Float64Array(10), 1, 2, f32(8), f32(2)]],
      ['lstmCellGrad', [f32(2), f32(2), f32(2), f32(10), 1, 2, f32(8), new Uint8Array(2)]],
      ['attention', [f32(8), new Float64Array(6), f32(6), new Uint8Array(0), ATT, 0.5, f32(8), f32(12)]],
      ['attention', [f32(8), f32(6), f32(6), f32(6), ATT, 0.5, f32(8), f32(12)]],
      ['attention', [new Float64Array(8), new Float64Array(6), new Float64Array(6), new Uint8Array(0), ATT, 0.5, new Float64Array(8), new Float64Array(12)]],
      ['attentionGrad', [f32(8), f32(6), f32(6), f32(12), f32(8), new Uint8Array(0), ATT, 0.5, f32(8), new Int32Array(6), f32(6)]],
    ];
    for (const [name, args] of cases) expect(guardedCall(name, args).threw, `${name} ${String(args[0])}`).toBeInstanceOf(TypeError);
  });

  it('bad shapes, strides, indices and sizes throw RangeError', () => {
    const cases: [string, Args][] = [
      ['binary', ['add', f32(6), [3, 1], f32(3), [0, 1], [2, 4], f32(8)]],
      ['binary', ['add', f32(6), [-1], f32(6), [1], [6], f32(6)]],
      ['binary', ['add', f32(6), [1, 1], f32(6), [1], [6], f32(6)]],
      ['binary', ['add', f32(6), [2 ** 52], f32(6), [1], [6], f32(6)]],
      ['binary', ['add', f32(6), [0, 0, 0], f32(6), [0, 0, 0], [2 ** 30, 2 ** 30, 2 ** 30], f32(6)]],
      ['copyStrided', [f32(6), 6, [1], [1], f32(1)]],
      ['copyStrided', [f32(6), 0, [-1], [2], f32(2)]],
      ['copyStrided', [f32(6), 5, [-1, 2 ** 53], [6, 2], f32(12)]],
      ['reduce', ['sum', f32(6), [2, 3], [1, 0], f32(1)]],
      ['reduce', ['sum', f32(6), [2, 3], [2], f32(6)]],
      ['reduce', ['sum', f32(6), [2, 3], [1, 1], f32(2)]],
      ['argReduce', ['argMax', f32(6), [2, 3], 2, new Int32Array(6)]],
      ['gather', [f32(6), 1, 3, 2, new Int32Array([3]), f32(2)]],
      ['gather', [f32(6), 1, 3, 2, new Int32Array([-1]), f32(2)]],
      ['scatterAdd', [f32(2), 1, 3, 2, new Int32Array([5]), f32(6)]],
      ['matmul', [f32(6), f32(6), f32(4), 2, 2, 2, 3, false, false, 6, 6]],
      ['matmul', [f32(6), f32(6), f32(8), 2, 2, 2, 3, false, false, 0, 1]],
      ['matmul', [f32(6), f32(6), f32(4), 1, 2 ** 40, 2 ** 40, 3, false, false, 6, 6]],
      ['pad', [f32(6), [2, 3], [1, 0, 0], 0, f32(12)]],
      ['pad', [f32(6), [2, 3], [-1, 0, 0, 1], 0, f32(12)]],
      ['concat', [[f32(2), f32(4)], 2, [1], f32(6)]],
      ['fusedUpdate', ['adam', [f32(4), f32(4)], [0.1, 0.9, 0.999, 1e-7]]],
      ['fusedUpdate', ['adam', ADAM(), [0.1]]],
      ['lstmCell', [f32(8), f32(2), 2, 2, f32(4), f32(4), f32(20)]],
      ['lstmCell', [f32(8), f32(2), 1, 2 ** 52, f32(2), f32(2), f32(10)]],
      ['lstmCell', [f32(8), f32(2), 2 ** 30, 2 ** 30, f32(2), f32(2), f32(10)]],
      ['lstmCell', [f32(8), f32(2), -1, 2, f32(2), f32(2), f32(10)]],
      ['lstmCellGrad', [f32(2), f32(2), f32(2), f32(8), 1, 2, f32(8), f32(2)]],
      ['lstmCellGrad', [f32(2), f32(2), f32(2), f32(10), 1, 2.5, f32(8), f32(2)]],
      // softmax masks: a mask row past the mask, a negative one, too few of them, a mask without rows, 2^53 rows
      ['softmax', [f32(6), 2, 3, new Uint8Array(3), new Int32Array([0, 1]), f32(6)]],
      ['softmax', [f32(6), 2, 3, new Uint8Array(6), new Int32Array([-1, 0]), f32(6)]],
      ['softmax', [f32(6), 2, 3, new Uint8Array(6), new Int32Array([0]), f32(6)]],
      ['softmax', [f32(6), 2, 3, new Uint8Array(6), new Int32Array(0), f32(6)]],
      ['softmaxGrad', [f32(6), f32(6), 2 ** 53, 2 ** 53, new Uint8Array(0), new Int32Array(0), f32(6)]],
      ['softmaxGrad', [f32(6), f32(6), 2, 3, new Uint8Array(2), new Int32Array([0, 0]), f32(6)]],
      // attention: heads not a multiple of kvHeads, no kv heads, a mask its strides overrun, a huge head stride, a NaN scale, 8 dims
      ['attention', [f32(8), f32(6), f32(6), new Uint8Array(0), [1, 2, 3, 3, 2, 2, 2, 0, 0], 0.5, f32(8), f32(12)]],
      ['attention', [f32(8), f32(6), f32(6), new Uint8Array(0), [1, 2, 3, 2, 0, 2, 2, 0, 0], 0.5, f32(8), f32(12)]],
      ['attention', [f32(8), f32(6), f32(6), new Uint8Array(6), [1, 2, 3, 2, 1, 2, 2, 0, 6], 0.5, f32(8), f32(12)]],
      ['attention', [f32(8), f32(6), f32(6), new Uint8Array(6), [1, 2, 3, 2, 1, 2, 2, 0, 2 ** 52], 0.5, f32(8), f32(12)]],
      ['attention', [f32(8), f32(6), f32(6), new Uint8Array(0), [1, 2, 3, 2, 1, 2, 2, 0, 0], NaN, f32(8), f32(12)]],
      ['attentionGrad', [f32(8), f32(6), f32(6), f32(12), f32(8), new Uint8Array(0), [2 ** 30, 2 ** 30, 3, 2, 1, 2, 2, 0, 0], 0.5, f32(8), f32(6), f32(6)]],
      ['attentionGrad', [f32(8), f32(6), f32(6), f32(11), f32(8), new Uint8Array(0), ATT, 0.5, f32(8), f32(6), f32(6)]],
    ];
    for (const [name, args] of cases) expect(guardedCall(name, args).threw, `${name} ${JSON.stringify(args.filter((a) => Array.isArray(a)))}`).toBeInstanceOf(RangeError);
  });

  it('unknown fused kinds return false', () => {
    expect(binding!.fusedUpdate('noSuchOptimizer', [f32(2), f32(2)], [1])).toBe(false);
  });

  it('random numeric mutations never escape the buffers', () => {
    const rand = rng(99);
    const pick = () => {
      const r = rand();
      if (r < 0.3) return Math.floor(rand() * 8);
      if (r < 0.5) return -Math.floor(rand() * 8);
      if (r < 0.6) return 2 ** Math.floor(rand() * 64);
      if (r < 0.7) return -(2 ** Math.floor(rand() * 64));
      if (r < 0.8) return rand() * 10;
      return Math.floor(rand() * 3);
    };
    const mutate = (v: unknown): unknown => {
      if (typeof v === 'number') return pick();
      if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
        const out = v.slice();
        if (rand() < 0.2) out.push(pick());
        else if (rand() < 0.2) out.pop();
        else if (out.length) out[Math.floor(rand() * out.length)] = pick();
        return out;
      }
      if (ArrayBuffer.isView(v) && rand() < 0.3) {
        const a = v as Float32Array;
        return a.subarray(0, Math.floor(rand() * (a.length + 1)));
      }
      return v;
    };
    let calls = 0;
    for (let round = 0; round < 400; round++) {
      for (const c of VALID) {
        const args = c.args().map((a) => (rand() < 0.4 ? mutate(a) : a));
        const { threw, guardsOk } = guardedCall(c.name, args);
        calls++;
        if (threw !== undefined && !isJsArgError(threw)) throw new Error(`${c.name}: threw ${String(threw)}`);
        expect(guardsOk, `${c.name} wrote outside out: ${JSON.stringify(args.filter((a) => !ArrayBuffer.isView(a)))}`).toBe(true);
      }
    }
    expect(calls).toBe(400 * VALID.length);
  });

  it('a getter that detaches a buffer during argument reading cannot cause a stale read', () => {
    const a = f32(6);
    const shape: number[] = [];
    Object.defineProperty(shape, 0, {
      get() {
        structuredClone(a.buffer, { transfer: [a.buffer] });
        return 6;
      },
      enumerable: true,
    });
    shape.length = 1;
    const { threw } = guardedCall('binary', ['add', a, [1], f32(6), [1], shape, f32(6)]);
    expect(threw).toBeInstanceOf(TypeError);
    expect((threw as Error).message).toMatch(/^binary: a is a view of a detached ArrayBuffer/);
    const throwing: number[] = [];
    Object.defineProperty(throwing, 0, { get() { throw new SyntaxError('from getter'); }, enumerable: true });
    throwing.length = 1;
    expect(() => binding!.binary('add', f32(6), [1], f32(6), [1], throwing, f32(6))).toThrow(SyntaxError);
  });
});

// ---- The classes of the native boundary: sizes, zero extents, aliasing, buffers -------------

const i32 = (xs: number[] | number) => (typeof xs === 'number' ? new Int32Array(xs) : new Int32Array(xs));
const NEAR = [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53];

/** Expects `fn` to throw `Ctor` with a message matching `re` (which names the export). */
function expectThrows(fn: () => unknown, Ctor: typeof TypeError | typeof RangeError, re: RegExp): void {
  let threw: unknown;
  try {
    fn();
  } catch (e) {
    threw = e;
  }
  expect(threw, `expected ${Ctor.name} matching ${re}`).toBeInstanceOf(Ctor);
  expect((threw as Error).message).toMatch(re);
}

/** The typed-array arguments of each VALID call by position, as the addon names them. */
const TYPED_ARGS: Record<string, Record<number, string>> = {
  unary: { 1: 'x', 2: 'out' }, binary: { 1: 'a', 3: 'b', 6: 'out' }, mulAdd: { 0: 'a', 1: 'b', 2: 'c', 3: 'out' },
  select: { 0: 'cond', 2: 'a', 4: 'b', 7: 'out' }, reduce: { 1: 'x', 4: 'out' }, argReduce: { 1: 'x', 4: 'out' },
  matmul: { 0: 'a', 1: 'b', 2: 'out' }, copyStrided: { 0: 'x', 4: 'out' }, gather: { 0: 'x', 4: 'indices', 5: 'out' },
  scatterAdd: { 0: 'updates', 4: 'indices', 5: 'out' }, concat: { 0: 'inputs', 3: 'out' }, pad: { 0: 'x', 4: 'out' },
  cast: { 0: 'x', 1: 'out' }, fusedUpdate: { 1: 'arrays' },
  lstmCell: { 0: 'z', 1: 'cPrev', 4: 'h', 5: 'c', 6: 'act' },
  lstmCellGrad: { 0: 'dh', 1: 'dc', 2: 'cPrev', 3: 'act', 6: 'dz', 7: 'dcPrev' },
  softmax: { 0: 'x', 3: 'mask', 4: 'maskRow', 5: 'y' }, softmaxGrad: { 0: 'y', 1: 'dy', 4: 'mask', 5: 'maskRow', 6: 'dx' },
  attention: { 0: 'q', 1: 'k', 2: 'v', 3: 'mask', 6: 'out', 7: 'probs' },
  attentionGrad: { 0: 'q', 1: 'k', 2: 'v', 3: 'probs', 4: 'dout', 5: 'mask', 8: 'dq', 9: 'dk', 10: 'dv' },
};
/** The outputs of the exports with several, or one not named `out` (their other typed arrays are inputs). */
const MULTI_OUT: Record<string, string[]> = { lstmCell: ['h', 'c', 'act'], lstmCellGrad: ['dz', 'dcPrev'], softmax: ['y'], softmaxGrad: ['dx'], attention: ['out', 'probs'], attentionGrad: ['dq', 'dk', 'dv'] };

/** Every typed-array slot of a VALID call: [position, list index or -1, the addon's name for it]. */
function typedSlots(c: Case): [number, number, string][] {
  const args = c.args();
  const out: [number, number, string][] = [];
  for (const [p, name] of Object.entries(TYPED_ARGS[c.name])) {
    const v = args[Number(p)];
    if (Array.isArray(v)) v.forEach((_, q) => out.push([Number(p), q, `${name}[${q}]`]));
    else out.push([Number(p), -1, name]);
  }
  return out;
}

function withSlot(c: Case, [p, q]: [number, number, string], value: unknown): Args {
  const args = c.args();
  if (q < 0) args[p] = value;
  else (args[p] as unknown[])[q] = value;
  return args;
}

const call = (name: string, ...args: unknown[]) => (binding as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);

describe.skipIf(!binding)(`${nativeLabel}: sizes, zero extents, aliasing and buffers`, () => {
  describe('the reproducers of issue 10', () => {
    it('matmul whose batch·m·n factors are 2^53·2^53·(2^21 + 1) is a RangeError (the product wrapped in 128 bits: SIGSEGV)', () => {
      expectThrows(() => call('matmul', f32(1), f32(1), f32(1), 2 ** 53, 2 ** 53, 2 ** 21 + 1, 0, false, false, 0, 0),
        RangeError, /^matmul: out \[batch, m, n\] = \[9007199254740992, 9007199254740992, 2097153\] is too large/);
    });

    it('... and with 2^21 (which looped for ever) too', () => {
      expectThrows(() => call('matmul', f32(1), f32(1), f32(1), 2 ** 53, 2 ** 53, 2 ** 21, 0, false, false, 0, 0),
        RangeError, /^matmul: out \[batch, m, n\] = .* is too large: its nonzero extents multiply past 2\^53/);
    });

    it('gather and scatterAdd over (2^53, 2^21, 2^53) are RangeErrors naming the shape', () => {
      expectThrows(() => call('gather', f32(1), 2 ** 53, 2 ** 21, 2 ** 53, i32(1), f32(1)),
        RangeError, /^gather: x \[outer, axisSize, inner\] = \[9007199254740992, 2097152, 9007199254740992\] is too large/);
      expectThrows(() => call('scatterAdd', f32(1), 2 ** 53, 2 ** 21, 2 ** 53, i32(1), f32(1)),
        RangeError, /^scatterAdd: out \[outer, axisSize, inner\] = \[9007199254740992, 2097152, 9007199254740992\] is too large/);
    });

    it('argReduce over [2^50, 3, 0] returns at once (it looped 2^50 times)', () => {
      const t0 = performance.now();
      expect(call('argReduce', 'argMax', new Float32Array(0), [2 ** 50, 3, 0], 1, new Int32Array(0))).toBeUndefined();
      expect(call('argReduce', 'argMin', new Float64Array(0), [2 ** 50, 3, 0], 0, new Int32Array(0))).toBeUndefined();
      expect(performance.now() - t0).toBeLessThan(50);
    });

    it('scatterAdd whose out is its own indices is a RangeError and writes nothing (it wrote past the indices)', () => {
      const w = new Int32Array(6);
      const i = new Int32Array(w.buffer, 8, 2);
      i.set([1, 0]);
      expectThrows(() => call('scatterAdd', new Int32Array([3, 7]), 1, 2, 1, i, i), RangeError, /^scatterAdd: out overlaps indices in memory/);
      expect([...w]).toEqual([0, 0, 1, 0, 0, 0]);
    });

    it('gather whose Uint8Array out lies over the indices buffer is a RangeError (it segfaulted)', () => {
      const idx = new Int32Array([0, 1, 0, 1]);
      for (const out of [new Uint8Array(idx.buffer), new Uint8Array(idx.buffer, 3, 8), new Uint8Array(idx.buffer, 15, 1)]) {
        expectThrows(() => call('gather', new Uint8Array(8), 1, 2, 4, idx, out), RangeError, /^gather: out overlaps indices in memory/);
      }
      expect([...idx]).toEqual([0, 1, 0, 1]);
    });

    it('concat and gather with overlapping in and out arrays are RangeErrors (ASan: memcpy-param-overlap)', () => {
      const buf = f32(12);
      const before = buf.slice();
      expectThrows(() => call('concat', [buf.subarray(0, 6)], 1, [6], buf.subarray(3, 9)), RangeError, /^concat: out overlaps inputs\[0\] in memory/);
      expectThrows(() => call('concat', [f32(2), buf.subarray(0, 4)], 2, [1, 2], buf.subarray(2, 8)), RangeError, /^concat: out overlaps inputs\[1\] in memory/);
      expectThrows(() => call('gather', buf.subarray(0, 6), 1, 3, 2, i32([2, 0]), buf.subarray(4, 8)), RangeError, /^gather: out overlaps x in memory/);
      expectThrows(() => call('gather', buf, 1, 3, 4, i32([2, 0]), buf.subarray(0, 8)), RangeError, /^gather: out overlaps x in memory/);
      expect(buf).toEqual(before);
    });

    it('conv2d and its filter gradient with a dilation of 2^40 run on 1-pixel inputs (the direct kernels asked for a 2^40-float strip: ASan out of memory)', () => {
      // [batch, inH, inW, inC, outH, outW, outC, fh, fw, sh, sw, dh, dw, pt, pl, depthwise]: a 2x2
      // filter whose taps past the first lie 2^40 pixels away, outside x, so only w[0, 0] meets x
      // (TF: taps in the padding contribute zero). Expected values follow from that by hand.
      const geom = [1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2 ** 40, 2 ** 40, 0, 0, 0];
      const x = new Float32Array([3]), w = new Float32Array([5, 7, 11, 13]), dy = new Float32Array([2]);
      const y = new Float32Array(1), dw = new Float32Array(4), dx = new Float32Array(1);
      call('conv2d', x, w, y, geom);
      expect([...y]).toEqual([15]);
      call('conv2dBackpropFilter', x, dy, dw, geom);
      expect([...dw]).toEqual([6, 0, 0, 0]);
      call('conv2dBackpropInput', dy, w, dx, geom);
      expect([...dx]).toEqual([10]);
      // explicit pads 2^40 wide put the whole window in the padding: zeros
      const padded = [1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 2 ** 40, 2 ** 40, 0];
      call('conv2d', x, w, y, padded);
      call('conv2dBackpropFilter', x, dy, dw, padded);
      expect([...y, ...dw]).toEqual([0, 0, 0, 0, 0]);
    });

    // AddressSanitizer reserves terabytes of address space, so this does not run under it, nor
    // where this Node cannot be started as a child (the arm64 suite runs it under qemu). The
    // child loads the addon as the package does (build/Release, else the prebuild).
    const asan = (process.env.LD_PRELOAD ?? '').includes('asan');
    const spawnable = !asan && spawnSync(process.execPath, ['-e', '0']).status === 0;
    it.skipIf(!spawnable)('setNumThreads(1024) under ulimit -v 3000000 keeps the threads it could start (it ended in std::terminate)', () => {
      const root = new URL('../..', import.meta.url).pathname;
      const script = `
        const b = require(require.resolve('node-gyp-build', { paths: [${JSON.stringify(root)}] }))(${JSON.stringify(root)});
        const got = b.setNumThreads(1024);
        const x = new Float32Array(1 << 20).fill(1), o = new Float32Array(1);
        b.reduce('sum', x, [x.length], [0], o);
        const back = b.setNumThreads(2);
        console.log(JSON.stringify({ got, sum: o[0], back, info: b.info().threads }));`;
      const r = spawnSync('bash', ['-c', 'ulimit -v 3000000 && exec "$0" -e "$1"', process.execPath, script], {
        encoding: 'utf8', env: { ...process.env, LD_PRELOAD: '' }, timeout: 60_000,
      });
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(res.got).toBeGreaterThanOrEqual(1);
      expect(res.got).toBeLessThan(1024);  // the limit stopped it early
      expect(res.sum).toBe(1 << 20);
      expect(res.back).toBe(2);
      expect(res.info).toBe(2);
    });
  });

  describe('sizes near 2^31, 2^32 and 2^53, and their products', () => {
    /** Calls with small arrays whose size arguments are `f`: each must be a RangeError naming the export. */
    const SIZED: [string, (f: number[]) => Args][] = [
      ['matmul', ([a, b, c]) => [f32(8), f32(8), f32(8), a, b, c, 1, false, false, 0, 0]],
      ['matmul', ([a, b, c]) => [f32(8), f32(8), f32(8), 1, a, b, c, false, false, 0, 0]],
      ['matmul', ([a, b, c]) => [f32(8), f32(8), f32(8), a, 1, b, c, true, true, 1, 1]],
      ['gather', ([a, b, c]) => [f32(8), a, b, c, i32([0]), f32(8)]],
      ['scatterAdd', ([a, b, c]) => [f32(8), a, b, c, i32([0]), f32(8)]],
      ['binary', (f) => ['add', f32(8), f.map(() => 0), f32(8), f.map(() => 0), f, f32(8)]],
      ['binary', (f) => ['less', f32(8), f.map(() => 1), f32(8), f.map(() => 0), f, new Uint8Array(8)]],
      ['select', (f) => [new Uint8Array(8), f.map(() => 0), f32(8), f.map(() => 0), f32(8), f.map(() => 0), f, f32(8)]],
      ['reduce', (f) => ['sum', f32(8), f, [0], f32(8)]],
      ['reduce', (f) => ['max', f32(8), f, [], f32(8)]],
      ['argReduce', (f) => ['argMax', f32(8), f, f.length - 1, i32(8)]],
      ['argReduce', (f) => ['argMin', f32(8), f, 0, i32(8)]],
      ['copyStrided', (f) => [f32(8), 0, f.map(() => 0), f, f32(8)]],
      ['pad', (f) => [f32(8), f, f.flatMap(() => [0, 0]), 0, f32(8)]],
      ['pad', (f) => [f32(8), f.map(() => 1), f.flatMap((x) => [x, 0]), 0, f32(8)]],
      ['concat', ([a, b]) => [[f32(8)], a, [b], f32(8)]],
      ['concat', ([a, b, c]) => [[f32(8), f32(8)], a, [b, c], f32(8)]],
    ];
    const factorLists: number[][] = [];
    for (const a of NEAR) {
      factorLists.push([a, 1, 1], [1, a, 1], [1, 1, a], [a, 3, 1]);
      for (const b of NEAR) {
        factorLists.push([a, b, 1], [1, a, b]);
        for (const c of [2 ** 21, 2 ** 21 + 1, 2 ** 53]) factorLists.push([a, b, c]);
      }
    }
    factorLists.push([2 ** 53 + 2, 1, 1], [2 ** 53, 2 ** 53, 2 ** 53], [2 ** 26, 2 ** 27, 2], [2 ** 31, 2 ** 22, 1]);

    it.each(SIZED.map(([n], i) => [n, i]))('%s (form %i): every size product past the arrays is a RangeError', (name, i) => {
      const build = SIZED[i as number][1];
      const arity = build.length === 1 && /\[a, b\]\)/.test(String(build)) ? 2 : 3;
      let calls = 0;
      for (const f of factorLists) {
        if (arity === 2 && f[0] * f[1] <= 8) continue;  // concat (outer, inner) uses two factors
        const { threw, guardsOk } = guardedCall(name as string, build(f));
        calls++;
        expect(threw, `${name} ${JSON.stringify(f)}`).toBeInstanceOf(RangeError);
        expect((threw as Error).message.startsWith(`${name}: `), (threw as Error).message).toBe(true);
        expect(guardsOk, `${name} ${JSON.stringify(f)} wrote outside out`).toBe(true);
      }
      expect(calls).toBeGreaterThan(300);
    });

    it('a product past 2^53 names the export and the whole shape', () => {
      expectThrows(() => call('binary', 'add', f32(1), [0, 0, 0], f32(1), [0, 0, 0], [2 ** 31, 2 ** 32, 2 ** 53], f32(1)),
        RangeError, /^binary: outShape = \[2147483648, 4294967296, 9007199254740992\] is too large/);
      expectThrows(() => call('reduce', 'sum', f32(1), [2 ** 32, 2 ** 32], [1], f32(1)),
        RangeError, /^reduce: shape = \[4294967296, 4294967296\] is too large/);
      expectThrows(() => call('matmul', f32(1), f32(1), f32(1), 1, 2 ** 31, 1, 2 ** 31, false, false, 0, 0),
        RangeError, /^matmul: a \[m, k\] = \[2147483648, 2147483648\] is too large/);
      expectThrows(() => call('unary', 'exp', f32(1), f32(2), 0), RangeError, /^unary: x has 1 elements, needs 2/);
      expectThrows(() => call('matmul', f32(1), f32(1), f32(1), 1, 2 ** 53 + 2, 1, 1, false, false, 0, 0),
        RangeError, /^matmul: m must be an integer in \[0, 9007199254740992\], got 9007199254740994/);
    });
  });

  describe('zero extents beside huge ones', () => {
    // [name, args, 'ok' (returns at once, nothing written) or the RangeError it must throw]
    const CASES: [string, () => Args, 'ok' | RegExp][] = [
      ['argReduce', () => ['argMax', f32(0), [2 ** 50, 3, 0], 1, i32(0)], 'ok'],
      ['argReduce', () => ['argMax', f32(0), [0, 2 ** 53], 1, i32(0)], 'ok'],
      ['argReduce', () => ['argMin', f32(0), [2 ** 40, 0], 1, i32(0)], /^argReduce: out has 0 elements, needs 1099511627776/],
      ['argReduce', () => ['argMax', f32(0), [2 ** 53, 0, 2 ** 53], 1, i32(0)], /^argReduce: shape = .* is too large/],
      ['binary', () => ['add', f32(0), [2 ** 53, 2 ** 53], f32(0), [1, 1], [2 ** 31, 0], f32(0)], 'ok'],
      ['binary', () => ['mul', f32(0), [0, 0, 0], f32(0), [0, 0, 0], [2 ** 31, 2 ** 21, 0], f32(0)], 'ok'],
      ['binary', () => ['add', f32(0), [0, 0, 0], f32(0), [0, 0, 0], [0, 2 ** 53, 2 ** 53], f32(0)], /^binary: outShape = \[0, 9007199254740992, 9007199254740992\] is too large/],
      ['select', () => [new Uint8Array(0), [1, 1], f32(0), [1, 1], f32(0), [2 ** 53, 1], [0, 2 ** 52], f32(0)], 'ok'],
      ['reduce', () => ['sum', f32(0), [2 ** 50, 0], [0], f32(0)], 'ok'],
      ['reduce', () => ['prod', f32(0), [2 ** 50, 0], [1], f32(0)], /^reduce: out has 0 elements, needs 1125899906842624/],
      ['reduce', () => ['max', f32(0), [0, 2 ** 53, 2 ** 53], [0], f32(0)], /^reduce: shape = .* is too large/],
      ['matmul', () => [f32(0), f32(0), f32(0), 2 ** 50, 0, 5, 0, false, false, 0, 0], 'ok'],
      ['matmul', () => [f32(0), f32(0), f32(0), 2 ** 53, 0, 2 ** 53, 1, false, false, 0, 0], /^matmul: out \[batch, m, n\] = \[9007199254740992, 0, 9007199254740992\] is too large/],
      ['matmul', () => [f32(0), f32(0), f32(0), 0, 2 ** 26, 2 ** 27, 1, false, false, 0, 0], 'ok'],
      ['matmul', () => [f32(0), f32(0), f32(0), 1, 0, 0, 2 ** 53, true, true, 0, 0], 'ok'],
      ['matmul', () => [f32(0), f32(0), f32(0), 0, 2 ** 53, 2 ** 53, 1, false, false, 0, 0], /^matmul: out \[batch, m, n\] = .* is too large/],
      ['copyStrided', () => [f32(0), 0, [2 ** 53, 2 ** 53], [2 ** 52, 0], f32(0)], 'ok'],
      ['copyStrided', () => [f32(1), 0, [-(2 ** 53), 2 ** 53, 0], [2 ** 30, 2 ** 20, 0], f32(0)], 'ok'],
      ['gather', () => [f32(0), 2 ** 40, 3, 0, i32([1, 2]), f32(0)], 'ok'],
      ['gather', () => [f32(0), 0, 2 ** 53, 2 ** 53, i32([1]), f32(0)], /^gather: x \[outer, axisSize, inner\] = .* is too large/],
      ['scatterAdd', () => [f32(0), 0, 2 ** 26, 2 ** 26, i32([5]), f32(0)], 'ok'],
      ['concat', () => [[f32(0), f32(0)], 2 ** 53, [0, 0], f32(0)], 'ok'],
      ['concat', () => [[f32(0)], 0, [2 ** 53], f32(0)], 'ok'],
      ['pad', () => [f32(0), [0, 2 ** 40], [0, 0, 0, 0], 0, f32(0)], 'ok'],
      ['pad', () => [f32(0), [0, 2 ** 40], [1, 0, 0, 0], 0, f32(0)], /^pad: out has 0 elements, needs 1099511627776/],
      ['pad', () => [f32(0), [2 ** 52, 0], [2 ** 52, 0, 0, 0], 0, f32(0)], 'ok'],
    ];
    it.each(CASES.map((c, i) => [c[0], i]))('%s (case %i)', (name, i) => {
      const [, args, expected] = CASES[i as number];
      const t0 = performance.now();
      const { threw, guardsOk } = guardedCall(name as string, args());
      expect(performance.now() - t0).toBeLessThan(100);
      expect(guardsOk).toBe(true);
      if (expected === 'ok') expect(threw).toBeUndefined();
      else {
        expect(threw).toBeInstanceOf(RangeError);
        expect((threw as Error).message).toMatch(expected);
      }
    });
  });

  describe('outputs over the memory of other arguments', () => {
    it.each(VALID.filter((c) => c.name !== 'fusedUpdate' && !(c.name in MULTI_OUT)).map((c) => [c.name, VALID.indexOf(c)]))(
      '%s (template %i): an out overlapping any input, at any offset and of any dtype, is a RangeError that writes nothing', (name, i) => {
        const c = VALID[i as number];
        const slots = typedSlots(c);
        const outSlot = slots.find(([, , n]) => n === 'out')!;
        let cases = 0;
        for (const slot of slots.filter((s) => s !== outSlot)) {
          const input = (() => {
            const args = c.args();
            const [p, q] = slot;
            return (q < 0 ? args[p] : (args[p] as unknown[])[q]) as Typed;
          })();
          const out = c.args()[outSlot[0]] as Typed;
          // a buffer holding the input, with room for out views starting anywhere over it
          const bytes = new Uint8Array(64 + input.byteLength + out.byteLength + 64).fill(SENTINEL);
          const inView = new (input.constructor as Float32ArrayConstructor)(bytes.buffer, 64, input.length);
          inView.set(input as Float32Array);
          for (const Ctor of [out.constructor as Float32ArrayConstructor, Uint8Array, Float64Array]) {
            const es = Ctor.BYTES_PER_ELEMENT;
            for (let start = 64 - out.byteLength + es; start < 64 + input.byteLength; start += es) {
              const n = Math.max(1, Math.floor(out.byteLength / es));
              if (start < 0 || start % es || start + n * es > bytes.length) continue;
              const view = new Ctor(bytes.buffer, start, n);
              if (!(view.byteOffset < 64 + input.byteLength && 64 < view.byteOffset + view.byteLength)) continue;
              const snapshot = bytes.slice();
              const args = withSlot(c, slot, inView);
              args[outSlot[0]] = view;
              let threw: unknown;
              try {
                call(name as string, ...args);
              } catch (e) {
                threw = e;
              }
              cases++;
              // a dtype mismatch may be reported first; an overlap of the right dtype must be
              if (Ctor === out.constructor) {
                expect(threw, `${name} out ${Ctor.name}@${start} over ${slot[2]}`).toBeInstanceOf(RangeError);
                expect((threw as Error).message).toMatch(new RegExp(`^${name}: out overlaps ${slot[2].replace(/[[\]]/g, '\\$&')} in memory`));
              } else {
                expect(threw instanceof TypeError || threw instanceof RangeError, String(threw)).toBe(true);
              }
              expect(bytes).toEqual(snapshot);
            }
          }
        }
        expect(cases).toBeGreaterThan(0);
      });

    it.each(Object.keys(MULTI_OUT))('%s: each output over any other array of the call (same dtype, any offset) is a RangeError that writes nothing', (name) => {
      const c = VALID.find((v) => v.name === name)!;
      const slots = typedSlots(c);
      let cases = 0;
      for (const outSlot of slots.filter((s) => MULTI_OUT[name].includes(s[2]))) {
        for (const slot of slots.filter((s) => s !== outSlot)) {
          const base = c.args()[slot[0]] as Float32Array, out = c.args()[outSlot[0]] as Float32Array;
          const bytes = new Uint8Array(64 + base.byteLength + out.byteLength + 64).fill(SENTINEL);
          const inView = new Float32Array(bytes.buffer, 64, base.length);
          inView.set(base);
          for (let start = 64 - out.byteLength + 4; start < 64 + base.byteLength; start += 4) {
            if (start < 0) continue;
            const args = withSlot(c, slot, inView);
            args[outSlot[0]] = new Float32Array(bytes.buffer, start, out.length);
            const snapshot = bytes.slice();
            expectThrows(() => call(name, ...args), RangeError, new RegExp(`^${name}: (${outSlot[2]} overlaps ${slot[2]}|${slot[2]} overlaps ${outSlot[2]}) in memory`));
            expect(bytes, `${name}: ${outSlot[2]} @${start} over ${slot[2]} wrote`).toEqual(snapshot);
            cases++;
          }
        }
      }
      expect(cases).toBeGreaterThan(50);
    });

    it('views of one buffer that do not overlap are accepted and give the results of separate arrays', () => {
      for (const c of VALID.filter((v) => v.name !== 'fusedUpdate')) {
        const reference = c.args();
        call(c.name, ...reference);
        // every typed array of the call, side by side in one buffer (16-byte aligned), then the call
        const args = c.args();
        const slots = typedSlots(c);
        const arrays = slots.map(([p, q]) => (q < 0 ? args[p] : (args[p] as unknown[])[q]) as Typed);
        const shared = new ArrayBuffer(arrays.reduce((n, a) => n + Math.ceil(a.byteLength / 16) * 16 + 16, 0));
        let at = 0;
        for (const [k, [p, q]] of slots.entries()) {
          const a = arrays[k];
          const v = new (a.constructor as Float32ArrayConstructor)(shared, at, a.length);
          v.set(a as Float32Array);
          at += Math.ceil(a.byteLength / 16) * 16 + 16;
          if (q < 0) args[p] = v;
          else (args[p] as unknown[])[q] = v;
        }
        call(c.name, ...args);
        const o = outIndex(c.name, args);
        expect([...(args[o] as Typed)], c.name).toEqual([...(reference[o] as Typed)]);
      }
    });

    it('fusedUpdate updates the variable and slots in place, but none may overlap another or the gradient', () => {
      const buf = new Float32Array(64).map((_, i) => (i % 7) * 0.25);
      const [w, g, m, v] = [0, 16, 32, 48].map((o) => buf.subarray(o, o + 16));
      const separate = [w, g, m, v].map((a) => a.slice());
      expect(call('fusedUpdate', 'adam', separate, [0.1, 0.1, 0.001, 1e-7])).toBe(true);
      expect(call('fusedUpdate', 'adam', [w, g, m, v], [0.1, 0.1, 0.001, 1e-7])).toBe(true);  // adjacent views of one buffer
      expect([...w]).toEqual([...separate[0]]);
      expect([...m]).toEqual([...separate[2]]);
      const before = buf.slice();
      const overlapping: [Float32Array[], RegExp][] = [
        [[w, w, m, v], /^fusedUpdate: arrays\[0\] overlaps arrays\[1\] in memory/],  // the gradient is the variable
        [[w, buf.subarray(8, 24), m, v], /^fusedUpdate: arrays\[0\] overlaps arrays\[1\] in memory/],
        [[w, g, buf.subarray(20, 36), v], /^fusedUpdate: arrays\[2\] overlaps arrays\[1\] in memory/],
        [[w, g, m, m], /^fusedUpdate: arrays\[3\] overlaps arrays\[2\] in memory/],
        [[w, g, m, buf.subarray(1, 17)], /^fusedUpdate: arrays\[3\] overlaps arrays\[0\] in memory/],
      ];
      for (const [arrays, re] of overlapping) expectThrows(() => call('fusedUpdate', 'adam', arrays, [0.1, 0.1, 0.001, 1e-7]), RangeError, re);
      expect(buf).toEqual(before);
    });
  });

  describe('odd byte offsets, wrong kinds of arrays, detached buffers', () => {
    it('byte arrays at odd offsets and word arrays at unaligned-to-16 offsets give the results of fresh arrays', () => {
      const at = <T extends Typed>(a: T, offset: number): T => {
        const C = a.constructor as new (b: ArrayBuffer, o: number, n: number) => T;
        const v = new C(new ArrayBuffer(offset + a.byteLength + 3), offset, a.length);
        v.set(a as never);
        return v;
      };
      for (const offset of [1, 3, 4, 8, 12]) {
        for (const c of VALID) {
          const fresh = c.args();
          call(c.name, ...fresh);
          const moved = c.args().map((a) => (Array.isArray(a) ? a.map((x) => (ArrayBuffer.isView(x) ? at(x as Typed, offset * (x as Typed).BYTES_PER_ELEMENT) : x)) : a));
          for (let i = 0; i < moved.length; i++) {
            const a = moved[i];
            if (ArrayBuffer.isView(a)) {
              const es = (a as Typed).BYTES_PER_ELEMENT;
              moved[i] = at(a as Typed, es === 1 ? offset : Math.ceil(offset / es) * es);
            }
          }
          call(c.name, ...moved);
          if (c.name === 'fusedUpdate') {
            expect([...(moved[1] as Typed[])[0]]).toEqual([...(fresh[1] as Typed[])[0]]);
          } else {
            const o = outIndex(c.name, moved);
            expect([...(moved[o] as Typed)], `${c.name} at offset ${offset}`).toEqual([...(fresh[o] as Typed)]);
          }
        }
      }
      // a bool output at an odd offset, between guards
      const bytes = new Uint8Array(40).fill(SENTINEL);
      const out = new Uint8Array(bytes.buffer, 17, 6);
      call('binary', 'less', f32(6), [1], new Float32Array(6).fill(0.5), [1], [6], out);
      expect([...out]).toEqual([1, 1, 1, 0, 0, 0]);
      expect(bytes.subarray(0, 17).every((b) => b === SENTINEL) && bytes.subarray(23).every((b) => b === SENTINEL)).toBe(true);
    });

    it.each(VALID.map((c, i) => [c.name, i]))('%s (template %i): every typed-array argument refuses other kinds with a TypeError naming it', (name, i) => {
      const c = VALID[i as number];
      const WRONG: [unknown, RegExp][] = [
        [new DataView(new ArrayBuffer(32)), /must be a typed array, got a DataView/],
        [new ArrayBuffer(32), /must be a typed array, got an ArrayBuffer/],
        [new Int16Array(8), /must be a Float32Array, Float64Array, Int32Array or Uint8Array, got Int16Array/],
        [new Uint8ClampedArray(8), /got Uint8ClampedArray/],
        [new BigInt64Array(4), /got BigInt64Array/],
        [new Uint32Array(8), /got Uint32Array/],
        [[1, 2, 3], /must be a typed array/],
        [null, /must be a typed array/],
        [7, /must be a typed array/],
      ];
      for (const slot of typedSlots(c)) {
        const label = slot[2].replace(/[[\]]/g, '\\$&');
        for (const [bad, re] of WRONG) {
          const { threw } = guardedCall(name as string, withSlot(c, slot, bad));
          expect(threw, `${name} ${slot[2]} = ${String(bad)}`).toBeInstanceOf(TypeError);
          expect((threw as Error).message).toMatch(new RegExp(`^${name}: ${label} (.* )?${re.source}`));
        }
        // a Node Buffer is a Uint8Array: a TypeError where another dtype goes
        const kind = (() => {
          const args = c.args();
          const v = slot[1] < 0 ? args[slot[0]] : (args[slot[0]] as unknown[])[slot[1]];
          return (v as Typed).constructor;
        })();
        if (kind !== Uint8Array && name !== 'cast') {  // cast takes every dtype
          const { threw } = guardedCall(name as string, withSlot(c, slot, Buffer.alloc(64).subarray(1, 25)));
          expect(threw, `${name} ${slot[2]} = Buffer`).toBeInstanceOf(TypeError);
          expect((threw as Error).message.startsWith(`${name}: `)).toBe(true);
        }
      }
    });

    it.each(VALID.map((c, i) => [c.name, i]))('%s (template %i): a detached buffer in any typed-array argument is a TypeError naming it', (name, i) => {
      const c = VALID[i as number];
      for (const slot of typedSlots(c)) {
        const args = c.args();
        const [p, q] = slot;
        const a = (q < 0 ? args[p] : (args[p] as unknown[])[q]) as Typed;
        structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
        const { threw } = guardedCall(name as string, args);
        expect(threw, `${name} ${slot[2]} detached`).toBeInstanceOf(TypeError);
        expect((threw as Error).message).toMatch(new RegExp(`^${name}: ${slot[2].replace(/[[\]]/g, '\\$&')} is a view of a detached ArrayBuffer`));
      }
    });

    it('non-array and wrong-type arguments are TypeErrors naming the export and argument', () => {
      expectThrows(() => call('binary', 'add', f32(6), 'x', f32(6), [1], [6], f32(6)), TypeError, /^binary: aStrides must be an array/);
      expectThrows(() => call('reduce', 'sum', f32(6), { length: 1, 0: 6 }, [0], f32(1)), TypeError, /^reduce: shape must be an array/);
      expectThrows(() => call('concat', f32(6), 1, [6], f32(6)), TypeError, /^concat: inputs must be an array/);
      expectThrows(() => call('concat', [f32(2), new DataView(new ArrayBuffer(8))], 2, [1, 1], f32(4)), TypeError, /^concat: inputs\[1\] must be a typed array, got a DataView/);
      expectThrows(() => call('fusedUpdate', 'sgd', [f32(2), 'g'], [0.1]), TypeError, /^fusedUpdate: arrays\[1\] must be a typed array/);
      expectThrows(() => call('matmul', f32(6), f32(6), f32(4), 1, 2, 2, 3, 0, false, 6, 6), TypeError, /^matmul: transposeA must be a boolean/);
      expectThrows(() => call('gather', f32(6), 1, 3, 2, [2, 0], f32(4)), TypeError, /^gather: indices must be a typed array/);
      expectThrows(() => call('unary', 1, f32(6), f32(6), 0), TypeError, /^unary: op must be a string/);
      expectThrows(() => call('unary', 'exp', f32(6), f32(6), 1n), TypeError, /^unary: alpha must be a number/);
    });
  });

  it('the seeded fuzz rotation covers every export of the addon', () => {
    const fuzzed = new Set<string>([...KERNELS, ...OTHERS]);
    expect(RAW_EXPORTS.filter((name) => !fuzzed.has(name))).toEqual([]);
  });

  it('4,000 calls of the seeded fuzz (fuzz-cases.ts) all pass its checks', () => {
    const initial = binding!.info();
    let problems = 0;
    try {
      for (let i = 0; i < 4000; i++) {
        const c = makeCall(20240610, i);
        const { problem } = runCall(binding!, c);
        if (problem) {
          problems++;
          expect.soft(problem, `call ${i}: ${describeCall(makeCall(20240610, i))}`).toBeNull();
        }
      }
    } finally {
      binding!.setNumThreads(initial.threads);
      binding!.setSimdLevel(initial.simd);
    }
    expect(problems).toBe(0);
  });
});
