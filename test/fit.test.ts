/**
 * Training: fit equal bit for bit to the hand-written GradientTape loop, History keys and
 * values, validationSplit (the last fraction), callbacks' order and stopTraining, early
 * stopping's epoch, the learning-rate callbacks, csvLogger, terminateOnNaN, evaluate,
 * trainOnBatch, datasets (async iterables), regularization and the logits link.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';

function mlp(seed: number, extra: tf.layers.DenseArgs = { units: 3 }) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, activation: 'tanh', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }) }),
      tf.layers.dense({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }), ...extra }),
    ],
  });
}

const N = 50;
const x = tf.random.normal([N, 4], { seed: 10 });
const yReg = tf.random.normal([N, 3], { seed: 11 });
const yClass = tf.tensor(Array.from({ length: N }, (_, i) => (i * 7) % 3), [N], 'int32');
const bits = (ts: Tensor[]) => ts.map((t) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer)));

describe('fit is the hand-written GradientTape loop', () => {
  it('gives the same weights bit for bit, and the batch-size-weighted epoch loss', async () => {
    const viaFit = mlp(1);
    viaFit.compile({ optimizer: new tf.optimizers.Adam(0.01), loss: 'mse' });
    const history = await viaFit.fit(x, yReg, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });

    const byHand = mlp(1);
    const optimizer = new tf.optimizers.Adam(0.01);
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const mean = new tf.metrics.Mean();
      for (let start = 0; start < N; start += 16) {
        const size = Math.min(16, N - start);
        const xb = tf.slice(x, [start, 0], [size, 4]);
        const yb = tf.slice(yReg, [start, 0], [size, 3]);
        const vars = byHand.trainableWeights;
        const tape = new tf.GradientTape();
        const loss = tape.record(() => tf.losses.meanSquaredError(yb, byHand.apply(xb, { training: true }) as Tensor));
        optimizer.applyGradients(tf.zip(tape.gradient(loss, vars) as Tensor[], vars));
        mean.updateState(loss, size);
      }
      losses.push(mean.result().item());
    }
    expect(bits(viaFit.getWeights())).toEqual(bits(byHand.getWeights()));
    expect(history.history.loss).toEqual(losses);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(viaFit.optimizer!.iterations).toBe(3 * 4);
  });

  it('a different initialization is caught (the comparison can fail)', async () => {
    const a = mlp(1), b = mlp(2);
    expect(bits(a.getWeights())).not.toEqual(bits(b.getWeights()));
  });

  it('trainOnBatch is one step of the same loop', () => {
    const a = mlp(3), b = mlp(3);
    a.compile({ optimizer: 'sgd', loss: 'mse' });
    const loss = a.trainOnBatch(x, yReg) as number;
    const opt = new tf.optimizers.SGD();
    const vars = b.trainableWeights;
    const tape = new tf.GradientTape();
    const l = tape.record(() => tf.losses.meanSquaredError(yReg, b.apply(x, { training: true }) as Tensor));
    opt.applyGradients(tf.zip(tape.gradient(l, vars) as Tensor[], vars));
    expect(loss).toBe(l.item());
    expect(bits(a.getWeights())).toEqual(bits(b.getWeights()));
  });
});

describe('History, metrics and validation', () => {
  it('has the keys given to compile, val_ prefixed, one number per epoch', async () => {
    const m = mlp(4);
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy', 'sparse_top_k_categorical_accuracy'] });
    const h = await m.fit(x, yClass, { epochs: 2, batchSize: 8, validationData: [x, yClass], verbose: 0, seed: 1 });
    expect(Object.keys(h.history)).toEqual(['loss', 'accuracy', 'sparse_top_k_categorical_accuracy', 'val_loss', 'val_accuracy', 'val_sparse_top_k_categorical_accuracy']);
    expect(h.history.loss.length).toBe(2);
    // After the last epoch, val_ metrics are what evaluate gives on the same data.
    const e = m.evaluate(x, yClass, { batchSize: 32, returnDict: true }) as Record<string, number>;
    expect(h.history.val_loss[1]).toBeCloseTo(e.loss, 6);
    expect(h.history.val_accuracy[1]).toBe(e.accuracy);
    expect(m.evaluate(x, yClass)).toEqual([e.loss, e.accuracy, e.sparse_top_k_categorical_accuracy].map((v) => expect.closeTo(v, 6)));
  });

  it('validationSplit takes the last fraction, before shuffling', async () => {
    // A model that always predicts 0 (zero kernel, learning rate 0): the loss is mean(y²).
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'zeros', inputShape: [1] })] });
    m.compile({ optimizer: new tf.optimizers.SGD(0), loss: 'mse' });
    const y = tf.tensor([0, 0, 0, 0, 0, 0, 0, 0, 10, 20], [10, 1]);
    const h = await m.fit(tf.zeros([10, 1]), y, { validationSplit: 0.2, epochs: 1, batchSize: 3, shuffle: true, seed: 5, verbose: 0 });
    expect(h.history.loss[0]).toBe(0);
    expect(h.history.val_loss[0]).toBe(250);
  });

  it('initialEpoch starts the epoch count there', async () => {
    const m = mlp(12);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await m.fit(x, yReg, { epochs: 4, initialEpoch: 2, batchSize: 25, verbose: 0 });
    expect(h.epoch).toEqual([2, 3]);
    expect(m.optimizer!.iterations).toBe(4);
  });

  it('regularization losses join the loss', async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones', kernelRegularizer: tf.regularizers.l2({ l2: 0.5 }), inputShape: [2] })] });
    m.compile({ optimizer: new tf.optimizers.SGD(0), loss: 'mse' });
    // prediction 0 + 0 = 0 against y = 0: mse 0; penalty 0.5·(1 + 1) = 1
    expect(m.evaluate(tf.zeros([4, 2]), tf.zeros([4, 1]))).toBe(1);
  });

  it('a softmax output is trained from its logits (Keras 3), so no clipping at 1e-7', () => {
    const d = tf.layers.dense({ units: 2, activation: 'softmax', useBias: false, dtype: 'float64' });
    d.apply(tf.zeros([1, 1], 'float64'));
    d.setWeights([tf.tensor([[40, -40]], undefined, 'float64')]);
    const p = d.apply(tf.ones([1, 1], 'float64')) as Tensor;
    // Logits [40, −40]: −log softmax₁ = 80 + log(1 + e^−80) ≈ 80; from clipped probabilities it would be −log 1e-7 ≈ 16.1.
    expect(tf.losses.categoricalCrossentropy(tf.tensor([[0, 1]], undefined, 'float64'), p).item()).toBeCloseTo(80, 10);
    expect(tf.losses.categoricalCrossentropy(tf.tensor([[0, 1]], undefined, 'float64'), tf.softmax(tf.tensor([[40, -40]], undefined, 'float64'))).item()).toBeCloseTo(-Math.log(1e-7), 6);
  });

  it('a sigmoid output is trained from its logits too (binary cross-entropy)', () => {
    const out = tf.layers.activation({ activation: 'sigmoid', dtype: 'float64' }).apply(tf.tensor([[-30]], undefined, 'float64')) as Tensor;
    // From the logit −30 with label 1: softplus(30) ≈ 30; from the clipped probability it would be −log 1e-7 ≈ 16.1.
    expect(tf.losses.binaryCrossentropy(tf.tensor([[1]], undefined, 'float64'), out).item()).toBeCloseTo(30, 10);
  });

  it('mae and huber losses by name', () => {
    const yt = tf.tensor([[0, 0]]), yp = tf.tensor([[0.5, 3]]);
    expect(tf.losses.meanAbsoluteError(yt, yp).item()).toBe(1.75);
    // huber δ = 1: ½·0.25 = 0.125 and 3 − 0.5 = 2.5 → mean 1.3125
    expect(tf.losses.huber(yt, yp).item()).toBe(1.3125);
  });
});

describe('callbacks', () => {
  it('are called in Keras order, async hooks awaited, and stopTraining is checked after every batch', async () => {
    const m = mlp(5);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const events: string[] = [];
    let pending = false;
    const cb = {
      onTrainBegin: () => { events.push('trainBegin'); },
      onEpochBegin: async (e: number) => { await new Promise((r) => setTimeout(r, 5)); pending = true; events.push(`epochBegin ${e}`); },
      onBatchBegin: (b: number) => { expect(pending).toBe(true); events.push(`batchBegin ${b}`); },
      onBatchEnd: (b: number, logs: Record<string, number>) => { events.push(`batchEnd ${b} ${typeof logs.loss}`); },
      onEpochEnd: (e: number, logs: Record<string, number>) => { events.push(`epochEnd ${e} ${Object.keys(logs)}`); },
      onTrainEnd: () => { events.push('trainEnd'); },
    };
    await m.fit(x, yReg, { epochs: 2, batchSize: 25, callbacks: [cb], verbose: 0, validationSplit: 0.5 });
    expect(events).toEqual(['trainBegin',
      'epochBegin 0', 'batchBegin 0', 'batchEnd 0 number', 'epochEnd 0 loss,val_loss',
      'epochBegin 1', 'batchBegin 0', 'batchEnd 0 number', 'epochEnd 1 loss,val_loss', 'trainEnd']);

    const stopper = { batches: 0, onBatchEnd() { this.batches++; if (this.batches === 2) m.stopTraining = true; } };
    const h = await m.fit(x, yReg, { epochs: 5, batchSize: 10, callbacks: [stopper], verbose: 0 });
    expect(stopper.batches).toBe(2);
    expect(h.epoch).toEqual([0]);
  });

  it("earlyStopping stops at Keras's epoch on a scripted val_loss and restores the best weights", async () => {
    const m = mlp(6);
    m.compile({ optimizer: new tf.optimizers.SGD(0.1), loss: 'mse' });
    const script = [1.0, 0.8, 0.9, 0.85, 0.5, 0.4];
    let weightsAtBest: number[][] = [];
    const scripted = { onEpochEnd: (e: number, logs: Record<string, number>) => {
      logs.val_loss = script[e];
      if (e === 1) weightsAtBest = m.getWeights().map((w) => Array.from(w.dataSync()));
    } };
    const es = tf.callbacks.earlyStopping({ patience: 2, restoreBestWeights: true });
    // Epoch 1 improves (0.8); 2 and 3 do not: wait reaches patience 2 at epoch 3.
    const h = await m.fit(x, yReg, { epochs: 6, batchSize: 10, callbacks: [scripted, es], verbose: 0 });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weightsAtBest);

    // minDelta: 0.8 → 0.75 is not an improvement of more than 0.1, so the wait goes on.
    const es2 = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 0.1 });
    const script2 = [1.0, 0.75, 0.7];
    const h2 = await m.fit(x, yReg, { epochs: 3, batchSize: 25, verbose: 0, callbacks: [{ onEpochEnd: (e: number, l: Record<string, number>) => { l.val_loss = script2[e]; } }, es2] });
    expect(h2.epoch).toEqual([0, 1, 2]);
    const es3 = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 0.3 });
    const h3 = await m.fit(x, yReg, { epochs: 3, batchSize: 25, verbose: 0, callbacks: [{ onEpochEnd: (e: number, l: Record<string, number>) => { l.val_loss = script2[e]; } }, es3] });
    expect(h3.epoch).toEqual([0, 1]);
  });

  it('learningRateScheduler and reduceLROnPlateau set the optimizer learning rate', async () => {
    const m = mlp(7);
    const opt = new tf.optimizers.SGD(0.1);
    m.compile({ optimizer: opt, loss: 'mse' });
    const seen: number[] = [];
    const h = await m.fit(x, yReg, { epochs: 3, batchSize: 50, verbose: 0, callbacks: [
      tf.callbacks.learningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2)),
      { onEpochBegin: () => { seen.push(opt.learningRate); } },
    ] });
    expect(seen).toEqual([0.1, 0.05, 0.025]);
    expect(h.history.learning_rate).toEqual([0.1, 0.05, 0.025]);

    const plateau = [1, 1, 1, 1, 0.5];
    const lrs: number[] = [];
    await m.fit(x, yReg, { epochs: 5, batchSize: 50, verbose: 0, callbacks: [
      { onEpochEnd: (e: number, l: Record<string, number>) => { l.val_loss = plateau[e]; } },
      tf.callbacks.reduceLROnPlateau({ factor: 0.5, patience: 2, minLr: 0.01 }),
      { onEpochEnd: () => { lrs.push(opt.learningRate); } },
    ] });
    // best 1 at epoch 0; no improvement at epochs 1 and 2: the wait reaches 2 and the rate halves at 2; epoch 3 waits, epoch 4 improves.
    expect(lrs).toEqual([0.025, 0.025, 0.0125, 0.0125, 0.0125]);
  });

  it('csvLogger writes a header and one row per epoch; terminateOnNaN stops on a NaN loss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapeflow-csv-'));
    const path = join(dir, 'log.csv');
    const m = mlp(8);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await m.fit(x, yReg, { epochs: 2, batchSize: 25, verbose: 0, validationSplit: 0.2, callbacks: [tf.callbacks.csvLogger(path)] });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('epoch,loss,val_loss');
    expect(lines.length).toBe(3);
    expect(lines[2].startsWith('1,')).toBe(true);

    const bad = tf.tensor(Array.from({ length: N * 3 }, (_, i) => (i === 0 ? NaN : 0)), [N, 3]);
    const h = await m.fit(x, bad, { epochs: 3, batchSize: 10, shuffle: false, verbose: 0, callbacks: [tf.callbacks.terminateOnNaN()] });
    expect(h.epoch).toEqual([0]);
    expect(Number.isNaN(h.history.loss[0])).toBe(true);
  });
});

describe('datasets', () => {
  it('fit accepts any async iterable of [x, y] or {xs, ys}, and trains as the same batches in arrays', async () => {
    async function* batches() {
      for (let start = 0; start < N; start += 10) yield [tf.slice(x, [start, 0], [10, 4]), tf.slice(yReg, [start, 0], [10, 3])] as [Tensor, Tensor];
    }
    async function* asObjects() {
      for await (const [xs, ys] of batches()) yield { xs, ys };
    }
    const viaData = mlp(9), viaArrays = mlp(9);
    viaData.compile({ optimizer: new tf.optimizers.Adam(0.01), loss: 'mse' });
    viaArrays.compile({ optimizer: new tf.optimizers.Adam(0.01), loss: 'mse' });
    const epochs: AsyncIterable<[Tensor, Tensor]> = { [Symbol.asyncIterator]: () => batches() };
    const h = await viaData.fit(epochs, { epochs: 2, verbose: 0, validationData: { [Symbol.asyncIterator]: () => asObjects() } });
    const h2 = await viaArrays.fit(x, yReg, { epochs: 2, batchSize: 10, shuffle: false, verbose: 0, validationData: [x, yReg] });
    expect(bits(viaData.getWeights())).toEqual(bits(viaArrays.getWeights()));
    expect(h.history.loss).toEqual(h2.history.loss);
    expect(h.history.val_loss[1]).toBeCloseTo(h2.history.val_loss[1], 6);
  });

  it('fit trains on a tf.data pipeline (fromTensorSlices → batch) as on the same arrays', async () => {
    const viaData = mlp(13), viaArrays = mlp(13);
    viaData.compile({ optimizer: new tf.optimizers.Adam(0.01), loss: 'mse' });
    viaArrays.compile({ optimizer: new tf.optimizers.Adam(0.01), loss: 'mse' });
    const ds = tf.data.fromTensorSlices([x, yReg]).batch(16);
    const h = await viaData.fit(ds, { epochs: 2, verbose: 0 });
    const h2 = await viaArrays.fit(x, yReg, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    expect(bits(viaData.getWeights())).toEqual(bits(viaArrays.getWeights()));
    expect(h.history.loss).toEqual(h2.history.loss);
  });

  it('shuffling is seeded: the same seed gives the same weights, another seed different ones', async () => {
    const run = async (seed: number) => {
      const m = mlp(10);
      m.compile({ optimizer: 'adam', loss: 'mse' });
      await m.fit(x, yReg, { epochs: 2, batchSize: 8, seed, verbose: 0 });
      return bits(m.getWeights());
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });
});
