/**
 * The TF.js example scripts (examples/tfjs/) as their users run them, whole processes timed
 * from start to exit: on tapeflow/tfjs (native and TS backends) and, with the import line
 * switched (examples/tfjs/on-tfjs.ts), on TF.js's cpu and wasm backends. Called from
 * bench/run.ts; `node --import tsx bench/tfjs-scripts.ts` runs it alone.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnTfjs } from '../examples/tfjs/on-tfjs.js';

const root = join(import.meta.dirname, '..');
export const SCRIPTS = ['mlp-minimize.mjs', 'mlp-fit.mjs'];

export interface ScriptTimes { script: string; seconds: Record<'native' | 'ts' | 'tfjs-cpu' | 'tfjs-wasm', number | null> }

function onTapeflow(file: string, backend: 'native' | 'js'): number | null {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('examples', 'tfjs', file)], { cwd: root, encoding: 'utf8', timeout: 600_000, env: { ...process.env, TAPEFLOW_BACKEND: backend } });
  return r.status === 0 ? (performance.now() - started) / 1000 : null;
}

export function tfjsScriptsBench(log: (s: string) => void): ScriptTimes[] {
  return SCRIPTS.map((script) => {
    log(`  TF.js script ${script} …`);
    const cpu = runOnTfjs(script, 'cpu'), wasm = runOnTfjs(script, 'wasm');
    return {
      script,
      seconds: { native: onTapeflow(script, 'native'), ts: onTapeflow(script, 'js'), 'tfjs-cpu': cpu.status === 0 ? cpu.seconds : null, 'tfjs-wasm': wasm.status === 0 ? wasm.seconds : null },
    };
  });
}

export function formatScriptTimes(rows: ScriptTimes[]): string[] {
  const s = (x: number | null) => (x === null ? 'failed' : `${x.toFixed(2)} s`);
  return rows.map(({ script, seconds: t }) => `TF.js script ${script} (whole process): tapeflow native ${s(t.native)}, TS ${s(t.ts)}, TF.js cpu ${s(t['tfjs-cpu'])}, wasm ${s(t['tfjs-wasm'])}` +
    (t.native !== null && t['tfjs-wasm'] !== null ? ` (native ${(t['tfjs-wasm'] / t.native).toFixed(1)}x wasm, ${((t['tfjs-cpu'] ?? NaN) / t.native).toFixed(1)}x cpu)` : ''));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of formatScriptTimes(tfjsScriptsBench((x) => process.stderr.write(x + '\n')))) console.log(line);
}
