// Keras 3 .weights.h5 files, read with h5wasm. The fixture is written by
// scripts/make-keras-h5-fixtures.py (Debian's python3-h5py) in the layout of Keras 3's
// saving_lib (documented there); its values are start + 0.125·k, stated again here.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/index.js';

const fixture = new URL('./fixtures/keras/mlp.weights.h5', import.meta.url).pathname;
const ramp = (n: number, start: number, step = 0.125) => Array.from({ length: n }, (_, k) => start + step * k);

describe('readKerasWeights', () => {
  it('reads every vars group in order, with shapes and dtypes', async () => {
    const groups = await tf.io.readKerasWeights(fixture);
    expect([...groups.keys()].sort()).toEqual(['', 'layers/batch_normalization', 'layers/dense', 'layers/dense_1', 'optimizer']);
    expect(groups.get('')).toEqual([]);
    const [kernel, bias] = groups.get('layers/dense')!;
    expect([kernel.shape, kernel.dtype, bias.shape]).toEqual([[3, 4], 'float32', [4]]);
    expect(Array.from(kernel.dataSync())).toEqual(ramp(12, -0.75));
    expect(Array.from(bias.dataSync())).toEqual(ramp(4, 0.0625, 0.0625));
    const bn = groups.get('layers/batch_normalization')!;
    expect(bn.map((t) => Array.from(t.dataSync()))).toEqual([ramp(4, 1, 0.25), ramp(4, -0.5, 0.25), ramp(4, 0.125, 0.125), ramp(4, 0.5, 0.5)]);
    const [iterations] = groups.get('optimizer')!;
    expect([iterations.dtype, iterations.item()]).toEqual(['int32', 7]);
  });

  it('names the file when it is missing or not HDF5', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapeflow-h5-'));
    await expect(tf.io.readKerasWeights(join(dir, 'none.weights.h5'))).rejects.toThrow(/loadWeights: .*none\.weights\.h5: no such file/);
    const junk = join(dir, 'junk.weights.h5');
    writeFileSync(junk, 'this is not hdf5');
    await expect(tf.io.readKerasWeights(junk)).rejects.toThrow(/junk\.weights\.h5: not a readable HDF5 file/);
  });
});
