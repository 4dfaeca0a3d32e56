import type { FloatArray } from '../dtype.js';
import type { Variable } from '../variable.js';
import { checkNumber, Optimizer, roundFor, type OptimizerOptions, optimizerOptions, type LearningRate } from './optimizer.js';
import { checkBoolean } from '../validate.js';

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

/**
 * RMSprop (Keras 3). Defaults: learningRate 0.001, rho 0.9, momentum 0, epsilon 1e-7 (inside
 * the square root), centered false.
 *   v = rho·v + (1 − rho)·g²
 *   centered: a = rho·a + (1 − rho)·g;  denominator = v − a² + epsilon;  else v + epsilon
 *   increment = lr·g / √denominator
 *   momentum > 0: m = momentum·m + increment;  var −= m;  else var −= increment
 * Kernels `rmsprop`, `rmspropMomentum`, `rmspropCentered`, `rmspropCenteredMomentum`.
 */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(arg: RMSpropOptions | LearningRate = {}) {
    const options = optimizerOptions<RMSpropOptions>(arg, 'RMSprop');
    super('RMSprop', options, ['rho', 'momentum', 'epsilon', 'centered']);
    this.rho = checkNumber('RMSprop', 'rho', options.rho ?? 0.9, { min: 0, max: 1 });
    this.momentum = checkNumber('RMSprop', 'momentum', options.momentum ?? 0, { min: 0, max: 1 });
    this.epsilon = checkNumber('RMSprop', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
    this.centered = checkBoolean(options.centered ?? false, 'RMSprop', 'centered');
    if (typeof this.centered !== 'boolean') throw new TypeError(`RMSprop: centered must be a boolean, got ${JSON.stringify(options.centered)}`);
  }

  protected slotSpecs(): Record<string, number> {
    const specs: Record<string, number> = { velocity: 0 };
    if (this.momentum > 0) specs.momentum = 0;
    if (this.centered) specs.averageGradient = 0;
    return specs;
  }

  protected updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number): void {
    const r = roundFor(variable);
    // Keras: rho and momentum are Python floats (cast when used); 1 − rho is computed in float64.
    const scalars = [r(lr), r(this.rho), r(1 - this.rho), r(this.epsilon), r(this.momentum)];
    const arrays = [variable.values as FloatArray, grad, slots.velocity];
    if (this.centered) arrays.push(slots.averageGradient);
    if (this.momentum > 0) arrays.push(slots.momentum);
    const kind = this.centered ? (this.momentum > 0 ? 'rmspropCenteredMomentum' : 'rmspropCentered') : this.momentum > 0 ? 'rmspropMomentum' : 'rmsprop';
    this.fused(kind, arrays, scalars);
  }
}
