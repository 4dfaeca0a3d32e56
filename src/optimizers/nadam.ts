import type { DType, FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, type Rounder, optimizerOptions, type LearningRate } from './optimizer.js';

export interface NadamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Nadam (Keras 3): Adam with Dozat's Nesterov momentum schedule. Defaults: learningRate 0.001,
 * beta1 0.9, beta2 0.999, epsilon 1e-7.
 *   t = iterations + 1;  u_t = beta1·(1 − 0.5·0.96^t);  u_{t+1} = beta1·(1 − 0.5·0.96^(t+1))
 *   uProduct ← uProduct·u_t   (optimizer-wide, once per step, before the variables; starts at 1)
 *   m += (g − m)·(1 − beta1);  v += (g² − v)·(1 − beta2)
 *   mHat = u_{t+1}·m / (1 − uProduct·u_{t+1}) + (1 − u_t)·g / (1 − uProduct)
 *   vHat = v / (1 − beta2^t)
 *   var −= mHat·lr / (√vHat + epsilon)
 * Keras 3 raises 0.96 to the step itself (Keras 2 used 0.96^(0.004·t)); we follow Keras 3.
 * `uProduct` is kept in the dtype of the first variable trained, as Keras builds it.
 * Kernel `nadam`.
 */
export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private uProduct = 1;
  private uProductDtype: DType | null = null;

  constructor(arg: NadamOptions | LearningRate = {}) {
    const options = optimizerOptions<NadamOptions>(arg, 'Nadam');
    super('Nadam', options, ['beta1', 'beta2', 'epsilon']);
    this.beta1 = checkNumber('Nadam', 'beta1', options.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber('Nadam', 'beta2', options.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = checkNumber('Nadam', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
  }

  protected override getExtraState(): Record<string, number | string> {
    const extra: Record<string, number | string> = { uProduct: this.uProduct };
    if (this.uProductDtype !== null) extra.uProductDtype = this.uProductDtype;
    return extra;
  }

  protected override setExtraState(extra: Record<string, number | string>): void {
    const u = extra.uProduct ?? 1;
    if (typeof u !== 'number') throw new TypeError(`${this.name}.setState: uProduct must be a number, got ${JSON.stringify(u)}`);
    const d = extra.uProductDtype ?? null;
    if (d !== null && d !== 'float32' && d !== 'float64') throw new TypeError(`${this.name}.setState: uProductDtype must be 'float32' or 'float64', got ${JSON.stringify(d)}`);
    this.uProduct = u;
    this.uProductDtype = d;
  }

  /** Keras `_backend_update_step`: u_product *= beta1·(1 − 0.5·0.96^t), in its own dtype. */
  protected override beforeUpdateSteps(vars: Variable[], step: number): void {
    if (this.uProductDtype === null) this.uProductDtype = vars[0].dtype;
    const r: Rounder = this.uProductDtype === 'float32' ? Math.fround : (x) => x;
    this.uProduct = r(r(this.uProduct * r(this.beta1)) * r(1 - r(0.5 * r(Math.pow(r(0.96), step)))));
  }

  protected slotSpecs(): Record<string, number> {
    return { momentum: 0, velocity: 0 };
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number, step: number): void {
    const r = roundFor(variable);
    const decay = r(0.96);
    const b1 = r(this.beta1);
    const b2 = r(this.beta2);
    const uT = r(b1 * r(1 - r(0.5 * r(Math.pow(decay, step)))));
    const uNext = r(b1 * r(1 - r(0.5 * r(Math.pow(decay, step + 1)))));
    const uProductT = r(this.uProduct);
    const uProductNext = r(uProductT * uNext);
    const beta2Power = r(Math.pow(b2, step));
    this.fused('nadam', [variable.values as FloatArray, grad, slots.momentum, slots.velocity], [
      r(lr), r(1 - b1), r(1 - b2), uNext, r(1 - uProductNext), r(1 - uT), r(1 - uProductT), r(1 - beta2Power), r(this.epsilon),
    ]);
  }
}
