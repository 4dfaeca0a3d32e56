/**
 * The GEMM's per-CPU blocking (native/kernels/matmul.cc `gemm_plan`): derived from the caches
 * the addon reads (native/cpu.cc), reported by tf.backendInfo(), and forced with TAPEFLOW_GEMM.
 * Each forced plan runs in a child process (the variable is read once per process) and must
 * give products within Higham's bound of a float64 reference; packing A or reading it in place
 * must give the same bits (the micro-kernel does the same fmas either way).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/index.js';
import { binding, nativeLabel } from './helpers.js';

interface ChildResult {
  gemm: NonNullable<ReturnType<typeof tf.backendInfo>['gemm']>;
  cpu: NonNullable<ReturnType<typeof tf.backendInfo>['cpu']>;
  products: { shape: unknown[]; sha256: string; worst: number }[];
}

let derivedRun: ChildResult | undefined;
/** The child with no TAPEFLOW_GEMM, run once for both tests that compare with it. */
function derivedChild(): ChildResult {
  derivedRun ??= child(undefined).result;
  return derivedRun;
}

function child(gemm: string | undefined): { result: ChildResult; stderr: string } {
  const env = { ...process.env };
  if (gemm === undefined) delete env.TAPEFLOW_GEMM;
  else env.TAPEFLOW_GEMM = gemm;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/gemm-child.ts'], { env, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`gemm-child under TAPEFLOW_GEMM=${gemm} exited ${run.status}: ${run.stderr}`);
  return { result: JSON.parse(run.stdout) as ChildResult, stderr: run.stderr };
}

// The forced plans run in children: not where this Node cannot be started as a child (the arm64
// suite runs under qemu) nor under AddressSanitizer (test:sanitize), whose children would be slow.
const asan = (process.env.LD_PRELOAD ?? '').includes('asan');
const spawnable = !asan && spawnSync(process.execPath, ['-e', '0']).status === 0;

describe.skipIf(!binding)(nativeLabel, () => {
  it('tf.backendInfo() reports the CPU and a plan derived from its caches', () => {
    const previous = tf.getBackend();
    tf.setBackend('native');
    try {
      const info = tf.backendInfo();
      expect(info.cpu).toBeDefined();
      expect(info.gemm).toBeDefined();
      const { cpu, gemm } = info as Required<typeof info>;
      const [mr, nr] = gemm.tile.split('x').map(Number);
      expect(mr * nr).toBeGreaterThan(0);
      expect(gemm.kc % 16).toBe(0);
      expect(gemm.kc).toBeGreaterThanOrEqual(128);
      expect(gemm.kc).toBeLessThanOrEqual(512);
      expect(gemm.nc % nr).toBe(0);
      if (process.env.TAPEFLOW_GEMM === undefined) {
        expect(gemm.packA).toBe('auto');
        expect(gemm.source).toBe(cpu.l1d > 0 && cpu.l2 > 0 ? 'cpu' : 'default');
        if (gemm.source === 'cpu') {
          // The derivation: the A sliver in half of L1 (unless clamped at 128 steps), each thread's B slivers in half of L2 (at least 4 slivers).
          if (gemm.kc > 128) expect(mr * gemm.kc * 4).toBeLessThanOrEqual(cpu.l1d / 2);
          const perThread = gemm.nc / info.threads;
          if (perThread > 4 * nr) expect(perThread * gemm.kc * 4).toBeLessThanOrEqual(cpu.l2 / 2);
        }
      }
    } finally {
      tf.setBackend(previous);
    }
  });

  it.skipIf(!spawnable)('TAPEFLOW_GEMM forces kc, nc and the packing of A; every plan computes the same products', () => {
    const derived = derivedChild();
    expect(derived.gemm.source).not.toBe('TAPEFLOW_GEMM');
    const kc = derived.gemm.kc;
    const packed = child(`kc=${kc},packA=always`).result;
    const inPlace = child(`kc=${kc},packA=never`).result;
    const small = child('kc=128,nc=64,packA=always').result;
    expect(packed.gemm).toMatchObject({ kc, packA: 'always', source: 'TAPEFLOW_GEMM' });
    expect(inPlace.gemm).toMatchObject({ kc, packA: 'never', source: 'TAPEFLOW_GEMM' });
    expect(small.gemm).toMatchObject({ kc: 128, packA: 'always', source: 'TAPEFLOW_GEMM' });
    const nr = Number(small.gemm.tile.split('x')[1]);
    expect(small.gemm.nc).toBe(Math.max(nr, Math.floor(64 / nr) * nr)); // whole slivers, at least one
    for (const run of [derived, packed, inPlace, small])
      for (const p of run.products) expect(p.worst, `${JSON.stringify(run.gemm)} ${JSON.stringify(p.shape)}`).toBeLessThanOrEqual(1);
    // Same kc: the same fmas in the same order whether A is packed or read in place.
    expect(packed.products.map((p) => p.sha256)).toEqual(inPlace.products.map((p) => p.sha256));
    expect(derived.products.map((p) => p.sha256)).toEqual(inPlace.products.map((p) => p.sha256));
  });

  it.skipIf(!spawnable)('a malformed TAPEFLOW_GEMM field is named on stderr and the derived value kept', () => {
    const derived = derivedChild();
    const { result, stderr } = child('kc=7,nc=lots,packA=sometimes');
    expect(stderr).toContain('TAPEFLOW_GEMM=kc=7,nc=lots,packA=sometimes: ignoring kc=7, nc=lots, packA=sometimes');
    expect(result.gemm).toEqual(derived.gemm);
  });
});
