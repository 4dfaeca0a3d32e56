/**
 * npm run test:tfjs: TF.js 4.22's own op tests (the compiled jasmine files that ship in
 * node_modules/@tensorflow/tfjs-core/dist/ops/*_test.js, run unmodified and never copied here)
 * against `tapeflow/tfjs` (src/tfjs.ts). test/tfjs/hooks.mjs maps their imports; jasmine.ts
 * runs them. Every failure must be listed in test/tfjs/expected-failures.ts with its reason;
 * an unlisted failure, or a listed case that now passes, fails the run.
 *
 * `node --import tsx test/tfjs/run.ts [file-substring] [--report]` (--report prints every
 * failure with its message, for updating the list).
 */
import { register } from 'node:module';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);
const { collected, runCase, setFile } = await import('./jasmine.js');
const { EXPECTED_FAILURES, EXCLUDED_REASONS } = await import('./expected-failures.js');

const dir = join(import.meta.dirname, '..', '..', 'node_modules', '@tensorflow', 'tfjs-core', 'dist', 'ops');
const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));
const report = process.argv.includes('--report');
// ops/*_test.js and ops/losses/*_test.js (TF.js's loss functions, which tapeflow/tfjs spells as TF.js does)
const files = [...readdirSync(dir), ...readdirSync(join(dir, 'losses')).map((f) => `losses/${f}`)]
  .filter((f) => f.endsWith('_test.js') && (!filter || f.includes(filter))).sort();

const loadErrors: [string, string][] = [];
for (const f of files) {
  setFile(f);
  try {
    await import(pathToFileURL(join(dir, f)).href);
  } catch (e) {
    loadErrors.push([f, (e as Error).message.split('\n')[0]]);
  }
}

const expectedReason = (file: string, name: string, message: string): string | null => {
  for (const entry of EXPECTED_FAILURES) {
    if ((entry.file === undefined || entry.file === file) && entry.match.test(name) && (!entry.message || entry.message.test(message))) return entry.reason;
  }
  return null;
};

let passed = 0, skipped = 0, expectedFailed = 0, excluded = 0;
const unexpected: string[] = [];
const nowPassing: string[] = [];
const byReason = new Map<string, number>();
const ranAll = new Set<never>();
const originalLog = console.log;
for (const c of collected()) {
  if (c.skip) { skipped++; continue; }
  console.log = () => {};
  const error = await runCase(c, ranAll as Set<never>);
  console.log = originalLog;
  if (error === 'pending') { skipped++; continue; }
  const message = error === null ? '' : String((error as Error)?.message ?? error);
  const reason = expectedReason(c.file, c.name, message);
  if (error === null) {
    passed++;
    const listed = EXPECTED_FAILURES.find((e) => !e.message && (e.file === undefined || e.file === c.file) && e.match.test(c.name));
    if (listed) nowPassing.push(`${c.file}: ${c.name} (listed: ${listed.reason})`);
  } else if (reason !== null) {
    expectedFailed++;
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    if (EXCLUDED_REASONS.has(reason)) excluded++;
    if (report) originalLog(`expected  ${c.file}: ${c.name}\n          ${String((error as Error)?.message ?? error).split('\n')[0]}`);
  } else {
    unexpected.push(`${c.file}: ${c.name}\n    ${String((error as Error)?.message ?? error).split('\n')[0].slice(0, 300)}`);
  }
}

const total = passed + expectedFailed + unexpected.length;
// A file that cannot load (it imports an API tapeflow lacks) counts once, listed or not.
const unlistedLoads = loadErrors.filter(([f, m]) => expectedReason(f, '(the file)', m) === null);
for (const [f, m] of loadErrors) console.log(`load error ${f}: ${m}${unlistedLoads.some(([g]) => g === f) ? '' : ' (listed)'}`);
if (report) for (const u of unexpected) console.log(`FAIL ${u}`);
else for (const u of unexpected.slice(0, 50)) console.log(`FAIL ${u}`);
for (const n of nowPassing) console.log(`NOW PASSING (remove from the list) ${n}`);
console.log('\nexpected failures by reason:');
for (const [reason, n] of [...byReason].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)}  ${reason}`);
console.log(`\nTF.js op tests: ${files.length} files, ${total} cases run: ${passed} passed (${((100 * passed) / Math.max(total, 1)).toFixed(1)}%), ${expectedFailed} expected failures, ${unexpected.length} unexpected failures; ${skipped} skipped (browser-only suites)`);
// The issue's measure: cases for ops tapeflow has, excluding string/complex64 dtypes and the exact wording of errors.
const counted = total - excluded;
console.log(`cases for ops tapeflow has (excluding missing APIs, string and complex64 dtypes, and TF.js's exact error wording): ${passed} of ${counted} pass (${((100 * passed) / Math.max(counted, 1)).toFixed(1)}%)`);
const failed = unexpected.length + nowPassing.length + unlistedLoads.length;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
