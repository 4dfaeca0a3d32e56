// Optimizers as Keras has them: AdamW with a warm-up cosine schedule and gradient clipping,
// a checkpoint of the optimizer state, and a resumed run that matches an uninterrupted one
// bit for bit. Run: npx tsx examples/optimizers.ts
import * as tf from 'tapeflow';

const target = tf.tensor([3, -1, 2]);
const loss = (w: tf.Variable) => () => tf.losses.meanSquaredError(target, w);
const schedule = new tf.optimizers.schedules.CosineDecay({ initialLearningRate: 0.01, decaySteps: 200, warmupTarget: 0.1, warmupSteps: 20 });
const options = { learningRate: schedule, weightDecay: 0.004, globalClipnorm: 1.0 };

// 200 uninterrupted steps.
const w1 = tf.variable(tf.zeros([3]), { name: 'w1' });
const opt1 = new tf.optimizers.AdamW(options);
for (let i = 0; i < 200; i++) opt1.minimize(loss(w1), [w1]);

// 120 steps, a checkpoint through JSON, then 80 more on a fresh optimizer.
const w2 = tf.variable(tf.zeros([3]), { name: 'w1' });
let opt2 = new tf.optimizers.AdamW(options);
for (let i = 0; i < 120; i++) opt2.minimize(loss(w2), [w2]);
const checkpoint = JSON.stringify({ weights: Array.from(w2.dataSync()), optimizer: opt2.getState() });
const saved = JSON.parse(checkpoint);
w2.assign(tf.tensor(saved.weights));
opt2 = new tf.optimizers.AdamW(options);
opt2.setState(saved.optimizer);
for (let i = 0; i < 80; i++) opt2.minimize(loss(w2), [w2]);

console.log('uninterrupted:', String(w1));
console.log('resumed:      ', String(w2));
console.log('bit-identical:', w1.dataSync().every((v, i) => Object.is(v, w2.dataSync()[i])));
console.log('learning rate at step 10, 20, 200:', [10, 20, 200].map((s) => schedule.call(s).toFixed(4)).join(', '));
