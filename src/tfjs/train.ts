/**
 * `tf.train` as TF.js spells it: factories with positional arguments and TF.js's defaults,
 * returning optimizers whose `minimize(f, returnCost = false, varList?)`, `computeGradients`
 * and `applyGradients({name: gradient})` follow TF.js, while the update rules are tapeflow's
 * Keras 3 optimizers underneath (`optimizer.keras` is that instance). TF.js's momentum
 * (accumulator = m·accumulator + g; w -= lr·accumulator) is Keras' SGD momentum with the
 * velocity scaled by -lr, so the two give the same steps for a constant learning rate.
 */
import { Adadelta } from '../optimizers/adadelta.js';
import { Adagrad } from '../optimizers/adagrad.js';
import { Adam } from '../optimizers/adam.js';
import { Adamax } from '../optimizers/adamax.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { RMSprop } from '../optimizers/rmsprop.js';
import { SGD } from '../optimizers/sgd.js';
import { Tensor } from '../tensor.js';
import { Variable } from '../variable.js';
import { show } from '../validate.js';
import { variableGrads } from './gradients.js';

/** TF.js's float32 backend epsilon, the default where TF.js passes `epsilon = null`. */
const EPSILON = 1e-7;

export class TfjsOptimizer {
  private known = new Map<string, Variable>();

  constructor(readonly keras: Optimizer) {}

  get iterations(): number {
    return this.keras.iterations;
  }

  /** Runs f under a tape, applies the gradients of its scalar result; returns it when `returnCost`. */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    const { value, grads } = this.computeGradients(f, varList);
    this.applyGradients(grads);
    return returnCost ? value : null;
  }

  computeGradients(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
    const { value, grads, variables } = variableGrads(f, varList);
    for (const v of variables) this.known.set(v.name, v);
    return { value, grads };
  }

  /** Applies `{variableName: gradient}` or `[{name, tensor}]` to variables seen by `computeGradients`/`minimize`. */
  applyGradients(gradients: Record<string, Tensor> | { name: string; tensor: Tensor }[]): void {
    const entries: [string, Tensor][] = Array.isArray(gradients) ? gradients.map((g) => [g.name, g.tensor]) : Object.entries(gradients);
    const pairs = entries.map(([name, g]) => {
      const v = this.known.get(name);
      if (v === undefined) throw new Error(`applyGradients: no variable named ${show(name)} was seen by computeGradients or minimize`);
      return [g, v] as const;
    });
    if (pairs.length > 0) this.keras.applyGradients(pairs);
  }

  getConfig() {
    return this.keras.getConfig();
  }

  /** TF.js frees the optimizer's variables here; tapeflow's are garbage-collected. */
  dispose(): void {}
}

const opt = (o: Optimizer) => new TfjsOptimizer(o);

export const train = {
  sgd: (learningRate: number) => opt(new SGD({ learningRate })),
  momentum: (learningRate: number, momentum: number, useNesterov = false) => opt(new SGD({ learningRate, momentum, nesterov: useNesterov })),
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) => opt(new Adam({ learningRate, beta1, beta2, epsilon: epsilon ?? EPSILON })),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1) => opt(new Adagrad({ learningRate, initialAccumulatorValue, epsilon: EPSILON })),
  adadelta: (learningRate = 0.001, rho = 0.95, epsilon: number | null = null) => opt(new Adadelta({ learningRate, rho, epsilon: epsilon ?? EPSILON })),
  adamax: (learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, decay = 0) => {
    if (decay !== 0) throw new Error('train.adamax: a decay other than 0 is not supported; use a learning-rate schedule (tf.optimizers.schedules)');
    return opt(new Adamax({ learningRate, beta1, beta2, epsilon: epsilon ?? EPSILON }));
  },
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false) =>
    opt(new RMSprop({ learningRate, rho: decay, momentum, epsilon: epsilon ?? EPSILON, centered })),
};
