/**
 * Norms and moments, written from primitives (no kernels, no gradient rules of their own):
 * `norm` (tf.norm: vector p-norms, matrix 1 / ∞ / Frobenius norms) and `moments`
 * (tf.nn.moments: mean and population variance). TF stops the gradient through the mean inside
 * the variance; that term is Σ(x − mean)·(…) = 0, so first derivatives are the same without the
 * stop, and without it second derivatives are right too (with it, TF's Hessian of the variance
 * lacks its −2/N² part), so it is left out here.
 */
import { isFloat } from '../../dtype.js';
import { fmt, normalizeAxes, normalizeAxis } from '../../shape.js';
import { toTensor, type Tensor, type TensorLike } from '../../tensor.js';
import { checkKeepDims, show } from '../../validate.js';
import { mul, pow, squaredDifference } from '../binary.js';
import { abs, sqrt } from '../unary.js';
import { max, sum } from '../reduce.js';
import { reshape } from '../reshape.js';
import { mean } from './math.js';

export type NormOrd = 'euclidean' | 'fro' | number;

function requireFloatInput(xLike: TensorLike, op: string): Tensor {
  const x = toTensor(xLike, op, 'x');
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: x must be float32 or float64, got ${x.dtype} ${fmt(x.shape)}`);
  return x;
}

/**
 * The norm of x (tf.norm). `axis` undefined: every element as one vector; a number: vectors
 * along that axis; two axes: matrices over them. `ord`: `'euclidean'` (default; Frobenius for
 * matrices), `'fro'` (matrices), 1, 2 (vectors only: the matrix 2-norm needs an SVD),
 * `Infinity`, or any positive p for vectors.
 */
export function norm(xLike: TensorLike, ord?: NormOrd | null, axis?: number | number[] | null, keepDims?: boolean | null): Tensor {
  const x = requireFloatInput(xLike, 'norm');
  const o = ord ?? 'euclidean';
  const keep = checkKeepDims(keepDims, 'norm');
  const isMatrix = Array.isArray(axis) && axis.length === 2;
  if (Array.isArray(axis) && axis.length !== 2 && axis.length !== 1) {
    throw new Error(`norm: axis must be a number or a pair of axes, got ${show(axis)}`);
  }
  let axes: number[];
  if (isMatrix) {
    axes = (axis as number[]).map((a) => normalizeAxis(a, x.rank, 'norm'));
    if (axes[0] === axes[1]) throw new Error(`norm: the two axes must differ, got ${show(axis)} for shape ${fmt(x.shape)}`);
    if (!(o === 'euclidean' || o === 'fro' || o === 1 || o === Infinity)) {
      throw new RangeError(`norm: ord ${show(o)} is not supported for matrix norms; use 'euclidean', 'fro', 1 or Infinity${o === 2 ? ' (the matrix 2-norm needs an SVD)' : ''}`);
    }
  } else {
    const a = Array.isArray(axis) ? axis[0] : axis;
    axes = a === undefined || a === null ? normalizeAxes(null, x.rank, 'norm') : [normalizeAxis(a, x.rank, 'norm')];
    if (!(o === 'euclidean' || (typeof o === 'number' && o > 0))) {
      throw new RangeError(`norm: ord ${show(o)} is not supported for vector norms; use 'euclidean', 1, 2, Infinity or a positive number${o === 'fro' ? " ('fro' needs two axes)" : ''}`);
    }
  }
  let result: Tensor;
  if (o === 'euclidean' || o === 'fro' || o === 2) {
    result = sqrt(sum(mul(x, x), axes, true));
  } else if (o === 1 && isMatrix) {
    // Largest column sum of |x|: sum over the row axis, then the max over columns.
    result = max(sum(abs(x), axes[0], true), axes[1], true);
  } else if (o === Infinity && isMatrix) {
    result = max(sum(abs(x), axes[1], true), axes[0], true);
  } else if (o === 1) {
    result = sum(abs(x), axes, true);
  } else if (o === Infinity) {
    result = max(abs(x), axes, true);
  } else {
    result = pow(sum(pow(abs(x), o as number), axes, true), 1 / (o as number));
  }
  return keep ? result : reshape(result, x.shape.filter((_, i) => !axes.includes(i)));
}

export interface Moments {
  mean: Tensor;
  variance: Tensor;
}

/** Mean and (population) variance of x over `axes` (tf.nn.moments). */
export function moments(xLike: TensorLike, axes?: number | number[] | null, keepDims?: boolean | null): Moments {
  const x = requireFloatInput(xLike, 'moments');
  // all axes when omitted (TF.js); TF's tf.nn.moments always names them
  const ax = axes === undefined || axes === null ? x.shape.map((_, i) => i) : normalizeAxes(axes, x.rank, 'moments');
  const keep = checkKeepDims(keepDims, 'moments');
  const m = mean(x, ax, true);
  const v = mean(squaredDifference(x, m), ax, true);
  if (keep) return { mean: m, variance: v };
  const shape = x.shape.filter((_, i) => !ax.includes(i));
  return { mean: reshape(m, shape), variance: reshape(v, shape) };
}
