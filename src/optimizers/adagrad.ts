import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/**
 * Adagrad (Keras 3). Defaults: learningRate 0.001, initialAccumulatorValue 0.1, epsilon 1e-7.
 *   acc += g²;  var −= lr·g / √(acc + epsilon)
 * Kernel `adagrad`.
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(arg: AdagradOptions | LearningRate = {}) {
    const options = optimizerOptions<AdagradOptions>(arg, 'Adagrad');
    super('Adagrad', options, ['initialAccumulatorValue', 'epsilon']);
    this.initialAccumulatorValue = checkNumber('Adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, { min: 0 });
    this.epsilon = checkNumber('Adagrad', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
  }

  protected slotSpecs(): Record<string, number> {
    return { accumulator: this.initialAccumulatorValue };
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number): void {
    const r = roundFor(variable);
    this.fused('adagrad', [variable.values as FloatArray, grad, slots.accumulator], [r(lr), r(this.epsilon)]);
  }
}
