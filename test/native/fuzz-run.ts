/**
 * The standalone fuzz run (npm run test:fuzz): seeded random raw calls to every export of the
 * addon (fuzz-cases.ts), made in child processes so that a crash is observed rather than
 * suffered. Fails if a child dies by a signal, exits abnormally, hangs (no call finished for
 * --timeout ms), makes a call slower than --slow ms, or reports a problem from the checks
 * (wrong error kind or message, a byte written outside the outputs, a write by a call that
 * threw, an accepted overlap or detached buffer). The failing call is rebuilt from its seed and
 * index and printed.
 *
 *   node --import tsx test/native/fuzz-run.ts [--calls 150000] [--seed 1] [--jobs 2]
 *        [--timeout 20000] [--slow 2000] [--from 0]
 *
 * makes calls [from, from + calls) of the seed; `--from i --calls 1 --jobs 1` repeats call i.
 * The calls are split into --jobs contiguous ranges run in parallel, child j starting at the
 * j-th SIMD level this CPU has (the calls themselves change the level too). TAPEFLOW_NATIVE_PATH
 * picks another build of the addon, as for the tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRawBinding } from '../../src/backend/native/load.js';
import { describeCall, makeCall, runCall } from './fuzz-cases.js';

const argv = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
  return v;
}

const MAX_PROBLEMS = 20;

// ---- child: make calls [from, to) of `seed`, recording each index before making it ----------

// The index of the call in flight is written to a small file (a regular file write never
// blocks nor fails the way a full pipe does), overwriting the same 16 bytes each time.
function recordIndex(fd: number, i: number): void {
  writeSync(fd, String(i).padEnd(15) + '\n', 0, 'latin1');
}

function child(from: number, to: number, seed: number, level: string, slowMs: number, progress: string): never {
  const fd = openSync(progress, 'w');
  const { binding, error } = loadRawBinding();
  if (!binding) {
    process.stderr.write(`fuzz child: addon not loaded: ${error}\n`);
    process.exit(3);
  }
  if (level) binding.setSimdLevel(level);
  const counts: Record<string, number> = {};
  let problems = 0, threw = 0, maxMs = 0;
  for (let i = from; i < to; i++) {
    recordIndex(fd, i);  // synchronous: the parent knows the call in flight if we die
    const call = makeCall(seed, i);
    const res = runCall(binding, call);
    counts[call.name] = (counts[call.name] ?? 0) + 1;
    if (res.threw !== undefined) threw++;
    maxMs = Math.max(maxMs, res.ms);
    const problem = res.problem ?? (res.ms > slowMs ? `took ${res.ms.toFixed(0)} ms` : null);
    if (problem) {
      writeSync(1, `p ${i} ${problem.replace(/\n/g, ' ')}\n`);
      if (++problems >= MAX_PROBLEMS) break;
    }
  }
  recordIndex(fd, to);
  writeSync(1, `done ${JSON.stringify({ counts, threw, maxMs })}\n`);
  process.exit(problems ? 1 : 0);
}

// ---- parent ---------------------------------------------------------------------------------

interface ChildReport {
  range: [number, number];
  level: string;
  last: number;
  problems: { index: number; problem: string }[];
  done?: { counts: Record<string, number>; threw: number; maxMs: number };
  code: number | null;
  signal: NodeJS.Signals | null;
  hung: boolean;
  stderr: string;
}

function runChild(range: [number, number], seed: number, level: string, timeoutMs: number, slowMs: number, progress: string): Promise<ChildReport> {
  const self = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, [...process.execArgv, self, '--child', String(range[0]), String(range[1]), String(seed), level, String(slowMs), progress], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const report: ChildReport = { range, level, last: -1, problems: [], code: null, signal: null, hung: false, stderr: '' };
  const readIndex = () => {
    try {
      const n = parseInt(readFileSync(progress, 'latin1'), 10);
      if (Number.isInteger(n)) report.last = n;
    } catch {
      /* not written yet */
    }
  };
  let lastSeen = Date.now(), lastIndex = -1;
  let pending = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('p ')) {
        const sp = line.indexOf(' ', 2);
        report.problems.push({ index: Number(line.slice(2, sp)), problem: line.slice(sp + 1) });
      } else if (line.startsWith('done ')) report.done = JSON.parse(line.slice(5));
    }
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    if (report.stderr.length < 20_000) report.stderr += chunk;
  });
  const watchdog = setInterval(() => {
    readIndex();
    if (report.last !== lastIndex) {
      lastIndex = report.last;
      lastSeen = Date.now();
    } else if (Date.now() - lastSeen > timeoutMs) {
      report.hung = true;
      proc.kill('SIGKILL');
    }
  }, 250);
  return new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      clearInterval(watchdog);
      readIndex();
      report.code = code;
      report.signal = signal;
      resolve(report);
    });
  });
}

async function parent(): Promise<void> {
  const calls = option('calls', 150_000);
  const seed = option('seed', 1);
  const jobs = Math.max(1, option('jobs', 2));
  const timeoutMs = option('timeout', 20_000);
  const slowMs = option('slow', 2_000);
  const from = option('from', 0);
  const { binding, error } = loadRawBinding();
  if (!binding) {
    console.error(`fuzz: the addon did not load (${error}); build it with npm run build:native`);
    process.exit(1);
  }
  const levels = binding.info().simdAvailable.split(',');
  const started = Date.now();
  const per = Math.ceil(calls / jobs);
  const dir = mkdtempSync(join(tmpdir(), 'tapeflow-fuzz-'));
  const reports = await Promise.all(
    Array.from({ length: jobs }, (_, j) =>
      runChild([from + j * per, from + Math.min(calls, (j + 1) * per)], seed, levels[j % levels.length], timeoutMs, slowMs, join(dir, `child-${j}`))),
  );
  rmSync(dir, { recursive: true, force: true });
  const seconds = (Date.now() - started) / 1000;

  let failed = false;
  const counts: Record<string, number> = {};
  let made = 0, threw = 0, maxMs = 0;
  const show = (index: number) => `    call ${index} of seed ${seed}: ${describeCall(makeCall(seed, index))}\n` +
    `    (again alone: node --import tsx test/native/fuzz-run.ts --seed ${seed} --from ${index} --calls 1 --jobs 1)`;
  for (const r of reports) {
    const where = `child [${r.range[0]}, ${r.range[1]}) at ${r.level}`;
    if (r.done) {
      for (const [k, v] of Object.entries(r.done.counts)) {
        counts[k] = (counts[k] ?? 0) + v;
        made += v;
      }
      threw += r.done.threw;
      maxMs = Math.max(maxMs, r.done.maxMs);
    }
    if (r.hung) {
      failed = true;
      console.error(`fuzz: ${where} hung: no call finished for ${timeoutMs} ms\n${show(r.last)}`);
    } else if (r.signal) {
      failed = true;
      console.error(`fuzz: ${where} died by ${r.signal}\n${show(r.last)}`);
    } else if (r.code !== 0 || !r.done) {
      failed = true;
      console.error(`fuzz: ${where} exited with code ${r.code}${r.done ? '' : ' before finishing'}${r.problems.length ? '' : `\n${show(r.last)}`}`);
    }
    for (const p of r.problems) console.error(`fuzz: problem: ${p.problem}\n${show(p.index)}`);
    if ((failed || r.problems.length) && r.stderr) console.error(`fuzz: ${where} stderr:\n${r.stderr.trimEnd()}`);
  }
  const exportsSeen = Object.keys(counts).length;
  console.log(`fuzz: ${made} calls (${threw} threw a TypeError/RangeError) across ${exportsSeen} exports in ${seconds.toFixed(1)} s, ` +
    `${jobs} children, seed ${seed}; slowest call ${maxMs.toFixed(1)} ms`);
  console.log(`fuzz: per export: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (!failed && made < calls) {
    failed = true;
    console.error(`fuzz: only ${made} of ${calls} calls were made`);
  }
  if (failed || reports.some((r) => r.problems.length)) {
    console.error('fuzz: FAILED');
    process.exit(1);
  }
  console.log('fuzz: passed');
}

if (argv[0] === '--child') child(Number(argv[1]), Number(argv[2]), Number(argv[3]), argv[4] ?? '', Number(argv[5]), argv[6]);
else await parent();
