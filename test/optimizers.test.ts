/**
 * Optimizer known-answer tests. Expected values come from a float64 reference written here
 * from Keras 3's update rules (optimizer `update_step`s and `BaseOptimizer.apply`), not from
 * the code under test: every optimizer × every common option, several shapes and steps,
 * float64 compared to 1e-12 and float32 loosely. Then schedules (hand-derived values),
 * resume-equals-uninterrupted (bit for bit), config round trips and validation errors.
 * Only the public API is used, so the file runs on either backend.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { rng } from './support/random.js';
import { onBackend } from './support/backends.js';

type Opts = Record<string, unknown>;
type Slots = Record<string, number[]>;
interface Shared { uProduct: number }
interface RefRule {
  slots: Record<string, number>;
  /** Once per update step before the variables (Nadam's u_product). */
  before?(shared: Shared, t: number): void;
  step(w: number[], g: number[], s: Slots, lr: number, t: number, shared: Shared): void;
}

const sq = (x: number) => x * x;

/** Keras 3 update rules in float64, one element at a time; `o` holds the options (with defaults). */
const RULES: Record<string, (o: Opts) => RefRule> = {
  SGD: (o) => {
    const mom = (o.momentum as number) ?? 0;
    return {
      slots: { m: 0 },
      step(w, g, s, lr) {
        for (let i = 0; i < w.length; i++) {
          if (mom === 0) { w[i] -= g[i] * lr; continue; }
          s.m[i] = s.m[i] * mom - g[i] * lr;
          w[i] += o.nesterov ? s.m[i] * mom - g[i] * lr : s.m[i];
        }
      },
    };
  },
  Adam: (o) => {
    const b1 = (o.beta1 as number) ?? 0.9, b2 = (o.beta2 as number) ?? 0.999, eps = (o.epsilon as number) ?? 1e-7;
    return {
      slots: { m: 0, v: 0, vh: 0 },
      step(w, g, s, lr, t) {
        const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
        for (let i = 0; i < w.length; i++) {
          s.m[i] += (g[i] - s.m[i]) * (1 - b1);
          s.v[i] += (sq(g[i]) - s.v[i]) * (1 - b2);
          let v = s.v[i];
          if (o.amsgrad) v = s.vh[i] = Math.max(s.vh[i], s.v[i]);
          w[i] -= (s.m[i] * alpha) / (Math.sqrt(v) + eps);
        }
      },
    };
  },
  RMSprop: (o) => {
    const rho = (o.rho as number) ?? 0.9, mom = (o.momentum as number) ?? 0, eps = (o.epsilon as number) ?? 1e-7;
    return {
      slots: { v: 0, a: 0, m: 0 },
      step(w, g, s, lr) {
        for (let i = 0; i < w.length; i++) {
          s.v[i] = rho * s.v[i] + (1 - rho) * sq(g[i]);
          let denominator = s.v[i] + eps;
          if (o.centered) {
            s.a[i] = rho * s.a[i] + (1 - rho) * g[i];
            denominator = s.v[i] - sq(s.a[i]) + eps;
          }
          const increment = (lr * g[i]) / Math.sqrt(denominator);
          if (mom > 0) {
            s.m[i] = mom * s.m[i] + increment;
            w[i] -= s.m[i];
          } else w[i] -= increment;
        }
      },
    };
  },
  Adagrad: (o) => {
    const eps = (o.epsilon as number) ?? 1e-7;
    return {
      slots: { acc: (o.initialAccumulatorValue as number) ?? 0.1 },
      step(w, g, s, lr) {
        for (let i = 0; i < w.length; i++) {
          s.acc[i] += sq(g[i]);
          w[i] -= (lr * g[i]) / Math.sqrt(s.acc[i] + eps);
        }
      },
    };
  },
  Adadelta: (o) => {
    const rho = (o.rho as number) ?? 0.95, eps = (o.epsilon as number) ?? 1e-7;
    const rms = (x: number) => Math.sqrt(x + eps);
    return {
      slots: { ag: 0, ad: 0 },
      step(w, g, s, lr) {
        for (let i = 0; i < w.length; i++) {
          s.ag[i] = rho * s.ag[i] + (1 - rho) * sq(g[i]);
          const delta = -(rms(s.ad[i]) * g[i]) / rms(s.ag[i]);
          s.ad[i] = rho * s.ad[i] + (1 - rho) * sq(delta);
          w[i] += lr * delta;
        }
      },
    };
  },
  Adamax: (o) => {
    const b1 = (o.beta1 as number) ?? 0.9, b2 = (o.beta2 as number) ?? 0.999, eps = (o.epsilon as number) ?? 1e-7;
    return {
      slots: { m: 0, u: 0 },
      step(w, g, s, lr, t) {
        for (let i = 0; i < w.length; i++) {
          s.m[i] += (g[i] - s.m[i]) * (1 - b1);
          s.u[i] = Math.max(b2 * s.u[i], Math.abs(g[i]));
          w[i] -= (lr * s.m[i]) / ((1 - b1 ** t) * (s.u[i] + eps));
        }
      },
    };
  },
  Nadam: (o) => {
    const b1 = (o.beta1 as number) ?? 0.9, b2 = (o.beta2 as number) ?? 0.999, eps = (o.epsilon as number) ?? 1e-7;
    const u = (t: number) => b1 * (1 - 0.5 * 0.96 ** t);
    return {
      slots: { m: 0, v: 0 },
      before(shared, t) {
        shared.uProduct *= u(t);
      },
      step(w, g, s, lr, t, shared) {
        const uProductNext = shared.uProduct * u(t + 1);
        for (let i = 0; i < w.length; i++) {
          s.m[i] += (g[i] - s.m[i]) * (1 - b1);
          s.v[i] += (sq(g[i]) - s.v[i]) * (1 - b2);
          const mHat = (u(t + 1) * s.m[i]) / (1 - uProductNext) + ((1 - u(t)) * g[i]) / (1 - shared.uProduct);
          const vHat = s.v[i] / (1 - b2 ** t);
          w[i] -= (mHat * lr) / (Math.sqrt(vHat) + eps);
        }
      },
    };
  },
  // FTRL-Proximal as in Keras's docstring (z/n form), with Keras's 2·l2 and shrinkage.
  Ftrl: (o) => {
    const p = (o.learningRatePower as number) ?? -0.5;
    const l1 = (o.l1RegularizationStrength as number) ?? 0, l2 = (o.l2RegularizationStrength as number) ?? 0;
    const shrink = (o.l2ShrinkageRegularizationStrength as number) ?? 0, beta = (o.beta as number) ?? 0;
    return {
      slots: { n: (o.initialAccumulatorValue as number) ?? 0.1, z: 0 },
      step(w, g, s, lr) {
        for (let i = 0; i < w.length; i++) {
          const prevN = s.n[i];
          s.n[i] += sq(g[i]);
          const sigma = (s.n[i] ** -p - prevN ** -p) / lr;
          s.z[i] += g[i] + 2 * shrink * w[i] - sigma * w[i];
          const z = s.z[i];
          w[i] = Math.abs(z) <= l1 ? 0 : (Math.sign(z) * l1 - z) / ((s.n[i] ** -p + beta) / lr + 2 * l2);
        }
      },
    };
  },
  Lion: (o) => {
    const b1 = (o.beta1 as number) ?? 0.9, b2 = (o.beta2 as number) ?? 0.99;
    return {
      slots: { m: 0 },
      step(w, g, s, lr) {
        for (let i = 0; i < w.length; i++) {
          w[i] -= lr * Math.sign(b1 * s.m[i] + (1 - b1) * g[i]);
          s.m[i] = b2 * s.m[i] + (1 - b2) * g[i];
        }
      },
    };
  },
};
RULES.AdamW = RULES.Adam;

interface Exclusion { varNames?: string[]; varIndices?: number[] }

/** Keras `BaseOptimizer.apply` + `_backend_apply_gradients` in float64. */
class Reference {
  readonly rule: RefRule;
  it = 0;
  readonly slots: Slots[];
  readonly acc: number[][];
  readonly avg: number[][];
  readonly shared: Shared = { uProduct: 1 };

  constructor(readonly o: Opts, className: string, readonly w: number[][], readonly names: string[], readonly exclude: Exclusion = {}) {
    this.rule = RULES[className](o);
    this.slots = w.map((x) => Object.fromEntries(Object.entries(this.rule.slots).map(([k, v]) => [k, x.map(() => v)])));
    this.acc = w.map((x) => x.map(() => 0));
    this.avg = w.map((x) => x.slice());
  }

  // Keras holds the learning rate in a float32 variable: every dtype steps with fround(lr).
  lrAt(step: number): number {
    const lr = this.o.learningRate as number | ((s: number) => number);
    return Math.fround(typeof lr === 'function' ? lr(step) : lr);
  }

  apply(gradsIn: (number[] | null)[]): void {
    const o = this.o;
    const idx = gradsIn.map((g, i) => (g === null ? -1 : i)).filter((i) => i >= 0);
    let grads = idx.map((i) => gradsIn[i]!.slice());
    if (o.lossScaleFactor) grads = grads.map((g) => g.map((x) => x / (o.lossScaleFactor as number)));
    const n = o.gradientAccumulationSteps as number | undefined;
    // Keras 3's `iterations` property: applied steps, floor(_iterations / n) with accumulation
    // (base_optimizer.py); the learning rate and the update step's t read it.
    const step = n ? Math.floor(this.it / n) : this.it;
    const lr = this.lrAt(step);
    let update = true;
    if (n) {
      update = (this.it + 1) % n === 0;
      if (update) grads = grads.map((g, k) => g.map((x, j) => (x + this.acc[idx[k]][j]) / n));
      else grads.forEach((g, k) => g.forEach((x, j) => (this.acc[idx[k]][j] += x)));
    }
    if (update) {
      if (o.clipnorm) {
        const c = o.clipnorm as number;
        grads = grads.map((g) => {
          const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
          return g.map((x) => (x * c) / Math.max(norm, c));
        });
      } else if (o.globalClipnorm) {
        const c = o.globalClipnorm as number;
        const norm = Math.sqrt(grads.flat().reduce((s, x) => s + x * x, 0));
        const scale = c * Math.min(1 / norm, 1 / c);
        grads = grads.map((g) => g.map((x) => x * scale));
      } else if (o.clipvalue) {
        const c = o.clipvalue as number;
        grads = grads.map((g) => g.map((x) => Math.min(Math.max(x, -c), c)));
      }
      if (o.weightDecay) {
        for (const i of idx) {
          if (this.exclude.varIndices?.includes(i) || this.exclude.varNames?.some((nm) => this.names[i].includes(nm))) continue;
          this.w[i] = this.w[i].map((x) => x - x * (o.weightDecay as number) * lr);
        }
      }
      this.rule.before?.(this.shared, step + 1);
      idx.forEach((i, k) => this.rule.step(this.w[i], grads[k], this.slots[i], lr, step + 1, this.shared));
      if (n) for (const a of this.acc) a.fill(0);
    }
    if (o.useEma) {
      const mom = step === 0 ? 0 : ((o.emaMomentum as number) ?? 0.99);
      this.w.forEach((x, i) => (this.avg[i] = this.avg[i].map((a, j) => mom * a + (1 - mom) * x[j])));
      const f = o.emaOverwriteFrequency as number | undefined;
      if (f && (step + 1) % f === 0) this.w.forEach((x, i) => x.splice(0, x.length, ...this.avg[i]));
    }
    this.it++;
  }

  finalize(): void {
    if (this.o.useEma) this.w.forEach((x, i) => x.splice(0, x.length, ...this.avg[i]));
  }
}


const SHAPES = [[], [3], [2, 3], [2, 1, 4]];
const NAMES = ['kernel', 'bias', 'scale', 'embedding'];
const STEPS = 6;
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Each optimizer with options that make its steps large enough to see, and its variants. */
const OPTIMIZERS: { className: string; label: string; opts: Opts }[] = [
  { className: 'SGD', label: 'plain', opts: { learningRate: 0.1 } },
  { className: 'SGD', label: 'momentum', opts: { learningRate: 0.1, momentum: 0.9 } },
  { className: 'SGD', label: 'nesterov', opts: { learningRate: 0.05, momentum: 0.8, nesterov: true } },
  { className: 'Adam', label: 'defaults', opts: { learningRate: 0.001 } },
  { className: 'Adam', label: 'amsgrad', opts: { learningRate: 0.05, beta1: 0.8, beta2: 0.9, amsgrad: true } },
  { className: 'AdamW', label: 'defaults', opts: { learningRate: 0.001, weightDecay: 0.004 } },
  { className: 'AdamW', label: 'strong decay', opts: { learningRate: 0.05, weightDecay: 0.3 } },
  { className: 'RMSprop', label: 'defaults', opts: { learningRate: 0.001 } },
  { className: 'RMSprop', label: 'momentum', opts: { learningRate: 0.01, momentum: 0.5 } },
  { className: 'RMSprop', label: 'centered', opts: { learningRate: 0.01, rho: 0.8, centered: true } },
  { className: 'RMSprop', label: 'centered momentum', opts: { learningRate: 0.01, momentum: 0.9, centered: true, epsilon: 1e-3 } },
  { className: 'Adagrad', label: 'defaults', opts: { learningRate: 0.001 } },
  { className: 'Adagrad', label: 'accumulator 1', opts: { learningRate: 0.1, initialAccumulatorValue: 1, epsilon: 1e-4 } },
  { className: 'Adadelta', label: 'defaults', opts: { learningRate: 0.001 } },
  { className: 'Adadelta', label: 'lr 1', opts: { learningRate: 1, rho: 0.9, epsilon: 1e-3 } },
  { className: 'Adamax', label: 'defaults', opts: { learningRate: 0.001 } },
  { className: 'Adamax', label: 'betas', opts: { learningRate: 0.05, beta1: 0.5, beta2: 0.9 } },
  { className: 'Nadam', label: 'defaults', opts: { learningRate: 0.001 } },
  { className: 'Nadam', label: 'betas', opts: { learningRate: 0.05, beta1: 0.8, beta2: 0.95 } },
  { className: 'Ftrl', label: 'defaults', opts: { learningRate: 0.001 } },
  {
    className: 'Ftrl', label: 'regularized',
    opts: { learningRate: 0.2, learningRatePower: -0.7, initialAccumulatorValue: 0.5, l1RegularizationStrength: 0.05, l2RegularizationStrength: 0.1, l2ShrinkageRegularizationStrength: 0.02, beta: 0.3 },
  },
  { className: 'Ftrl', label: 'fixed rate', opts: { learningRate: 0.1, learningRatePower: 0 } },
  { className: 'Lion', label: 'defaults', opts: { learningRate: 0.001 } },
  { className: 'Lion', label: 'betas', opts: { learningRate: 0.01, beta1: 0.5, beta2: 0.7 } },
];

/** The common options, each applied to every optimizer above. */
const COMMON: { label: string; opts: Opts; exclude?: Exclusion; finalize?: boolean; nullGrad?: boolean }[] = [
  { label: 'no common option', opts: {} },
  { label: 'weightDecay', opts: { weightDecay: 0.05 } },
  { label: 'excludeFromWeightDecay', opts: { weightDecay: 0.1 }, exclude: { varNames: ['bias'], varIndices: [2] } },
  { label: 'clipnorm', opts: { clipnorm: 0.7 } },
  { label: 'clipvalue', opts: { clipvalue: 0.3 } },
  { label: 'globalClipnorm', opts: { globalClipnorm: 1.5 } },
  { label: 'useEma + emaOverwriteFrequency', opts: { useEma: true, emaMomentum: 0.9, emaOverwriteFrequency: 4 } },
  { label: 'useEma + finalizeVariableValues', opts: { useEma: true, emaMomentum: 0.7 }, finalize: true },
  { label: 'gradientAccumulationSteps', opts: { gradientAccumulationSteps: 4 } },
  { label: 'lossScaleFactor', opts: { lossScaleFactor: 64 } },
  { label: 'null gradients', opts: {}, nullGrad: true },
  { label: 'schedule', opts: { learningRate: 'schedule' } },
];

function runCase(className: string, baseOpts: Opts, common: (typeof COMMON)[number], dtype: 'float32' | 'float64') {
  const round = dtype === 'float32' ? Math.fround : (x: number) => x;
  const rand = rng(1 + className.length * 7919 + Object.keys(baseOpts).length * 31 + common.label.length);
  const init = SHAPES.map((s) => Array.from({ length: size(s) }, () => round(-1.5 + 3 * rand())));
  const grads = Array.from({ length: STEPS }, () => SHAPES.map((s) => Array.from({ length: size(s) }, () => round(-2 + 4 * rand()))));
  // A gradient scaled by the loss scale, as a scaled loss would produce (exact: a power of two).
  const scale = (common.opts.lossScaleFactor as number) ?? 1;

  let opts: Opts = { ...baseOpts, ...common.opts };
  let refLr: Opts['learningRate'] = opts.learningRate;
  if (opts.learningRate === 'schedule') {
    const base = baseOpts.learningRate as number;
    opts = { ...opts, learningRate: new tf.optimizers.schedules.ExponentialDecay({ initialLearningRate: base, decaySteps: 2, decayRate: 0.5 }) };
    refLr = (step: number) => base * 0.5 ** (step / 2);
  }
  const ctor = (tf.optimizers as unknown as Record<string, new (o: Opts) => tf.optimizers.Optimizer>)[className];
  const opt = new ctor(opts);
  const vars = SHAPES.map((s, i) => new tf.Variable(tf.tensor(init[i], s, dtype), { name: NAMES[i] }));
  if (common.exclude) opt.excludeFromWeightDecay({ varNames: common.exclude.varNames, varList: common.exclude.varIndices?.map((i) => vars[i]) });
  const ref = new Reference({ ...opts, learningRate: refLr }, className, init.map((x) => x.slice()), NAMES, common.exclude);

  for (let t = 0; t < STEPS; t++) {
    const g = grads[t].map((x, i) => (common.nullGrad && (t + i) % 3 === 0 ? null : x.map((v) => v * scale)));
    opt.applyGradients(g.map((x, i) => [x === null ? null : tf.tensor(x, SHAPES[i], dtype), vars[i]] as const));
    ref.apply(g);
  }
  if (common.finalize) {
    opt.finalizeVariableValues();
    ref.finalize();
  }
  const n = common.opts.gradientAccumulationSteps as number | undefined;
  expect(opt.iterations).toBe(n ? Math.floor(STEPS / n) : STEPS);
  return { got: vars.map((v) => Array.from(v.dataSync() as Float32Array | Float64Array)), want: ref.w };
}

function expectClose(got: number[][], want: number[][], rel: number, abs: number): void {
  got.forEach((g, i) =>
    g.forEach((x, j) => {
      const w = want[i][j];
      if (!(Math.abs(x - w) <= abs + rel * Math.abs(w))) {
        throw new Error(`variable ${i} element ${j}: got ${x}, expected ${w} (difference ${x - w})`);
      }
    }),
  );
}

describe('known answers: every optimizer × every common option', () => {
  for (const { className, label, opts } of OPTIMIZERS) {
    describe(`${className} (${label})`, () => {
      for (const common of COMMON) {
        it(`${common.label}, float64 to 1e-12`, () => {
          const { got, want } = runCase(className, opts, common, 'float64');
          expectClose(got, want, 1e-12, 1e-12);
        });
        it(`${common.label}, float32 loosely`, () => {
          const { got, want } = runCase(className, opts, common, 'float32');
          expectClose(got, want, 2e-5, 2e-5);
        });
      }
    });
  }
});

describe('hand-derived single steps', () => {
  it('RMSprop: Keras docstring example (var 10, loss var²/2, lr 0.1) gives 9.683772', () => {
    const v = new tf.Variable(10.0);
    new tf.optimizers.RMSprop({ learningRate: 0.1 }).minimize(() => v.square().div(2), [v]);
    // v = 0.1·100 = 10; var = 10 − 0.1·10/√(10 + 1e-7) = 10 − 0.31622776 = 9.68377224
    expect(v.item()).toBe(Math.fround(9.683772));
  });

  it('Adagrad: acc 0.1 + 4 = 4.1; var = 1 − 0.5·2/√(4.1 + 1e-7)', () => {
    const v = new tf.Variable(1, { dtype: 'float64' });
    new tf.optimizers.Adagrad({ learningRate: 0.5 }).applyGradients([[tf.tensor(2, [], 'float64'), v]]);
    expect(v.item()).toBeCloseTo(1 - 1 / Math.sqrt(4.1000001), 14);
  });

  it('Lion: the first step moves by lr·sign(g), zero gradient does not move', () => {
    const v = new tf.Variable([1, 1, 1], { dtype: 'float64' });
    new tf.optimizers.Lion({ learningRate: 0.25 }).applyGradients([[tf.tensor([3, -0.001, 0], [3], 'float64'), v]]);
    expect(Array.from(v.dataSync())).toEqual([0.75, 1.25, 1]);
  });

  it('Nadam: first step with beta1 0.9 (u1 = 0.9·(1 − 0.48), u2 = 0.9·(1 − 0.5·0.9216))', () => {
    const v = new tf.Variable(0, { dtype: 'float64' });
    new tf.optimizers.Nadam({ learningRate: 1, epsilon: 0 }).applyGradients([[tf.tensor(1, [], 'float64'), v]]);
    const u1 = 0.9 * 0.52, u2 = 0.9 * (1 - 0.4608);
    // m = 0.1, v = 0.001, vHat = 1; mHat = u2·0.1/(1 − u1·u2) + (1 − u1)/(1 − u1)
    expect(v.item()).toBeCloseTo(-((u2 * 0.1) / (1 - u1 * u2) + 1), 14);
  });

  it('AdamW: decay happens before the Adam step: var·(1 − wd·lr) then −lr·sign-ish step', () => {
    const v = new tf.Variable(2, { dtype: 'float64' });
    new tf.optimizers.AdamW({ learningRate: 0.1, weightDecay: 0.5, epsilon: 0 }).applyGradients([[tf.tensor(3, [], 'float64'), v]]);
    // 2 − 2·0.5·lr = 1.9; first Adam step is lr·m̂/√v̂ = lr, with lr = fround(0.1) as in Keras
    const lr = Math.fround(0.1);
    expect(v.item()).toBeCloseTo(2 - 2 * 0.5 * lr - lr, 14);
  });

  it('gradient accumulation: variables change only every N-th call, with the average gradient', () => {
    const v = new tf.Variable(0, { dtype: 'float64' });
    const opt = new tf.optimizers.SGD({ learningRate: 1, gradientAccumulationSteps: 3 });
    for (const g of [1, 2]) opt.applyGradients([[tf.tensor(g, [], 'float64'), v]]);
    expect(v.item()).toBe(0);
    opt.applyGradients([[tf.tensor(6, [], 'float64'), v]]);
    expect(v.item()).toBe(-3);
    expect(opt.iterations).toBe(1);
  });

  it('iterations counts applied steps under accumulation: floor(calls / n), as Keras 3', () => {
    // keras/src/optimizers/base_optimizer.py: the `iterations` property returns
    // floor_divide(_iterations, gradient_accumulation_steps). With n = 3: 0, 0, 1, 1, 1, 2.
    const v = new tf.Variable([1, 2], { dtype: 'float64' });
    const opt = new tf.optimizers.Adam({ learningRate: 0.1, gradientAccumulationSteps: 3 });
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) seen.push(opt.applyGradients([[tf.tensor([0.5, -1], [2], 'float64'), v]]));
    expect(seen).toEqual([0, 0, 1, 1, 1, 2]);
    expect(opt.iterations).toBe(2);
    // The snapshot keeps the raw call count, so a resumed run continues mid-accumulation.
    expect(opt.getState().iterations).toBe(6);
  });

  describe('accumulating n batches equals one step on their mean gradient, for every optimizer', () => {
    // Keras 3 applies (g_1 + … + g_n)/n on the n-th call with t = iterations + 1 counting applied
    // steps, so 3 accumulated batches over 8 updates must match 8 steps on the batch means
    // (weight decay and a schedule included, float64, both backends).
    const schedule = () => new tf.optimizers.schedules.ExponentialDecay({ initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.7 });
    for (const { className, label, opts } of OPTIMIZERS) {
      for (const backend of ['js', 'native'] as const) {
        it(`${className} ${label} (${backend})`, () => {
          onBackend(backend, () => {
            const base = { ...opts, weightDecay: 0.01, learningRate: schedule() };
            const O = tf.optimizers as unknown as Record<string, new (o: Opts) => { applyGradients: (p: [tf.Tensor, tf.Variable][]) => number; iterations: number }>;
            const accumulating = new O[className]({ ...base, gradientAccumulationSteps: 3 });
            const plain = new O[className]({ ...base });
            const rand = rng(7);
            const init = Array.from({ length: 300 }, () => rand() * 2 - 1);
            const a = new tf.Variable(tf.tensor(init, [300], 'float64'), { name: 'a' });
            const b = new tf.Variable(tf.tensor(init, [300], 'float64'), { name: 'b' });
            for (let update = 0; update < 8; update++) {
              const batches = [0, 1, 2].map(() => Array.from({ length: 300 }, () => rand() * 2 - 1));
              for (const g of batches) accumulating.applyGradients([[tf.tensor(g, [300], 'float64'), a]]);
              const mean = batches[0].map((_, j) => (batches[0][j] + batches[1][j] + batches[2][j]) / 3);
              plain.applyGradients([[tf.tensor(mean, [300], 'float64'), b]]);
              expect(accumulating.iterations).toBe(plain.iterations);
            }
            const x = a.dataSync(), y = b.dataSync();
            let worst = 0;
            for (let j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - y[j]));
            expect(worst).toBeLessThan(1e-6);
          });
        });
      }
    }
  });

  it('a plain function of the step is a learning rate', () => {
    const v = new tf.Variable(0, { dtype: 'float64' });
    const opt = new tf.optimizers.SGD({ learningRate: (step: number) => step + 1 });
    for (let i = 0; i < 3; i++) opt.applyGradients([[tf.tensor(1, [], 'float64'), v]]);
    expect(v.item()).toBe(-6);
    expect(opt.learningRate).toBe(4);
  });
});

describe('schedules', () => {
  const S = tf.optimizers.schedules;
  const cases: { name: string; make: () => { call(step: number): number }; at: [number, number][] }[] = [
    // 0.1·0.5^(step/10)
    { name: 'ExponentialDecay', make: () => new S.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }), at: [[0, 0.1], [5, 0.1 * Math.SQRT1_2], [20, 0.025]] },
    // floor(15/10) = 1
    { name: 'ExponentialDecay staircase', make: () => new S.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }), at: [[9, 0.1], [15, 0.05], [20, 0.025]] },
    { name: 'PiecewiseConstantDecay', make: () => new S.PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] }), at: [[0, 1], [10, 1], [11, 0.5], [20, 0.5], [21, 0.1], [1e6, 0.1]] },
    // 0.09·(1 − s/10)² + 0.01
    { name: 'PolynomialDecay', make: () => new S.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, power: 2 }), at: [[0, 0.1], [5, 0.0325], [10, 0.01], [30, 0.01]] },
    // cycle: decaySteps·ceil(15/10) = 20, p = 0.75 → 0.09·0.0625 + 0.01
    { name: 'PolynomialDecay cycle', make: () => new S.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, power: 2, cycle: true }), at: [[0, 0.1], [15, 0.015625], [20, 0.01]] },
    // default end 0.0001, power 1: 0.0999·0.5 + 0.0001
    { name: 'PolynomialDecay defaults', make: () => new S.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10 }), at: [[5, 0.05005]] },
    // 0.1 / (1 + 0.5·step/5)
    { name: 'InverseTimeDecay', make: () => new S.InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 5, decayRate: 0.5 }), at: [[0, 0.1], [3, 0.1 / 1.3], [10, 0.05]] },
    { name: 'InverseTimeDecay staircase', make: () => new S.InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 5, decayRate: 0.5, staircase: true }), at: [[4, 0.1], [9, 0.1 / 1.5]] },
    // (1 − 0.1)·0.5·(1 + cos(π·s/100)) + 0.1
    { name: 'CosineDecay', make: () => new S.CosineDecay({ initialLearningRate: 1, decaySteps: 100, alpha: 0.1 }), at: [[0, 1], [50, 0.55], [100, 0.1], [200, 0.1]] },
    // warmup 0 → 1 over 10 steps, then cosine from 1 over 100 steps
    { name: 'CosineDecay warmup', make: () => new S.CosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 1, warmupSteps: 10 }), at: [[0, 0], [5, 0.5], [10, 1], [60, 0.5], [110, 0], [1000, 0]] },
    // tMul 2: periods of 10, 20, 40; mMul 0.5 halves each restart. step 5: 0.5·(1 + cos(π/2)) = 0.5;
    // step 10: restart 1, fraction 0 → 0.5; step 20: restart 1, fraction 0.5 → 0.25
    { name: 'CosineDecayRestarts', make: () => new S.CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, mMul: 0.5 }), at: [[0, 1], [5, 0.5], [10, 0.5], [20, 0.25]] },
    // tMul 1: every period 10 steps; alpha 0.2 → 0.8·x + 0.2
    { name: 'CosineDecayRestarts tMul 1', make: () => new S.CosineDecayRestarts({ initialLearningRate: 2, firstDecaySteps: 10, tMul: 1, mMul: 0.5, alpha: 0.2 }), at: [[15, 2 * (0.8 * 0.25 + 0.2)], [25, 2 * (0.8 * 0.125 + 0.2)]] },
  ];
  for (const c of cases) {
    it(`${c.name} at chosen steps`, () => {
      const s = c.make();
      for (const [step, want] of c.at) expect(s.call(step), `step ${step}`).toBeCloseTo(want, 14);
    });
    it(`${c.name} config round trip`, () => {
      const s = c.make() as InstanceType<typeof S.ExponentialDecay>;
      const back = S.deserialize(JSON.parse(JSON.stringify(s.serialize())));
      expect(back.getConfig()).toEqual(s.getConfig());
      for (const [step] of c.at) expect(back.call(step)).toBe(s.call(step));
    });
  }

  it('an optimizer evaluates its schedule at `iterations`', () => {
    const opt = new tf.optimizers.SGD({ learningRate: new S.PiecewiseConstantDecay({ boundaries: [1], values: [1, 0.5] }) });
    const v = new tf.Variable(0, { dtype: 'float64' });
    expect(opt.learningRate).toBe(1);
    for (let i = 0; i < 3; i++) opt.applyGradients([[tf.tensor(1, [], 'float64'), v]]);
    expect(v.item()).toBe(-2.5); // lr at steps 0, 1, 2: 1, 1 (step ≤ boundary), 0.5
    expect(opt.learningRate).toBe(0.5);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['decaySteps 0', () => new S.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }), /decaySteps/],
    ['missing decayRate', () => new S.InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1 } as never), /decayRate/],
    ['boundaries/values lengths', () => new S.PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] }), /one more/],
    ['unknown option', () => new S.CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmup_steps: 3 } as never), /warmup_steps/],
    ['firstDecaySteps negative', () => new S.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: -1 }), /firstDecaySteps/],
    ['unknown class', () => S.deserialize({ className: 'Nope', config: {} }), /Nope/],
  ];
  for (const [name, f, re] of bad) it(`rejects ${name}`, () => expect(f).toThrow(re));
});

describe('getState / setState: a resumed run equals an uninterrupted one bit for bit', () => {
  const variants: [string, Opts][] = [
    ['SGD', { learningRate: 0.1, momentum: 0.9, nesterov: true }],
    ['Adam', { learningRate: 0.01, amsgrad: true }],
    ['AdamW', { learningRate: 0.01 }],
    ['RMSprop', { learningRate: 0.01, momentum: 0.5, centered: true }],
    ['Adagrad', { learningRate: 0.1 }],
    ['Adadelta', { learningRate: 1 }],
    ['Adamax', { learningRate: 0.01 }],
    ['Nadam', { learningRate: 0.01 }],
    ['Ftrl', { learningRate: 0.1, l1RegularizationStrength: 0.01 }],
    ['Lion', { learningRate: 0.01 }],
    ['Adam', { learningRate: 0.01, useEma: true, emaMomentum: 0.9, emaOverwriteFrequency: 5, gradientAccumulationSteps: 2, weightDecay: 0.01, clipnorm: 1 }],
    ['Nadam', { learningRate: 'schedule', useEma: true, gradientAccumulationSteps: 3 }],
  ];
  const TOTAL = 9, STOP = 4;
  for (const [className, o] of variants) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const before of [true, false]) {
        it(`${className} ${JSON.stringify(o)} ${dtype}, setState ${before ? 'before' : 'after'} the variables are seen`, () => {
          const make = () => {
            const opts = o.learningRate === 'schedule'
              ? { ...o, learningRate: new tf.optimizers.schedules.CosineDecay({ initialLearningRate: 0.05, decaySteps: 7, warmupTarget: 0.1, warmupSteps: 2 }) }
              : o;
            return tf.optimizers.get({ className, ...opts } as tf.optimizers.OptimizerConfig);
          };
          const rand = rng(99);
          const init = SHAPES.map((s) => Array.from({ length: size(s) }, () => -1 + 2 * rand()));
          const grads = Array.from({ length: TOTAL }, () => SHAPES.map((s) => tf.tensor(Array.from({ length: size(s) }, () => -2 + 4 * rand()), s, dtype)));
          const newVars = () => SHAPES.map((s, i) => new tf.Variable(tf.tensor(init[i], s, dtype)));
          const step = (opt: tf.optimizers.Optimizer, vars: tf.Variable[], t: number) => opt.applyGradients(tf.zip(grads[t], vars));

          const straight = newVars();
          const a = make();
          for (let t = 0; t < TOTAL; t++) step(a, straight, t);

          const vars = newVars();
          const first = make();
          for (let t = 0; t < STOP; t++) step(first, vars, t);
          const saved = JSON.parse(JSON.stringify(first.getState()));
          const resumed = tf.optimizers.Optimizer.fromConfig(JSON.parse(JSON.stringify(first.getConfig())));
          if (!before) {
            // Let the new optimizer build its slots on the variables, then restore their values.
            const values = vars.map((v) => v.value());
            step(resumed, vars, 0);
            vars.forEach((v, i) => v.assign(values[i]));
          }
          resumed.setState(saved);
          expect(resumed.getState().iterations).toBe(STOP); // the raw call count, mid-accumulation too
          expect(resumed.iterations).toBe(first.iterations);
          for (let t = STOP; t < TOTAL; t++) step(resumed, vars, t);

          vars.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from(straight[i].dataSync())));
          const sa = a.getState(), sb = resumed.getState();
          expect(Object.values(sb.variables)).toEqual(Object.values(sa.variables));
          expect(sb.extra).toEqual(sa.extra);
        });
      }
    }
  }

  it('getState captures iterations, every slot, accumulators, averages and Nadam u_product', () => {
    const v = new tf.Variable([1, 2], { name: 'w' });
    const opt = new tf.optimizers.Nadam({ useEma: true, gradientAccumulationSteps: 2 });
    opt.applyGradients([[tf.tensor([1, 1]), v]]);
    opt.applyGradients([[tf.tensor([1, 1]), v]]);
    const st = opt.getState();
    expect(st.iterations).toBe(2);
    expect(Object.keys(st.variables[v.name].slots).sort()).toEqual(['momentum', 'velocity']);
    expect(st.variables[v.name].accumulator).toHaveLength(2);
    expect(st.variables[v.name].average).toHaveLength(2);
    // One update so far, the first applied step, t = iterations + 1 = 1 (Keras 3 counts applied
    // steps under accumulation): u_product = 0.9·(1 − 0.5·0.96¹) in float32.
    const r = Math.fround;
    expect(st.extra.uProduct).toBe(r(r(0.9) * r(1 - r(0.5 * r(0.96)))));
  });

  it('setState rejects a state from another optimizer or with wrong sizes', () => {
    const v = new tf.Variable([1, 2]);
    const adam = new tf.optimizers.Adam();
    adam.applyGradients([[tf.tensor([1, 1]), v]]);
    const st = adam.getState();
    expect(() => new tf.optimizers.SGD().setState(st)).toThrow(/Adam/);
    st.variables[v.name].slots.momentum = [1];
    const other = new tf.optimizers.Adam();
    other.applyGradients([[tf.tensor([1, 1]), v]]);
    expect(() => other.setState(st)).toThrow(/momentum has 1 values/);
  });
});

describe('config', () => {
  const configs: [string, Opts][] = [
    ['SGD', { learningRate: 0.2, momentum: 0.5, nesterov: true, clipnorm: 1 }],
    ['Adam', { beta1: 0.8, amsgrad: true, globalClipnorm: 2 }],
    ['AdamW', { weightDecay: 0.1, useEma: true, emaMomentum: 0.9, emaOverwriteFrequency: 10 }],
    ['RMSprop', { rho: 0.8, momentum: 0.1, centered: true, clipvalue: 0.5 }],
    ['Adagrad', { initialAccumulatorValue: 0.3, lossScaleFactor: 128 }],
    ['Adadelta', { rho: 0.9, gradientAccumulationSteps: 4 }],
    ['Adamax', { beta2: 0.99, name: 'mine' }],
    ['Nadam', { epsilon: 1e-6 }],
    ['Ftrl', { learningRatePower: -0.3, l1RegularizationStrength: 0.1, l2RegularizationStrength: 0.2, l2ShrinkageRegularizationStrength: 0.3, beta: 0.4 }],
    ['Lion', { beta1: 0.95 }],
  ];
  for (const [className, o] of configs) {
    it(`${className}: getConfig → JSON → fromConfig → same config`, () => {
      const opt = tf.optimizers.get({ className, ...o } as tf.optimizers.OptimizerConfig);
      expect(opt.constructor.name).toBe(className);
      const cfg = opt.getConfig();
      expect(cfg.className).toBe(className);
      for (const [k, v] of Object.entries(o)) expect(cfg[k], k).toEqual(v);
      const back = tf.optimizers.Optimizer.fromConfig(JSON.parse(JSON.stringify(cfg)));
      expect(back.getConfig()).toEqual(cfg);
      const viaClass = (tf.optimizers as unknown as Record<string, typeof tf.optimizers.Optimizer>)[className].fromConfig(cfg);
      expect(viaClass.getConfig()).toEqual(cfg);
    });
  }

  it('a schedule serialises inside the optimizer config', () => {
    const lr = new tf.optimizers.schedules.CosineDecay({ initialLearningRate: 0.1, decaySteps: 100, warmupTarget: 0.2, warmupSteps: 5 });
    const cfg = JSON.parse(JSON.stringify(new tf.optimizers.Adam({ learningRate: lr }).getConfig()));
    expect(cfg.learningRate).toEqual({ className: 'CosineDecay', config: lr.getConfig() });
    const back = tf.optimizers.Optimizer.fromConfig(cfg);
    expect(back.getConfig()).toEqual(cfg);
    expect(back.learningRate).toBe(lr.call(0));
  });

  it('get: by name in any case, by config, or an instance', () => {
    for (const name of ['sgd', 'ADAM', 'adamw', 'RMSprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'ftrl', 'lion']) {
      expect(tf.optimizers.get(name).constructor.name.toLowerCase()).toBe(name.toLowerCase());
    }
    const opt = new tf.optimizers.Lion();
    expect(tf.optimizers.get(opt)).toBe(opt);
    expect(tf.optimizers.get('sgd').learningRate).toBe(0.01);
    expect(() => tf.optimizers.get('adamm')).toThrow(/adamm/);
    expect(() => tf.optimizers.get(42 as never)).toThrow(TypeError);
    expect(() => tf.optimizers.Adam.fromConfig({ className: 'SGD' })).toThrow(/SGD/);
  });
});

describe('validation names the option', () => {
  const O = tf.optimizers;
  const bad: [string, () => unknown, RegExp][] = [
    ['negative learning rate', () => new O.Adam({ learningRate: -0.1 }), /learningRate/],
    ['learning rate not a number', () => new O.SGD({ learningRate: 'fast' as never }), /learningRate/],
    ['beta1 = 1', () => new O.Adam({ beta1: 1 }), /beta1/],
    ['beta2 < 0', () => new O.Adamax({ beta2: -0.1 }), /beta2/],
    ['Nadam beta1 > 1', () => new O.Nadam({ beta1: 1.5 }), /beta1/],
    ['AdamW beta2 = 1', () => new O.AdamW({ beta2: 1 }), /beta2/],
    ['Lion beta1 = 0', () => new O.Lion({ beta1: 0 }), /beta1/],
    ['Lion beta2 = 1', () => new O.Lion({ beta2: 1 }), /beta2/],
    ['two clipping options', () => new O.SGD({ clipnorm: 1, clipvalue: 1 }), /clipnorm and clipvalue/],
    ['clipnorm and globalClipnorm', () => new O.RMSprop({ clipnorm: 1, globalClipnorm: 1 }), /globalClipnorm/],
    ['clipnorm 0', () => new O.SGD({ clipnorm: 0 }), /clipnorm/],
    ['AdamW without weight decay', () => new O.AdamW({ weightDecay: null }), /weightDecay/],
    ['negative weight decay', () => new O.Lion({ weightDecay: -1 }), /weightDecay/],
    ['emaMomentum > 1', () => new O.Adam({ useEma: true, emaMomentum: 1.5 }), /emaMomentum/],
    ['emaOverwriteFrequency 0', () => new O.Adam({ useEma: true, emaOverwriteFrequency: 0 }), /emaOverwriteFrequency/],
    ['gradientAccumulationSteps 1', () => new O.SGD({ gradientAccumulationSteps: 1 }), /gradientAccumulationSteps/],
    ['lossScaleFactor 0', () => new O.SGD({ lossScaleFactor: 0 }), /lossScaleFactor/],
    ['SGD momentum negative', () => new O.SGD({ momentum: -0.5 }), /momentum/],
    ['RMSprop rho > 1', () => new O.RMSprop({ rho: 2 }), /rho/],
    ['RMSprop negative epsilon', () => new O.RMSprop({ epsilon: -1 }), /epsilon/],
    ['Adadelta rho < 0', () => new O.Adadelta({ rho: -0.1 }), /rho/],
    ['Adagrad negative initialAccumulatorValue', () => new O.Adagrad({ initialAccumulatorValue: -1 }), /initialAccumulatorValue/],
    ['Ftrl positive learningRatePower', () => new O.Ftrl({ learningRatePower: 0.5 }), /learningRatePower/],
    ['Ftrl negative initialAccumulatorValue', () => new O.Ftrl({ initialAccumulatorValue: -0.1 }), /initialAccumulatorValue/],
    ['Ftrl negative l1', () => new O.Ftrl({ l1RegularizationStrength: -1 }), /l1RegularizationStrength/],
    ['Ftrl negative l2', () => new O.Ftrl({ l2RegularizationStrength: -1 }), /l2RegularizationStrength/],
    ['Ftrl negative l2Shrinkage', () => new O.Ftrl({ l2ShrinkageRegularizationStrength: -1 }), /l2ShrinkageRegularizationStrength/],
    ['unknown option', () => new O.Adam({ learning_rate: 0.1 } as never), /learning_rate/],
    ['RMSprop centered not boolean', () => new O.RMSprop({ centered: 'yes' as never }), /centered/],
  ];
  for (const [name, f, re] of bad) it(`rejects ${name}`, () => expect(f).toThrow(re));

  it('rejects a gradient whose shape differs from its variable', () => {
    const v = new tf.Variable([1, 2, 3]);
    expect(() => new O.Nadam().applyGradients([[tf.tensor([1, 2]), v]])).toThrow(/gradient shape \[2\] does not match variable .* shape \[3\]/);
  });

  it('rejects a call where every gradient is null', () => {
    const v = new tf.Variable([1, 2, 3]);
    expect(() => new O.Ftrl().applyGradients([[null, v]])).toThrow(/no gradients/);
  });
});
