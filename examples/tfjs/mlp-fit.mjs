// A TF.js Layers script, written against TF.js's API: only its import line names tapeflow.
// (test/tfjs-examples.test.ts runs it as is.) A 2-16-1 network learns the quadrant task of
// mlp-minimize.mjs with tf.sequential().fit.
import * as tf from 'tapeflow/tfjs';

const xs = tf.tensor2d([[0.9, 0.8], [-0.7, 0.9], [-0.8, -0.6], [0.7, -0.9], [0.2, 0.3], [-0.3, 0.2], [-0.2, -0.4], [0.4, -0.2]]);
const ys = tf.tensor2d([[0], [1], [0], [1], [0], [1], [0], [1]]);

const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

const history = await model.fit(xs, ys, { epochs: 200, batchSize: 8, verbose: 0 });
const predictions = await model.predict(xs).data();
const correct = Array.from(predictions).filter((p, i) => (p > 0.5 ? 1 : 0) === (i % 2)).length;
const losses = history.history.loss;
console.log(`final loss ${losses[losses.length - 1].toFixed(4)}, ${correct}/8 quadrants right`);
