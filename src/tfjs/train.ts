/**
 * `tf.train` as TF.js spells it: factories with positional arguments and TF.js's defaults,
 * returning optimizers whose `minimize(f, returnCost = false, varList?)`, `computeGradients`
 * and `applyGradients({name: gradient})` follow TF.js, while the update rules are tapeflow's
 * Keras 3 optimizers (the returned object is that optimizer, so `model.compile` takes it). TF.js's momentum
 * (accumulator = m·accumulator + g; w -= lr·accumulator) is Keras' SGD momentum with the
 * velocity scaled by -lr, so the two give the same steps for a constant learning rate.
 */
import { Adadelta } from '../optimizers/adadelta.js';
import { Adagrad } from '../optimizers/adagrad.js';
import { Adam } from '../optimizers/adam.js';
import { Adamax } from '../optimizers/adamax.js';
import { withMembers, type Optimizer } from '../optimizers/optimizer.js';
import { RMSprop } from '../optimizers/rmsprop.js';
import { SGD } from '../optimizers/sgd.js';
import { Tensor } from '../tensor.js';
import { Variable } from '../variable.js';
import { show } from '../validate.js';
import { variableGrads } from './gradients.js';

/** TF.js's float32 backend epsilon, the default where TF.js passes `epsilon = null`. */
const EPSILON = 1e-7;

/**
 * A TF.js-style optimizer: the Keras 3 optimizer itself (so `model.compile({optimizer:
 * tf.train.adam()})` takes it, and `iterations`, `getConfig` … are its own), with TF.js's
 * `minimize(f, returnCost = false, varList?)`, `computeGradients(f, varList?)`, and an
 * `applyGradients` that takes TF.js's `{name: gradient}` (or `[{name, tensor}]`) as well as
 * Keras's `[gradient, variable]` pairs.
 */
export type TfjsOptimizer = Optimizer & {
  minimize(f: () => Tensor, returnCost?: boolean, varList?: Variable[]): Tensor | null;
  computeGradients(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> };
  applyGradients(gradients: Record<string, Tensor> | { name: string; tensor: Tensor }[] | Iterable<readonly [Tensor | null | undefined, Variable]>): number;
  dispose(): void;
};

function tfjsOptimizer(keras: Optimizer): TfjsOptimizer {
  const known = new Map<string, Variable>();
  const computeGradients = (f: () => Tensor, varList?: Variable[]) => {
    const { value, grads, variables } = variableGrads(f, varList);
    for (const v of variables) known.set(v.name, v);
    return { value, grads };
  };
  const applyGradients = (gradients: unknown): number => {
    const isPairs = Array.isArray(gradients) && gradients.every((p) => Array.isArray(p) && p.length === 2 && p[1] instanceof Variable);
    if (isPairs || (gradients !== null && typeof gradients === 'object' && Symbol.iterator in gradients && !Array.isArray(gradients))) {
      return keras.applyGradients(gradients as Iterable<readonly [Tensor | null | undefined, Variable]>);
    }
    const entries: [string, Tensor][] = Array.isArray(gradients)
      ? (gradients as { name: string; tensor: Tensor }[]).map((g) => [g.name, g.tensor])
      : Object.entries(gradients as Record<string, Tensor>);
    const pairs = entries.map(([name, g]) => {
      const v = known.get(name);
      if (v === undefined) throw new Error(`applyGradients: no variable named ${show(name)} was seen by computeGradients or minimize`);
      return [g, v] as const;
    });
    return pairs.length > 0 ? keras.applyGradients(pairs) : keras.iterations;
  };
  const minimize = (f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null => {
    const { value, grads } = computeGradients(f, varList);
    applyGradients(grads);
    return returnCost ? value : null;
  };
  return withMembers(keras, { minimize, computeGradients, applyGradients, dispose: () => undefined }) as TfjsOptimizer;
}

export const train = {
  sgd: (learningRate: number) => tfjsOptimizer(new SGD({ learningRate })),
  momentum: (learningRate: number, momentum: number, useNesterov = false) => tfjsOptimizer(new SGD({ learningRate, momentum, nesterov: useNesterov })),
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) => tfjsOptimizer(new Adam({ learningRate, beta1, beta2, epsilon: epsilon ?? EPSILON })),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1) => tfjsOptimizer(new Adagrad({ learningRate, initialAccumulatorValue, epsilon: EPSILON })),
  adadelta: (learningRate = 0.001, rho = 0.95, epsilon: number | null = null) => tfjsOptimizer(new Adadelta({ learningRate, rho, epsilon: epsilon ?? EPSILON })),
  adamax: (learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, decay = 0) => {
    if (decay !== 0) throw new Error('train.adamax: a decay other than 0 is not supported; use a learning-rate schedule (tf.optimizers.schedules)');
    return tfjsOptimizer(new Adamax({ learningRate, beta1, beta2, epsilon: epsilon ?? EPSILON }));
  },
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false) =>
    tfjsOptimizer(new RMSprop({ learningRate, rho: decay, momentum, epsilon: epsilon ?? EPSILON, centered })),
};
