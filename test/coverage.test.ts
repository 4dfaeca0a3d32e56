/**
 * What every op must have, checked from the op list itself so that a new op cannot skip one:
 * a gradient check in the case table (or proof that it is not differentiable), a line in the
 * README's API table, and in native, a float32 and float64 kernel for every elementwise op
 * (test/native/native-vs-ts.test.ts). Row coverage (a function and a method row per op) is in
 * test/conformance.test.ts. CONTRIBUTING.md describes the edits these checks ask for.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { inputTensors, isDifferentiable, OP_CASES } from './cases/ops.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The names in backticks in the README's "API at a glance" table. */
function readmeApiNames(): Set<string> {
  const start = README.indexOf('## API at a glance');
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end);
  const names = new Set<string>();
  for (const code of section.matchAll(/`([^`]+)`/g)) for (const w of code[1].matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) names.add(w[0]);
  return names;
}

/** Exports that are not ops of the case table (their own test files cover them). */
const NOT_OPS = new Set(['zip', 'getBackend', 'setBackend', 'backendInfo', 'customGradient', 'grad', 'valueAndGrad', 'variable']);

describe('every op has what an op needs', () => {
  const exported = Object.entries(tf).filter(([name, v]) => typeof v === 'function' && !/^[A-Z]/.test(name) && !NOT_OPS.has(name)).map(([n]) => n);

  it('the README API table names every exported op', () => {
    const names = readmeApiNames();
    expect(exported.filter((n) => !names.has(n)), 'ops missing from README.md "API at a glance"').toEqual([]);
  });

  it('every op with rows is gradient-checked, or its rows say grad: false and it really records no gradient', () => {
    const byOp = new Map<string, typeof OP_CASES[number][]>();
    for (const c of OP_CASES) if (!c.method && c.skip === undefined) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
    const wrong: string[] = [];
    for (const [op, rows] of byOp) {
      if (rows.some(isDifferentiable)) continue;
      // No row checks a gradient: the op must be one that records none (floor, comparisons, ...).
      const row = rows.find((r) => r.dtypes.includes('float64') && r.inputs.some((s) => s.dtype === undefined));
      if (row === undefined) continue; // no float input to differentiate (creation ops, indices)
      const xs = inputTensors(row, 'float64');
      const tape = new tf.GradientTape({ persistent: true });
      const ys = tape.record(() => {
        xs.forEach((x, i) => { if (row.inputs[i].dtype === undefined) tape.watch(x); });
        const y = row.run(...xs);
        return Array.isArray(y) ? y : [y];
      }) as Tensor[];
      const floats = ys.filter((y) => y.dtype === 'float32' || y.dtype === 'float64');
      const grads = floats.length === 0 ? [] : (tape.gradient(floats[0].sum(), xs) as (Tensor | null)[]);
      if (grads.some((g) => g !== null && g.abs().sum().item() !== 0)) wrong.push(`${op} (row "${row.name}" has a gradient but no row checks it)`);
    }
    expect(wrong).toEqual([]);
  });
});
