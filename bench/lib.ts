/** Timing and formatting helpers shared by bench/run.ts and bench/memory.ts. */

export const quick = process.env.BENCH_QUICK === '1';
/** Time budget per (workload, engine) measurement. */
export const targetMs = quick ? 30 : 500;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Seconds per call of `fn`, from a freshly collected heap. Warm-up: calls for about targetMs / 3
 * (one call if a call is slower than that), so the JIT has settled whichever engine runs first.
 * Then calls are batched so a batch takes about targetMs / 10, and three windows of batches run,
 * each until targetMs / 2 has passed and at least 5 batches were timed; the result is the
 * lowest of the three windows' medians. On a shared machine a noisy spell lasts longer than one
 * window, so this reports the machine, not the neighbours. (A call over 1 s: one window of 3.)
 */
export function time(fn: () => unknown): Promise<number> {
  return timeBatches((reps) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    return performance.now() - t0;
  });
}

/** `time` for a function returning a promise (awaited before the next call): `fit`'s rows. */
export function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  return timeBatches(async (reps) => {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await fn();
    return performance.now() - t0;
  });
}

/** The measurement of `time`, over `batch(reps)`, which runs `reps` calls and returns the milliseconds taken. */
async function timeBatches(batch: (reps: number) => number | Promise<number>): Promise<number> {
  // Start each measurement from a collected heap, so one workload's garbage (hundreds of MB
  // of freed tensors) is not swept during the next one's timing. `npm run bench` passes
  // --expose-gc.
  (globalThis as { gc?: () => void }).gc?.();
  const warmEnd = performance.now() + targetMs / 3;
  do await batch(1);
  while (performance.now() < warmEnd);
  let dt = await batch(1);
  let reps = 1;
  while (dt <= targetMs / 10 && reps < 1e6) {
    reps *= 2;
    dt = await batch(reps);
  }
  const slow = dt / reps > 1000;
  let best = Infinity;
  for (let w = 0; w < (slow ? 1 : 3); w++) {
    const samples: number[] = [];
    const deadline = performance.now() + targetMs / 2;
    do samples.push((await batch(reps)) / reps / 1000);
    while (performance.now() < deadline || samples.length < (slow ? 3 : 5));
    best = Math.min(best, median(samples));
  }
  return best;
}

/**
 * Two async functions timed in alternation (a, b, a, b, … after one warm-up call each), so a
 * neighbour's noisy spell falls on both: the median seconds of each and the median of the
 * per-round ratios a/b. For a ratio between two rows that `timeAsync` would measure seconds apart.
 */
export async function timePaired(a: () => Promise<unknown>, b: () => Promise<unknown>, rounds = quick ? 3 : 21): Promise<{ a: number; b: number; ratio: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  await a();
  await b();
  const ta: number[] = [], tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    await a();
    ta.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    await b();
    tb.push((performance.now() - t0) / 1000);
  }
  return { a: median(ta), b: median(tb), ratio: median(ta.map((x, i) => x / tb[i])) };
}

export function fmtTime(s: number | undefined): string {
  if (s === undefined) return '—';
  if (s < 1e-6) return `${(s * 1e9).toFixed(0)} ns`;
  if (s < 1e-5) return `${(s * 1e6).toFixed(2)} µs`;
  if (s < 1e-3) return `${(s * 1e6).toFixed(1)} µs`;
  if (s < 1e-2) return `${(s * 1e3).toFixed(2)} ms`;
  if (s < 1) return `${(s * 1e3).toFixed(1)} ms`;
  return `${s.toFixed(2)} s`;
}

/** A speed ratio: how many times faster `ours` is than `theirs` (seconds each). */
export function fmtRatio(theirs: number | undefined, ours: number | undefined): string {
  if (theirs === undefined || ours === undefined) return '';
  const r = theirs / ours;
  return r >= 100 ? `${r.toFixed(0)}x` : r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}

export function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
