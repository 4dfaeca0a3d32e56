/**
 * The logits link: Keras 3 (TF backend) keeps on a softmax or sigmoid output the logits it was
 * computed from (`_keras_logits`), and its cross-entropies use them, computing the loss from
 * logits (stable log-sum-exp) rather than from clipped probabilities. Layers' `softmax` and
 * `sigmoid` activations (src/layers/activations.ts) link their outputs here; the losses read it.
 * The plain ops `tf.softmax` and `tf.sigmoid` do not link, so their results are unchanged.
 */
import type { Tensor } from '../../tensor.js';

export type LogitsKind = 'softmax' | 'sigmoid';

const links = new WeakMap<Tensor, { logits: Tensor; kind: LogitsKind }>();

export function linkLogits(output: Tensor, logits: Tensor, kind: LogitsKind): Tensor {
  links.set(output, { logits, kind });
  return output;
}

/** The logits `output` was computed from by an activation of `kind`, if any. */
export function logitsOf(output: Tensor, kind: LogitsKind): Tensor | undefined {
  const link = links.get(output);
  return link !== undefined && link.kind === kind && !link.logits.isDisposed ? link.logits : undefined;
}
