// A short fit whose progress output test/progress.test.ts reads (run in a pty and through a
// pipe). argv: verbose level, and a per-batch delay in ms (so a TTY bar shows frames with an ETA).
import * as tf from '../../src/index.js';

const verbose = Number(process.argv[2] ?? 1) as 0 | 1 | 2;
const delay = Number(process.argv[3] ?? 0);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const x = tf.random.normal([80, 4], { seed: 2 });
const y = tf.tensor(Array.from({ length: 80 }, (_, i) => i % 3), [80], 'int32');
const slow = { onBatchEnd: () => new Promise<void>((r) => setTimeout(r, delay)) };
await model.fit(x, y, { epochs: 2, batchSize: 8, verbose, seed: 3, callbacks: delay > 0 ? [slow] : [] });
