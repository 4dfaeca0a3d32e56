/**
 * Memory check (run by bench/run.ts in a child process, so nothing else shares its heap):
 * BENCH_MEMORY_STEPS (default 10,000) MLP training steps on the native backend, RSS sampled every
 * 100 steps. Growth is (RSS at the end − RSS after warm-up) / RSS after warm-up, where warm-up is
 * the first 10% of the steps (at least 200). Prints one JSON line on stdout.
 */
import * as tf from 'tapeflow';
import { median, rssMiB } from './lib.js';
import { tapeflowMlpStep } from './workloads.js';

const steps = Number(process.env.BENCH_MEMORY_STEPS ?? 10_000);
const warmup = Math.max(200, Math.floor(steps / 10));
if (tf.backendInfo().nativeAvailable) tf.setBackend('native');
const step = tapeflowMlpStep();
const samples: { step: number; rssMiB: number }[] = [];
const t0 = performance.now();
for (let i = 1; i <= steps; i++) {
  step();
  if (i % 100 === 0 || i === steps) samples.push({ step: i, rssMiB: rssMiB() });
}
const seconds = (performance.now() - t0) / 1000;
// Median of the three samples around each point, so one sample caught mid-GC does not decide it.
const around = (s: number) => {
  const i = samples.findIndex((x) => x.step >= s);
  return median(samples.slice(Math.max(0, i - 1), i + 2).map((x) => x.rssMiB));
};
const warmRss = around(warmup);
const endRss = median(samples.slice(-3).map((x) => x.rssMiB));
process.stdout.write(JSON.stringify({
  backend: tf.getBackend(),
  steps,
  warmupSteps: warmup,
  seconds,
  msPerStep: (seconds * 1000) / steps,
  warmRssMiB: warmRss,
  endRssMiB: endRss,
  maxRssMiB: Math.max(...samples.map((x) => x.rssMiB)),
  growthPercent: ((endRss - warmRss) / warmRss) * 100,
  samples,
}) + '\n');
