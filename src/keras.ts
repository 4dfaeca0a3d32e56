/**
 * The `tf.keras` namespace: the Keras-level names as TF programs use them:
 * `tf.keras.layers.Dense`, `tf.keras.Sequential`, `tf.keras.Model`, `tf.keras.Input`,
 * `tf.keras.optimizers.Adam`, `tf.keras.losses.meanSquaredError`, `tf.keras.callbacks.EarlyStopping`.
 * As in Python, the classes here may be called without `new` (`tf.keras.optimizers.Adam(0.01)`,
 * `tf.keras.layers.Dense({units: 4})`): each is wrapped so that a plain call constructs, while
 * `instanceof` and subclassing still see the original class.
 */
import * as optimizerModule from './optimizers/index.js';
import * as layerModule from './layers/index.js';
import * as callbackModule from './models/callbacks.js';
import * as metricModule from './metrics/index.js';
import * as initializerModule from './layers/initializers.js';
import * as regularizerModule from './layers/regularizers.js';
import { Functional, Model as ModelClass, Sequential as SequentialClass, input as inputFn, model as modelFn } from './models/index.js';
import { clearSession } from './layers/layer.js';

/** A class callable without `new`, as Python's constructors are. */
function callable<C extends abstract new (...args: never[]) => unknown>(cls: C): C & ((...args: ConstructorParameters<C>) => InstanceType<C>) {
  return new Proxy(cls, {
    apply: (target, _this, args) => Reflect.construct(target, args),
  }) as C & ((...args: ConstructorParameters<C>) => InstanceType<C>);
}

/** A module's type with each class also callable without `new`. */
type CallableClasses<M> = {
  [K in keyof M]: M[K] extends new (...args: infer A) => infer R ? M[K] & ((...args: A) => R) : M[K];
};

/** Every export of `module` whose name starts with a capital and is a class, made callable. */
function withCallableClasses<M extends object>(module: M): CallableClasses<M> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(module)) {
    out[k] = typeof v === 'function' && /^[A-Z]/.test(k) && /^class\b/.test(Function.prototype.toString.call(v)) ? callable(v as new () => unknown) : v;
  }
  return Object.freeze(out) as CallableClasses<M>;
}

export const optimizers = withCallableClasses(optimizerModule);
export const layers = withCallableClasses(layerModule);
export const callbacks = withCallableClasses(callbackModule);
export const metrics = withCallableClasses(metricModule);
export const initializers = withCallableClasses(initializerModule);
export const regularizers = withCallableClasses(regularizerModule);
export * as losses from './ops/composite/losses.js';
export const Sequential = callable(SequentialClass);
export const Model = callable(ModelClass);
export const Input = inputFn;
export const input = inputFn;
export const model = modelFn;
export { Functional };
export const backend = Object.freeze({ clearSession });
