// The Keras workflow, as README.md's "Train a model" shows it: a Sequential classifier on
// three Gaussian blobs generated here, compiled, fitted with a held-out 20%, and evaluated.
import * as tf from 'tapeflow';

// 600 points around three centres in 2-D, labels 0, 1, 2
const centres = [[0, 0], [4, 4], [-4, 4]];
const labels = tf.tensor(Array.from({ length: 600 }, (_, i) => i % 3), [600], 'int32');
const x = tf.random.normal([600, 2], { seed: 1 }).add(tf.gather(tf.tensor(centres), labels));

const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ],
});
model.summary();
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const history = await model.fit(x, labels, { epochs: 30, batchSize: 32, validationSplit: 0.2, seed: 2 });
const [loss, accuracy] = model.evaluate(x, labels) as number[];
console.log(`final loss ${loss.toFixed(3)}, accuracy ${(accuracy * 100).toFixed(1)}%, val_accuracy ${(history.history.val_accuracy.at(-1)! * 100).toFixed(1)}%`);
