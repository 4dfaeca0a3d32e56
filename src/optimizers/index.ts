/**
 * tf.optimizers: the Keras optimizer family, its schedules, and lookup by name or config.
 * Register a new optimizer here: export it and add it to `OPTIMIZERS`.
 */
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import { Ftrl } from './ftrl.js';
import { Lion } from './lion.js';
import { Nadam } from './nadam.js';
import { lookupOptimizer, Optimizer, registeredOptimizers, registerOptimizer, type OptimizerClass, type OptimizerConfig } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export {
  Optimizer, type OptimizerOptions, type LearningRate, type OptimizerConfig, type OptimizerState, type VariableState,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { Nadam, type NadamOptions } from './nadam.js';
export { Ftrl, type FtrlOptions } from './ftrl.js';
export { Lion, type LionOptions } from './lion.js';
export * as schedules from './schedules.js';

const OPTIMIZERS: Record<string, OptimizerClass> = { SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion };
for (const [name, ctor] of Object.entries(OPTIMIZERS)) registerOptimizer(name, ctor);

/**
 * An optimizer from an identifier, as `keras.optimizers.get`: a class name in any case
 * (`'adam'`, `'RMSprop'`) gives a new instance with default options; a config from
 * `getConfig()` is rebuilt with `Optimizer.fromConfig`; an optimizer is returned as is.
 */
export function get(identifier: string | OptimizerConfig | Optimizer): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') {
    const ctor = lookupOptimizer(identifier);
    if (!ctor) throw new Error(`optimizers.get: unknown optimizer ${JSON.stringify(identifier)}; expected one of ${registeredOptimizers().join(', ')}`);
    return new ctor();
  }
  if (typeof identifier === 'object' && identifier !== null && typeof (identifier as OptimizerConfig).className === 'string') {
    return Optimizer.fromConfig(identifier);
  }
  throw new TypeError(`optimizers.get: expected an optimizer name, a config with className, or an optimizer, got ${JSON.stringify(identifier)}`);
}
