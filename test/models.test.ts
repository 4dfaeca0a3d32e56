/**
 * Models: Sequential, functional and subclassed models (layers, weights, predict, apply),
 * summary() against Keras 3's layout, tf.keras spellings, and the errors raised before any work.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';

function smallModel() {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], name: 'hidden' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
}

describe('summary()', () => {
  it("prints Keras 3's table: Layer (type), Output Shape, Param #, then the totals with sizes", () => {
    const lines: string[] = [];
    smallModel().summary((l) => lines.push(l));
    // Keras 3's layout (model.summary() as printed on keras.io): box-drawn rows, right-aligned
    // counts with thousands separators, totals with their float32 size in powers of 1024.
    expect(lines.join('\n')).toBe([
      'Model: "sequential"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
      '│ hidden (Dense)                  │ (None, 8)              │            40 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ bn (BatchNormalization)         │ (None, 8)              │            32 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ out (Dense)                     │ (None, 3)              │            27 │',
      '└─────────────────────────────────┴────────────────────────┴───────────────┘',
      ' Total params: 99 (396.00 B)',
      ' Trainable params: 83 (332.00 B)',
      ' Non-trainable params: 16 (64.00 B)',
    ].join('\n'));
  });

  it('counts with thousands separators and KB, and refuses an unbuilt model', () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 256, inputShape: [784] })] });
    const lines: string[] = [];
    m.summary((l) => lines.push(l));
    expect(lines[4]).toContain('200,960 │');
    expect(lines.at(-3)).toBe(' Total params: 200,960 (785.00 KB)');
    expect(() => tf.sequential({ layers: [tf.layers.dense({ units: 2 })] }).summary()).toThrow(/summary before the model is built/);
  });
});

describe('Sequential', () => {
  it('builds from inputShape, orders weights by layer, and sets/gets them', () => {
    const m = smallModel();
    expect(m.layers.map((l) => l.name)).toEqual(['hidden', 'bn', 'out']);
    expect(m.weights.map((w) => w.path)).toEqual(['hidden/kernel', 'hidden/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance', 'out/kernel', 'out/bias']);
    expect(m.trainableWeights.length).toBe(6);
    expect(m.nonTrainableWeights.map((w) => w.path)).toEqual(['bn/moving_mean', 'bn/moving_variance']);
    expect(m.countParams()).toBe(99);
    const values = m.getWeights().map((w) => tf.onesLike(w));
    m.setWeights(values);
    expect(Array.from(m.getLayer('out').getWeights()[0].dataSync())).toEqual(new Array(24).fill(1));
    expect(() => m.setWeights(values.slice(1))).toThrow(/expected 8 arrays/);
    expect(() => m.getLayer('nope')).toThrow(/no layer named "nope"; the layers are hidden, bn, out/);
  });

  it('without inputShape builds on the first call; add() appends; predict batches and concatenates', () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2, kernelInitializer: 'ones' }));
    m.add(tf.layers.dense({ units: 1, kernelInitializer: 'ones' }));
    expect(m.built).toBe(false);
    const x = tf.tensor([[1, 2], [3, 4], [5, 6]]);
    const y = m.predict(x, { batchSize: 2 });
    expect(Array.from(y.dataSync())).toEqual([6, 14, 22]);
    expect(m.built).toBe(true);
    expect(m.countParams()).toBe(6 + 3);
  });
});

describe('functional models', () => {
  it('run a DAG with two branches joined by add and concatenate', () => {
    const inp = tf.input({ shape: [2] });
    const a = tf.layers.dense({ units: 2, kernelInitializer: 'ones', name: 'a' }).apply(inp) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 2, kernelInitializer: 'zeros', biasInitializer: 'ones', name: 'b' }).apply(inp) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate().apply([sum, a]) as tf.SymbolicTensor;
    expect(cat.shape).toEqual([null, 4]);
    const m = tf.model({ inputs: inp, outputs: cat });
    expect(m.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Dense', 'Add', 'Concatenate']);
    // a = [3, 3], b = [1, 1] for x = [1, 2]
    expect((m.predict(tf.tensor([[1, 2]]))).arraySync()).toEqual([[4, 4, 3, 3]]);
    expect(m.weights.map((w) => w.path)).toEqual(['a/kernel', 'a/bias', 'b/kernel', 'b/bias']);
  });

  it('reject inputs of the wrong shape, naming the model, the input and both shapes', () => {
    const inp = tf.input({ shape: [3], name: 'features' });
    const m = tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 1 }).apply(inp) as tf.SymbolicTensor });
    expect(() => m.predict(tf.zeros([2, 4]))).toThrow(/input 0 \('features'\) has shape \[2,4\], expected \[null,3\]/);
  });
});

describe('subclassed models', () => {
  class TwoLayer extends tf.Model {
    hidden = tf.layers.dense({ units: 4, activation: 'relu' });
    out = tf.layers.dense({ units: 1 });
    scale = new tf.Variable(2, { name: 'scale' });
    override call(x: Tensor | Tensor[], { training }: { training?: boolean }) {
      const h = this.hidden.apply(x as Tensor, { training }) as Tensor;
      return tf.mul(this.out.apply(h) as Tensor, this.scale);
    }
  }

  it('track layers and variables held as fields, and train with fit', async () => {
    const m = new TwoLayer();
    expect(m.name).toBe('two_layer');
    const x = tf.random.normal([16, 3], { seed: 1 });
    const y = tf.sum(x, 1, true);
    m.predict(x);
    expect(m.layers.length).toBe(2);
    expect(m.trainableWeights.map((w) => w.path)).toEqual(['scale', m.layers[0].name + '/kernel', m.layers[0].name + '/bias', m.layers[1].name + '/kernel', m.layers[1].name + '/bias']);
    m.compile({ optimizer: new tf.optimizers.SGD(0.01), loss: 'mse' });
    const before = m.evaluate(x, y) as number;
    await m.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0, seed: 1 });
    expect(m.evaluate(x, y) as number).toBeLessThan(before);
  });
});

describe('tf.keras spellings', () => {
  it('classes are callable without new, as in Python, and stay the same classes', () => {
    const opt = tf.keras.optimizers.Adam(0.01);
    expect(opt).toBeInstanceOf(tf.optimizers.Adam);
    expect(opt.learningRate).toBeCloseTo(0.01, 9);
    const d = tf.keras.layers.Dense({ units: 3 });
    expect(d).toBeInstanceOf(tf.layers.Dense);
    const m = new tf.keras.Sequential({ layers: [d] });
    expect(m).toBeInstanceOf(tf.Sequential);
    expect(tf.keras.layers.dense).toBe(tf.layers.dense);
    // Keras's Model(inputs, outputs) is a functional model; subclassing keras.Model still works.
    const inp = tf.keras.Input({ shape: [2] });
    const out = tf.keras.layers.Dense({ units: 1, kernelInitializer: 'ones' }).apply(inp) as tf.SymbolicTensor;
    for (const fm of [new tf.Model({ inputs: inp, outputs: out }), tf.keras.Model({ inputs: inp, outputs: out })]) {
      expect(fm).toBeInstanceOf(tf.Functional);
      expect(fm.predict(tf.tensor([[1, 2]])).arraySync()).toEqual([[3]]);
    }
    class Sub extends tf.keras.Model {
      inner = tf.layers.dense({ units: 1 });
      override call(x: Tensor | Tensor[]) { return this.inner.apply(x as Tensor) as Tensor; }
    }
    const sub = new Sub();
    expect(sub).toBeInstanceOf(tf.Model);
    expect(sub.name).toBe('sub');
    expect(sub.predict(tf.zeros([2, 3])).shape).toEqual([2, 1]);
    expect(tf.keras.Input).toBe(tf.input);
  });
});

describe('errors before any work', () => {
  const x = tf.random.normal([8, 4], { seed: 2 });

  it('fit before compile', async () => {
    await expect(smallModel().fit(x, tf.zeros([8, 3]))).rejects.toThrow(/the model must be compiled first/);
  });

  it('unknown optimizer, loss and metric names list the known ones', () => {
    const m = smallModel();
    expect(() => m.compile({ optimizer: 'adamm', loss: 'mse' })).toThrow(/unknown optimizer "adamm"; expected one of SGD, Adam, AdamW, RMSprop/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'msee' })).toThrow(/unknown loss "msee"; expected one of meanSquaredError, meanAbsoluteError, categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, huber/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] })).toThrow(/unknown metric "acuracy"; expected one of accuracy, acc, binaryAccuracy/);
  });

  it('labels that do not fit the loss, and input of the wrong shape, fail before the first callback', async () => {
    const m = smallModel();
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    const calls: string[] = [];
    const cb = { onTrainBegin: () => { calls.push('begin'); } };
    await expect(m.fit(x, tf.tensor([0, 1, 2, 0, 1, 2, 0, 1], undefined, 'int32'), { callbacks: [cb], verbose: 0 })).rejects.toThrow(/labels of shape \[8\] and dtype int32 do not fit the loss 'categoricalCrossentropy' for model outputs of shape \[batch,3\]/);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(m.fit(x, tf.tensor([0, 1, 2, 0, 1, 2, 0, 3]), { callbacks: [cb], verbose: 0 })).rejects.toThrow(/class indices in \[0, 3\); y \(dtype float32\) has 3 at flat index 7/);
    await expect(m.fit(x, tf.tensor([0, 1, 2, 0, 1, 2, 0, 0.5]), { callbacks: [cb], verbose: 0 })).rejects.toThrow(/has 0.5 at flat index 7/);
    await expect(m.fit(tf.zeros([8, 5]), tf.zeros([8]), { callbacks: [cb], verbose: 0 })).rejects.toThrow(/input shape \[1,5\] does not fit the model's input shape \[null,4\] \(expected by its first layer 'hidden' \(Dense\)\)/);
    await expect(m.fit(x, tf.zeros([7]), { callbacks: [cb], verbose: 0 })).rejects.toThrow(/x has 8 examples .* but y has 7/);
    expect(calls).toEqual([]);
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });

  it('data that passed its check once is checked again after a recompile or with other tensors', async () => {
    // fit remembers the tensors it checked (per compile), so repeated fit(x, y) calls skip the
    // check's one-row forward; a new compile or new tensors must be checked afresh.
    const m = smallModel();
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const y = tf.tensor([0, 1, 2, 0, 1, 2, 0, 1]);
    await m.fit(x, y, { verbose: 0 });
    await m.fit(x, y, { verbose: 0 });
    m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(m.fit(x, y, { verbose: 0 })).rejects.toThrow(/labels of shape \[8\] and dtype float32 do not fit the loss 'categoricalCrossentropy'/);
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await m.fit(x, y, { verbose: 0 });
    await expect(m.fit(x, tf.tensor([0, 1, 2, 0, 1, 2, 0, 3]), { verbose: 0 })).rejects.toThrow(/has 3 at flat index 7/);
  });
});
