/**
 * `tf.losses` as TF.js spells it (positional `(labels, predictions, weights?, …, reduction?)`,
 * returning the reduced loss), from tapeflow ops so gradients follow. The main entry's
 * `tf.losses` is Keras-style; this one replaces it in tapeflow/tfjs. Reductions as TF.js's
 * `tf.Reduction`: NONE, MEAN (weighted sum over the sum of weights), SUM, and the default
 * SUM_BY_NONZERO_WEIGHTS (weighted sum over the number of nonzero weights, or the mean).
 */
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { add, div, minimum, mul, sub } from '../ops/binary.js';
import { abs, exp, log, log1p, neg, relu, square } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
import { logSoftmax, mean } from '../ops/composite/math.js';
import { broadcastTo } from '../ops/strided.js';
import { cast } from '../ops/cast.js';
import { notEqual } from '../ops/compare.js';

export enum Reduction { NONE = 0, MEAN = 1, SUM = 2, SUM_BY_NONZERO_WEIGHTS = 3 }

function shapesMatch(op: string, labels: Tensor, predictions: Tensor): void {
  if (labels.shape.length !== predictions.shape.length || labels.shape.some((d, i) => d !== predictions.shape[i])) {
    throw new Error(`${op}: labels [${labels.shape}] and predictions [${predictions.shape}] must have the same shape`);
  }
}

export function computeWeightedLoss(lossesLike: TensorLike, weightsLike?: TensorLike | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const losses = toTensor(lossesLike, 'computeWeightedLoss', 'losses');
  const weights = weightsLike === undefined || weightsLike === null ? null : toTensor(weightsLike, 'computeWeightedLoss', 'weights', losses.dtype);
  const weighted = weights === null ? losses : mul(losses, weights);
  switch (reduction) {
    case Reduction.NONE: return weighted;
    case Reduction.SUM: return sum(weighted);
    case Reduction.MEAN:
      return weights === null ? mean(weighted) : div(sum(weighted), sum(broadcastTo(weights, weighted.shape)));
    case Reduction.SUM_BY_NONZERO_WEIGHTS: {
      if (weights === null) return div(sum(weighted), losses.size);
      const nonzero = sum(cast(notEqual(broadcastTo(weights, weighted.shape), 0), losses.dtype));
      return div(sum(weighted), nonzero);
    }
    default: throw new RangeError(`computeWeightedLoss: unknown reduction ${String(reduction)}`);
  }
}

function pair(op: string, labelsLike: TensorLike, predictionsLike: TensorLike): [Tensor, Tensor] {
  const predictions = toTensor(predictionsLike, op, 'predictions');
  const labels = toTensor(labelsLike, op, 'labels', predictions.dtype);
  shapesMatch(op, labels, predictions);
  return [labels, predictions];
}

export function absoluteDifference(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, reduction?: Reduction): Tensor {
  const [l, p] = pair('absoluteDifference', labels, predictions);
  return computeWeightedLoss(abs(sub(l, p)), weights, reduction);
}

export function meanSquaredError(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, reduction?: Reduction): Tensor {
  const [l, p] = pair('meanSquaredError', labels, predictions);
  return computeWeightedLoss(square(sub(l, p)), weights, reduction);
}

/** 0.5·min(|e|, δ)² + δ·(|e| − min(|e|, δ)). */
export function huberLoss(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, delta = 1, reduction?: Reduction): Tensor {
  const [l, p] = pair('huberLoss', labels, predictions);
  const error = abs(sub(l, p));
  const quadratic = minimum(error, delta);
  const linear = sub(error, quadratic);
  return computeWeightedLoss(add(mul(square(quadratic), 0.5), mul(linear, delta)), weights, reduction);
}

/** −y·log(p + ε) − (1 − y)·log(1 − p + ε). */
export function logLoss(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, epsilon = 1e-7, reduction?: Reduction): Tensor {
  const [l, p] = pair('logLoss', labels, predictions);
  const losses = sub(neg(mul(l, log(add(p, epsilon)))), mul(sub(1, l), log(add(sub(1, p), epsilon))));
  return computeWeightedLoss(losses, weights, reduction);
}

/** relu(1 − (2y − 1)·p). */
export function hingeLoss(labels: TensorLike, predictions: TensorLike, weights?: TensorLike | null, reduction?: Reduction): Tensor {
  const [l, p] = pair('hingeLoss', labels, predictions);
  return computeWeightedLoss(relu(sub(1, mul(sub(mul(l, 2), 1), p))), weights, reduction);
}

/** 1 − Σ_axis y·p (the inputs are taken as unit vectors, as TF.js). */
export function cosineDistance(labels: TensorLike, predictions: TensorLike, axis: number, weights?: TensorLike | null, reduction?: Reduction): Tensor {
  const [l, p] = pair('cosineDistance', labels, predictions);
  return computeWeightedLoss(sub(1, sum(mul(l, p), axis, true)), weights, reduction);
}

/** relu(x) − x·y + log(1 + e^−|x|), the stable form of sigmoid cross-entropy; labels smoothed toward 1/2. */
export function sigmoidCrossEntropy(multiClassLabels: TensorLike, logits: TensorLike, weights?: TensorLike | null, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [y, x] = pair('sigmoidCrossEntropy', multiClassLabels, logits);
  if (labelSmoothing > 0) y = add(mul(y, 1 - labelSmoothing), 0.5 * labelSmoothing);
  const losses = add(sub(relu(x), mul(x, y)), log1p(exp(neg(abs(x)))));
  return computeWeightedLoss(losses, weights, reduction);
}

/** −Σ y·logSoftmax(x) over the last axis; labels smoothed toward 1/numClasses. */
export function softmaxCrossEntropy(onehotLabels: TensorLike, logits: TensorLike, weights?: TensorLike | null, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [y, x] = pair('softmaxCrossEntropy', onehotLabels, logits);
  if (labelSmoothing > 0) {
    const classes = x.shape[x.rank - 1];
    y = add(mul(y, 1 - labelSmoothing), labelSmoothing / classes);
  }
  const losses = neg(sum(mul(y, logSoftmax(x, -1)), -1));
  return computeWeightedLoss(losses, weights, reduction);
}
