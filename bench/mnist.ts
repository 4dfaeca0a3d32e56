/**
 * MNIST-shaped training epochs (the 10,000 digits of examples/mnist-data.ts, batch 64, Adam, via
 * model.fit): the issue's CNN (conv 32 3x3 relu, pool, conv 64 3x3 relu, pool, flatten, dense
 * 128, dense 10) for 20 epochs with resident memory after each, and the 784-256-10 MLP, against
 * the same models in TF.js layers (MLP on cpu and wasm, CNN on wasm with the filter-gradient
 * kernel of bench/tfjs.ts; TF.js cpu's CNN epoch is over an hour and is not run) and in PyTorch
 * (bench/pytorch_mnist.py, when a python3 imports torch), one epoch each after a warm-up where
 * the peer is fast enough to afford it. `node --import tsx bench/mnist.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from 'tapeflow';
import { loadMnist } from '../examples/mnist-data.js';
import { loadPeers } from './tfjs.js';

const here = dirname(fileURLToPath(import.meta.url));
const { xTrain, yTrain, xTest, yTest } = loadMnist({ testSize: 2000 });
const x = tf.concat([xTrain, xTest]), y = tf.concat([yTrain, yTest]);
const epochs = Number(process.env.MNIST_EPOCHS ?? 20);

const mlpModel = () => tf.sequential({ layers: [tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
const mlp = mlpModel();
mlp.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
const flat = tf.reshape(x, [x.shape[0], 784]);
await mlp.fit(flat, y, { epochs: 1, batchSize: 64, verbose: 0 });
let t0 = performance.now();
await mlp.fit(flat, y, { epochs: 1, batchSize: 64, verbose: 0 });
const mlpSeconds = (performance.now() - t0) / 1000;

const cnn = tf.sequential({ layers: [
  tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), tf.layers.maxPooling2d(),
  tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), tf.layers.maxPooling2d(),
  tf.layers.flatten(), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
cnn.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
const rss: number[] = [], seconds: number[] = [];
for (let e = 0; e < epochs; e++) {
  t0 = performance.now();
  await cnn.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
  seconds.push((performance.now() - t0) / 1000);
  rss.push(process.memoryUsage().rss / 2 ** 20);
}

// PyTorch: the same digits through a file, 2 threads as tapeflow
const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
let torch: { version: string; cnn: number; mlp: number } | string = "no python3 imports torch (Debian: apt-get install python3-torch)";
if (python !== undefined) {
  const file = join(mkdtempSync(join(tmpdir(), 'tapeflow-mnist-')), 'digits.bin');
  writeFileSync(file, Buffer.concat([Buffer.from(flat.dataSync().buffer), Buffer.from(tf.cast(y, 'int32').dataSync().buffer)]));
  const r = spawnSync(python, [join(here, 'pytorch_mnist.py'), file, String(x.shape[0]), String(tf.backendInfo().threads)], { encoding: 'utf8' });
  torch = r.status === 0 ? JSON.parse(r.stdout) : `pytorch_mnist.py failed: ${r.stderr.slice(-300)}`;
}

// TF.js layers: the MLP on both backends, the CNN on wasm
const peers = await loadPeers();
const tfjsEpoch: Record<string, number> = {};
if (peers !== null) {
  const core = peers.tf;
  const { createRequire } = await import('node:module');
  const layers = createRequire(import.meta.url)('@tensorflow/tfjs-layers') as typeof import('@tensorflow/tfjs-layers');
  const xs4 = core.tensor(x.dataSync(), [x.shape[0], 28, 28, 1]), xs = core.reshape(xs4, [x.shape[0], 784]), ys = core.tensor(y.dataSync(), [x.shape[0]], 'float32');
  const epoch = async (m: import('@tensorflow/tfjs-layers').LayersModel, input: typeof xs) => {
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    t0 = performance.now();
    await m.fit(input, ys, { epochs: 1, batchSize: 64, verbose: 0 });
    return (performance.now() - t0) / 1000;
  };
  for (const backend of ['wasm', 'cpu'] as const) {
    if (!(await peers.use(backend))) continue;
    tfjsEpoch[`mlp ${backend}`] = await epoch(layers.sequential({ layers: [layers.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), layers.layers.dense({ units: 10, activation: 'softmax' })] }), xs);
  }
  if (peers.wasm.available && (await peers.use('wasm'))) {
    tfjsEpoch['cnn wasm'] = await epoch(layers.sequential({ layers: [
      layers.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), layers.layers.maxPooling2d({ poolSize: 2 }),
      layers.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), layers.layers.maxPooling2d({ poolSize: 2 }),
      layers.layers.flatten(), layers.layers.dense({ units: 128, activation: 'relu' }), layers.layers.dense({ units: 10, activation: 'softmax' })] }), xs4);
  }
}

const cnnSeconds = [...seconds].sort((a, b) => a - b)[seconds.length >> 1];
const vs = (peer: number | undefined, ours: number) => (peer === undefined ? 'n/a' : `${peer.toFixed(2)} s (tapeflow ${(peer / ours).toFixed(1)}x faster)`);
const growth = (100 * (rss[rss.length - 1] - rss[0])) / rss[0];
console.log(`MNIST (${x.shape[0]} digits, batch 64, Adam, native ${tf.backendInfo().simd}, ${tf.backendInfo().threads} threads):`);
console.log(`  MLP 784-256-10 epoch: tapeflow ${mlpSeconds.toFixed(2)} s; TF.js layers wasm ${vs(tfjsEpoch['mlp wasm'], mlpSeconds)}, cpu ${vs(tfjsEpoch['mlp cpu'], mlpSeconds)}; PyTorch ${typeof torch === 'string' ? torch : vs(torch.mlp, mlpSeconds)}`);
console.log(`  CNN epoch: tapeflow median ${cnnSeconds.toFixed(2)} s over ${epochs} epochs; TF.js layers wasm ${vs(tfjsEpoch['cnn wasm'], cnnSeconds)}; PyTorch ${typeof torch === 'string' ? torch : `${vs(torch.cnn, cnnSeconds)} (${torch.version})`}`);
console.log(`  CNN memory: RSS after epoch 1 ${rss[0].toFixed(0)} MiB, after epoch ${epochs} ${rss[rss.length - 1].toFixed(0)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%, target < 10%)`);
