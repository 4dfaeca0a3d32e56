/**
 * tf.distribute in the bench, measured under Open MPI's mpirun on this machine (2 ranks):
 *   - allReduce of 1 MiB and 64 MiB float32 against bench/mpi-allreduce.c, a plain C program
 *     calling MPI_Allreduce on the same sizes with the same launcher (compiled with mpicc here);
 *   - a data-parallel MLP step (784-256-256-10, Adam, global batch 256): 2 ranks with one thread
 *     and batch 128 each, against 1 process with two threads and batch 256.
 * `node --import tsx bench/distribute.ts` runs it alone; bench/run.ts calls `distributeBench()`.
 * As a rank (`--rank allreduce|step`) it prints JSON lines for the driver.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const SIZES = [1 << 20, 64 << 20];

export interface DistributeResult {
  allReduce: { bytes: number; cGBs: number; tapeflowGBs: number; ratio: number }[];
  step: { twoRanksMs: number; oneRankMs: number; ratio: number };
}

function launcher(): string | null {
  for (const cmd of ['mpirun.openmpi', 'mpirun']) {
    const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.includes('open-mpi.org')) return cmd;
  }
  return null;
}

function run(cmd: string, np: number, argv: string[], env: Record<string, string> = {}) {
  const flags = [...(process.getuid?.() === 0 ? ['--allow-run-as-root'] : []), '--oversubscribe', '--bind-to', 'none',
    '--mca', 'btl', 'self,vader', '--mca', 'btl_vader_single_copy_mechanism', 'none', '-np', String(np), ...argv];
  const r = spawnSync(cmd, flags, { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} under ${cmd} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** Runs both measurements; returns null (with the reason) when Open MPI or mpicc is missing. */
export function distributeBench(log: (s: string) => void): DistributeResult | { skipped: string } {
  const cmd = launcher();
  if (cmd === null) return { skipped: 'Open MPI (mpirun) is not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'tapeflow-mpi-bench-'));
  const exe = join(dir, 'mpi-allreduce');
  const cc = spawnSync('mpicc', ['-O2', '-o', exe, join(here, 'mpi-allreduce.c')], { encoding: 'utf8' });
  if (cc.status !== 0) return { skipped: `mpicc failed: ${(cc.stderr || cc.error?.message || '').slice(0, 200)}` };
  log('  distribute: allReduce, C baseline and tapeflow …');
  const c = run(cmd, 2, [exe, ...SIZES.map(String)]) as { bytes: number; seconds: number }[];
  const node = [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--rank'];
  const ours = run(cmd, 2, [...node, 'allreduce']) as { bytes: number; seconds: number }[];
  const allReduce = SIZES.map((bytes) => {
    const cs = c.find((x) => x.bytes === bytes)!.seconds, ts = ours.find((x) => x.bytes === bytes)!.seconds;
    return { bytes, cGBs: bytes / cs / 1e9, tapeflowGBs: bytes / ts / 1e9, ratio: cs / ts };
  });
  log('  distribute: data-parallel MLP step …');
  const two = run(cmd, 2, [...node, 'step', '128'], { TAPEFLOW_NUM_THREADS: '1' }) as { ms: number }[];
  const one = run(cmd, 1, [...node, 'step', '256'], { TAPEFLOW_NUM_THREADS: '2' }) as { ms: number }[];
  const step = { twoRanksMs: two[0].ms, oneRankMs: one[0].ms, ratio: two[0].ms / one[0].ms };
  return { allReduce, step };
}

async function rankMain(mode: string) {
  const tf = await import('tapeflow');
  const { rank } = tf.distribute.init();
  if (mode === 'allreduce') {
    for (const bytes of SIZES) {
      const x = tf.tensor(new Float32Array(bytes / 4).map((_, k) => k % 1000));
      // Each result is disposed, as a training loop frees what it is done with (tf.dispose):
      // its storage is then reused by the next call, as the C program reuses its buffer.
      for (let done = 0; done < 64 << 20; done += bytes) tf.distribute.allReduce(x).dispose();
      const reps = bytes >= 16 << 20 ? 9 : 51;
      const times: number[] = [];
      for (let r = 0; r < reps; r++) {
        tf.distribute.barrier();
        const t0 = performance.now();
        tf.distribute.allReduce(x).dispose();
        times.push((performance.now() - t0) / 1000);
      }
      if (rank === 0) console.log(JSON.stringify({ bytes, seconds: median(times) }));
    }
    return;
  }
  const batch = Number(process.argv[4]);
  const sizes = [784, 256, 256, 10];
  const vars = sizes.slice(1).flatMap((n, i) => [
    new tf.Variable(tf.random.normal([sizes[i], n], { seed: i, stddev: Math.sqrt(2 / sizes[i]) })),
    new tf.Variable(tf.zeros([n])),
  ]);
  const x = tf.random.uniform([batch, 784], { seed: 7 });
  const y = tf.oneHot(tf.cast(tf.random.uniform([batch], { seed: 8, maxval: 10 }), 'int32'), 10);
  const optimizer = new tf.distribute.DistributedOptimizer(new tf.optimizers.Adam(0.001));
  tf.distribute.broadcastVariables(vars);
  const step = () => optimizer.minimize(() => {
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = h.matmul(vars[2 * l]).add(vars[2 * l + 1]);
      if (l < 2) h = tf.relu(h);
    }
    return tf.losses.categoricalCrossentropy(y, h, { fromLogits: true });
  }, vars);
  for (let i = 0; i < 5; i++) step();
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    tf.distribute.barrier();
    const t0 = performance.now();
    step().dataSync();
    times.push(performance.now() - t0);
  }
  if (rank === 0) console.log(JSON.stringify({ ms: median(times) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--rank');
  if (at > 0) await rankMain(process.argv[at + 1]);
  else {
    const { cpus } = await import('node:os');
    const r = distributeBench((s) => process.stderr.write(s + '\n'));
    console.log(`tf.distribute bench — ${cpus()[0]?.model}, ${cpus().length} cores`);
    if ('skipped' in r) console.log(`skipped: ${r.skipped}`);
    else {
      for (const a of r.allReduce) console.log(`allReduce ${a.bytes >> 20} MiB float32, 2 ranks: C MPI_Allreduce ${a.cGBs.toFixed(2)} GB/s, tapeflow ${a.tapeflowGBs.toFixed(2)} GB/s (${a.ratio.toFixed(2)} of C)`);
      console.log(`MLP step, global batch 256: 2 ranks x 1 thread ${r.step.twoRanksMs.toFixed(2)} ms, 1 rank x 2 threads ${r.step.oneRankMs.toFixed(2)} ms (${r.step.ratio.toFixed(2)}x)`);
    }
  }
}
