import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';

export interface LionOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
}

/**
 * Lion (Keras 3). Defaults: learningRate 0.001, beta1 0.9 (in (0, 1], as Keras), beta2 0.99.
 *   var −= lr·sign(beta1·m + (1 − beta1)·g)
 *   m = beta2·m + (1 − beta2)·g
 * Kernel `lion`.
 */
export class Lion extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;

  constructor(arg: LionOptions | LearningRate = {}) {
    const options = optimizerOptions<LionOptions>(arg, 'Lion');
    super('Lion', options, ['beta1', 'beta2']);
    this.beta1 = checkNumber('Lion', 'beta1', options.beta1 ?? 0.9, { min: 0, max: 1, minExclusive: true });
    this.beta2 = checkNumber('Lion', 'beta2', options.beta2 ?? 0.99, { min: 0, max: 1, maxExclusive: true });
  }

  protected slotSpecs(): Record<string, number> {
    return { momentum: 0 };
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number): void {
    const r = roundFor(variable);
    // Keras casts the betas first, so 1 − beta is computed in the variable's dtype.
    const b1 = r(this.beta1);
    const b2 = r(this.beta2);
    this.fused('lion', [variable.values as FloatArray, grad, slots.momentum], [r(lr), b1, r(1 - b1), b2, r(1 - b2)]);
  }
}
