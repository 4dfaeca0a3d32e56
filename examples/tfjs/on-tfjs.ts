// Runs one of these TF.js scripts on TF.js itself: the same file with its import line
// switched to @tensorflow/tfjs-core (+ gradients, chained ops) and @tensorflow/tfjs-layers, on
// the cpu or the wasm backend. Used by test/examples.test.ts (do they run the same?) and
// bench/tfjs-scripts.ts (how long does each take?).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export function runOnTfjs(file: string, backend: 'cpu' | 'wasm' = 'cpu'): { status: number | null; stdout: string; stderr: string; seconds: number } {
  const source = readFileSync(join(root, 'examples', 'tfjs', file), 'utf8');
  const shim = join(root, 'node_modules', '.cache', 'tfjs-scripts', `${backend}-${file}`);
  mkdirSync(dirname(shim), { recursive: true });
  // as bench/tfjs.ts loads TF.js: tfjs-core registers no gradients or chained ops by itself
  const header = [
    "import { createRequire } from 'node:module';",
    "import { dirname } from 'node:path';",
    'const require = createRequire(import.meta.url);',
    "const core = require('@tensorflow/tfjs-core');",
    "require('@tensorflow/tfjs-core/dist/register_all_gradients');",
    "require('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops');",
    "require('@tensorflow/tfjs-backend-cpu');",
    "const layers = require('@tensorflow/tfjs-layers');",
    'core.enableProdMode();',
    backend === 'wasm'
      ? "{ const wasm = require('@tensorflow/tfjs-backend-wasm'); wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/'); await core.setBackend('wasm'); }"
      : "await core.setBackend('cpu');",
    'const tf = { ...core, ...layers, layers: layers.layers };',
  ].join('\n');
  const swapped = source.replace("import * as tf from 'tapeflow/tfjs';", header);
  if (swapped === source) throw new Error(`${file} does not import tapeflow/tfjs`);
  writeFileSync(shim, swapped);
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', shim], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - started) / 1000 };
}
