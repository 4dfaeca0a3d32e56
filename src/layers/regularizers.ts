/**
 * Weight regularizers (Keras 3's L1, L2, L1L2 in TF.js's spelling: `tf.regularizers.l2({l2})`).
 * A regularizer maps a weight to a scalar penalty that `fit` adds to the loss. A new one extends
 * `Regularizer` and registers its name in `REGULARIZERS` below its class.
 */
import type { Tensor } from '../tensor.js';
import { Registry } from '../registry.js';
import { abs, square } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
import { add, mul } from '../ops/binary.js';
import { checkOptions } from '../validate.js';

export abstract class Regularizer {
  abstract apply(x: Tensor): Tensor;
  abstract getConfig(): Record<string, number>;
}

export interface L1L2Options { l1?: number; l2?: number }

/** l1·Σ|x| + l2·Σx² (either term left out when its factor is 0). */
export class L1L2 extends Regularizer {
  readonly l1: number;
  readonly l2: number;

  constructor(options?: L1L2Options | null) {
    super();
    const { l1 = 0.01, l2 = 0.01 } = checkOptions(options, { l1: 'finite', l2: 'finite' }, 'regularizers.l1l2');
    if (l1 < 0 || l2 < 0) throw new RangeError(`regularizers: l1 and l2 must be >= 0, got l1=${l1}, l2=${l2}`);
    this.l1 = l1;
    this.l2 = l2;
  }

  apply(x: Tensor): Tensor {
    let penalty: Tensor | null = null;
    if (this.l1 !== 0) penalty = mul(sum(abs(x)), this.l1);
    if (this.l2 !== 0) {
      const l2 = mul(sum(square(x)), this.l2);
      penalty = penalty === null ? l2 : add(penalty, l2);
    }
    return penalty ?? mul(sum(x), 0);
  }

  getConfig(): Record<string, number> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** l1·Σ|x|; `l1` defaults to Keras's 0.01. */
export function l1(options?: { l1?: number } | null): L1L2 {
  const { l1: f = 0.01 } = checkOptions(options, { l1: 'finite' }, 'regularizers.l1');
  return new L1L2({ l1: f, l2: 0 });
}

/** l2·Σx²; `l2` defaults to Keras's 0.01. */
export function l2(options?: { l2?: number } | null): L1L2 {
  const { l2: f = 0.01 } = checkOptions(options, { l2: 'finite' }, 'regularizers.l2');
  return new L1L2({ l1: 0, l2: f });
}

/** l1·Σ|x| + l2·Σx², both 0.01 by default (TF.js's `l1l2`). */
export function l1l2(options?: L1L2Options | null): L1L2 {
  return new L1L2(options);
}

export const REGULARIZERS = new Registry<() => Regularizer>('regularizer');
REGULARIZERS.register('l1', () => l1());
REGULARIZERS.register('l2', () => l2());
REGULARIZERS.register(['l1l2', 'l1_l2'], () => l1l2());

export type RegularizerIdentifier = string | Regularizer | null | undefined;

export function getRegularizer(identifier: RegularizerIdentifier, op: string): Regularizer | null {
  if (identifier === undefined || identifier === null) return null;
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === 'string') return REGULARIZERS.get(identifier, op)();
  throw new TypeError(`${op}: a regularizer must be a name or a tf.regularizers object`);
}
