// Model files: model.save / tf.loadModel (bit-identical predict, resumed fit equal to an
// uninterrupted one), saveWeights / loadWeights by path with clear mismatch errors, custom
// layers through the registry, a Keras 3 .weights.h5 import checked against a float64
// forward pass written here from the fixture's stated values, modelCheckpoint, and a writer
// killed mid-save.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/index.js';
import { killWriterAfter, SRC_INDEX } from './support/kill-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'tapeflow-models-'));
const bits = (t: tf.Tensor) => Buffer.from(t.dataSync().buffer, t.dataSync().byteOffset, t.dataSync().byteLength);
const sameBits = (a: tf.Tensor, b: tf.Tensor) => a.shape.join() === b.shape.join() && bits(a).equals(bits(b));

function data(n: number, seed: number) {
  const x = tf.random.normal([n, 6], { seed });
  const y = tf.cast(tf.argMax(tf.matmul(x, tf.random.normal([6, 3], { seed: seed + 1 })), 1), 'int32');
  return { x, y };
}

function mlp() {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, activation: 'relu', inputShape: [6], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }) }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
}

describe('model.save and tf.loadModel', () => {
  it('restores a model that predicts bit for bit and resumes training exactly', async () => {
    const { x, y } = data(64, 5);
    const a = mlp();
    a.compile({ optimizer: new tf.optimizers.Adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await a.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const path = join(dir, 'mlp');
    await a.save(path);
    const b = await tf.loadModel(path);
    expect(b).toBeInstanceOf(tf.Sequential);
    expect(b.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Dense']);
    expect(b.weights.map((w) => w.path)).toEqual(a.weights.map((w) => w.path));
    expect(sameBits(b.predict(x) as tf.Tensor, a.predict(x) as tf.Tensor)).toBe(true);
    expect(b.optimizer!.iterations).toBe(8);
    expect(b.optimizer!.className).toBe('Adam');
    // a continues uninterrupted; b resumes from the files: after two more epochs they agree bit for bit
    const ha = await a.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const hb = await b.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    expect(hb.history.loss).toEqual(ha.history.loss);
    expect(hb.history.accuracy).toEqual(ha.history.accuracy);
    a.weights.forEach((w, i) => expect(sameBits(b.weights[i], w), w.path).toBe(true));
    expect(JSON.stringify(b.optimizer!.getState())).toBe(JSON.stringify(a.optimizer!.getState()));
  });

  it('writes files other tools can read: safetensors with weights under their paths, model.json', async () => {
    const a = mlp();
    a.compile({ optimizer: 'sgd', loss: 'mse' });
    const path = join(dir, 'readable');
    await a.save(path);
    const bytes = readFileSync(join(path, 'model.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[] }>;
    const [dense, bn] = a.layers.map((l) => l.name);
    expect(dense).toMatch(/^dense(_\d+)?$/);
    expect(header[`${dense}/kernel`]).toMatchObject({ dtype: 'F32', shape: [6, 8] });
    expect(header[`${bn}/moving_variance`]).toMatchObject({ dtype: 'F32', shape: [8] });
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
    expect(json.architecture.className).toBe('Sequential');
    expect(json.architecture.config.layers[0]).toMatchObject({ className: 'Dense', config: { units: 8, activation: 'relu', kernelRegularizer: { module: 'regularizers', className: 'L1L2', config: { l1: 0, l2: 1e-3 } } } });
    expect(json.compile).toMatchObject({ loss: 'mse', metrics: [], optimizer: { className: 'SGD' } });
  });

  it('saves functional models with branches, and registered custom layers', async () => {
    class Scale extends tf.layers.Layer {
      factor: number;
      constructor(args: { factor: number; name?: string }) {
        super(args);
        this.factor = args.factor;
      }
      override call(x: tf.Tensor | tf.Tensor[]) {
        return tf.mul(x as tf.Tensor, this.factor);
      }
    }
    tf.layers.registerLayer(Scale);
    const input = tf.input({ shape: [4] });
    const left = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const right = new Scale({ factor: 2 }).apply(tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1 }).apply(tf.layers.concatenate().apply([left, right]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out });
    const path = join(dir, 'functional');
    await m.save(path);
    const back = await tf.loadModel(path);
    const x = tf.random.normal([5, 4], { seed: 9 });
    expect(sameBits(back.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor)).toBe(true);
    expect(back.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));

    class Unregistered extends tf.layers.Layer {}
    const bad = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] }), new Unregistered()] });
    await expect(bad.save(join(dir, 'bad'))).rejects.toThrow(/layer 'unregistered' is a Unregistered, which is not registered; register its class with tf.layers.registerLayer\(Unregistered\)/);
  });

  it('refuses subclassed models (their architecture is code) and names a missing layer class on load', async () => {
    class Net extends tf.Model {
      d = tf.layers.dense({ units: 2 });
      override call(x: tf.Tensor | tf.Tensor[]) { return this.d.apply(x as tf.Tensor) as tf.Tensor; }
    }
    const net = new Net();
    net.predict(tf.zeros([1, 3]));
    await expect(net.save(join(dir, 'net'))).rejects.toThrow(/subclassed Net, whose architecture is code; save its weights with model.saveWeights/);
    await net.saveWeights(join(dir, 'net.safetensors'));
    await expect(tf.loadModel(join(dir, 'nowhere'))).rejects.toThrow(/loadModel: cannot open .*nowhere\/model.safetensors/);
    await expect(tf.loadModel(dir)).rejects.toThrow(/cannot open/);
  });
});

describe('saveWeights and loadWeights', () => {
  it('round-trips by path and names every mismatch', async () => {
    const a = mlp();
    const b = mlp();
    b.layers[0].setWeights([tf.zeros([6, 8]), tf.ones([8])]);
    const path = join(dir, 'w.safetensors');
    await a.saveWeights(path);
    await b.loadWeights(path);
    a.weights.forEach((w, i) => expect(sameBits(b.weights[i], w)).toBe(true));

    const small = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [5] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 3 })] });
    // b's layers have other names (dense_5 …) than a's: matched by position, every shape agreeing
    expect(b.weights[0].path).not.toBe(a.weights[0].path);
    // by path: the names agree and one shape does not
    const [k, bias] = [a.weights[0], a.weights[1]];
    const renamed = { [k.path]: tf.zeros([5, 8]), [bias.path]: bias };
    const p2 = join(dir, 'named.safetensors');
    await tf.io.saveSafetensors(p2, renamed);
    const one = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [6], name: k.path.split('/')[0] })] });
    await expect(one.loadWeights(p2)).rejects.toThrow(new RegExp(`weight '${k.path}' has shape \\[6,8\\] but the file's is \\[5,8\\]`));
    const fewer = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [6] })] });
    await expect(fewer.loadWeights(path)).rejects.toThrow(/the file has 'batch_normalization(_\d+)?\/gamma', which is not a weight of model/);
    const more = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [6] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 3 }), tf.layers.dense({ units: 1 })] });
    await expect(more.loadWeights(path)).rejects.toThrow(/weight 'dense_\d+\/kernel' float32 \[3,1\] is not in the file/);
    // skipMismatch loads what matches by path and leaves the rest
    const same = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [6], name: k.path.split('/')[0] }), tf.layers.dense({ units: 2 })] });
    await same.loadWeights(path, { skipMismatch: true });
    expect(sameBits(same.weights[0], a.weights[0])).toBe(true);
  });
});

describe('Keras 3 .weights.h5 import', () => {
  it('loads the fixture into the equivalent model and predicts as a float64 forward pass', async () => {
    // test/fixtures/keras/mlp.weights.h5 (scripts/make-keras-h5-fixtures.py): Dense(4, relu) on
    // 3 inputs, BatchNormalization, Dense(2); values start + 0.125·k in row-major order.
    const ramp = (n: number, start: number, step = 0.125) => Array.from({ length: n }, (_, k) => start + step * k);
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 2 })] });
    await m.loadWeights(new URL('./fixtures/keras/mlp.weights.h5', import.meta.url).pathname);
    const k1 = ramp(12, -0.75), b1 = ramp(4, 0.0625, 0.0625);
    const [gamma, beta, mean, variance] = [ramp(4, 1, 0.25), ramp(4, -0.5, 0.25), ramp(4, 0.125, 0.125), ramp(4, 0.5, 0.5)];
    const k2 = ramp(8, 0.5, -0.125), b2 = ramp(2, -0.25, 0.5);
    const xs = [[1, -2, 0.5], [0.25, 0.75, -1]];
    const expected = xs.map((x) => {
      const h = [0, 1, 2, 3].map((j) => Math.max(0, x[0] * k1[j] + x[1] * k1[4 + j] + x[2] * k1[8 + j] + b1[j]));
      // Keras's BatchNormalization at inference, epsilon 1e-3
      const n = h.map((v, j) => ((v - mean[j]) / Math.sqrt(variance[j] + 1e-3)) * gamma[j] + beta[j]);
      return [0, 1].map((o) => n.reduce((s, v, j) => s + v * k2[j * 2 + o], 0) + b2[o]);
    });
    const got = (m.predict(tf.tensor(xs)) as tf.Tensor).arraySync() as number[][];
    got.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i], 5));
  });

  it('names the layer whose group is missing or misshapen', async () => {
    const fixture = new URL('./fixtures/keras/mlp.weights.h5', import.meta.url).pathname;
    const wrong = tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [3] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 2 })] });
    await expect(wrong.loadWeights(fixture)).rejects.toThrow(/weight 'dense(_\d+)?\/kernel' has shape \[3,5\] but 'layers\/dense\/vars\/0' is \[3,4\]/);
    const other = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.layerNormalization(), tf.layers.dense({ units: 2 })] });
    await expect(other.loadWeights(fixture)).rejects.toThrow(/layer 'layer_normalization\S*' \(LayerNormalization\) has no group 'layers\/layer_normalization\/vars'/);
  });
});

describe('callbacks.modelCheckpoint', () => {
  it('saves every epoch under a formatted path, or only improving ones', async () => {
    const { x, y } = data(32, 7);
    const m = mlp();
    m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const every = tf.callbacks.modelCheckpoint({ filepath: join(dir, 'ckpt-{epoch:02d}') });
    await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [every] });
    const second = await tf.loadModel(join(dir, 'ckpt-02'));
    expect(sameBits(second.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor)).toBe(true);
    await tf.loadModel(join(dir, 'ckpt-01'));

    // saveBestOnly: a scripted monitor improves at epochs 1 and 3 only
    const scripted = [0.5, 0.7, 0.4, 0.9];
    const best = tf.callbacks.modelCheckpoint({ filepath: join(dir, 'best-{epoch}.safetensors'), monitor: 'score', saveBestOnly: true, mode: 'min' });
    best.setModel(m);
    const saved: string[] = [];
    for (const [epoch, score] of scripted.entries()) {
      await best.onEpochEnd(epoch, { loss: 1, score });
      try {
        readFileSync(join(dir, `best-${epoch + 1}.safetensors`));
        saved.push(`best-${epoch + 1}`);
      } catch { /* not written */ }
    }
    expect(saved).toEqual(['best-1', 'best-3']);
    expect(best.formatPath(4, { val_loss: 0.123456 })).toBe(join(dir, 'best-5.safetensors'));
    expect(tf.callbacks.modelCheckpoint({ filepath: 'm-{epoch:03d}-{val_loss:.2f}' }).formatPath(6, { val_loss: 0.123456 })).toBe('m-007-0.12');
  });
});

describe('a save killed midway', () => {
  it('leaves the previous checkpoint loadable', async () => {
    const path = join(dir, 'killed');
    const script = `
      import * as tf from ${JSON.stringify(SRC_INDEX)};
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 512, inputShape: [1024] })] });
      for (let g = 1; ; g++) {
        m.layers[0].setWeights([tf.fill([1024, 512], g), tf.fill([512], g)]);
        await m.save(${JSON.stringify(path)});
        if (g === 1) process.stdout.write('saved\\n');
      }`;
    for (const delay of [5, 30, 80]) {
      await killWriterAfter(script, delay);
      const m = await tf.loadModel(path);
      const [kernel, bias] = m.layers[0].getWeights();
      const g = bias.dataSync()[0];
      expect(g).toBeGreaterThanOrEqual(1);
      expect(kernel.dataSync().every((v) => v === g)).toBe(true);
    }
  }, 60_000);
});

describe('round trips of every layer type and every optimizer', () => {
  // Each layer in a small model of its own; the loaded model must predict bit for bit.
  const cases: [string, number[], () => tf.layers.Layer[]][] = [
    ['Dense', [5], () => [tf.layers.dense({ units: 3, activation: 'gelu' })]],
    ['Activation', [5], () => [tf.layers.activation({ activation: 'softplus' })]],
    ['Dropout', [5], () => [tf.layers.dropout({ rate: 0.5, seed: 3 })]],
    ['Flatten and Reshape', [2, 3], () => [tf.layers.flatten(), tf.layers.reshape({ targetShape: [3, 2] })]],
    ['Embedding', [4], () => [tf.layers.embedding({ inputDim: 10, outputDim: 3 })]],
    ['BatchNormalization', [5], () => [tf.layers.batchNormalization({ momentum: 0.9 })]],
    ['LayerNormalization', [5], () => [tf.layers.layerNormalization({ epsilon: 1e-5 })]],
    ['Conv2D and pools', [6, 6, 2], () => [tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }), tf.layers.maxPooling2d(), tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }), tf.layers.globalAveragePooling2d()]],
    ['Conv1D and global max pool', [7, 2], () => [tf.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2 }), tf.layers.reshape({ targetShape: [3, 1, 2] }), tf.layers.globalMaxPooling2d()]],
    ['SimpleRNN', [4, 3], () => [tf.layers.simpleRNN({ units: 2, returnSequences: true })]],
    ['LSTM', [4, 3], () => [tf.layers.lstm({ units: 2 })]],
    ['GRU (resetAfter false)', [4, 3], () => [tf.layers.gru({ units: 2, resetAfter: false, goBackwards: true })]],
    ['Bidirectional and TimeDistributed', [4, 3], () => [tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnSequences: true }) }), tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }) })]],
  ];
  for (const [name, shape, make] of cases) {
    it(`${name}`, async () => {
      const model = tf.sequential({ layers: [tf.layers.inputLayer({ shape }), ...make()] });
      const x = name === 'Embedding' ? tf.tensor([[1, 2, 3, 9], [0, 4, 5, 6]], undefined, 'int32') : tf.random.normal([2, ...shape], { seed: 4 });
      const before = model.predict(x) as tf.Tensor;
      const path = join(dir, `layer-${name.replace(/\W+/g, '-')}`);
      await model.save(path);
      const back = await tf.loadModel(path);
      expect(back.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
      expect(sameBits(back.predict(x) as tf.Tensor, before)).toBe(true);
    });
  }

  it('MultiHeadAttention, Concatenate and Add in a functional model', async () => {
    const input = tf.input({ shape: [3, 4] });
    const attended = tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply(input) as tf.SymbolicTensor;
    const summed = tf.layers.add().apply([attended, input]) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([summed, input]) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: joined });
    const x = tf.random.normal([2, 3, 4], { seed: 8 });
    const path = join(dir, 'mha');
    await m.save(path);
    expect(sameBits((await tf.loadModel(path)).predict(x) as tf.Tensor, m.predict(x) as tf.Tensor)).toBe(true);
  });

  for (const optimizer of ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl', 'Lion']) {
    it(`${optimizer}: a resumed fit equals the uninterrupted one`, async () => {
      const { x, y } = data(32, 11);
      const config = optimizer === 'SGD' ? { learningRate: 0.05, momentum: 0.9, nesterov: true } : optimizer === 'RMSprop' ? { learningRate: 0.01, momentum: 0.5, centered: true } : { learningRate: 0.01 };
      const a = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'tanh', inputShape: [6] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
      a.compile({ optimizer: tf.optimizers.get({ className: optimizer, ...config } as never), loss: 'sparseCategoricalCrossentropy' });
      await a.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
      const path = join(dir, `opt-${optimizer}`);
      await a.save(path);
      const b = await tf.loadModel(path);
      expect(b.optimizer!.className).toBe(optimizer);
      await a.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
      await b.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
      a.weights.forEach((w, i) => expect(sameBits(b.weights[i], w), w.path).toBe(true));
    });
  }
});
