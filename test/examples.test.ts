// The examples and the demo run as a user runs them (tsx, package name resolved to src/) and
// print what they claim. Runs in the js project only: they choose their backend themselves.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOnTfjs } from '../examples/tfjs/on-tfjs.js';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function run(file: string, args: string[] = [], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('examples', file), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}


describe('examples', () => {
  it('plain.mjs: plain JavaScript fits y = 3x − 2', () => {
    const out = run('plain.mjs');
    expect(out).toContain('w = 3.000, b = -2.000');
  });

  it('seed.ts: both seed programs end at w = 5.000001, as TF prints', () => {
    const out = run('seed.ts').trim().split('\n');
    expect(out[0]).toBe("<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=5.000001>");
    expect(out[1]).toBe("<tf.Variable 'Variable_1:0' shape=() dtype=float32, numpy=0.0>");
    expect(out[2]).toBe("<tf.Variable 'Variable_1:0' shape=() dtype=float32, numpy=5.000001>");
  });

  it('demo.ts: the seed, then the spiral classifier above 90% accuracy', () => {
    const out = run('demo.ts');
    expect(out).toContain('numpy=5.000001');
    const acc = Number(/final accuracy ([\d.]+)%/.exec(out)?.[1]);
    expect(acc).toBeGreaterThan(90);
    // then model.fit: one progress line per epoch (stdout is a pipe here) and a held-out score
    expect(out).toMatch(/^Epoch 40\/40 - 26\/26 - .* - val_accuracy: /m);
    const heldOut = Number(/held-out ([\d.]+)% after 40 epochs/.exec(out)?.[1]);
    expect(heldOut).toBeGreaterThan(85);
  });

  it('train.ts: the Keras workflow of the README reaches 85% on three blobs, and the README shows it verbatim', () => {
    const out = run('train.ts');
    expect(out).toContain('Model: "sequential"');
    expect(out).toMatch(/^Epoch 30\/30 - 15\/15 - /m);
    const acc = Number(/accuracy ([\d.]+)%/.exec(out)?.[1]);
    expect(acc).toBeGreaterThan(85);
    const code = readFileSync(join(root, 'examples', 'train.ts'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(code.slice(code.indexOf('import * as tf')));
  });

  it('mnist.ts (MNIST_QUICK=1): both models train through fit on the real digits and print summary, bar line and accuracy', () => {
    const out = run('mnist.ts', [], { MNIST_QUICK: '1' });
    expect(out).toMatch(/8000 training digits, 2000 held out/);
    expect(out).toContain('conv2d (Conv2D)');
    expect(out).toMatch(/^Epoch 1\/1 - 8\/8 - /m);
    const [mlp, cnn] = [/MLP ([\d.]+)%/.exec(out)?.[1], /CNN ([\d.]+)%/.exec(out)?.[1]].map(Number);
    // one epoch on 512 digits: far better than chance (10%), far from the full run's 98%
    expect(mlp).toBeGreaterThan(20);
    expect(cnn).toBeGreaterThan(15);
  });

  it('tfjs/mlp-minimize.mjs and tfjs/mlp-fit.mjs: TF.js scripts run on tapeflow/tfjs and, import switched, on TF.js itself', () => {
    for (const file of ['tfjs/mlp-minimize.mjs', 'tfjs/mlp-fit.mjs']) {
      expect(run(file), file).toMatch(/final loss [\d.]+, 8\/8 quadrants right/);
      const onTfjs = runOnTfjs(file.replace('tfjs/', ''));
      expect(onTfjs.status, onTfjs.stderr).toBe(0);
      expect(onTfjs.stdout, `${file} on TF.js`).toMatch(/final loss [\d.]+, [78]\/8 quadrants right/);
    }
  });

  it('autodiff.ts: derivatives of x³ at 2 are 12 and 12', () => {
    expect(run('autodiff.ts')).toContain('dy/dx   = 12   d2y/dx2 = 12');
  });

  it('optimizers.ts: the resumed run is bit-identical to the uninterrupted one', () => {
    expect(run('optimizers.ts')).toContain('bit-identical: true');
  });

  // The sequence examples in their --quick form (a few steps): the loss falls from the first epoch to the last, and samples print.
  for (const file of ['text-lstm.ts', 'tiny-transformer.ts']) {
    it(`${file} --quick: trains on the rhymes, prints a sample per epoch, and the loss falls`, () => {
      const out = run(file, ['--quick']);
      expect(out.match(/^epoch \d+ loss [\d.]+: ".+"$/gm)?.length).toBe(3);
      const [, first, last] = /loss ([\d.]+) -> ([\d.]+)/.exec(out) ?? [];
      expect(Number(last)).toBeLessThan(Number(first) - 0.1);
    });
  }
});
