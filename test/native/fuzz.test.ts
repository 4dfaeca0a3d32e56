/**
 * Throws thousands of malformed calls at the raw binding: wrong types, short buffers, negative
 * and huge sizes, bad strides, mismatched dtypes, wrong argument counts, getters that detach a
 * buffer mid-call. Every call must either succeed (a mutation that happens to be valid) without
 * writing outside `out`, or throw a TypeError/RangeError; the must-fail cases must throw; and the
 * process must survive to the end. (Out-of-bounds *reads* are caught by the ASan build:
 * npm run test:sanitize.)
 */
import { describe, expect, it } from 'vitest';
import { binding, nativeLabel, rng } from './helpers.js';

type Args = unknown[];
interface Case { name: string; args: () => Args; }

const f32 = (n: number) => new Float32Array(n).map((_, i) => i * 0.5 - 1);
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

/** Calls with every output array placed inside a guarded buffer; checks the guards after. */
function guardedCall(name: string, args: Args): { threw: unknown; guardsOk: boolean } {
  const guards: { buf: Float64Array | Float32Array | Int32Array | Uint8Array; end: number }[] = [];
  const last = args.length - 1;
  const outIdx = name === 'fusedUpdate' ? -1 : name === 'matmul' ? 2 : last;
  if (outIdx >= 0 && ArrayBuffer.isView(args[outIdx]) && !(args[outIdx] instanceof DataView)) {
    const out = args[outIdx] as Float32Array;
    const Ctor = out.constructor as Float32ArrayConstructor;
    if ([Float32Array, Float64Array, Int32Array, Uint8Array].includes(Ctor as never)) {
      const big = new Ctor(out.length + 16).fill(77);
      const view = big.subarray(8, 8 + out.length);
      view.set(out);
      args[outIdx] = view;
      guards.push({ buf: big, end: out.length });
    }
  }
  let threw: unknown = undefined;
  try {
    (binding as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);
  } catch (e) {
    threw = e ?? new Error('null thrown');
  }
  const guardsOk = guards.every(({ buf, end }) => {
    for (let i = 0; i < 8; i++) if (buf[i] !== 77 || buf[8 + end + i] !== 77) return false;
    return true;
  });
  return { threw, guardsOk };
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
