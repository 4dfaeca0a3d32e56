/**
 * Memory check (run by bench/run.ts in a child process, so nothing else shares its heap):
 * BENCH_MEMORY_STEPS (default 40,000) MLP training steps on the native backend, RSS sampled every
 * 100 steps. Growth at a checkpoint (10,000 steps and the end) is (RSS there − RSS after
 * warm-up) / RSS after warm-up, where warm-up is the first 1,000 steps (10% of the steps when
 * fewer than 10,000, at least 200). Prints one JSON line on stdout.
 */
import * as tf from 'tapeflow';
import { median, rssMiB } from './lib.js';
import { tapeflowMlpStep } from './workloads.js';

const steps = Number(process.env.BENCH_MEMORY_STEPS ?? 40_000);
const warmup = Math.max(200, Math.floor(Math.min(steps, 10_000) / 10));
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
const growth = (rss: number) => ((rss - warmRss) / warmRss) * 100;
const checkpoints = [...(steps > 10_000 ? [10_000] : []), steps].map((s) => {
  const rss = s === steps ? endRss : around(s);
  return { step: s, rssMiB: rss, growthPercent: growth(rss) };
});
process.stdout.write(JSON.stringify({
  backend: tf.getBackend(),
  steps,
  warmupSteps: warmup,
  seconds,
  msPerStep: (seconds * 1000) / steps,
  warmRssMiB: warmRss,
  endRssMiB: endRss,
  maxRssMiB: Math.max(...samples.map((x) => x.rssMiB)),
  growthPercent: growth(endRss),
  checkpoints,
  samples,
}) + '\n');
