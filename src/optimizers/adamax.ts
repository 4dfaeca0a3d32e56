import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';

export interface AdamaxOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * Adamax (Keras 3), Adam with the infinity norm. Defaults: learningRate 0.001, beta1 0.9,
 * beta2 0.999, epsilon 1e-7.
 *   t = iterations + 1
 *   m += (g − m)·(1 − beta1);  u = max(beta2·u, |g|)
 *   var −= lr·m / ((1 − beta1^t)·(u + epsilon))
 * Kernel `adamax`.
 */
export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(arg: AdamaxOptions | LearningRate = {}) {
    const options = optimizerOptions<AdamaxOptions>(arg, 'Adamax');
    super('Adamax', options, ['beta1', 'beta2', 'epsilon']);
    this.beta1 = checkNumber('Adamax', 'beta1', options.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber('Adamax', 'beta2', options.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = checkNumber('Adamax', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
  }

  protected slotSpecs(): Record<string, number> {
    return { momentum: 0, norm: 0 };
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number, step: number): void {
    const r = roundFor(variable);
    const beta1Power = r(Math.pow(r(this.beta1), step));
    // Keras: 1 − beta1 is computed in float64 (Python), 1 − beta1^t in the variable's dtype.
    this.fused('adamax', [variable.values as FloatArray, grad, slots.momentum, slots.norm], [r(lr), r(1 - this.beta1), r(this.beta2), r(1 - beta1Power), r(this.epsilon)]);
  }
}
