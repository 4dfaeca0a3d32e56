/**
 * Fused optimizer updates: the native kernel of every kind the TS backend knows must exist and
 * give bit-identical results over several steps (float32 and float64), since both sides round
 * each written operation once (no FMA contraction natively). ftrl's pow goes through two libms,
 * and its (clip - linear)/quadratic step can amplify a last-bit difference: it gets a small tolerance.
 */
import { describe, expect, it } from 'vitest';
import { FUSED_UPDATES } from '../../src/backend/ts/optim.js';
import { tsBackend } from '../../src/backend/ts/index.js';
import type { FloatArray } from '../../src/dtype.js';
import { binding, nativeLabel, rng } from './helpers.js';

/** Array count and hyperparameters per kind (layouts as documented in src/backend/ts/optim.ts). */
const LAYOUT: Record<string, { arrays: number; scalars: number[][] }> = {
  sgd: { arrays: 2, scalars: [[0.1]] },
  sgdMomentum: { arrays: 3, scalars: [[0.1, 0.9, 0], [0.05, 0.8, 1]] },
  adam: { arrays: 4, scalars: [[0.001, 0.1, 0.001, 1e-7]] },
  adamAmsgrad: { arrays: 5, scalars: [[0.001, 0.1, 0.001, 1e-7]] },
  rmsprop: { arrays: 3, scalars: [[0.01, 0.9, 0.1, 1e-7, 0]] },
  rmspropMomentum: { arrays: 4, scalars: [[0.01, 0.9, 0.1, 1e-7, 0.5]] },
  rmspropCentered: { arrays: 4, scalars: [[0.01, 0.9, 0.1, 1e-7, 0]] },
  rmspropCenteredMomentum: { arrays: 5, scalars: [[0.01, 0.9, 0.1, 1e-7, 0.5]] },
  adagrad: { arrays: 3, scalars: [[0.01, 1e-7]] },
  adadelta: { arrays: 4, scalars: [[1, 0.95, 0.05, 1e-7]] },
  adamax: { arrays: 4, scalars: [[0.002, 0.1, 0.999, 0.1, 1e-7]] },
  nadam: { arrays: 4, scalars: [[0.002, 0.1, 0.001, 0.9, 0.19, 0.1, 0.1, 0.001, 1e-7]] },
  ftrl: { arrays: 4, scalars: [[0.01, -0.5, 0.01, 0.002, 0.004]] },
  lion: { arrays: 3, scalars: [[0.001, 0.9, 0.1, 0.99, 0.01]] },
};

describe.skipIf(!binding)(nativeLabel, () => {
  const raw = binding!;

  it('has a layout for every TS kind (update LAYOUT when a kind is added)', () => {
    expect(Object.keys(LAYOUT).sort()).toEqual(Object.keys(FUSED_UPDATES).sort());
  });

  for (const kind of Object.keys(FUSED_UPDATES)) {
    it(`${kind}: native equals TS bit for bit over 3 steps`, () => {
      const layout = LAYOUT[kind];
      expect(layout, `no layout for ${kind}`).toBeDefined();
      const rand = rng(kind.length * 7919);
      for (const Ctor of [Float32Array, Float64Array]) for (const n of [1, 7, 33, 1037, 200000]) for (const sc of layout.scalars) {
        const scalars = Ctor === Float32Array ? sc.map(Math.fround) : sc;
        const init = Array.from({ length: layout.arrays }, (_, q) =>
          new Ctor(n).map(() => (q < 2 ? (rand() - 0.5) * 2 : q === 3 && kind.startsWith('rmspropCentered') ? rand() * 0.01 : rand())));
        const a = init.map((x) => x.slice()) as FloatArray[];
        const b = init.map((x) => x.slice()) as FloatArray[];
        for (let step = 0; step < 3; step++) {
          const g = new Ctor(n).map(() => (rand() - 0.5) * 2);
          a[1].set(g);
          b[1].set(g);
          expect(raw.fusedUpdate(kind, a, scalars), `${kind} is native`).toBe(true);
          expect(tsBackend.fusedUpdate(kind, b, scalars)).toBe(true);
        }
        for (let q = 0; q < a.length; q++) {
          for (let i = 0; i < n; i++) {
            const x = a[q][i], y = b[q][i];
            if (Object.is(x, y) || (x !== x && y !== y)) continue;
            if (kind === 'ftrl' && Math.abs(x - y) <= Math.abs(y) * (Ctor === Float32Array ? 1e-5 : 1e-9)) continue;
            throw new Error(`${kind} ${Ctor.name} n=${n} array ${q} [${i}]: native ${x} vs ts ${y}`);
          }
        }
      }
    });
  }
});
