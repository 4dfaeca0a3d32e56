/**
 * Losses with Keras 3 numerics: each computes one value per example (the last axis reduced)
 * and then, by default, the mean over the batch (Keras's 'sum_over_batch_size'); `reduction:
 * 'none'` keeps the per-example values and 'sum' adds them. Probabilities are clipped to
 * [1e-7, 1 − 1e-7] (Keras's epsilon); `fromLogits` uses stable log-sum-exp forms. A softmax
 * or sigmoid output of a layer activation carries its logits (logits.ts), and the matching
 * cross-entropy uses them, as Keras 3 does. A new loss registers its names in `LOSSES` beside
 * its definition, which `compile({loss: 'name'})` reads.
 */
import { isFloat } from '../../dtype.js';
import { fmt, shapesEqual } from '../../shape.js';
import { Tensor, toTensor, type TensorLike } from '../../tensor.js';
import { add, mul, sub, div } from '../binary.js';
import { abs, exp, log, log1p, neg, square } from '../unary.js';
import { lessEqual } from '../compare.js';
import { Registry } from '../../registry.js';
import { logitsOf } from './logits.js';
import { sum } from '../reduce.js';
import { greaterEqual } from '../compare.js';
import { where } from '../where.js';
import { cast } from '../cast.js';
import { oneHot } from './one-hot.js';
import { clipByValue, logSoftmax, mean } from './math.js';

import { checkOptions, type OptionSpec } from '../../validate.js';

const EPSILON = 1e-7;
const REDUCTIONS = ['sum_over_batch_size', 'mean', 'sum', 'none'] as const;
const LOSS: OptionSpec = { reduction: REDUCTIONS };
const PROBABILISTIC: OptionSpec = { reduction: REDUCTIONS, fromLogits: 'boolean' };

export type Reduction = 'sum_over_batch_size' | 'mean' | 'sum' | 'none';
export interface LossOptions {
  reduction?: Reduction;
}
export interface ProbabilisticLossOptions extends LossOptions {
  fromLogits?: boolean;
}

function predictions(yPred: TensorLike, op: string): Tensor {
  const p = toTensor(yPred, op, 'yPred');
  if (!isFloat(p.dtype)) throw new TypeError(`${op}: yPred must be float32 or float64, got ${p.dtype}`);
  return p;
}

/** yTrue converted to yPred's dtype (Keras casts targets) and checked against its shape. */
function targets(yTrue: TensorLike, p: Tensor, op: string): Tensor {
  let t = toTensor(yTrue, op, 'yTrue', p.dtype);
  if (t.dtype !== p.dtype) t = cast(t, p.dtype);
  if (!shapesEqual(t.shape, p.shape)) {
    throw new Error(`${op}: yTrue shape ${fmt(t.shape)} does not match yPred shape ${fmt(p.shape)}`);
  }
  return t;
}

function reduce(perExample: Tensor, reduction: Reduction | undefined, op: string): Tensor {
  switch (reduction ?? 'sum_over_batch_size') {
    case 'none': return perExample;
    case 'sum': return sum(perExample);
    case 'sum_over_batch_size':
    case 'mean': return perExample.size === 0 ? sum(perExample) : mean(perExample);
    default: throw new Error(`${op}: reduction must be 'sum_over_batch_size', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
}

/** mean((yPred − yTrue)², last axis). */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike, optionsArg?: LossOptions | null): Tensor {
  const options = checkOptions(optionsArg, LOSS, 'meanSquaredError');
  const p = predictions(yPred, 'meanSquaredError');
  const t = targets(yTrue, p, 'meanSquaredError');
  const per = p.rank === 0 ? square(sub(p, t)) : mean(square(sub(p, t)), -1);
  return reduce(per, options.reduction, 'meanSquaredError');
}

/** −Σ yTrue · log(yPred) over the last axis; yPred normalised along it, then clipped. */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, optionsArg?: ProbabilisticLossOptions | null): Tensor {
  const options = checkOptions(optionsArg, PROBABILISTIC, 'categoricalCrossentropy');
  const p = predictions(yPred, 'categoricalCrossentropy');
  const t = targets(yTrue, p, 'categoricalCrossentropy');
  if (p.rank === 0) throw new Error('categoricalCrossentropy: yPred must have a class axis, got a scalar');
  const logits = options.fromLogits ? p : logitsOf(p, 'softmax');
  const logProb = logits !== undefined
    ? logSoftmax(logits, -1)
    : log(clipByValue(div(p, sum(p, -1, true)), EPSILON, 1 - EPSILON));
  return reduce(neg(sum(mul(t, logProb), -1)), options.reduction, 'categoricalCrossentropy');
}

/** Categorical cross-entropy with integer class labels (shape of yPred without its last axis). */
export function sparseCategoricalCrossentropy(labels: TensorLike, yPred: TensorLike, optionsArg?: ProbabilisticLossOptions | null): Tensor {
  const options = checkOptions(optionsArg, PROBABILISTIC, 'sparseCategoricalCrossentropy');
  const p = predictions(yPred, 'sparseCategoricalCrossentropy');
  if (p.rank === 0) throw new Error('sparseCategoricalCrossentropy: yPred must have a class axis, got a scalar');
  let l = toTensor(labels, 'sparseCategoricalCrossentropy', 'labels', 'int32');
  if (l.dtype !== 'int32') l = cast(l, 'int32');
  const classes = p.shape[p.rank - 1];
  if (l.rank === p.rank && l.shape[l.rank - 1] === 1) l = new Tensor(l.values, l.shape.slice(0, -1), 'int32');
  if (!shapesEqual(l.shape, p.shape.slice(0, -1))) {
    throw new Error(`sparseCategoricalCrossentropy: labels shape ${fmt(l.shape)} must be yPred shape ${fmt(p.shape)} without its last axis`);
  }
  for (let i = 0; i < l.size; i++) {
    const c = l.values[i];
    if (c < 0 || c >= classes) throw new RangeError(`sparseCategoricalCrossentropy: labels[${i}] = ${c} is not in [0, ${classes})`);
  }
  const onehot = oneHot(l, classes, 1, 0, p.dtype);
  return categoricalCrossentropy(onehot, p, options);
}

/** Mean over the last axis of −(y·log p + (1 − y)·log(1 − p)); p clipped, or from logits. */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike, optionsArg?: ProbabilisticLossOptions | null): Tensor {
  const options = checkOptions(optionsArg, PROBABILISTIC, 'binaryCrossentropy');
  const p = predictions(yPred, 'binaryCrossentropy');
  const t = targets(yTrue, p, 'binaryCrossentropy');
  let elementwise: Tensor;
  const logits = options.fromLogits ? undefined : logitsOf(p, 'sigmoid');
  if (logits !== undefined) {
    elementwise = logitCrossentropy(logits, t);
  } else if (options.fromLogits) {
    // max(x, 0) − x·z + log(1 + e^−|x|), stable for any logit x. Both max and |x| select on
    // x >= 0, as TF's sigmoid_cross_entropy_with_logits does, so the gradient at x = 0 is the
    // smooth σ(0) − z rather than the −z that relu's and abs's kink rules would give.
    elementwise = logitCrossentropy(p, t);
  } else {
    const q = clipByValue(p, EPSILON, 1 - EPSILON);
    elementwise = neg(add(mul(t, log(q)), mul(sub(1, t), log(sub(1, q)))));
  }
  const per = p.rank === 0 ? elementwise : mean(elementwise, -1);
  return reduce(per, options.reduction, 'binaryCrossentropy');
}

function logitCrossentropy(x: Tensor, z: Tensor): Tensor {
  const nonNegative = greaterEqual(x, 0);
  const reluLogits = where(nonNegative, x, 0);
  const negAbsLogits = where(nonNegative, neg(x), x);
  return add(sub(reluLogits, mul(x, z)), log1p(exp(negAbsLogits)));
}

/** mean(|yPred − yTrue|, last axis). */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike, optionsArg?: LossOptions | null): Tensor {
  const options = checkOptions(optionsArg, LOSS, 'meanAbsoluteError');
  const p = predictions(yPred, 'meanAbsoluteError');
  const t = targets(yTrue, p, 'meanAbsoluteError');
  const per = p.rank === 0 ? abs(sub(p, t)) : mean(abs(sub(p, t)), -1);
  return reduce(per, options.reduction, 'meanAbsoluteError');
}

export interface HuberOptions extends LossOptions {
  delta?: number;
}

/** Keras's Huber: with e = yPred − yTrue, mean over the last axis of ½e² where |e| ≤ δ, else δ|e| − ½δ² (δ = 1). */
export function huber(yTrue: TensorLike, yPred: TensorLike, optionsArg?: HuberOptions | null): Tensor {
  const options = checkOptions(optionsArg, { reduction: REDUCTIONS, delta: 'finite' }, 'huber');
  const delta = options.delta ?? 1;
  const p = predictions(yPred, 'huber');
  const t = targets(yTrue, p, 'huber');
  const error = sub(p, t);
  const absError = abs(error);
  const elementwise = where(lessEqual(absError, delta), mul(square(error), 0.5), sub(mul(absError, delta), 0.5 * delta * delta));
  const per = p.rank === 0 ? elementwise : mean(elementwise, -1);
  return reduce(per, options.reduction, 'huber');
}

/** A loss as `compile` resolves a name: `(yTrue, yPred) => scalar`. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Losses by name (camelCase, snake_case or Keras's short forms). */
export const LOSSES = new Registry<LossFn>('loss');
LOSSES.register(['meanSquaredError', 'mse'], meanSquaredError);
LOSSES.register(['meanAbsoluteError', 'mae'], meanAbsoluteError);
LOSSES.register(['categoricalCrossentropy'], categoricalCrossentropy);
LOSSES.register(['sparseCategoricalCrossentropy'], sparseCategoricalCrossentropy);
LOSSES.register(['binaryCrossentropy'], binaryCrossentropy);
LOSSES.register(['huber', 'huberLoss'], huber);
