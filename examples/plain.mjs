// Plain JavaScript (no TypeScript, no build step): fit y = 3x − 2 with Adam.
// Run it with `node examples/plain.mjs` after `npm install` (or `npx tsx examples/plain.mjs` in a clone).
import * as tf from 'tapeflow';

const xs = tf.linspace(-1, 1, 64);
const ys = xs.mul(3).sub(2);

const w = new tf.Variable(0);
const b = new tf.Variable(0);
const optimizer = new tf.optimizers.Adam({ learningRate: 0.1 });

for (let step = 1; step <= 300; step++) {
  const tape = new tf.GradientTape();
  // Only what runs inside tape.record() is recorded for gradients.
  const loss = tape.record(() => tf.losses.meanSquaredError(ys, xs.mul(w).add(b)));
  const grads = tape.gradient(loss, [w, b]);
  optimizer.applyGradients(tf.zip(grads, [w, b]));
  if (step % 100 === 0) console.log(`step ${step}: loss ${loss.item().toExponential(2)}`);
}
console.log(`w = ${w.item().toFixed(3)}, b = ${b.item().toFixed(3)}`);
