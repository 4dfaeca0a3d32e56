/**
 * `npm run bench`: each workload on the native and the pure-TS backend in one process,
 * medians of repeated timings, printed as a table with the native/TS speed ratio and written
 * to bench/results/latest.json. Workloads are data: add one to `WORKLOADS`.
 * `BENCH_QUICK=1` shortens every measurement (for a smoke run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as tf from 'tapeflow';

const quick = process.env.BENCH_QUICK === '1';
const targetMs = quick ? 30 : 300;

interface Workload {
  name: string;
  /** Work units per call (elements, FLOPs, steps) and their unit, for throughput. */
  units?: { count: number; unit: string; bytes?: boolean };
  /** Builds the state once per backend and returns the function to time. */
  setup: () => () => unknown;
  /** Skip on the TS backend (too slow to be worth timing). */
  nativeOnly?: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median seconds per call, calling `fn` in batches sized to ~targetMs / 10 each. */
function time(fn: () => unknown): number {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t0;
    if (dt > targetMs / 10 || reps > 1e6) break;
    reps *= 2;
  }
  const samples: number[] = [];
  const deadline = performance.now() + targetMs;
  do {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - t0) / reps / 1000);
  } while (performance.now() < deadline || samples.length < 5);
  return median(samples);
}

const rnd = (shape: number[], seed: number) => tf.random.uniform(shape, { minval: -1, maxval: 1, seed });

function elementwise(n: number): Workload {
  return {
    name: `a*b+c ${n.toExponential(0)}`,
    units: { count: n * 16, unit: 'GB/s', bytes: true },
    setup: () => {
      const a = rnd([n], 1), b = rnd([n], 2), c = rnd([n], 3);
      return () => a.mul(b).add(c);
    },
  };
}

function matmulWorkload(n: number): Workload {
  return {
    name: `matmul ${n}²`,
    units: { count: 2 * n * n * n, unit: 'GFLOP/s' },
    nativeOnly: false,
    setup: () => {
      const a = rnd([n, n], 1), b = rnd([n, n], 2);
      return () => tf.matmul(a, b);
    },
  };
}

function mlpStep(): Workload {
  return {
    name: 'MLP step 784-256-256-10 b128',
    setup: () => {
      const x = rnd([128, 784], 1);
      const labels = tf.tensor(Int32Array.from({ length: 128 }, (_, i) => i % 10));
      const layer = (i: number, o: number, s: number) => [
        tf.variable(tf.random.normal([i, o], { stddev: Math.sqrt(2 / i), seed: s })),
        tf.variable(tf.zeros([o])),
      ];
      const params = [...layer(784, 256, 1), ...layer(256, 256, 2), ...layer(256, 10, 3)];
      const [w1, b1, w2, b2, w3, b3] = params;
      const opt = new tf.optimizers.Adam({ learningRate: 1e-3 });
      const loss = () => {
        const h1 = tf.relu(x.matmul(w1).add(b1));
        const h2 = tf.relu(h1.matmul(w2).add(b2));
        return tf.losses.sparseCategoricalCrossentropy(labels, h2.matmul(w3).add(b3), { fromLogits: true });
      };
      return () => opt.minimize(loss, params as tf.Variable[]);
    },
  };
}

const WORKLOADS: Workload[] = [
  {
    name: 'seed loop (Adam step on a scalar)',
    setup: () => {
      const w = new tf.Variable(0, { dtype: 'float32' });
      const opt = new tf.optimizers.Adam({ learningRate: 0.1 });
      return () => {
        const tape = new tf.GradientTape();
        const cost = tape.record(() => w.square().sub(w.mul(10)).add(25));
        const grads = tape.gradient(cost, [w]);
        opt.applyGradients(tf.zip(grads, [w]));
      };
    },
  },
  {
    name: 'one op on 1-element tensors',
    setup: () => {
      const a = tf.scalar(1.5), b = tf.scalar(2.5);
      return () => a.add(b);
    },
  },
  elementwise(1e3),
  elementwise(1e5),
  elementwise(1e6),
  elementwise(1e7),
  ...[['exp', (t: tf.Tensor) => t.exp()], ['tanh', (t: tf.Tensor) => t.tanh()]].map(([name, f]) => ({
    name: `${name as string} 1e6`,
    units: { count: 8e6, unit: 'GB/s', bytes: true },
    setup: () => {
      const a = rnd([1e6], 4);
      return () => (f as (t: tf.Tensor) => tf.Tensor)(a);
    },
  })),
  ...[1e6, 1e7].map((n) => ({
    name: `sum ${n.toExponential(0)}`,
    units: { count: 4 * n, unit: 'GB/s', bytes: true },
    setup: () => {
      const a = rnd([n], 5);
      return () => a.sum();
    },
  })),
  matmulWorkload(128),
  matmulWorkload(512),
  matmulWorkload(1024),
  { ...matmulWorkload(2048), nativeOnly: true },
  mlpStep(),
];

function fmtTime(s: number): string {
  if (s < 1e-6) return `${(s * 1e9).toFixed(0)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toFixed(2)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(2)} s`;
}

function throughput(w: Workload, s: number): string {
  if (!w.units) return '';
  return `${(w.units.count / s / 1e9).toFixed(2)} ${w.units.unit}`;
}

const info = tf.backendInfo();
const hasNative = info.nativeAvailable;
const rows: Record<string, unknown>[] = [];
console.log(`tapeflow bench — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, node ${process.version}`);
console.log(hasNative ? `native: ${tf.backendInfo().simd}, ${tf.backendInfo().threads} threads` : `native backend unavailable: ${info.nativeError}`);
console.log('');
const header = ['workload', 'native', 'native thru', 'ts', 'ts thru', 'native/ts'];
console.log(header.map((h, i) => (i === 0 ? h.padEnd(34) : h.padStart(13))).join(''));
for (const w of WORKLOADS) {
  const result: Record<string, unknown> = { name: w.name };
  let nativeS: number | undefined;
  let tsS: number | undefined;
  if (hasNative) {
    tf.setBackend('native');
    nativeS = time(w.setup());
    result.nativeSeconds = nativeS;
  }
  if (!w.nativeOnly) {
    tf.setBackend('js');
    tsS = time(w.setup());
    result.tsSeconds = tsS;
  }
  const ratio = nativeS !== undefined && tsS !== undefined ? tsS / nativeS : undefined;
  if (ratio !== undefined) result.speedup = ratio;
  rows.push(result);
  console.log([
    w.name.padEnd(34),
    (nativeS !== undefined ? fmtTime(nativeS) : '—').padStart(13),
    (nativeS !== undefined ? throughput(w, nativeS) : '').padStart(13),
    (tsS !== undefined ? fmtTime(tsS) : '—').padStart(13),
    (tsS !== undefined ? throughput(w, tsS) : '').padStart(13),
    (ratio !== undefined ? `${ratio.toFixed(1)}x` : '').padStart(13),
  ].join(''));
}
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`\npeak RSS ${rss.toFixed(0)} MiB`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, info: tf.backendInfo(), rows, peakRssMiB: rss }, null, 2));
