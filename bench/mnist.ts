/**
 * MNIST-shaped training epochs (the 10,000 digits of examples/mnist-data.ts, batch 64, Adam, via
 * model.fit): the CNN (conv 32 3x3 relu, pool, conv 64 3x3 relu, pool, flatten, dense
 * 128, dense 10) for 20 epochs with resident memory after each, and the 784-256-10 MLP, against
 * the same MLP in TF.js layers on its cpu and wasm backends (one epoch each: TF.js cpu takes
 * ~30 s). TF.js wasm has no filter-gradient kernel, so its CNN cannot train; TF.js cpu's CNN
 * epoch is over an hour and is not run. `node --import tsx bench/mnist.ts`.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from 'tapeflow';
import { loadMnist } from '../examples/mnist-data.js';

const require = createRequire(import.meta.url);
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

// TF.js layers, the same MLP, one epoch per backend
const core = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-core/dist/register_all_gradients');
require('@tensorflow/tfjs-backend-cpu');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const layers = require('@tensorflow/tfjs-layers');
core.enableProdMode();
wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
const tfjsEpoch: Record<string, number> = {};
for (const backend of ['wasm', 'cpu']) {
  await core.setBackend(backend);
  const m = layers.sequential({ layers: [layers.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), layers.layers.dense({ units: 10, activation: 'softmax' })] });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const xs = core.tensor(flat.dataSync(), [x.shape[0], 784]), ys = core.tensor(y.dataSync(), [x.shape[0]], 'float32');
  t0 = performance.now();
  await m.fit(xs, ys, { epochs: 1, batchSize: 64, verbose: 0 });
  tfjsEpoch[backend] = (performance.now() - t0) / 1000;
}
const growth = (100 * (rss[rss.length - 1] - rss[0])) / rss[0];
console.log(`MNIST (${x.shape[0]} digits, batch 64, Adam, native ${tf.backendInfo().simd}):`);
console.log(`  MLP 784-256-10 epoch: tapeflow ${mlpSeconds.toFixed(2)} s, TF.js layers wasm ${tfjsEpoch.wasm.toFixed(2)} s (${(tfjsEpoch.wasm / mlpSeconds).toFixed(1)}x), cpu ${tfjsEpoch.cpu.toFixed(2)} s (${(tfjsEpoch.cpu / mlpSeconds).toFixed(1)}x)`);
console.log(`  CNN epoch: tapeflow median ${[...seconds].sort((a, b) => a - b)[seconds.length >> 1].toFixed(2)} s over ${epochs} epochs; RSS after epoch 1 ${rss[0].toFixed(0)} MiB, after epoch ${epochs} ${rss[rss.length - 1].toFixed(0)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%, target < 10%)`);
