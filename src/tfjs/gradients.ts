/**
 * TF.js's functional gradients over tapeflow's tape: `grads`, `valueAndGrads` (functions of a
 * list of tensors), `variableGrads` (of every trainable variable `f` reads, keyed by name) and
 * `customGrad` (TF.js's `{value, gradFunc}` form). `grad` and `valueAndGrad` are the main entry's.
 */
import { GradientTape, customGradient } from '../autodiff/tape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { Variable } from '../variable.js';
import { show } from '../validate.js';

/** `grads(f)(args, dy?)`: the gradients of f with respect to each of its tensor arguments. */
export function grads(f: (...args: Tensor[]) => Tensor) {
  return (args: TensorLike[], dy?: TensorLike): Tensor[] => valueAndGrads(f)(args, dy).grads;
}

/** `valueAndGrads(f)(args, dy?)` → `{value: f(...args), grads}`. */
export function valueAndGrads(f: (...args: Tensor[]) => Tensor) {
  if (typeof f !== 'function') throw new TypeError('valueAndGrads: expected a function');
  return (argLikes: TensorLike[], dy?: TensorLike): { value: Tensor; grads: Tensor[] } => {
    if (!Array.isArray(argLikes)) throw new TypeError(`valueAndGrads: args must be an array of tensors, got ${show(argLikes)}`);
    const args = argLikes.map((a, i) => toTensor(a, 'valueAndGrads', `args[${i}]`));
    const tape = new GradientTape();
    for (const a of args) tape.watch(a);
    const value = tape.record(() => f(...args));
    if (!(value instanceof Tensor)) throw new TypeError('valueAndGrads: f must return a tensor');
    const g = tape.gradient(value, args, { outputGradients: dy, unconnectedGradients: 'zero' }) as Tensor[];
    return { value, grads: g };
  };
}

/**
 * `variableGrads(f, varList?)` → `{value, grads: {name: gradient}}` for the trainable variables
 * in `varList`, or for every trainable variable f reads when it is omitted. f must return a scalar.
 */
export function variableGrads(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor>; variables: Variable[] } {
  if (typeof f !== 'function') throw new TypeError('variableGrads: expected a function');
  if (varList !== undefined && (!Array.isArray(varList) || !varList.every((v) => v instanceof Variable))) {
    throw new TypeError(`variableGrads: varList must be an array of tf.Variable, got ${show(varList)}`);
  }
  const tape = new GradientTape({ persistent: false });
  for (const v of varList ?? []) tape.watch(v);
  const value = tape.record(f);
  if (!(value instanceof Tensor)) throw new TypeError('variableGrads: f must return a tensor');
  if (value.rank !== 0) throw new Error(`variableGrads: f must return a scalar, got shape [${value.shape}]`);
  const variables = (varList ?? (tape.watchedVariables() as Variable[])).filter((v) => v.trainable);
  const g = variables.length === 0 ? [] : (tape.gradient(value, variables, { unconnectedGradients: 'zero' }) as Tensor[]);
  const out: Record<string, Tensor> = {};
  variables.forEach((v, i) => { out[v.name] = g[i]; });
  return { value, grads: out, variables };
}

/**
 * TF.js's `customGrad(f)`: f takes the inputs and a `save(tensors)` callback and returns
 * `{value, gradFunc(dy, saved)}`; gradFunc returns one gradient per input.
 */
export function customGrad(f: (...args: unknown[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] }) {
  if (typeof f !== 'function') throw new TypeError('customGrad: expected a function');
  const inner = customGradient((...inputs: Tensor[]) => {
    let saved: Tensor[] = [];
    const result = f(...inputs, (tensors: Tensor[]) => { saved = tensors; });
    if (result === null || typeof result !== 'object' || !(result.value instanceof Tensor) || typeof result.gradFunc !== 'function') {
      throw new TypeError('customGrad: f must return {value: Tensor, gradFunc: (dy, saved) => gradients}');
    }
    return [result.value, (dy: Tensor) => result.gradFunc(dy, saved)];
  });
  return (...inputs: TensorLike[]): Tensor => inner(...inputs.map((x, i) => toTensor(x, 'customGrad', `inputs[${i}]`)));
}
