// A TF.js training script, written against TF.js's API: only its import line names tapeflow.
// (test/tfjs-examples.test.ts runs it as is and with the import switched to @tensorflow/tfjs-core,
// and compares.) A 2-16-1 network learns XOR-like quadrants with tf.train.adam().minimize.
import * as tf from 'tapeflow/tfjs';

const xs = tf.tensor2d([[0.9, 0.8], [-0.7, 0.9], [-0.8, -0.6], [0.7, -0.9], [0.2, 0.3], [-0.3, 0.2], [-0.2, -0.4], [0.4, -0.2]]);
const ys = tf.tensor2d([[0], [1], [0], [1], [0], [1], [0], [1]]);

const w1 = tf.variable(tf.randomNormal([2, 16], 0, 1, 'float32', 1));
const b1 = tf.variable(tf.zeros([16]));
const w2 = tf.variable(tf.randomNormal([16, 1], 0, 0.25, 'float32', 2));
const b2 = tf.variable(tf.zeros([1]));

const model = (x) => tf.tidy(() => x.matMul(w1).add(b1).relu().matMul(w2).add(b2));
const optimizer = tf.train.adam(0.05);

let loss;
for (let step = 0; step < 300; step++) {
  loss = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(ys, model(xs)), true, [w1, b1, w2, b2]);
}
const predictions = await model(xs).sigmoid().data();
const correct = Array.from(predictions).filter((p, i) => (p > 0.5 ? 1 : 0) === (i % 2)).length;
console.log(`final loss ${(await loss.data())[0].toFixed(4)}, ${correct}/8 quadrants right`);
