/**
 * `npm run bench`: every workload on tapeflow's native and pure-TS backends and on TensorFlow.js
 * (cpu and wasm backends), medians of repeated timings, plus native probes of this machine's
 * limits (STREAM-style triad and sum bandwidth, peak FP32 FMA), `import` time over bare node, peak
 * RSS and a 40,000-step memory check (RSS at 10,000 and 40,000 steps). Prints one table of times and ratios and writes everything
 * to bench/results/latest.json. See bench/README.md for how to read it.
 *
 * BENCH_QUICK=1: short measurements (smoke run). BENCH_MEMORY=0 skips the memory check,
 * BENCH_MEMORY=1 runs the full 10,000 steps even with BENCH_QUICK. BENCH_PEERS=0 skips TF.js.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from 'tapeflow';
import { loadRawBinding } from '../src/backend/native/load.js';
import { fmtRatio, fmtTime, median, peakRssMiB, quick, time, timeAsync, timePaired } from './lib.js';
import { loadPeers } from './tfjs.js';
import { filesBench } from './files.js';
import { distributeBench } from './distribute.js';
import { formatScriptTimes, tfjsScriptsBench } from './tfjs-scripts.js';
import { ENGINES, FIT_EPOCH, HAND_EPOCH, WORKLOADS, type Engine, type Limit, type Workload } from './workloads.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s: string) => process.stderr.write(s + '\n');
const started = performance.now();

// ---- environment ------------------------------------------------------------------------------
const info = tf.backendInfo();
const hasNative = info.nativeAvailable;
const env = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memGiB: totalmem() / 2 ** 30,
  node: process.version,
  quick,
  tapeflow: info,
  tfjs: null as null | { version: string; wasm: unknown },
};
log(`tapeflow bench${quick ? ' (BENCH_QUICK)' : ''}: ${env.cpu}, ${env.cores} cores, node ${env.node}`);

// ---- workloads --------------------------------------------------------------------------------
type Seconds = Partial<Record<Engine, number>>;
const results = new Map<Workload, { seconds: Seconds; skipped: Partial<Record<Engine, string>> }>();
for (const w of WORKLOADS) results.set(w, { seconds: {}, skipped: { ...w.skip } });

/** Disposes the tensors a workload call returned (variables are state the next call needs). */
function disposeResult(r: unknown): void {
  if (r instanceof tf.Variable) return;
  if (r instanceof tf.Tensor) r.dispose();
  else if (Array.isArray(r)) r.forEach(disposeResult);
}

async function measure(w: Workload, engine: Engine, setup: () => () => unknown) {
  const r = results.get(w)!;
  if (r.skipped[engine]) return;
  try {
    const made = setup();
    // Each synchronous call runs in tidy and its result is disposed, as the TF.js rows do.
    const fn = w.async || (engine !== 'native' && engine !== 'ts') ? made : () => disposeResult(tf.tidy(made));
    r.seconds[engine] = await (w.async ? timeAsync(fn as () => Promise<unknown>) : time(fn));
    log(`  ${engine.padEnd(6)} ${w.name.padEnd(34)} ${fmtTime(r.seconds[engine])}`);
  } catch (e) {
    r.skipped[engine] = `failed: ${(e as Error).message.split('\n')[0]}`;
    log(`  ${engine.padEnd(6)} ${w.name.padEnd(34)} ${r.skipped[engine]}`);
  }
}

// tapeflow first (both backends, per workload), so its peak RSS is measured before TF.js runs.
for (const w of WORKLOADS) {
  if (hasNative) {
    tf.setBackend('native');
    await measure(w, 'native', w.tapeflow);
  } else results.get(w)!.skipped.native = 'addon not loaded';
  tf.setBackend('js');
  await measure(w, 'ts', w.tapeflow);
}
if (hasNative) tf.setBackend('native');
const peakRssTapeflow = peakRssMiB();

// TF.js is loaded only now: with it in the process (its wasm module and backends), tapeflow's
// small-op and MLP timings measured ~1.5-2x slower than in a process without it.
const peers = process.env.BENCH_PEERS === '0' ? null : await loadPeers();
if (peers) env.tfjs = { version: peers.version, wasm: peers.wasm };

for (const backend of ['cpu', 'wasm'] as const) {
  const ok = peers && (backend === 'cpu' || peers.wasm.available) && (await peers.use(backend));
  for (const w of WORKLOADS) {
    if (!ok) {
      results.get(w)!.skipped[backend] = peers ? `TF.js ${backend} unavailable` : 'TF.js not installed';
      continue;
    }
    await measure(w, backend, () => w.tfjs(peers.tf));
  }
  if (ok) peers.tf.disposeVariables();
}
const peakRssAll = peakRssMiB();

// ---- PyTorch (bench/pytorch_peer.py in a child python3), for the workloads with a `torch` job ---------
const torchWorkloads = WORKLOADS.filter((w) => w.torch);
let torch: { version?: string; threads?: number; seconds: Map<Workload, number>; error?: string } = { seconds: new Map() };
if (torchWorkloads.length > 0) {
  // The first Python that imports torch: the one on PATH (a pyenv or venv one, say), else the
  // system's, where Debian's python3-torch installs.
  const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (python === undefined) {
    torch.error = "neither python3 nor /usr/bin/python3 can 'import torch' (Debian: apt-get install python3-torch)";
  } else {
    log(`  torch  ${torchWorkloads.length} workloads (${python}) …`);
    const r = spawnSync(python, [join(root, 'bench', 'pytorch_peer.py'), String(Math.max(1, info.threads)), String((quick ? 30 : 500) / 1000)], {
      input: JSON.stringify(torchWorkloads.map((w) => w.torch)), encoding: 'utf8', maxBuffer: 1 << 24,
    });
    try {
      const parsed = JSON.parse(r.stdout.trim().split('\n').pop()!) as { version: string; threads: number; seconds: (number | null)[] };
      torch = { version: parsed.version, threads: parsed.threads, seconds: new Map() };
      torchWorkloads.forEach((w, i) => { if (parsed.seconds[i] !== null) torch.seconds.set(w, parsed.seconds[i] as number); });
    } catch {
      torch.error = `bench/pytorch_peer.py failed: ${(r.stderr || '').split('\n')[0]}`;
    }
  }
}

// ---- import time over bare node ---------------------------------------------------------------
function spawnMs(code: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const dt = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} exited ${r.status}: ${r.stderr.toString().split('\n')[0]}`);
  return dt;
}
const IMPORTS: Record<string, string> = {
  bare: '',
  // The addon loads at import (backend/select.ts); exit 3 if it did not, so the time includes it.
  tapeflow: "import('tapeflow').then((t) => { if (t.getBackend() !== 'native') process.exit(3); })",
  'tfjs cpu': "import('@tensorflow/tfjs-core').then(() => import('@tensorflow/tfjs-backend-cpu'))",
  'tfjs wasm': "import('@tensorflow/tfjs-core').then(() => import('@tensorflow/tfjs-backend-wasm'))",
};
const importSamples: Record<string, number[]> = Object.fromEntries(Object.keys(IMPORTS).map((k) => [k, []]));
const importErrors: Record<string, string> = {};
const importRounds = quick ? 3 : 11;
log('  import times …');
for (let round = 0; round < importRounds; round++) {
  for (const [name, code] of Object.entries(IMPORTS)) {
    if (importErrors[name]) continue;
    if (name.startsWith('tfjs') && !peers) { importErrors[name] = 'TF.js not installed'; continue; }
    if (name === 'tapeflow' && !hasNative) { importErrors[name] = 'addon not loaded'; continue; }
    try {
      importSamples[name].push(spawnMs(code));
    } catch (e) {
      importErrors[name] = (e as Error).message;
    }
  }
}
const importMs = Object.fromEntries(Object.entries(importSamples).filter(([, v]) => v.length).map(([k, v]) => [k, median(v)]));
// Over bare node: the median of each round's difference with that round's bare spawn, so a slow
// spell of the machine (bare node here moves between 75 and 115 ms) cancels out.
const overBare: Record<string, number> = Object.fromEntries(Object.entries(importSamples)
  .filter(([k, v]) => k !== 'bare' && v.length === importSamples.bare.length)
  .map(([k, v]) => [k, median(v.map((t, i) => t - importSamples.bare[i]))]));
const srcNewest = Math.max(...listFiles(join(root, 'src')).map((f) => statSync(f).mtimeMs));
let distStale = false;
try {
  distStale = statSync(join(root, 'dist', 'tapeflow.js')).mtimeMs < srcNewest;
} catch {
  distStale = true;
}
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

// ---- machine limits (native probes) -----------------------------------------------------------
const raw = loadRawBinding().binding;
const probeMiB = Number(process.env.BENCH_PROBE_MIB ?? (quick ? 64 : 256));
const limits: Record<string, number> = {};
let probeError: string | undefined;
if (raw?.probeTriad && raw.probeSum && raw.probePeakFma) {
  log('  probes …');
  for (const threads of [1, 2]) {
    limits[`triad ${threads}t`] = raw.probeTriad(probeMiB * 2 ** 20, threads);
    limits[`sum ${threads}t`] = raw.probeSum(probeMiB * 2 ** 20, threads);
    limits[`peak ${threads}t`] = raw.probePeakFma(quick ? 0.2 : 0.5, threads);
  }
} else {
  probeError = raw ? 'addon has no probes (rebuild: npm run build:native)' : 'addon not loaded';
}
// Native throughput is compared with the probe at the native backend's thread count.
const limitThreads = Math.min(2, Math.max(1, info.threads));
const limitOf = (l: Limit | undefined) => (l ? limits[`${l} ${limitThreads}t`] : undefined);

// ---- memory check (child process) -------------------------------------------------------------
const memoryMode = process.env.BENCH_MEMORY ?? (quick ? 'short' : '1');
let memory: Record<string, unknown> | null = null;
if (memoryMode !== '0' && hasNative) {
  const steps = memoryMode === 'short' ? 1000 : 40_000;
  log(`  memory check: ${steps} MLP steps …`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'memory.ts')], {
    cwd: root,
    env: { ...process.env, BENCH_MEMORY_STEPS: String(steps) },
    encoding: 'utf8',
  });
  memory = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : { error: r.stderr.split('\n').slice(0, 3).join(' ') };
}

// ---- model files and data-parallel training ---------------------------------------------------
log('  model files …');
const files = await filesBench(quick ? 2 : 5);
const distribute = process.env.BENCH_DISTRIBUTE === '0' ? { skipped: 'BENCH_DISTRIBUTE=0' } : distributeBench(log);
const scripts = process.env.BENCH_PEERS === '0' ? [] : tfjsScriptsBench(log);

// ---- report -----------------------------------------------------------------------------------
const thru = (w: Workload, s: number | undefined) => (w.units && s !== undefined ? w.units.count / s / 1e9 : undefined);
const fmtThru = (x: number | undefined) => (x === undefined ? '' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (w: Workload, e: Engine) => {
  const r = results.get(w)!;
  return r.skipped[e] ? (r.skipped[e]!.startsWith('failed') ? 'failed' : 'skip') : fmtTime(r.seconds[e]);
};

const cols = ['workload', 'native', 'ts', 'tfjs-cpu', 'tfjs-wasm', 'nat÷wasm', 'nat÷cpu', 'ts÷cpu', 'native thru', 'of limit'];
const widths = [31, 10, 10, 10, 10, 9, 9, 8, 14, 17];
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('');
const out: string[] = [];
out.push(`tapeflow bench — ${env.cpu}, ${env.cores} cores, ${env.memGiB.toFixed(0)} GiB, node ${env.node}${quick ? ' (BENCH_QUICK: short runs)' : ''}`);
out.push(hasNative ? `tapeflow native: ${info.simd}, ${info.threads} threads` : `tapeflow native unavailable: ${info.nativeError}`);
out.push(peers
  ? `TF.js ${peers.version}: cpu backend; wasm backend ${peers.wasm.available ? `SIMD ${peers.wasm.simd ? 'on' : 'off'}, ${peers.wasm.threads} thread(s) (its threaded build is disabled in Node)` : `unavailable (${peers.wasm.error})`}`
  : 'TF.js not installed: peer columns skipped');
out.push('Times per call: the lowest of three windows\' medians (bench/README.md). Ratios: how many times faster tapeflow is (>1 = tapeflow wins).');
out.push(`"of limit": native throughput ÷ this machine's limit measured below at ${limitThreads} thread(s).`);
out.push('');
out.push(line(cols));
const rows: Record<string, unknown>[] = [];
for (const w of WORKLOADS) {
  const { seconds: s, skipped } = results.get(w)!;
  const nThru = thru(w, s.native);
  const lim = limitOf(w.limit);
  const ofLimit = nThru !== undefined && lim ? nThru / lim : undefined;
  out.push(line([
    w.name, cell(w, 'native'), cell(w, 'ts'), cell(w, 'cpu'), cell(w, 'wasm'),
    fmtRatio(s.wasm, s.native), fmtRatio(s.cpu, s.native), fmtRatio(s.cpu, s.ts),
    nThru !== undefined ? `${fmtThru(nThru)} ${w.units!.unit}` : '',
    ofLimit !== undefined ? `${ofLimit.toFixed(2)} of ${w.limit}` : '',
  ]));
  rows.push({
    name: w.name,
    seconds: s,
    skipped,
    ...(w.units ? { units: w.units, throughput: Object.fromEntries(ENGINES.map((e) => [e, thru(w, s[e])]).filter(([, v]) => v !== undefined)) } : {}),
    ratios: {
      nativeVsWasm: s.wasm !== undefined && s.native !== undefined ? s.wasm / s.native : undefined,
      nativeVsCpu: s.cpu !== undefined && s.native !== undefined ? s.cpu / s.native : undefined,
      tsVsCpu: s.cpu !== undefined && s.ts !== undefined ? s.cpu / s.ts : undefined,
      nativeVsTs: s.ts !== undefined && s.native !== undefined ? s.ts / s.native : undefined,
      ...(ofLimit !== undefined ? { nativeOfLimit: ofLimit, limit: `${w.limit} ${limitThreads}t` } : {}),
    },
  });
}
// The issue's bound on gradients: the backward pass of matmul, bias add and ReLU (the MLP's
// forward+gradients time minus its forward time) at most twice the forward.
const byName = (n: string) => WORKLOADS.find((w) => w.name === n);
const fwd = byName('MLP forward (loss only)'), fwdGrad = byName('MLP forward + gradients');
let backwardRatio: Partial<Record<Engine, number>> = {};
if (fwd && fwdGrad) {
  const f = results.get(fwd)!.seconds, g = results.get(fwdGrad)!.seconds;
  backwardRatio = Object.fromEntries(ENGINES.filter((e) => f[e] !== undefined && g[e] !== undefined).map((e) => [e, (g[e]! - f[e]!) / f[e]!]));
  const part = (e: Engine) => (backwardRatio[e] === undefined ? '' : `${e} ${fmtTime(g[e]! - f[e]!)} = ${backwardRatio[e]!.toFixed(2)}x its forward`);
  out.push('');
  out.push(`MLP backward (forward+gradients − forward; target ≤ 2x the forward): ${ENGINES.map(part).filter(Boolean).join(', ')}`);
}
// The issue's bound on fit: an epoch through model.fit within 1.15x of the same steps by hand.
// The two epochs are timed again in alternation (their rows ran seconds apart, and on a shared
// machine that alone moved the ratio from 0.88x to 1.84x between runs).
const viaFit = byName(FIT_EPOCH), byHand = byName(HAND_EPOCH);
let fitOverhead: { a: number; b: number; ratio: number } | undefined;
if (viaFit && byHand && hasNative) {
  tf.setBackend('native');
  fitOverhead = await timePaired(viaFit.tapeflow() as () => Promise<unknown>, byHand.tapeflow() as () => Promise<unknown>);
  out.push(`fit overhead (one epoch of the MLP through model.fit ÷ the same steps by hand, timed in alternation; target ≤ 1.15x): native ${fmtTime(fitOverhead.a)} vs ${fmtTime(fitOverhead.b)}, median ratio ${fitOverhead.ratio.toFixed(3)}x`);
}
if (torchWorkloads.length > 0) {
  out.push('');
  if (torch.error) out.push(`PyTorch: n/a (${torch.error})`);
  else {
    out.push(`PyTorch ${torch.version} CPU, ${torch.threads} threads (bench/pytorch_peer.py; NCHW)   torch      native   nat÷torch   torch thru`);
    for (const w of torchWorkloads) {
      const t = torch.seconds.get(w), n = results.get(w)!.seconds.native;
      out.push(`  ${w.name.padEnd(49)}${(t === undefined ? 'failed' : fmtTime(t)).padStart(10)}${fmtTime(n).padStart(12)}${fmtRatio(t, n).padStart(12)}` +
        `${t === undefined ? '' : `${fmtThru(thru(w, t))} ${w.units!.unit}`.padStart(14)}`);
    }
  }
}
out.push('');
out.push('Throughput (GB/s or GFLOP/s)       native        ts  tfjs-cpu tfjs-wasm');
for (const w of WORKLOADS.filter((x) => x.units)) {
  const s = results.get(w)!.seconds;
  out.push(`  ${w.name.padEnd(29)}${ENGINES.map((e) => fmtThru(thru(w, s[e])).padStart(10)).join('')}  ${w.units!.unit}`);
}
out.push('');
if (probeError) out.push(`Machine limits: not measured (${probeError})`);
else {
  out.push(`Machine limits (native probes, ${info.simd}; arrays of ${probeMiB} MiB; best pass)     1 thread   2 threads`);
  out.push(`  STREAM triad a = b + s·c (12 bytes/element)   GB/s       ${limits['triad 1t'].toFixed(1).padStart(8)}  ${limits['triad 2t'].toFixed(1).padStart(10)}`);
  out.push(`  sum (read-only, 4 bytes/element)             GB/s       ${limits['sum 1t'].toFixed(1).padStart(8)}  ${limits['sum 2t'].toFixed(1).padStart(10)}`);
  out.push(`  peak FP32 FMA (independent chains)           GFLOP/s    ${limits['peak 1t'].toFixed(1).padStart(8)}  ${limits['peak 2t'].toFixed(1).padStart(10)}`);
}
out.push('');
const imp = (k: string) => (overBare[k] !== undefined ? `${overBare[k].toFixed(0)} ms` : `— (${importErrors[k] ?? 'not measured'})`);
out.push(`import time over bare node (median over ${importRounds} rounds of the difference with that round's bare spawn; bare node ${importMs.bare?.toFixed(0)} ms): ` +
  `tapeflow ${imp('tapeflow')} (addon load included), TF.js core+cpu ${imp('tfjs cpu')}, TF.js core+wasm ${imp('tfjs wasm')}` +
  (overBare.tapeflow > 0 && overBare['tfjs cpu'] ? `; tapeflow ${fmtRatio(overBare['tfjs cpu'], overBare.tapeflow)} faster than TF.js cpu` : ''));
if (distStale) out.push('  note: dist/ is older than src/ — `import` time measures the last `npm run build:ts`.');
out.push(`peak RSS: ${peakRssTapeflow.toFixed(0)} MiB after the tapeflow workloads, ${peakRssAll.toFixed(0)} MiB after TF.js (same process; probes not included)`);
if (memory && !('error' in memory)) {
  const m = memory as { steps: number; warmupSteps: number; seconds: number; msPerStep: number; warmRssMiB: number; maxRssMiB: number;
    checkpoints: { step: number; rssMiB: number; growthPercent: number }[] };
  const at = m.checkpoints.map((c) => `${c.rssMiB.toFixed(0)} MiB at ${c.step} (${c.growthPercent >= 0 ? '+' : ''}${c.growthPercent.toFixed(1)}%)`);
  out.push(`memory check: ${m.steps} MLP steps (native, own process) in ${m.seconds.toFixed(1)} s (${m.msPerStep.toFixed(2)} ms/step): ` +
    `RSS ${m.warmRssMiB.toFixed(0)} MiB after ${m.warmupSteps} warm-up steps → ${at.join(', ')}, max ${m.maxRssMiB.toFixed(0)} (target: within 10%)` +
    (m.steps < 40_000 ? ' — shortened (BENCH_QUICK); BENCH_MEMORY=1 for 40,000' : ''));
} else if (memory) out.push(`memory check failed: ${(memory as { error: string }).error}`);
else out.push('memory check: skipped (BENCH_MEMORY=0 or no addon)');
out.push(`model files, 100 MB float32: saveWeights ${files.saveMs.toFixed(1)} ms vs fs write ${files.fsWriteMs.toFixed(1)} ms (${(files.fsWriteMs / files.saveMs).toFixed(2)} of fs), ` +
  `loadWeights ${files.loadMs.toFixed(1)} ms vs fs read ${files.fsReadMs.toFixed(1)} ms (${(files.fsReadMs / files.loadMs).toFixed(2)} of fs; target ≥ 0.5)`);
out.push(...formatScriptTimes(scripts));
if ('skipped' in distribute) out.push(`tf.distribute: skipped (${distribute.skipped})`);
else {
  for (const a of distribute.allReduce) out.push(`tf.distribute allReduce ${a.bytes >> 20} MiB float32, 2 ranks: ${a.tapeflowGBs.toFixed(2)} GB/s vs C MPI_Allreduce ${a.cGBs.toFixed(2)} GB/s (${a.ratio.toFixed(2)} of C; target ≥ 0.8)`);
  out.push(`tf.distribute MLP step, global batch 256: 2 ranks × 1 thread ${distribute.step.twoRanksMs.toFixed(2)} ms vs 1 rank × 2 threads ${distribute.step.oneRankMs.toFixed(2)} ms (${distribute.step.ratio.toFixed(2)}x; target ≤ 1.2x)`);
}
const totalSeconds = (performance.now() - started) / 1000;
out.push(`total bench time ${totalSeconds.toFixed(0)} s`);
console.log('\n' + out.join('\n'));

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.json'), JSON.stringify({
  ...env,
  rows,
  limits: probeError ? { error: probeError } : { ...limits, bytesPerArray: probeMiB * 2 ** 20, simd: info.simd, comparedAtThreads: limitThreads },
  importMs: { ...importMs, rounds: importRounds, errors: importErrors, overBare, distStale },
  peakRssMiB: { tapeflow: peakRssTapeflow, all: peakRssAll },
  mlpBackwardOverForward: backwardRatio,
  fitOverhead: fitOverhead ?? null,
  torch: torch.error ? { error: torch.error } : { version: torch.version, threads: torch.threads, seconds: Object.fromEntries([...torch.seconds].map(([w, t]) => [w.name, t])) },
  memory,
  totalSeconds,
  table: out.join('\n'),
}, null, 2));
