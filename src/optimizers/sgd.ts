import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';
import { checkBoolean } from '../validate.js';

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent (Keras 3). Defaults: learningRate 0.01, momentum 0, nesterov false.
 *   without momentum: var -= lr·g
 *   with momentum:    m = momentum·m − lr·g;  var += m   (nesterov: var += momentum·m − lr·g)
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(arg: SGDOptions | LearningRate = {}) {
    const options = optimizerOptions<SGDOptions>(arg, 'SGD');
    super('SGD', { ...options, learningRate: options.learningRate ?? 0.01 }, ['momentum', 'nesterov']);
    this.momentum = checkNumber('SGD', 'momentum', options.momentum ?? 0, { min: 0, max: 1 });
    this.nesterov = checkBoolean(options.nesterov ?? false, 'SGD', 'nesterov');
  }

  protected slotSpecs(): Record<string, number> {
    return this.momentum !== 0 ? { momentum: 0 } : {};
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number): void {
    const r = roundFor(variable);
    const v = variable.values as FloatArray;
    if (this.momentum === 0) this.fused('sgd', [v, grad], [r(lr)]);
    else this.fused('sgdMomentum', [v, grad, slots.momentum], [r(lr), r(this.momentum), this.nesterov ? 1 : 0]);
  }
}
