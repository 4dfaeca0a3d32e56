import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';

export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

/**
 * Adadelta (Keras 3). Defaults: learningRate 0.001, rho 0.95, epsilon 1e-7.
 *   accGrad = rho·accGrad + (1 − rho)·g²
 *   delta = −√(accDelta + epsilon)·g / √(accGrad + epsilon)
 *   accDelta = rho·accDelta + (1 − rho)·delta²
 *   var += lr·delta
 * Kernel `adadelta`.
 */
export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(arg: AdadeltaOptions | LearningRate = {}) {
    const options = optimizerOptions<AdadeltaOptions>(arg, 'Adadelta');
    super('Adadelta', options, ['rho', 'epsilon']);
    this.rho = checkNumber('Adadelta', 'rho', options.rho ?? 0.95, { min: 0, max: 1 });
    this.epsilon = checkNumber('Adadelta', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
  }

  protected slotSpecs(): Record<string, number> {
    return { accumulatedGrad: 0, accumulatedDeltaVar: 0 };
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number): void {
    const r = roundFor(variable);
    // Keras: rho is a Python float, 1 − rho computed in float64 then cast.
    this.fused('adadelta', [variable.values as FloatArray, grad, slots.accumulatedGrad, slots.accumulatedDeltaVar], [r(lr), r(this.rho), r(1 - this.rho), r(this.epsilon)]);
  }
}
