/**
 * Activations by name, as layers take them (`activation: 'relu'`): Keras 3's set, each the
 * library's op. Add one with `ACTIVATIONS.register(['name', 'alias'], fn)` here. `softmax` and
 * `sigmoid` link their outputs to their logits (ops/composite/logits.ts) so that a following
 * cross-entropy is computed from logits, as Keras 3 does.
 */
import type { Tensor } from '../tensor.js';
import { Registry } from '../registry.js';
import { elu, gelu, relu, selu, sigmoid, silu, softplus, tanh } from '../ops/unary.js';
import { softmax } from '../ops/softmax.js';
import { linkLogits } from '../ops/composite/logits.js';

export type ActivationFn = (x: Tensor) => Tensor;
export type ActivationIdentifier = string | ActivationFn | null | undefined;

export const ACTIVATIONS = new Registry<ActivationFn>('activation');

const linear: ActivationFn = (x) => x;
ACTIVATIONS.register(['linear', 'none'], linear);
ACTIVATIONS.register('relu', (x) => relu(x));
ACTIVATIONS.register('sigmoid', (x) => linkLogits(sigmoid(x), x, 'sigmoid'));
ACTIVATIONS.register('tanh', (x) => tanh(x));
ACTIVATIONS.register('softmax', (x) => linkLogits(softmax(x, -1), x, 'softmax'));
ACTIVATIONS.register('gelu', (x) => gelu(x));
ACTIVATIONS.register(['silu', 'swish'], (x) => silu(x));
ACTIVATIONS.register('elu', (x) => elu(x));
ACTIVATIONS.register('selu', (x) => selu(x));
ACTIVATIONS.register('softplus', (x) => softplus(x));

/** The activation function for a name, a function, or nothing (linear). */
export function getActivation(identifier: ActivationIdentifier, op: string): ActivationFn {
  if (identifier === undefined || identifier === null) return linear;
  if (typeof identifier === 'function') return identifier;
  if (typeof identifier !== 'string') throw new TypeError(`${op}: activation must be a name or a function, got ${typeof identifier}`);
  return ACTIVATIONS.get(identifier, op);
}
