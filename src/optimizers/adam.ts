import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';
import { checkBoolean } from '../validate.js';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

/**
 * Adam (Keras 3). Defaults: learningRate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7, amsgrad false.
 *   t = iterations + 1;  alpha = lr·√(1 − beta2^t) / (1 − beta1^t)
 *   m += (g − m)(1 − beta1);  v += (g² − v)(1 − beta2)
 *   amsgrad: vHat = max(vHat, v), used for v below
 *   var −= alpha·m / (√v + epsilon)
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(arg: AdamOptions | LearningRate = {}, className = 'Adam') {
    const options = optimizerOptions<AdamOptions>(arg, className);
    super(className, options, ['beta1', 'beta2', 'epsilon', 'amsgrad']);
    this.beta1 = checkNumber(className, 'beta1', options.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber(className, 'beta2', options.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = checkNumber(className, 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
    this.amsgrad = checkBoolean(options.amsgrad ?? false, className, 'amsgrad');
  }

  protected slotSpecs(): Record<string, number> {
    return this.amsgrad ? { momentum: 0, velocity: 0, velocityHat: 0 } : { momentum: 0, velocity: 0 };
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number, step: number): void {
    const r = roundFor(variable);
    const b1 = r(this.beta1);
    const b2 = r(this.beta2);
    const b1Power = r(Math.pow(b1, step));
    const b2Power = r(Math.pow(b2, step));
    const alpha = r(r(r(lr) * r(Math.sqrt(r(1 - b2Power)))) / r(1 - b1Power));
    const arrays = [variable.values as FloatArray, grad, slots.momentum, slots.velocity];
    // Keras multiplies by the Python float 1 - beta (computed in double, then cast).
    const scalars = [alpha, r(1 - this.beta1), r(1 - this.beta2), r(this.epsilon)];
    if (this.amsgrad) this.fused('adamAmsgrad', [...arrays, slots.velocityHat], scalars);
    else this.fused('adam', arrays, scalars);
  }
}
