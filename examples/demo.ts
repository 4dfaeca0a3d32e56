// The main demo: the seed's example, then a 2-layer network (matmul, ReLU, softmax
// cross-entropy, Adam) trained on a 3-arm spiral generated here, printing loss and accuracy,
// then the same network through tf.sequential and model.fit with its progress bar.
import * as tf from 'tapeflow';

const info = tf.backendInfo();
console.log(`tapeflow backend: ${info.backend}` + (info.backend === 'native' ? ` (${info.simd}, ${info.threads} threads)` : ''));

// --- The seed: minimise J(w) = w² − 10w + 25 -------------------------------------------------
const w = new tf.Variable(0, { dtype: 'float32' });
const seedOptimizer = new tf.optimizers.Adam({ learningRate: 0.1 });
for (let i = 0; i < 1000; i++) {
  const tape = new tf.GradientTape();
  const cost = tape.record(() => w.square().sub(w.mul(10)).add(25));
  const grads = tape.gradient(cost, [w]);
  seedOptimizer.applyGradients(tf.zip(grads, [w]));
}
console.log('seed, after 1000 Adam steps:', String(w));

// --- A 3-arm spiral, 300 points per arm -------------------------------------------------------
const classes = 3;
const perClass = 300;
const n = classes * perClass;
const xs = new Float32Array(n * 2);
const labels = new Int32Array(n);
let seed = 42;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
for (let c = 0; c < classes; c++) {
  for (let i = 0; i < perClass; i++) {
    const r = i / perClass;
    const theta = (c * 4 * Math.PI) / classes + r * 4 + (rand() - 0.5) * 0.3;
    const k = c * perClass + i;
    xs[2 * k] = r * Math.sin(theta);
    xs[2 * k + 1] = r * Math.cos(theta);
    labels[k] = c;
  }
}
const x = tf.tensor(xs, [n, 2]);
const y = tf.tensor(labels, [n]);

// --- Model: 2 → 64 → 3 --------------------------------------------------------------------------
const hidden = 64;
const w1 = tf.variable(tf.random.normal([2, hidden], { stddev: Math.sqrt(2 / 2), seed: 1 }), { name: 'w1' });
const b1 = tf.variable(tf.zeros([hidden]), { name: 'b1' });
const w2 = tf.variable(tf.random.normal([hidden, classes], { stddev: Math.sqrt(2 / hidden), seed: 2 }), { name: 'w2' });
const b2 = tf.variable(tf.zeros([classes]), { name: 'b2' });
const params = [w1, b1, w2, b2];
const logits = () => tf.relu(x.matmul(w1).add(b1)).matmul(w2).add(b2);

const optimizer = new tf.optimizers.Adam({ learningRate: 0.02 });
const accuracy = () => tf.mean(tf.cast(tf.equal(tf.argMax(logits(), 1), y), 'float32')).item();

const start = performance.now();
for (let epoch = 1; epoch <= 600; epoch++) {
  const loss = optimizer.minimize(() => tf.losses.sparseCategoricalCrossentropy(y, logits(), { fromLogits: true }), params);
  if (epoch % 100 === 0) {
    console.log(`epoch ${String(epoch).padStart(3)}  loss ${loss.item().toFixed(4)}  accuracy ${(accuracy() * 100).toFixed(1)}%`);
  }
}
const acc = accuracy();
console.log(`spiral: final accuracy ${(acc * 100).toFixed(1)}% in ${((performance.now() - start) / 1000).toFixed(2)} s`);
if (acc < 0.9) {
  console.error('spiral: accuracy below 90%');
  process.exitCode = 1;
}

// --- The same spiral, the Keras way: tf.sequential, compile, fit with its progress bar --------
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 64, activation: 'relu', inputShape: [2] }),
    tf.layers.dense({ units: classes, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: new tf.optimizers.Adam({ learningRate: 0.02 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
// validationSplit holds out the last 10% as Keras does, and the points come grouped by arm, so
// shuffle them once first.
const order = tf.random.shuffle(tf.range(0, n, 1, 'int32'), { seed: 1 });
const history = await model.fit(tf.gather(x, order), tf.gather(y, order), { epochs: 40, batchSize: 32, validationSplit: 0.1, seed: 3 });
const last = (k: string) => history.history[k][history.history[k].length - 1];
console.log(`spiral with model.fit: accuracy ${(last('accuracy') * 100).toFixed(1)}%, held-out ${(last('val_accuracy') * 100).toFixed(1)}% after 40 epochs`);
