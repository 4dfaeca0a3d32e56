/**
 * Conformance: every row of the op-case table (test/cases/ops.ts), in every dtype it lists,
 * against the float64 reference (test/support/reference.ts): shape, dtype and values within
 * the row's tolerance. On the native backend each result is also compared with the TS
 * backend's. A coverage check makes sure every op export and every Tensor method has a row.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { DEFAULT_TOL, inputTensors, OP_CASES, outDTypeOf, type OpCase } from './cases/ops.js';
import { arr, cast, mismatch, type Arr } from './support/reference.js';
import { backendLabel, IS_NATIVE, onBackend } from './support/backends.js';

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function runCase(c: OpCase, dtype: DType): Tensor[] {
  return asList(c.run(...inputTensors(c, dtype)));
}

function expected(c: OpCase, dtype: DType): Arr[] {
  // The reference reads the inputs as stored (float32 values already rounded).
  const xs = inputTensors(c, dtype).map((t) => arr(t.shape, t.dataSync()));
  const out = asList(c.ref(...xs));
  const od = outDTypeOf(c, dtype);
  return od === 'int32' || od === 'bool' ? out.map((o) => cast(o, od)) : out;
}

describe(`conformance on ${backendLabel()}`, () => {
  for (const c of OP_CASES) {
    for (const dtype of c.dtypes) {
      it.skipIf(c.skip !== undefined)(`${c.name} (${dtype})${c.skip ? ` — skipped: ${c.skip}` : ''}`, () => {
        const ys = runCase(c, dtype);
        const want = expected(c, dtype);
        const od = outDTypeOf(c, dtype);
        const tol = c.tol?.[od] ?? DEFAULT_TOL[od];
        expect(ys.length, 'number of outputs').toBe(want.length);
        ys.forEach((y, i) => {
          expect(y, `output ${i} is a Tensor`).toBeInstanceOf(tf.Tensor);
          expect(y.dtype, `output ${i} dtype`).toBe(od);
          const bad = mismatch({ shape: y.shape, data: y.dataSync() }, want[i], tol);
          if (bad) expect.fail(`output ${i}: ${bad}`);
        });
        if (IS_NATIVE) {
          const ts = onBackend('js', () => runCase(c, dtype));
          ys.forEach((y, i) => {
            const bad = mismatch({ shape: y.shape, data: y.dataSync() }, arr(ts[i].shape, ts[i].dataSync()), tol);
            if (bad) expect.fail(`native vs js, output ${i}: ${bad}`);
          });
        }
      });
    }
  }
});

describe('the case table covers the API', () => {
  it('has unique row names', () => {
    const seen = new Set<string>();
    for (const c of OP_CASES) {
      expect(seen.has(c.name), `duplicate row ${c.name}`).toBe(false);
      seen.add(c.name);
    }
  });

  it('has a row for every op exported by tf', () => {
    // Exports that are not elementwise/shape ops have their own test files; each is named with
    // the file that covers it, so this check fails for a new op until the table has a row.
    const elsewhere: Record<string, string> = {
      tensor: 'tensor', scalar: 'tensor', zeros: 'tensor', ones: 'tensor', fill: 'tensor', zerosLike: 'tensor', onesLike: 'tensor',
      range: 'tensor', linspace: 'tensor', eye: 'tensor', variable: 'tensor', zip: 'tensor',
      getBackend: 'tensor', setBackend: 'tensor', backendInfo: 'tensor',
      customGradient: 'tape', grad: 'tape', valueAndGrad: 'tape',
      tensor1d: 'new-user', tensor2d: 'new-user', tensor3d: 'new-user', tensor4d: 'new-user', tensor5d: 'new-user', tensor6d: 'new-user',
      tidy: 'new-user', dispose: 'new-user', keep: 'new-user',
      sequential: 'models', model: 'models', input: 'models', loadModel: 'io-models',
    };
    const ops = new Set(OP_CASES.filter((c) => !c.method).map((c) => c.op));
    const missing: string[] = [];
    for (const [name, value] of Object.entries(tf)) {
      if (typeof value !== 'function' || /^[A-Z]/.test(name)) continue; // classes: Tensor, Variable, GradientTape
      if (!ops.has(name) && !(name in elsewhere)) missing.push(name);
    }
    expect(missing, 'ops without a function-form row').toEqual([]);
  });

  it('has a method-form row for every Tensor method', () => {
    const own = new Set(['constructor', 'dataSync', 'data', 'arraySync', 'numpy', 'array', 'item', 'toString', 'shareableValues', 'values', 'first', 'materialize', 'size', 'rank', 'mutable',
      'print', 'dispose', 'isDisposed']); // print: test/new-user.test.ts; dispose, isDisposed: test/memory.test.ts
    const methods = new Set(OP_CASES.filter((c) => c.method).map((c) => c.op));
    const missing = Object.getOwnPropertyNames(tf.Tensor.prototype).filter((m) => !own.has(m) && !methods.has(m));
    expect(missing, 'methods without a method-form row').toEqual([]);
  });
});
