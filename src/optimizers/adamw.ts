import { Adam, type AdamOptions } from './adam.js';
import { optimizerOptions, type LearningRate } from './optimizer.js';

/**
 * AdamW (Keras 3): Adam with decoupled weight decay, which the base class applies before the
 * Adam step as `var −= (var·weightDecay)·lr`. Defaults: learningRate 0.001, weightDecay 0.004
 * (required: `null` is an error), beta1 0.9, beta2 0.999, epsilon 1e-7, amsgrad false.
 *   var −= (var·weightDecay)·lr;  then the Adam update (see `Adam`)
 */
export class AdamW extends Adam {
  constructor(arg: AdamOptions | LearningRate = {}) {
    const options = optimizerOptions<AdamOptions>(arg, 'AdamW');
    if (typeof options === 'object' && options !== null && options.weightDecay === null) {
      throw new TypeError('AdamW: weightDecay must be a number (AdamW without weight decay is Adam), got null');
    }
    super({ ...options, weightDecay: options.weightDecay ?? 0.004 }, 'AdamW');
  }
}
