/**
 * What a new user hits first, checked as they would meet it: optimizers built with a number
 * (Keras' positional learning_rate), pixel data kept as integers, messages that name the op
 * the user called, warnings for the usual causes of a null gradient, and the TF.js spellings
 * (src/ops/tfjs.ts) that let TF.js code run unchanged.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';

const CLASSES = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl', 'Lion'] as const;
type Ctor = new (arg?: unknown) => tf.optimizers.Optimizer;
const ctor = (name: string) => (tf.optimizers as unknown as Record<string, Ctor>)[name];

describe('optimizers take a learning rate as their first argument, as Keras', () => {
  for (const name of CLASSES) {
    it(`${name}(0.1) trains with rate 0.1 and equals ${name}({learningRate: 0.1})`, () => {
      const a = new (ctor(name))(0.1);
      const b = new (ctor(name))({ learningRate: 0.1 });
      expect(a.learningRate).toBe(Math.fround(0.1) === a.learningRate ? Math.fround(0.1) : 0.1);
      const va = new tf.Variable([1, -2], { dtype: 'float64' }), vb = new tf.Variable([1, -2], { dtype: 'float64' });
      for (let i = 0; i < 3; i++) {
        a.applyGradients([[tf.tensor([0.5, -0.25], [2], 'float64'), va]]);
        b.applyGradients([[tf.tensor([0.5, -0.25], [2], 'float64'), vb]]);
      }
      expect(Array.from(va.dataSync())).toEqual(Array.from(vb.dataSync()));
      // and the rate is really used: the default rate gives a different result
      const c = new (ctor(name))();
      const vc = new tf.Variable([1, -2], { dtype: 'float64' });
      for (let i = 0; i < 3; i++) c.applyGradients([[tf.tensor([0.5, -0.25], [2], 'float64'), vc]]);
      expect(Array.from(vc.dataSync())).not.toEqual(Array.from(va.dataSync()));
    });
  }

  it('a schedule works as the first argument too', () => {
    const s = new tf.optimizers.schedules.ExponentialDecay({ initialLearningRate: 0.5, decaySteps: 1, decayRate: 0.5 });
    expect(new tf.optimizers.SGD(s).learningRate).toBe(0.5);
  });

  it('tf.keras.optimizers is the same family (the seed writes tf.keras.optimizers.Adam)', () => {
    expect(new tf.keras.optimizers.Adam(0.1)).toBeInstanceOf(tf.optimizers.Adam);
    expect(tf.keras.losses.meanSquaredError).toBe(tf.losses.meanSquaredError);
  });

  it('anything else is an error naming the optimizer, the argument and the value', () => {
    expect(() => new tf.optimizers.Adam(NaN)).toThrow('Adam: learningRate must be a number, got NaN');
    expect(() => new tf.optimizers.SGD(Infinity)).toThrow('SGD: learningRate must be finite, got Infinity');
    expect(() => new tf.optimizers.AdamW(-1)).toThrow(/AdamW: learningRate must be >= 0, got -1/);
    expect(() => new (ctor('RMSprop'))('0.1')).toThrow(/RMSprop: expected a learning rate .* got "0.1"/);
    expect(() => new (ctor('Lion'))([0.1])).toThrow(/Lion: expected a learning rate/);
    expect(() => new tf.optimizers.SGD({ nesterov: 'yes' as unknown as boolean })).toThrow('SGD: nesterov must be a boolean, got "yes"');
    expect(() => new tf.optimizers.Adam({ amsgrad: 1 as unknown as boolean })).toThrow('Adam: amsgrad must be a boolean, got 1');
    expect(() => new tf.optimizers.Adam({ learningrate: 0.1 } as never)).toThrow(/Adam: unknown option learningrate/);
  });
});

describe('dtypes a new user expects', () => {
  it('a Uint8Array (pixels) becomes int32, not bool, as in TF.js', () => {
    const t = tf.tensor(new Uint8Array([0, 1, 2, 255]));
    expect(t.dtype).toBe('int32');
    expect(t.arraySync()).toEqual([0, 1, 2, 255]);
    expect(tf.tensor(new Uint8ClampedArray([3, 250])).dtype).toBe('int32');
    expect(tf.tensor(new Int16Array([-3, 7])).arraySync()).toEqual([-3, 7]);
    expect(tf.tensor(new Uint8Array([0, 2]), [2], 'bool').arraySync()).toEqual([false, true]);
    expect(tf.tensor([true, false]).dtype).toBe('bool');
  });
});

describe('messages name the op the user called', () => {
  it('softmax and logSoftmax on int32, minimize without variables, zeros too large', () => {
    expect(() => tf.softmax(tf.tensor([1, 2], [2], 'int32'))).toThrow(/^softmax: x must be float32 or float64, got int32/);
    expect(() => tf.logSoftmax(tf.tensor([1, 2], [2], 'int32'))).toThrow(/^logSoftmax:/);
    expect(() => new tf.optimizers.SGD(0.1).minimize(() => tf.scalar(1), undefined as never)).toThrow(/^SGD\.minimize: varList must be a non-empty array of tf\.Variable/);
    expect(() => tf.zeros([1e6, 1e6])).toThrow(RangeError);
    expect(() => tf.zeros([1e6, 1e6])).toThrow(/^zeros: shape \[1000000,1000000\]/);
  });
});

describe('a null gradient comes with a warning, once', () => {
  afterEach(() => vi.restoreAllMocks());
  // Each test uses a message no other test in this file triggers: warnings are once per process.

  it('applyGradients names the variables that got no gradient (Keras 3 warns too)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const used = new tf.Variable(1, { name: 'used_w' }), unused = new tf.Variable(2, { name: 'unused_w' });
    const opt = new tf.optimizers.SGD(0.1);
    opt.applyGradients([[tf.scalar(1), used], [null, unused]]);
    opt.applyGradients([[tf.scalar(1), used], [null, unused]]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/SGD\.applyGradients: gradients do not exist for variables 'unused_w:0'/);
    expect(unused.item()).toBe(2);
  });

  it('a tape that recorded nothing: the loss was computed outside tape.record', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const w = new tf.Variable(3);
    const tape = new tf.GradientTape();
    const loss = w.square(); // the usual mistake: not inside tape.record
    expect(tape.gradient(loss, w)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/recorded no operation.*tape\.record/);
  });

  it('an int32 source', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = tf.tensor([1, 2], [2], 'int32');
    const y = tf.tensor([1, 2]);
    const tape = new tf.GradientTape();
    tape.watch(y);
    const z = tape.record(() => y.square().sum());
    expect(tape.gradient(z, [x, y])[0]).toBeNull();
    expect(warn.mock.calls.some((c) => /source of dtype int32 gets a null gradient/.test(String(c[0])))).toBe(true);
  });
});

describe('TF.js spellings', () => {
  it('matMul takes positional transpose flags', () => {
    const a = tf.tensor([[1, 2], [3, 4]]), b = tf.tensor([[5, 6], [7, 8]]);
    expect(tf.matMul(a, b, true, false).arraySync()).toEqual(tf.matmul(a, b, { transposeA: true }).arraySync());
    expect(a.matMul(b, false, true).arraySync()).toEqual([[17, 23], [39, 53]]); // [1,2]·[5,6] = 17, [1,2]·[7,8] = 23, …
    expect(() => tf.matMul(a, b, 'yes' as unknown as boolean)).toThrow('matMul: transposeA must be a boolean, got "yes"');
  });

  it('tensor1d … tensor6d check the rank', () => {
    expect(tf.tensor1d([1, 2, 3]).shape).toEqual([3]);
    expect(tf.tensor1d([1, 2], 'int32').dtype).toBe('int32');
    expect(tf.tensor2d([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
    expect(tf.tensor3d([[[1]], [[2]]]).shape).toEqual([2, 1, 1]);
    expect(tf.tensor4d([1, 2], [1, 1, 1, 2]).rank).toBe(4);
    expect(tf.tensor6d([0], [1, 1, 1, 1, 1, 1]).rank).toBe(6);
    expect(() => tf.tensor2d([1, 2, 3])).toThrow('tensor2d: values must be a rank-2 tensor, got shape [3]');
  });

  it('tidy returns its function\'s result; keep returns its tensor (disposal: test/memory.test.ts)', () => {
    expect(tf.tidy(() => 42)).toBe(42);
    expect(tf.tidy('named', () => 'x')).toBe('x');
    expect(() => tf.tidy('no function' as never)).toThrow(/tidy: expected a function/);
    const t = tf.tensor([1, 2]);
    expect(tf.keep(t)).toBe(t);
  });

  it('print writes the tensor as toString does; clone copies', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const t = tf.tensor([1.5, 2]);
    t.print();
    expect(log).toHaveBeenCalledWith(t.toString());
    vi.restoreAllMocks();
    const c = tf.clone(t);
    expect(c).not.toBe(t);
    expect(c.arraySync()).toEqual([1.5, 2]);
  });
});
