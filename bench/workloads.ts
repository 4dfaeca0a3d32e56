/**
 * The workloads, each written twice with the same math: once against tapeflow (timed on its
 * native and its TS backend) and once against TensorFlow.js (timed on its cpu and wasm
 * backends). TF.js has no GradientTape: training steps use `optimizer.minimize`, and every
 * TF.js call runs in `tf.tidy` (or disposes its result) so nothing leaks between calls; the
 * runner (bench/run.ts) calls each synchronous tapeflow workload in `tf.tidy` the same way.
 * Workloads are data: add one to `WORKLOADS`.
 */
import * as tf from 'tapeflow';
import type { TF } from './tfjs.js';

export type Engine = 'native' | 'ts' | 'cpu' | 'wasm';
export const ENGINES: Engine[] = ['native', 'ts', 'cpu', 'wasm'];

/** Which measured machine limit a workload's throughput is compared with. */
export type Limit = 'triad' | 'sum' | 'peak';

export interface Workload {
  name: string;
  /** Work per call, for throughput: bytes moved (GB/s) or floating-point operations (GFLOP/s). */
  units?: { count: number; unit: 'GB/s' | 'GFLOP/s' };
  limit?: Limit;
  /** Builds the state once (for the current backend) and returns the function to time. */
  tapeflow: () => () => unknown;
  tfjs: (t: TF) => () => unknown;
  /** Engines not timed, with the reason (printed as "skip"). */
  skip?: Partial<Record<Engine, string>>;
  /** The timed function returns a promise, awaited before the next call (`fit`). */
  async?: boolean;
  /** The same math for PyTorch's CPU backend (bench/pytorch_peer.py), when `python3 -c 'import torch'` works. */
  torch?: TorchJob;
}

/**
 * A job for bench/pytorch_peer.py: a conv2d pass or a 2x2/2 max pool on NCHW tensors of these
 * NHWC shapes, an LSTM layer's forward + backward on x [batch, time, features] with `units`, or
 * a matmul of x by `b` (each stored as given, transposed first when `transpose` says so).
 */
export interface TorchJob {
  kind: 'conv2d' | 'conv2dGrad' | 'maxPool' | 'lstm' | 'matmul';
  x: number[];
  filter?: number[];
  units?: number;
  b?: number[];
  transpose?: [boolean, boolean];
}

const rnd = (shape: number[], seed: number) => tf.random.uniform(shape, { minval: -1, maxval: 1, seed });
const trnd = (t: TF, shape: number[], seed: number) => t.randomUniform(shape, -1, 1, 'float32', seed);

function elementwise(n: number): Workload {
  return {
    name: `a*b+c ${n.toExponential(0)}`,
    units: { count: n * 16, unit: 'GB/s' }, // 3 reads + 1 write of float32
    limit: n >= 1e7 ? 'triad' : undefined,
    tapeflow: () => {
      const a = rnd([n], 1), b = rnd([n], 2), c = rnd([n], 3);
      return () => a.mul(b).add(c);
    },
    tfjs: (t) => {
      const a = trnd(t, [n], 1), b = trnd(t, [n], 2), c = trnd(t, [n], 3);
      return () => t.tidy(() => t.add(t.mul(a, b), c));
    },
  };
}

/**
 * One unary op over 1e6 float32 (its time in ms per call is its ns per element). TF.js has no
 * gelu op: its row composes TF.js's erf as a TF.js user would (0.5·x·(1 + erf(x/√2))).
 */
function unary(name: 'exp' | 'tanh' | 'sin' | 'erf' | 'gelu'): Workload {
  return {
    name: `${name} 1e6`,
    units: { count: 8e6, unit: 'GB/s' },
    tapeflow: () => {
      const a = rnd([1e6], 4).mul(3);
      return () => tf[name](a);
    },
    tfjs: (t) => {
      const a = t.mul(trnd(t, [1e6], 4), 3);
      if (name === 'gelu') return () => t.tidy(() => t.mul(t.mul(a, 0.5), t.add(1, t.erf(t.mul(a, Math.SQRT1_2)))));
      const f = t[name];
      return () => f(a).dispose();
    },
  };
}

function sum(n: number): Workload {
  return {
    name: `sum ${n.toExponential(0)}`,
    units: { count: 4 * n, unit: 'GB/s' },
    limit: n >= 1e7 ? 'sum' : undefined,
    tapeflow: () => {
      const a = rnd([n], 5);
      return () => a.sum();
    },
    tfjs: (t) => {
      const a = trnd(t, [n], 5);
      return () => t.sum(a).dispose();
    },
  };
}

function matmul(n: number): Workload {
  return {
    name: `matmul ${n}²`,
    units: { count: 2 * n * n * n, unit: 'GFLOP/s' },
    limit: 'peak',
    tapeflow: () => {
      const a = rnd([n, n], 1), b = rnd([n, n], 2);
      return () => tf.matmul(a, b);
    },
    tfjs: (t) => {
      const a = trnd(t, [n, n], 1), b = trnd(t, [n, n], 2);
      return () => t.matMul(a, b).dispose();
    },
    skip: n >= 2048 ? { ts: 'too slow', cpu: '~20 s per call' } : undefined,
    torch: { kind: 'matmul', x: [n, n], b: [n, n], transpose: [false, false] },
  };
}

/** Non-square and transposed products: [m, k] · [k, n] with the given transposes. */
function matmulShape(name: string, m: number, k: number, n: number, transposeA = false, transposeB = false): Workload {
  const aShape = transposeA ? [k, m] : [m, k], bShape = transposeB ? [n, k] : [k, n];
  return {
    name: `matmul ${name}`,
    units: { count: 2 * m * n * k, unit: 'GFLOP/s' },
    limit: 'peak',
    tapeflow: () => {
      const a = rnd(aShape, 1), b = rnd(bShape, 2);
      return () => tf.matmul(a, b, { transposeA, transposeB });
    },
    tfjs: (t) => {
      const a = trnd(t, aShape, 1), b = trnd(t, bShape, 2);
      return () => t.matMul(a, b, transposeA, transposeB).dispose();
    },
    skip: m * n * k >= 2 ** 30 ? { ts: 'too slow', cpu: 'too slow' } : undefined,
    torch: { kind: 'matmul', x: aShape, b: bShape, transpose: [transposeA, transposeB] },
  };
}

/** cumsum along the last axis of [1000, 1000] (reads and writes 4 bytes an element). */
function cumsum(): Workload {
  return {
    name: 'cumsum [1000,1000] axis=1',
    units: { count: 8e6, unit: 'GB/s' },
    tapeflow: () => {
      const a = rnd([1000, 1000], 6);
      return () => tf.cumsum(a, 1);
    },
    tfjs: (t) => {
      const a = trnd(t, [1000, 1000], 6);
      return () => t.cumsum(a, 1).dispose();
    },
  };
}

/** The 10 largest of each row of [1000, 1000] (values and indices). */
function topK(): Workload {
  return {
    name: 'topK k=10 [1000,1000]',
    units: { count: 4e6, unit: 'GB/s' },
    tapeflow: () => {
      const a = rnd([1000, 1000], 7);
      return () => tf.topK(a, 10);
    },
    tfjs: (t) => {
      const a = trnd(t, [1000, 1000], 7);
      return () => {
        const r = t.topk(a, 10);
        r.values.dispose();
        r.indices.dispose();
      };
    },
  };
}

/**
 * 'bij,bjk->bik' at the MLP's first-layer shapes (batch 128, 784 → 256), four of them, as
 * einsum and as the matmul it lowers to: the two rows should be within 1.2x of each other.
 */
function batchedLayer(form: 'einsum' | 'matmul'): Workload {
  const [b, m, k, n] = [4, 128, 784, 256];
  return {
    name: `${form} 'bij,bjk->bik' ${b}×${m}×${k}·${k}×${n}`,
    units: { count: 2 * b * m * n * k, unit: 'GFLOP/s' },
    limit: 'peak',
    tapeflow: () => {
      const x = rnd([b, m, k], 8), w = rnd([b, k, n], 9);
      return form === 'einsum' ? () => tf.einsum('bij,bjk->bik', x, w) : () => tf.matmul(x, w);
    },
    tfjs: (t) => {
      const x = trnd(t, [b, m, k], 8), w = trnd(t, [b, k, n], 9);
      return form === 'einsum' ? () => t.einsum('bij,bjk->bik', x, w).dispose() : () => t.matMul(x, w).dispose();
    },
    // TF.js 4.22: the cpu Einsum kernel took ~23 s per call here; wasm registers no Einsum kernel.
    skip: form === 'einsum' ? { cpu: '~23 s per call', wasm: 'no Einsum kernel in tfjs-backend-wasm' } : undefined,
  };
}

// MLP 784-256-256-10, batch 128: forward 2·128·(784·256 + 256·256 + 256·10) FLOPs; backward twice
// that, minus the gradient with respect to the input batch (not needed).
const MLP_FORWARD = 2 * 128 * (784 * 256 + 256 * 256 + 256 * 10);
const MLP_FLOPS = 3 * MLP_FORWARD - 2 * 128 * 784 * 256;

/** The MLP's parameters and loss on one batch, for the three MLP workloads. */
function tapeflowMlp() {
  const x = rnd([128, 784], 1);
  const labels = tf.tensor(Int32Array.from({ length: 128 }, (_, i) => i % 10));
  const layer = (i: number, o: number, s: number) => [
    tf.variable(tf.random.normal([i, o], { stddev: Math.sqrt(2 / i), seed: s })),
    tf.variable(tf.zeros([o])),
  ];
  const params = [...layer(784, 256, 1), ...layer(256, 256, 2), ...layer(256, 10, 3)] as tf.Variable[];
  const [w1, b1, w2, b2, w3, b3] = params;
  const loss = () => {
    const h1 = tf.relu(x.matmul(w1).add(b1));
    const h2 = tf.relu(h1.matmul(w2).add(b2));
    return tf.losses.sparseCategoricalCrossentropy(labels, h2.matmul(w3).add(b3), { fromLogits: true });
  };
  return { params, loss };
}

/** One training step of the MLP with Adam (exported for bench/memory.ts). */
export function tapeflowMlpStep(): () => unknown {
  const { params, loss } = tapeflowMlp();
  const opt = new tf.optimizers.Adam({ learningRate: 1e-3 });
  return () => opt.minimize(loss, params);
}

/** The parts of a step: the forward pass alone, and forward plus gradients (no update). */
function mlpParts(): Workload[] {
  return [
    {
      name: 'MLP forward (loss only)',
      units: { count: MLP_FORWARD, unit: 'GFLOP/s' },
      tapeflow: () => tapeflowMlp().loss,
      tfjs: (t) => {
        const { loss } = tfjsMlp(t);
        return () => t.tidy(loss);
      },
    },
    {
      name: 'MLP forward + gradients',
      units: { count: MLP_FLOPS, unit: 'GFLOP/s' },
      tapeflow: () => {
        const { params, loss } = tapeflowMlp();
        return () => {
          const tape = new tf.GradientTape();
          return tape.gradient(tape.record(loss), params);
        };
      },
      tfjs: (t) => {
        const { params, loss } = tfjsMlp(t);
        return () => t.tidy(() => { t.variableGrads(loss, params); });
      },
    },
  ];
}

function tfjsMlp(t: TF) {
  const x = trnd(t, [128, 784], 1);
  const labels = t.oneHot(t.tensor1d(Int32Array.from({ length: 128 }, (_, i) => i % 10), 'int32'), 10);
  const layer = (i: number, o: number, s: number) => [
    t.variable(t.randomNormal([i, o], 0, Math.sqrt(2 / i), 'float32', s)),
    t.variable(t.zeros([o])),
  ];
  const params = [...layer(784, 256, 1), ...layer(256, 256, 2), ...layer(256, 10, 3)];
  const [w1, b1, w2, b2, w3, b3] = params;
  const loss = () => {
    const h1 = t.relu(t.add(t.matMul(x, w1), b1));
    const h2 = t.relu(t.add(t.matMul(h1, w2), b2));
    return t.losses.softmaxCrossEntropy(labels, t.add(t.matMul(h2, w3), b3)) as ReturnType<TF['scalar']>;
  };
  return { params, loss };
}

function mlp(): Workload {
  return {
    name: 'MLP step 784-256-256-10 b128',
    units: { count: MLP_FLOPS, unit: 'GFLOP/s' },
    limit: 'peak',
    tapeflow: tapeflowMlpStep,
    tfjs: (t) => {
      const { params, loss } = tfjsMlp(t);
      const opt = t.train.adam(1e-3);
      return () => t.tidy(() => { opt.minimize(loss, false, params); });
    },
  };
}

export const FIT_EPOCH = 'MLP epoch via model.fit (10 batches of 128)';
export const HAND_EPOCH = 'MLP epoch by hand (GradientTape, same steps)';

/**
 * fit's overhead: one epoch (10 batches of 128, in order) of the 784-256-256-10 MLP with Adam
 * and softmax cross-entropy, through `model.fit` and as the same steps written by hand. Both
 * use the same Sequential model; the hand loop slices the batches, runs the tape and
 * `applyGradients`, as test/fit.test.ts shows they agree bit for bit. Only tapeflow native runs
 * them (the ratio is the point; TF.js has its own fit, in tfjs-layers, not installed here).
 */
function fitEpoch(viaFit: boolean): Workload {
  return {
    name: viaFit ? FIT_EPOCH : HAND_EPOCH,
    units: { count: 10 * MLP_FLOPS, unit: 'GFLOP/s' },
    limit: 'peak',
    async: true,
    skip: { ts: 'about 0.5 s per epoch; the ratio is measured on native', cpu: 'tapeflow-only row', wasm: 'tapeflow-only row' },
    tapeflow: () => {
      const n = 1280;
      const x = rnd([n, 784], 1);
      const labels = tf.tensor(Int32Array.from({ length: n }, (_, i) => i % 10), [n], 'int32');
      const model = tf.sequential({ layers: [
        tf.layers.dense({ units: 256, activation: 'relu', inputShape: [784], kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
        tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
        tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }),
      ] });
      const loss = (y: tf.Tensor, logits: tf.Tensor) => tf.losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true });
      const optimizer = new tf.optimizers.Adam({ learningRate: 1e-3 });
      if (viaFit) {
        model.compile({ optimizer, loss });
        return () => model.fit(x, labels, { epochs: 1, batchSize: 128, shuffle: false, verbose: 0 });
      }
      return async () => {
        for (let start = 0; start < n; start += 128) {
          const xb = tf.slice(x, [start, 0], [128, 784]);
          const yb = tf.slice(labels, [start], [128]);
          const vars = model.trainableWeights;
          const tape = new tf.GradientTape();
          const l = tape.record(() => loss(yb, model.apply(xb, { training: true }) as tf.Tensor));
          optimizer.applyGradients(tf.zip(tape.gradient(l, vars) as tf.Tensor[], vars));
        }
      };
    },
    tfjs: () => () => undefined,
  };
}


/**
 * conv2d 3x3 'same' stride 1 on [n, h, w, ci] → co. FLOPs per pass 2·N·Ho·Wo·Co·fh·fw·Ci; the
 * gradient rows run forward, input gradient and filter gradient (three passes) from a fixed dy.
 * TF.js wasm (XNNPACK) has no Conv2DBackpropFilter kernel of its own; its gradient rows run the
 * one bench/tfjs.ts composes from its XNNPACK convolution and transposes.
 */
function conv(xShape: number[], co: number, grads: boolean): Workload {
  const [n, h, w, ci] = xShape;
  const fShape = [3, 3, ci, co];
  const flops = 2 * n * h * w * co * 9 * ci;
  return {
    name: `conv2d ${grads ? 'fwd+grads' : 'forward'} [${xShape.join(',')}]→${co}`,
    units: { count: grads ? 3 * flops : flops, unit: 'GFLOP/s' },
    limit: 'peak',
    tapeflow: () => {
      const x = rnd(xShape, 1), f = rnd(fShape, 2).mul(0.2), dy = rnd([n, h, w, co], 3);
      if (!grads) return () => tf.conv2d(x, f, 1, 'same');
      return () => {
        const tape = new tf.GradientTape();
        const y = tape.record(() => {
          tape.watch([x, f]);
          return tf.conv2d(x, f, 1, 'same');
        });
        return tape.gradient(y, [x, f], { outputGradients: dy });
      };
    },
    tfjs: (t) => {
      const x = trnd(t, xShape, 1) as ReturnType<TF['tensor4d']>, f = t.mul(trnd(t, fShape, 2), 0.2) as ReturnType<TF['tensor4d']>;
      if (!grads) return () => t.conv2d(x, f, 1, 'same').dispose();
      const dy = trnd(t, [n, h, w, co], 3) as ReturnType<TF['tensor4d']>;
      const g = t.grads((a, b) => t.conv2d(a as typeof x, b as typeof f, 1, 'same'));
      return () => t.tidy(() => { g([x, f], dy); });
    },
    skip: {
      // Measured once here (BENCH_QUICK): TF.js cpu took 30.6 s per call at [32,14,14,32]→64; the
      // [8,56,56,64] row has 8x the work.
      ...(grads && flops >= 2e8 ? { cpu: 'over 30 s per call' } : {}),
      ...(grads && flops >= 1e9 ? { ts: 'several seconds per call' } : {}),
    },
    torch: { kind: grads ? 'conv2dGrad' : 'conv2d', x: xShape, filter: fShape },
  };
}

/** maxPool 2x2 stride 2 'valid': reads x once and writes a quarter of it (bytes of float32). */
function maxPool(xShape: number[]): Workload {
  const [n, h, w, c] = xShape;
  const size = n * h * w * c;
  return {
    name: `maxPool 2x2/2 [${xShape.join(',')}]`,
    units: { count: 4 * (size + size / 4), unit: 'GB/s' },
    limit: 'triad',
    tapeflow: () => {
      const x = rnd(xShape, 4);
      return () => tf.maxPool(x, 2, 2, 'valid');
    },
    tfjs: (t) => {
      const x = trnd(t, xShape, 4) as ReturnType<TF['tensor4d']>;
      return () => t.maxPool(x, 2, 2, 'valid').dispose();
    },
    torch: { kind: 'maxPool', x: xShape },
  };
}

// LeNet-style: [64,28,28,1] → conv 32 3x3 'valid' → relu → maxPool 2 → conv 64 3x3 → relu →
// maxPool 2 → dense 1600→128 → relu → dense 128→10, sparse softmax cross-entropy, Adam.
function tapeflowLenet() {
  const x = rnd([64, 28, 28, 1], 11);
  const labels = tf.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10));
  const he = (shape: number[], fanIn: number, seed: number) => tf.variable(tf.random.normal(shape, { stddev: Math.sqrt(2 / fanIn), seed }));
  const params = [he([3, 3, 1, 32], 9, 1), tf.variable(tf.zeros([32])), he([3, 3, 32, 64], 288, 2), tf.variable(tf.zeros([64])),
    he([1600, 128], 1600, 3), tf.variable(tf.zeros([128])), he([128, 10], 128, 4), tf.variable(tf.zeros([10]))] as tf.Variable[];
  const [c1, b1, c2, b2, d1, e1, d2, e2] = params;
  const loss = () => {
    const h1 = tf.maxPool(tf.relu(tf.conv2d(x, c1, 1, 'valid').add(b1)), 2, 2, 'valid');
    const h2 = tf.maxPool(tf.relu(tf.conv2d(h1, c2, 1, 'valid').add(b2)), 2, 2, 'valid');
    const h3 = tf.relu(h2.reshape([64, 1600]).matmul(d1).add(e1));
    return tf.losses.sparseCategoricalCrossentropy(labels, h3.matmul(d2).add(e2), { fromLogits: true });
  };
  return { params, loss };
}

function tfjsLenet(t: TF) {
  const x = trnd(t, [64, 28, 28, 1], 11) as ReturnType<TF['tensor4d']>;
  const labels = t.oneHot(t.tensor1d(Int32Array.from({ length: 64 }, (_, i) => i % 10), 'int32'), 10);
  const he = (shape: number[], fanIn: number, seed: number) => t.variable(t.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed));
  const params = [he([3, 3, 1, 32], 9, 1), t.variable(t.zeros([32])), he([3, 3, 32, 64], 288, 2), t.variable(t.zeros([64])),
    he([1600, 128], 1600, 3), t.variable(t.zeros([128])), he([128, 10], 128, 4), t.variable(t.zeros([10]))];
  const [c1, b1, c2, b2, d1, e1, d2, e2] = params;
  type T4 = ReturnType<TF['tensor4d']>;
  const loss = () => {
    const h1 = t.maxPool(t.relu(t.add(t.conv2d(x, c1 as unknown as T4, 1, 'valid'), b1)) as T4, 2, 2, 'valid');
    const h2 = t.maxPool(t.relu(t.add(t.conv2d(h1, c2 as unknown as T4, 1, 'valid'), b2)) as T4, 2, 2, 'valid');
    const h3 = t.relu(t.add(t.matMul(t.reshape(h2, [64, 1600]), d1), e1));
    return t.losses.softmaxCrossEntropy(labels, t.add(t.matMul(h3 as ReturnType<TF['tensor2d']>, d2), e2)) as ReturnType<TF['scalar']>;
  };
  return { params, loss };
}

function lenet(): Workload[] {
  return [
    {
      name: 'LeNet step b64 (Adam)',
      tapeflow: () => {
        const { params, loss } = tapeflowLenet();
        const opt = new tf.optimizers.Adam({ learningRate: 1e-3 });
        return () => opt.minimize(loss, params);
      },
      tfjs: (t) => {
        const { params, loss } = tfjsLenet(t);
        const opt = t.train.adam(1e-3);
        return () => t.tidy(() => { opt.minimize(loss, false, params); });
      },
      // TF.js cpu took 48.6 s per step here (one run, 2026-12-02). wasm's filter gradient is
      // bench/tfjs.ts's (tfjs-backend-wasm has none).
      skip: { cpu: 'about 49 s per step' },
    },
    {
      name: 'LeNet forward b64',
      tapeflow: () => tapeflowLenet().loss,
      tfjs: (t) => {
        const { loss } = tfjsLenet(t);
        return () => t.tidy(loss);
      },
    },
  ];
}

// LSTM b32, 50 steps, 128 → 256: forward 2·B·T·(D + U)·4U FLOPs; the backward pass (weights
// and input) twice that.
const [LB, LT, LD, LU] = [32, 50, 128, 256];
const LSTM_FLOPS = 3 * 2 * LB * LT * (LD + LU) * 4 * LU;

/**
 * One LSTM layer forward + backward (gradients of the sum of the last output with respect to the
 * weights and the input). TF.js runs the same Keras cell written in tfjs-core ops (one input
 * projection matmul, then per step one matmul and the gates), since @tensorflow/tfjs-layers is
 * not installed here.
 */
function lstmLayer(): Workload {
  return {
    name: `LSTM fwd+bwd b${LB} t${LT} ${LD}→${LU}`,
    units: { count: LSTM_FLOPS, unit: 'GFLOP/s' },
    limit: 'peak',
    torch: { kind: 'lstm', x: [LB, LT, LD], units: LU },
    tapeflow: () => {
      const x = rnd([LB, LT, LD], 1);
      const layer = tf.layers.lstm({ units: LU, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: 3 }) });
      layer.apply(x);
      const sources = [x, ...layer.trainableWeights];
      return () => {
        const tape = new tf.GradientTape();
        tape.watch(x);
        return tape.gradient(tape.record(() => tf.sum(layer.apply(x) as tf.Tensor)), sources);
      };
    },
    tfjs: (t) => {
      const x = t.variable(trnd(t, [LB, LT, LD], 1));
      const kernel = t.variable(t.mul(trnd(t, [LD, 4 * LU], 2), 0.1));
      const recurrent = t.variable(t.mul(trnd(t, [LU, 4 * LU], 3), 0.1));
      const bias = t.variable(t.zeros([4 * LU]));
      const loss = () => {
        const projected = t.add(t.matMul(t.reshape(t.transpose(x, [1, 0, 2]), [LT * LB, LD]), kernel), bias);
        const steps = t.split(projected, LT, 0);
        let h = t.zeros([LB, LU]), c = t.zeros([LB, LU]);
        for (let i = 0; i < LT; i++) {
          const [zi, zf, zc, zo] = t.split(t.add(steps[i], t.matMul(h, recurrent)), 4, 1);
          c = t.add(t.mul(t.sigmoid(zf), c), t.mul(t.sigmoid(zi), t.tanh(zc)));
          h = t.mul(t.sigmoid(zo), t.tanh(c));
        }
        return t.sum(h) as ReturnType<TF['scalar']>;
      };
      return () => t.tidy(() => { t.variableGrads(loss, [x, kernel, recurrent, bias]); });
    },
  };
}

// multiHeadAttention b16, 128 tokens, dModel 256, 8 heads of 32, causal: four projections
// 2·B·T·D·D each, scores and context 2·B·T·T·D each; backward (weights and input) twice that.
const [AB, AT, AD, AH] = [16, 128, 256, 8];
const MHA_FLOPS = 3 * (4 * 2 * AB * AT * AD * AD + 2 * 2 * AB * AT * AT * AD);

/** multiHeadAttention (causal self-attention) forward + backward; TF.js the same math in tfjs-core ops. */
function attention(): Workload {
  return {
    name: `multiHeadAttention fwd+bwd b${AB} t${AT} d${AD} h${AH}`,
    units: { count: MHA_FLOPS, unit: 'GFLOP/s' },
    limit: 'peak',
    tapeflow: () => {
      const x = rnd([AB, AT, AD], 1);
      const mha = tf.layers.multiHeadAttention({ numHeads: AH, keyDim: AD / AH, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) });
      mha.apply(x);
      const sources = [x, ...mha.trainableWeights];
      return () => {
        const tape = new tf.GradientTape();
        tape.watch(x);
        return tape.gradient(tape.record(() => tf.sum(mha.apply(x, { useCausalMask: true }) as tf.Tensor)), sources);
      };
    },
    tfjs: (t) => {
      const hd = AD / AH;
      const x = t.variable(trnd(t, [AB, AT, AD], 1));
      const w = [2, 3, 4, 5].map((s) => t.variable(t.mul(trnd(t, [AD, AD], s), 0.1)));
      const b = [0, 1, 2, 3].map(() => t.variable(t.zeros([AD])));
      const causal = t.tensor2d(Float32Array.from({ length: AT * AT }, (_, i) => (i % AT <= Math.floor(i / AT) ? 0 : -1e9)), [AT, AT]);
      const heads = (y: ReturnType<TF['zeros']>) => t.transpose(t.reshape(y, [AB, AT, AH, hd]), [0, 2, 1, 3]);
      const loss = () => {
        const x2 = t.reshape(x, [AB * AT, AD]);
        const [q, k, v] = [0, 1, 2].map((i) => heads(t.add(t.matMul(x2, w[i]), b[i])));
        const scores = t.add(t.mul(t.matMul(q, k, false, true), 1 / Math.sqrt(hd)), causal);
        const context = t.matMul(t.softmax(scores), v);
        const merged = t.reshape(t.transpose(context, [0, 2, 1, 3]), [AB * AT, AD]);
        return t.sum(t.add(t.matMul(merged, w[3]), b[3])) as ReturnType<TF['scalar']>;
      };
      return () => t.tidy(() => { t.variableGrads(loss, [x, ...w, ...b]); });
    },
  };
}

/**
 * One training step (trainOnBatch: forward, gradients, Adam) of examples/tiny-transformer.ts's
 * model: two pre-norm causal blocks, dModel 64, 4 heads, 32 tokens, batch 32, 28 characters.
 * TF.js is not timed: it has no attention layer, and tfjs-layers (its fit) is not installed.
 */
function tinyTransformerStep(): Workload {
  return {
    name: 'tiny transformer step b32 t32 d64 (2 blocks)',
    skip: { cpu: 'no attention layer in TF.js; tfjs-layers not installed', wasm: 'no attention layer in TF.js; tfjs-layers not installed' },
    tapeflow: () => {
      const [seqLen, dModel, vocab] = [32, 64, 28];
      const input = tf.input({ shape: [seqLen], dtype: 'int32' });
      const sym = (l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => l.apply(x) as tf.SymbolicTensor;
      let h = sym(tf.layers.embedding({ inputDim: vocab, outputDim: dModel }), input);
      for (let block = 0; block < 2; block++) {
        const a = tf.layers.multiHeadAttention({ numHeads: 4, keyDim: dModel / 4 }).apply(sym(tf.layers.layerNormalization(), h), { useCausalMask: true }) as tf.SymbolicTensor;
        h = sym(tf.layers.add(), [h, a]);
        const m = sym(tf.layers.dense({ units: dModel }), sym(tf.layers.dense({ units: 4 * dModel, activation: 'relu' }), sym(tf.layers.layerNormalization(), h)));
        h = sym(tf.layers.add(), [h, m]);
      }
      const model = tf.model({ inputs: input, outputs: sym(tf.layers.dense({ units: vocab, activation: 'softmax' }), sym(tf.layers.layerNormalization(), h)) });
      model.compile({ optimizer: new tf.optimizers.Adam(0.003), loss: 'sparseCategoricalCrossentropy' });
      const ids = (seed: number) => tf.tensor(Int32Array.from({ length: 32 * seqLen }, (_, i) => (i * 7 + seed) % vocab), [32, seqLen], 'int32');
      const x = ids(1), y = ids(2);
      return () => model.trainOnBatch(x, y);
    },
    tfjs: () => () => undefined,
  };
}

const ALL_WORKLOADS: Workload[] = [
  {
    name: 'seed loop (Adam step on a scalar)',
    tapeflow: () => {
      const w = new tf.Variable(0, { dtype: 'float32' });
      const opt = new tf.optimizers.Adam({ learningRate: 0.1 });
      return () => {
        const tape = new tf.GradientTape();
        const cost = tape.record(() => w.square().sub(w.mul(10)).add(25));
        const grads = tape.gradient(cost, [w]);
        opt.applyGradients(tf.zip(grads, [w]));
      };
    },
    tfjs: (t) => {
      const w = t.variable(t.scalar(0));
      const opt = t.train.adam(0.1);
      const cost = () => t.add(t.sub(t.square(w), t.mul(w, 10)), 25) as ReturnType<TF['scalar']>;
      return () => t.tidy(() => { opt.minimize(cost, false, [w]); });
    },
  },
  {
    name: 'one op on 1-element tensors',
    tapeflow: () => {
      const a = tf.scalar(1.5), b = tf.scalar(2.5);
      return () => a.add(b);
    },
    tfjs: (t) => {
      const a = t.scalar(1.5), b = t.scalar(2.5);
      return () => t.add(a, b).dispose();
    },
  },
  elementwise(1e3),
  elementwise(1e5),
  elementwise(1e6),
  elementwise(1e7),
  unary('exp'),
  unary('tanh'),
  unary('sin'),
  unary('erf'),
  unary('gelu'),
  sum(1e6),
  sum(1e7),
  matmul(128),
  matmul(512),
  matmul(1024),
  matmul(2048),
  matmulShape('1024² aᵀ·b', 1024, 1024, 1024, true, false),
  matmulShape('1024² a·bᵀ', 1024, 1024, 1024, false, true),
  matmulShape('4096×64 · 64×4096', 4096, 64, 4096),
  matmulShape('64×4096 · 4096×64', 64, 4096, 64),
  matmulShape('1×1024 · 1024×1024', 1, 1024, 1024),
  matmulShape('1024×1024 · 1024×1', 1024, 1024, 1),
  ...mlpParts(),
  mlp(),
  fitEpoch(true),
  fitEpoch(false),
  cumsum(),
  topK(),
  batchedLayer('einsum'),
  batchedLayer('matmul'),
  conv([32, 14, 14, 32], 64, false),
  conv([32, 28, 28, 1], 32, false),
  conv([8, 56, 56, 64], 64, false),
  conv([32, 14, 14, 32], 64, true),
  conv([32, 28, 28, 1], 32, true),
  conv([8, 56, 56, 64], 64, true),
  maxPool([32, 28, 28, 32]),
  ...lenet(),
  lstmLayer(),
  attention(),
  tinyTransformerStep(),
];


/** BENCH_ONLY=<regular expression> keeps the workloads whose name matches (e.g. '1e6$'). */
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
export const WORKLOADS: Workload[] = only ? ALL_WORKLOADS.filter((w) => only.test(w.name)) : ALL_WORKLOADS;
