/**
 * Gradients: every differentiable row of the op-case table (test/cases/ops.ts) run in float64
 * and checked against central differences (test/support/gradcheck.ts); rows marked `grad2`
 * also have their second derivatives checked through nested tapes.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { inputTensors, isDifferentiable, OP_CASES, rng } from './cases/ops.js';
import { checkGradients, checkSecondDerivatives } from './support/gradcheck.js';
import { backendLabel } from './support/backends.js';

describe(`gradients on ${backendLabel()} (float64, numeric check)`, () => {
  for (const c of OP_CASES.filter(isDifferentiable)) {
    const wrt = c.inputs.flatMap((spec, i) => (spec.dtype === undefined ? [i] : []));
    const tol = c.grad ? c.grad.tol : undefined;
    it.skipIf(c.skip !== undefined)(`${c.name}${c.skip ? ` — skipped: ${c.skip}` : ''}`, () => {
      const failures = checkGradients(c.run, inputTensors(c, 'float64'), { wrt, rand: rng(`grad|${c.name}`), tol });
      expect(failures).toEqual([]);
    });
    if (c.grad2) {
      it.skipIf(c.skip !== undefined)(`${c.name} (second derivative)`, () => {
        const failures = checkSecondDerivatives(c.run, inputTensors(c, 'float64'), { wrt, rand: rng(`grad2|${c.name}`) });
        expect(failures).toEqual([]);
      });
    }
  }

  it('checks second derivatives of at least square, pow, exp, log, tanh, sigmoid, softplus, matmul, softmax', () => {
    const covered = new Set(OP_CASES.filter((c) => c.grad2).map((c) => c.op));
    for (const op of ['square', 'pow', 'exp', 'log', 'tanh', 'sigmoid', 'softplus', 'matmul', 'softmax', 'logSumExp', 'div', 'rsqrt', 'elu']) {
      expect(covered.has(op), op).toBe(true);
    }
  });
});

describe('the checker itself catches wrong gradients', () => {
  const x = () => tf.tensor(Float64Array.from([0.3, -1.2, 2.0]), [3], 'float64');
  const big = () => tf.tensor(Float64Array.from({ length: 100 }, (_, i) => Math.sin(i)), [100], 'float64');

  it('a wrong first derivative fails, element by element and along directions', () => {
    // x² with the rule dy·3x (should be 2x).
    const wrong = tf.customGradient((t: Tensor) => [t.square(), (dy: Tensor) => dy.mul(t).mul(3)]);
    expect(checkGradients((t) => wrong(t), [x()], { wrt: [0], rand: rng('self1') }).length).toBeGreaterThan(0);
    expect(checkGradients((t) => wrong(t), [big()], { wrt: [0], rand: rng('self2') }).length).toBeGreaterThan(0);
    const right = tf.customGradient((t: Tensor) => [t.square(), (dy: Tensor) => dy.mul(t).mul(2)]);
    expect(checkGradients((t) => right(t), [big()], { wrt: [0], rand: rng('self3') })).toEqual([]);
  });

  it('a wrong second derivative fails', () => {
    // x³ with the first-derivative rule dy·3·x·stopGradient(x): right value, wrong derivative.
    const wrong = tf.customGradient((t: Tensor) => [t.pow(3), (dy: Tensor) => dy.mul(t).mul(tf.stopGradient(t)).mul(3)]);
    expect(checkGradients((t) => wrong(t), [x()], { wrt: [0], rand: rng('self4') })).toEqual([]);
    expect(checkSecondDerivatives((t) => wrong(t), [x()], { wrt: [0], rand: rng('self5') }).length).toBeGreaterThan(0);
  });
});
