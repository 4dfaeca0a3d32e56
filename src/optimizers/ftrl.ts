import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';

export interface FtrlOptions extends OptimizerOptions {
  learningRatePower?: number;
  initialAccumulatorValue?: number;
  l1RegularizationStrength?: number;
  l2RegularizationStrength?: number;
  l2ShrinkageRegularizationStrength?: number;
  beta?: number;
}

/**
 * FTRL-Proximal (Keras 3). Defaults: learningRate 0.001, learningRatePower −0.5,
 * initialAccumulatorValue 0.1, l1/l2/l2Shrinkage regularization strengths 0, beta 0.
 *   l2 = l2RegularizationStrength + beta / (2·lr)
 *   gs = g + 2·l2ShrinkageRegularizationStrength·var
 *   n = acc + g²
 *   linear += gs − ((n^−p − acc^−p) / lr)·var          (p = learningRatePower)
 *   quadratic = n^−p / lr + 2·l2
 *   var = (clip(linear, −l1, l1) − linear) / quadratic;  acc = n
 * Kernel `ftrl`.
 */
export class Ftrl extends Optimizer {
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1RegularizationStrength: number;
  readonly l2RegularizationStrength: number;
  readonly l2ShrinkageRegularizationStrength: number;
  readonly beta: number;

  constructor(arg: FtrlOptions | LearningRate = {}) {
    const options = optimizerOptions<FtrlOptions>(arg, 'Ftrl');
    super('Ftrl', options, ['learningRatePower', 'initialAccumulatorValue', 'l1RegularizationStrength', 'l2RegularizationStrength', 'l2ShrinkageRegularizationStrength', 'beta']);
    this.learningRatePower = checkNumber('Ftrl', 'learningRatePower', options.learningRatePower ?? -0.5, { max: 0 });
    this.initialAccumulatorValue = checkNumber('Ftrl', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, { min: 0 });
    this.l1RegularizationStrength = checkNumber('Ftrl', 'l1RegularizationStrength', options.l1RegularizationStrength ?? 0, { min: 0 });
    this.l2RegularizationStrength = checkNumber('Ftrl', 'l2RegularizationStrength', options.l2RegularizationStrength ?? 0, { min: 0 });
    this.l2ShrinkageRegularizationStrength = checkNumber('Ftrl', 'l2ShrinkageRegularizationStrength', options.l2ShrinkageRegularizationStrength ?? 0, { min: 0 });
    this.beta = checkNumber('Ftrl', 'beta', options.beta ?? 0, { min: 0 });
  }

  protected slotSpecs(): Record<string, number> {
    return { accumulator: this.initialAccumulatorValue, linear: 0 };
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number): void {
    const r = roundFor(variable);
    const lrv = r(lr);
    // Keras: beta / (2·lr) and the sum with l2 are in the variable's dtype; 2·l2Shrinkage is a Python product.
    const l2 = r(r(this.l2RegularizationStrength) + r(r(this.beta) / r(2 * lrv)));
    this.fused('ftrl', [variable.values as FloatArray, grad, slots.accumulator, slots.linear], [
      lrv, r(-this.learningRatePower), r(this.l1RegularizationStrength), r(2 * this.l2ShrinkageRegularizationStrength), r(2 * l2),
    ]);
  }
}
