/**
 * Layers: known answers (derived in float64 by hand, the derivation beside each), Keras 3
 * names and weight paths, input checks, initializers' formulas, and gradient checks through
 * every layer (input gradients with test/support/gradcheck.ts, weight gradients by central
 * differences on the variables).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor, Variable } from '../src/index.js';
import { checkGradients, checkVariableGradients } from './support/gradcheck.js';
import { rng } from './support/random.js';

const f64 = (values: number[] | number[][] | number[][][] | number[][][][], shape?: number[]) => tf.tensor(values, shape, 'float64');
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
};

describe('names and weight paths (Keras 3)', () => {
  it('default names count per class name in snake_case; weights are layerName/weightName', () => {
    tf.keras.backend.clearSession();
    const d0 = tf.layers.dense({ units: 2 });
    const d1 = tf.layers.dense({ units: 2 });
    const bn = tf.layers.batchNormalization();
    const gap = tf.layers.globalAveragePooling2d();
    const ln = tf.layers.layerNormalization({ name: 'norm' });
    expect([d0.name, d1.name, bn.name, gap.name, ln.name]).toEqual(['dense', 'dense_1', 'batch_normalization', 'global_average_pooling2d', 'norm']);
    bn.apply(tf.zeros([2, 3]));
    expect(bn.weights.map((w) => w.path)).toEqual(['batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance']);
    expect(bn.trainableWeights.map((w) => w.path)).toEqual(['batch_normalization/gamma', 'batch_normalization/beta']);
    d0.apply(tf.zeros([1, 4]));
    expect(d0.weights.map((w) => w.name)).toEqual(['dense/kernel:0', 'dense/bias:0']);
    expect(d0.countParams()).toBe(4 * 2 + 2);
  });

  it('trainable = false moves every weight to nonTrainableWeights', () => {
    const d = tf.layers.dense({ units: 2, trainable: false });
    d.apply(tf.zeros([1, 3]));
    expect(d.trainableWeights).toEqual([]);
    expect(d.nonTrainableWeights.length).toBe(2);
  });
});

describe('Dense', () => {
  it('x·kernel + bias with set weights, then the activation', () => {
    // [1,2,3]·[[1,2],[3,4],[5,6]] = [22, 28]; + [0.5, −30] = [22.5, −2]; relu → [22.5, 0]
    const d = tf.layers.dense({ units: 2, activation: 'relu', dtype: 'float64' });
    d.apply(f64([[0, 0, 0]]));
    d.setWeights([f64([[1, 2], [3, 4], [5, 6]]), f64([0.5, -30])]);
    expect((d.apply(f64([[1, 2, 3]])) as Tensor).arraySync()).toEqual([[22.5, 0]]);
  });

  it('on rank-3 input applies to the last axis', () => {
    const d = tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones' });
    const y = d.apply(tf.tensor([[[1, 2], [3, 4], [5, 6]]])) as Tensor;
    expect(y.shape).toEqual([1, 3, 1]);
    expect(Array.from(y.dataSync())).toEqual([3, 7, 11]);
  });

  it('a float64 layer casts float32 input and computes in float64', () => {
    const d = tf.layers.dense({ units: 1, dtype: 'float64', kernelInitializer: 'ones' });
    const y = d.apply(tf.tensor([[0.1, 0.2]])) as Tensor;
    expect(y.dtype).toBe('float64');
    expect(d.weights[0].dtype).toBe('float64');
  });

  it('an input of the wrong width names the layer and both shapes', () => {
    const d = tf.layers.dense({ units: 2, name: 'probe' });
    d.apply(tf.zeros([3, 4]));
    expect(() => d.apply(tf.zeros([3, 5]))).toThrow(/layer 'probe' \(Dense\): input shape \[3,5\].*built for input shape \[null,4\]/);
  });
});

describe('BatchNormalization', () => {
  // Batch [[1, 10], [3, 30]]: per feature mean [2, 20], biased variance [1, 100].
  const x = f64([[1, 10], [3, 30]]);
  const mean = [2, 20], variance = [1, 100];

  it('moving statistics after N training steps: moving = moving·0.99 + batch·0.01, from (0, 1)', () => {
    const bn = tf.layers.batchNormalization({ dtype: 'float64' });
    const N = 5;
    for (let i = 0; i < N; i++) bn.apply(x, { training: true });
    // Closed form of N steps on the same batch: m_N = mean·(1 − 0.99^N), v_N = 0.99^N + variance·(1 − 0.99^N).
    const keep = 0.99 ** N;
    close(bn.movingMean!.dataSync(), mean.map((m) => m * (1 - keep)), 1e-12);
    close(bn.movingVariance!.dataSync(), variance.map((v) => keep + v * (1 - keep)), 1e-12);
  });

  it('training normalizes with the batch statistics; inference with the moving ones, and updates nothing', () => {
    const bn = tf.layers.batchNormalization({ dtype: 'float64', momentum: 0.5 });
    const yTrain = bn.apply(x, { training: true }) as Tensor;
    // (x − mean)/√(variance + 1e-3)
    close(yTrain.dataSync(), [[1, 10], [3, 30]].flat().map((v, i) => (v - mean[i % 2]) / Math.sqrt(variance[i % 2] + 1e-3)));
    // After one step with momentum 0.5: moving mean [1, 10], moving variance [1, 50.5].
    const mm = [1, 10], mv = [1, 50.5];
    close(bn.movingMean!.dataSync(), mm);
    close(bn.movingVariance!.dataSync(), mv);
    const yInfer = bn.apply(x) as Tensor;
    close(yInfer.dataSync(), [[1, 10], [3, 30]].flat().map((v, i) => (v - mm[i % 2]) / Math.sqrt(mv[i % 2] + 1e-3)));
    close(bn.movingMean!.dataSync(), mm);
  });

  it('gamma and beta scale and shift: x·inv + (beta − mean·inv), inv = gamma/√(var + eps)', () => {
    const bn = tf.layers.batchNormalization({ dtype: 'float64', epsilon: 0.5 });
    bn.apply(x);
    bn.setWeights([f64([2, 3]), f64([1, -1]), f64([0, 10]), f64([1.5, 3.5])]);
    const y = bn.apply(x) as Tensor;
    // feature 0: inv = 2/√2, y = x·inv + 1; feature 1: inv = 3/√4 = 1.5, y = (x − 10)·1.5 − 1
    close(y.dataSync(), [1 * Math.SQRT2 + 1, 0 * 1.5 - 1, 3 * Math.SQRT2 + 1, 20 * 1.5 - 1]);
  });

  it('a frozen layer (trainable = false) uses the moving statistics even when training', () => {
    const bn = tf.layers.batchNormalization({ dtype: 'float64' });
    bn.apply(x);
    bn.trainable = false;
    const y = bn.apply(x, { training: true }) as Tensor;
    close(y.dataSync(), [1, 10, 3, 30].map((v) => v / Math.sqrt(1 + 1e-3)));
    close(bn.movingMean!.dataSync(), [0, 0]);
  });
});

describe('LayerNormalization', () => {
  it('normalizes each example over the last axis (epsilon 1e-3)', () => {
    // [1,2,3,4]: mean 2.5, variance 1.25 → (x − 2.5)/√1.251; [2,2,2,2] → 0
    const ln = tf.layers.layerNormalization({ dtype: 'float64' });
    const y = ln.apply(f64([[1, 2, 3, 4], [2, 2, 2, 2]])) as Tensor;
    close(y.dataSync(), [...[1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25 + 1e-3)), 0, 0, 0, 0]);
    expect(ln.weights.map((w) => w.path)).toEqual([`${ln.name}/gamma`, `${ln.name}/beta`]);
  });
});

describe('Dropout', () => {
  it('while training zeroes about rate of the values and scales the rest by 1/(1 − rate); identity otherwise', () => {
    const layer = tf.layers.dropout({ rate: 0.25, seed: 3 });
    const x = tf.ones([10000]);
    expect(layer.apply(x)).toBe(x);
    expect(layer.apply(x, { training: false })).toBe(x);
    const y = Array.from((layer.apply(x, { training: true }) as Tensor).dataSync());
    expect(new Set(y)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    const dropped = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.02);
  });

  it('a seed fixes the sequence of masks; successive calls draw new masks', () => {
    const a = tf.layers.dropout({ rate: 0.5, seed: 11 });
    const b = tf.layers.dropout({ rate: 0.5, seed: 11 });
    const x = tf.ones([64]);
    const a1 = (a.apply(x, { training: true }) as Tensor).dataSync(), a2 = (a.apply(x, { training: true }) as Tensor).dataSync();
    const b1 = (b.apply(x, { training: true }) as Tensor).dataSync(), b2 = (b.apply(x, { training: true }) as Tensor).dataSync();
    expect(Array.from(a1)).toEqual(Array.from(b1));
    expect(Array.from(a2)).toEqual(Array.from(b2));
    expect(Array.from(a1)).not.toEqual(Array.from(a2));
  });
});

describe('Embedding, Flatten, Reshape, Concatenate, Add, global pooling', () => {
  it('Embedding gathers rows by index and rejects indices out of range', () => {
    const e = tf.layers.embedding({ inputDim: 3, outputDim: 2 });
    e.apply(tf.tensor([[0]], undefined, 'int32'));
    e.setWeights([tf.tensor([[1, 2], [3, 4], [5, 6]])]);
    expect((e.apply(tf.tensor([[2, 0], [1, 1]], undefined, 'int32')) as Tensor).arraySync()).toEqual([[[5, 6], [1, 2]], [[3, 4], [3, 4]]]);
    expect(() => e.apply(tf.tensor([[3]], undefined, 'int32'))).toThrow(/Embedding\): index 3 is not in \[0, 3\)/);
    expect(e.weights[0].path).toBe(`${e.name}/embeddings`);
  });

  it('Flatten, Reshape, Concatenate, Add and global pooling compute what they say', () => {
    const x = tf.tensor([[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]); // [1, 2, 2, 2] NHWC
    expect((tf.layers.flatten().apply(x) as Tensor).shape).toEqual([1, 8]);
    expect((tf.layers.reshape({ targetShape: [4, -1] }).apply(x) as Tensor).shape).toEqual([1, 4, 2]);
    expect((tf.layers.globalAveragePooling2d().apply(x) as Tensor).arraySync()).toEqual([[4, 5]]);
    expect((tf.layers.globalMaxPooling2d().apply(x) as Tensor).arraySync()).toEqual([[7, 8]]);
    const a = tf.tensor([[1, 2]]), b = tf.tensor([[10, 20]]);
    expect((tf.layers.concatenate().apply([a, b]) as Tensor).arraySync()).toEqual([[1, 2, 10, 20]]);
    expect((tf.layers.add().apply([a, b]) as Tensor).arraySync()).toEqual([[11, 22]]);
  });
});

describe('initializers (Keras 3 formulas)', () => {
  const stats = (t: Tensor) => {
    const v = Array.from(t.dataSync());
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return { mean: m, std: Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length), max: Math.max(...v.map(Math.abs)) };
  };

  it('glorotUniform draws from ±√(6/(fanIn + fanOut)); heNormal has stddev √(2/fanIn) after truncation', () => {
    const g = tf.initializers.glorotUniform({ seed: 1 }).call([200, 300]);
    const limit = Math.sqrt(6 / 500);
    expect(stats(g).max).toBeLessThanOrEqual(limit);
    expect(Math.abs(stats(g).std - limit / Math.sqrt(3)) / (limit / Math.sqrt(3))).toBeLessThan(0.01);
    // Truncated at 2 stddev of a normal with stddev √(2/fanIn)/0.8796…, so the draws' stddev is √(2/fanIn).
    const h = tf.initializers.heNormal({ seed: 2 }).call([400, 200]);
    expect(Math.abs(stats(h).std - Math.sqrt(2 / 400)) / Math.sqrt(2 / 400)).toBeLessThan(0.01);
    expect(stats(h).max).toBeLessThanOrEqual(2 * Math.sqrt(2 / 400) / 0.87962566103423978 + 1e-7);
    // A conv kernel's fans include the receptive field: [3, 3, 8, 16] → fanIn 72.
    const c = tf.initializers.lecunNormal({ seed: 3 }).call([3, 3, 8, 16]);
    expect(Math.abs(stats(c).std - Math.sqrt(1 / 72)) / Math.sqrt(1 / 72)).toBeLessThan(0.05);
  });

  it('a seeded initializer gives the same values on every call; names resolve in any case', () => {
    const init = tf.initializers.randomNormal({ seed: 5, stddev: 2 });
    expect(Array.from(init.call([10]).dataSync())).toEqual(Array.from(init.call([10]).dataSync()));
    const d = tf.layers.dense({ units: 3, kernelInitializer: 'he_normal', biasInitializer: 'ones' });
    d.apply(tf.zeros([1, 2]));
    expect(Array.from(d.weights[1].dataSync())).toEqual([1, 1, 1]);
    expect(() => tf.layers.dense({ units: 3, kernelInitializer: 'heNormals' }).apply(tf.zeros([1, 2]))).toThrow(/unknown initializer "heNormals"; expected one of .*heNormal/);
  });

  it('orthogonal gives orthonormal columns (QᵀQ = I) scaled by gain', () => {
    const q = tf.initializers.orthogonal({ seed: 4, gain: 2 }).call([6, 4], 'float64');
    const qtq = tf.matmul(q, q, { transposeA: true }).dataSync();
    close(qtq, Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 4 : 0)), 1e-12);
    const wide = tf.initializers.orthogonal({ seed: 4 }).call([3, 5], 'float64');
    close(tf.matmul(wide, wide, { transposeB: true }).dataSync(), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-12);
  });
});

describe('regularizers', () => {
  it('l1, l2 and l1l2 penalties (0.01 by default) join layer.losses', () => {
    const w = tf.tensor([1, -2, 3], undefined, 'float64');
    expect(tf.regularizers.l1().apply(w).item()).toBeCloseTo(0.06, 12);
    expect(tf.regularizers.l2({ l2: 0.5 }).apply(w).item()).toBeCloseTo(7, 12);
    expect(tf.regularizers.l1l2({ l1: 1, l2: 1 }).apply(w).item()).toBeCloseTo(20, 12);
    const d = tf.layers.dense({ units: 1, kernelInitializer: 'ones', kernelRegularizer: tf.regularizers.l2({ l2: 0.1 }), biasRegularizer: 'l1' });
    d.apply(tf.zeros([1, 3]));
    expect(d.losses.map((l) => l.item())).toEqual([Math.fround(0.3), 0]);
  });
});

/** Central-difference check of dL/dw for every trainable weight of `layer`, L = Σ r·layer(x). */
function checkWeightGradients(layer: tf.layers.Layer, x: Tensor | Tensor[], training: boolean, rand: () => number): string[] {
  const out = () => layer.apply(x, { training }) as Tensor;
  const y0 = out();
  const r = tf.tensor(Array.from({ length: y0.size }, () => 2 * rand() - 1), y0.shape, 'float64');
  return checkVariableGradients(() => tf.sum(tf.mul(out(), r)), layer.trainableWeights);
}

describe('gradients through every layer (float64)', () => {
  const rand = rng(7);
  const x = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1), shape, 'float64');
  const opts = { dtype: 'float64' as const };
  const cases: [string, () => tf.layers.Layer, number[], boolean][] = [
    ['Dense (tanh)', () => tf.layers.dense({ units: 3, activation: 'tanh', biasInitializer: 'randomNormal', ...opts }), [4, 5], true],
    ['Dense on rank 3 (gelu)', () => tf.layers.dense({ units: 2, activation: 'gelu', ...opts }), [2, 3, 4], true],
    ['Activation (softmax)', () => tf.layers.activation({ activation: 'softmax', ...opts }), [3, 4], true],
    ['Dropout (seeded, training)', () => tf.layers.dropout({ rate: 0.3, seed: 9, ...opts }), [4, 6], true],
    ['Flatten', () => tf.layers.flatten(opts), [2, 3, 2], true],
    ['Reshape', () => tf.layers.reshape({ targetShape: [6], ...opts }), [2, 3, 2], true],
    ['BatchNormalization (training)', () => tf.layers.batchNormalization({ gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal', ...opts }), [5, 3], true],
    ['BatchNormalization (inference)', () => tf.layers.batchNormalization(opts), [5, 3], false],
    ['LayerNormalization', () => tf.layers.layerNormalization({ gammaInitializer: 'randomNormal', ...opts }), [3, 5], true],
    ['GlobalAveragePooling2D', () => tf.layers.globalAveragePooling2d(opts), [2, 3, 3, 2], true],
    ['GlobalMaxPooling2D', () => tf.layers.globalMaxPooling2d(opts), [2, 3, 3, 2], true],
    ['Conv2D (tanh, valid)', () => tf.layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh', biasInitializer: 'randomNormal', ...opts }), [2, 4, 3, 3], true],
    ['Conv2D (strides 2, same, dilation off)', () => tf.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', ...opts }), [1, 5, 5, 2], true],
    ['Conv2D (dilation 2)', () => tf.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, ...opts }), [1, 5, 5, 1], true],
    ['Conv1D (same)', () => tf.layers.conv1d({ filters: 2, kernelSize: 3, padding: 'same', ...opts }), [2, 6, 3], true],
    ['MaxPooling2D', () => tf.layers.maxPooling2d(opts), [2, 4, 4, 2], true],
    ['AveragePooling2D (3x3 / 2, same)', () => tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', ...opts }), [1, 5, 5, 2], true],
  ];
  for (const [name, make, shape, training] of cases) {
    it(name, () => {
      const input = x(shape);
      // Dropout draws a new mask per call: a fresh layer with the same seed per evaluation.
      const fresh = name.startsWith('Dropout');
      const layer = make();
      expect(checkGradients((t) => (fresh ? make() : layer).apply(t, { training }) as Tensor, [input], { wrt: [0], rand })).toEqual([]);
      if (!fresh) expect(checkWeightGradients(layer, input, training, rand)).toEqual([]);
    });
  }

  it('Embedding (weights), Concatenate and Add (both inputs)', () => {
    const e = tf.layers.embedding({ inputDim: 4, outputDim: 3, ...opts });
    expect(checkWeightGradients(e, tf.tensor([[0, 3], [3, 1]], undefined, 'int32'), true, rand)).toEqual([]);
    for (const merge of [tf.layers.concatenate(opts), tf.layers.add(opts)]) {
      expect(checkGradients((a, b) => merge.apply([a, b]) as Tensor, [x([2, 3]), x([2, 3])], { wrt: [0, 1], rand })).toEqual([]);
    }
  });
});

describe('custom layers', () => {
  it('extend tf.layers.Layer with build, call and addWeight', () => {
    class Scale extends tf.layers.Layer {
      scale: Variable | null = null;
      override build(inputShape: tf.layers.Shape) {
        this.scale = this.addWeight('scale', [inputShape[inputShape.length - 1] as number], { initializer: tf.initializers.constant({ value: 2 }) });
      }
      override call(inputs: Tensor | Tensor[]) {
        return tf.mul(inputs as Tensor, this.scale!);
      }
    }
    const layer = new Scale();
    expect(layer.name).toBe('scale');
    expect((layer.apply(tf.tensor([[1, 2]])) as Tensor).arraySync()).toEqual([[2, 4]]);
    expect(layer.weights.map((w) => w.path)).toEqual(['scale/scale']);
    const inp = tf.input({ shape: [2] });
    const out = layer.apply(inp) as tf.SymbolicTensor;
    expect(out.shape).toEqual([null, 2]);
  });
});

describe('convolution and pooling layers', () => {
  // Known answers derived here: Conv2D is Σ over the window and the input channels of
  // x[b, i·s + di·d, j·s + dj·d, c] · kernel[di, dj, c, f] + bias[f] (TF's 'valid' and 'same').
  function convReference(x: number[][][][], k: number[][][][], bias: number[], stride: number, pad: [number, number]): number[][][][] {
    const [kh, kw] = [k.length, k[0].length];
    const [h, w] = [x[0].length, x[0][0].length];
    const same = pad[0] > 0 || pad[1] > 0;
    const oh = same ? Math.ceil(h / stride) : Math.floor((h - kh) / stride) + 1, ow = same ? Math.ceil(w / stride) : Math.floor((w - kw) / stride) + 1;
    return x.map((img) => Array.from({ length: oh }, (_, i) => Array.from({ length: ow }, (_, j) => bias.map((b, f) => {
      let acc = b;
      for (let di = 0; di < kh; di++) for (let dj = 0; dj < kw; dj++) {
        const r = i * stride + di - pad[0], c = j * stride + dj - pad[1];
        if (r < 0 || c < 0 || r >= h || c >= w) continue;
        img[r][c].forEach((v, ch) => { acc += v * k[di][dj][ch][f]; });
      }
      return acc;
    }))));
  }

  it('Conv2D with set weights matches the direct sum, valid and same', () => {
    const x = tf.random.uniform([2, 5, 4, 3], { seed: 3, dtype: 'float64' });
    // 'same' at stride 2 on 5x4 with a 3x3 window: TF pads 2 rows (1 before) and 1 column (0 before)
    for (const [padding, pad, stride] of [['valid', [0, 0], 1], ['same', [1, 0], 2]] as const) {
      const layer = tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: stride, padding, dtype: 'float64' });
      layer.apply(x);
      const kernel = tf.random.normal([3, 3, 3, 2], { seed: 4, dtype: 'float64' });
      const bias = tf.tensor([0.5, -0.25], undefined, 'float64');
      layer.setWeights([kernel, bias]);
      const got = (layer.apply(x) as Tensor).arraySync() as number[][][][];
      const want = convReference(x.arraySync() as number[][][][], kernel.arraySync() as number[][][][], [0.5, -0.25], stride, pad as [number, number]);
      expect(got.length).toBe(want.length);
      got.flat(3).forEach((v, i) => expect(v).toBeCloseTo(want.flat(3)[i], 12));
    }
  });

  it('Keras names, weight paths, shapes and parameter counts', () => {
    tf.layers.clearSession();
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
    ] });
    expect(m.layers.map((l) => l.name)).toEqual(['conv2d', 'max_pooling2d', 'flatten']);
    expect(m.weights.map((w) => [w.path, w.shape])).toEqual([['conv2d/kernel', [3, 3, 1, 32]], ['conv2d/bias', [32]]]);
    expect(m.countParams()).toBe(3 * 3 * 1 * 32 + 32); // 320, as Keras's summary for Conv2D(32, 3) on one channel
    expect((m.predict(tf.zeros([2, 28, 28, 1])) as Tensor).shape).toEqual([2, 13 * 13 * 32]);
    const c1 = tf.layers.conv1d({ filters: 4, kernelSize: 5 });
    expect((c1.apply(tf.zeros([2, 10, 3])) as Tensor).shape).toEqual([2, 6, 4]);
    expect(c1.weights[0].shape).toEqual([5, 3, 4]);
  });

  it('pooling known answers: max and average over 2x2 windows of 0..15', () => {
    const x = tf.reshape(tf.range(0, 16), [1, 4, 4, 1]);
    expect((tf.layers.maxPooling2d().apply(x) as Tensor).reshape([4]).arraySync()).toEqual([5, 7, 13, 15]);
    expect((tf.layers.averagePooling2d().apply(x) as Tensor).reshape([4]).arraySync()).toEqual([2.5, 4.5, 10.5, 12.5]);
    // 'same' 3x3 / 1 at the corner averages the 4 real elements only (TF's rule)
    const same = tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(x) as Tensor;
    expect(same.dataSync()[0]).toBeCloseTo((0 + 1 + 4 + 5) / 4, 6);
  });

  it('errors name the layer and the shapes', () => {
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3 });
    expect(() => conv.apply(tf.zeros([2, 5, 5]))).toThrow(/conv2d.*rank/);
    expect(() => tf.layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow(/filters must be a positive integer, got 0/);
    expect(() => tf.layers.maxPooling2d({ padding: 'full' as never })).toThrow(/padding must be 'valid' or 'same', got "full"/);
    conv.apply(tf.zeros([1, 5, 5, 3]));
    expect(() => conv.apply(tf.zeros([1, 5, 5, 4]))).toThrow(/conv2d.*\[1,5,5,4\]|4.*3/);
  });
});
