/**
 * Child process of test/native/gemm-plan.test.ts: runs under a given TAPEFLOW_GEMM and prints,
 * as one JSON line, the addon's GEMM plan and, for each product, the SHA-256 of the float32
 * result and its worst error against a float64 reference in units of Higham's bound
 * k·u·Σ|a||b| (u = 2^-24), so a plan that computed the wrong thing is caught, not only a crash.
 */
import { createHash } from 'node:crypto';
import '../../src/index.js'; // its load checks the TAPEFLOW_* settings and warns about malformed ones
import { loadRawBinding } from '../../src/backend/native/load.js';
import { rng } from './random.js';

const raw = loadRawBinding().binding;
if (!raw) throw new Error(`addon not loaded: ${loadRawBinding().error}`);

// [m, n, k, transposeA]: rows of A 1024 floats apart (all in one L1 set), 1000 apart, transposed.
const SHAPES: [number, number, number, boolean][] = [
  [70, 96, 1024, false],
  [70, 96, 1000, false],
  [45, 200, 777, true],
];
const products = SHAPES.map(([m, n, k, ta]) => {
  const rand = rng(m * 31 + n * 7 + k);
  const a = Float32Array.from({ length: m * k }, () => rand() * 2 - 1);
  const b = Float32Array.from({ length: k * n }, () => rand() * 2 - 1);
  const out = new Float32Array(m * n);
  raw.matmul(a, b, out, 1, m, n, k, ta, false, m * k, k * n);
  let worst = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let exact = 0, magnitude = 0;
      for (let p = 0; p < k; p++) {
        const av = ta ? a[p * m + i] : a[i * k + p];
        exact += av * b[p * n + j];
        magnitude += Math.abs(av * b[p * n + j]);
      }
      worst = Math.max(worst, Math.abs(out[i * n + j] - exact) / (k * 2 ** -24 * magnitude));
    }
  return { shape: [m, n, k, ta], sha256: createHash('sha256').update(Buffer.from(out.buffer)).digest('hex'), worst };
});
process.stdout.write(JSON.stringify({ gemm: raw.info().gemm, cpu: raw.info().cpu, products }) + '\n');
