/**
 * Model files at disk speed: saving and loading a 100 MB float32 model (`model.saveWeights` /
 * `loadWeights`, safetensors) against a plain `fs` write and read of the same bytes, in one run
 * (the page cache makes both memory-speed on a warm machine; the ratio is what matters).
 * Called from bench/run.ts; `node --import tsx bench/files.ts` runs it alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from 'tapeflow';
import { median } from './lib.js';

export interface FilesResult { bytes: number; saveMs: number; loadMs: number; fsWriteMs: number; fsReadMs: number }

export async function filesBench(rounds = 5): Promise<FilesResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tapeflow-files-bench-'));
  // 25,000,000 float32 weights: 100 MB in one Dense kernel and its bias
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 5000, inputShape: [5000] })] });
  const kernel = model.weights[0].dataSync();
  const bytes = model.weights.reduce((s, w) => s + w.size * 4, 0);
  const time = async (f: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await f();
      xs.push(performance.now() - t0);
    }
    return median(xs);
  };
  const weights = join(dir, 'w.safetensors'), plain = join(dir, 'plain.bin');
  const raw = new Uint8Array(kernel.buffer, kernel.byteOffset, kernel.byteLength);
  const fsWriteMs = await time(() => writeFile(plain, raw));
  const saveMs = await time(() => model.saveWeights(weights));
  const fsReadMs = await time(() => readFile(plain));
  const loadMs = await time(() => model.loadWeights(weights));
  rmSync(dir, { recursive: true, force: true });
  return { bytes, saveMs, loadMs, fsWriteMs, fsReadMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await filesBench();
  console.log(`100 MB model: saveWeights ${r.saveMs.toFixed(1)} ms vs fs write ${r.fsWriteMs.toFixed(1)} ms (${(r.fsWriteMs / r.saveMs).toFixed(2)} of fs); loadWeights ${r.loadMs.toFixed(1)} ms vs fs read ${r.fsReadMs.toFixed(1)} ms (${(r.fsReadMs / r.loadMs).toFixed(2)} of fs)`);
}
