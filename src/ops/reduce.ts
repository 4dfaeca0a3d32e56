/**
 * Reductions over any set of axes (`axis` undefined: all), with `keepDims`: sum, max, min,
 * prod, and argMax/argMin along one axis. Gradients broadcast the upstream back over the
 * reduced axes (the shape with reduced dims kept as 1 broadcasts against the input).
 */
import type { ReduceOp } from '../backend/backend.js';
import { stridedKernels } from '../backend/select.js';
import { allocate, allocateOutput, type DType } from '../dtype.js';
import { record } from '../autodiff/record.js';
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { div, mul } from './binary.js';
import { equal } from './compare.js';
import { cast } from './cast.js';
import { reshape } from './reshape.js';
import { broadcastTo } from './strided.js';
import { checkKeepDims } from '../validate.js';

export type Axis = number | number[] | null;

function reduceKernel(op: ReduceOp, x: Tensor, axes: number[], outDType: DType = x.dtype): Tensor {
  const shape = reducedShape(x.shape, axes, false);
  const out = allocateOutput(outDType, sizeOf(shape));
  stridedKernels(x.size).reduce(op, x.values, x.shape, axes, out);
  return new Tensor(out, shape, outDType);
}

/** Upstream gradient of a reduction, reshaped with kept dims and broadcast to x's shape. */
function spread(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  return broadcastTo(reshape(dy, reducedShape(x.shape, axes, true)), x.shape);
}

function reduction(op: ReduceOp, xLike: TensorLike, axis: Axis | undefined, keepDimsArg: boolean | null | undefined, grad: (dy: Tensor, x: Tensor, y: Tensor, axes: number[]) => Tensor): Tensor {
  const x = toTensor(xLike, op, 'x');
  if (x.dtype === 'bool') throw new TypeError(`${op}: bool tensors are not supported; cast to int32 or float first`);
  const keepDims = checkKeepDims(keepDimsArg, op);
  const axes = normalizeAxes(axis, x.rank, op);
  const reduced = reduceKernel(op, x, axes);
  const y = keepDims ? new Tensor(reduced.values, reducedShape(x.shape, axes, true), x.dtype) : reduced;
  record([x], [y], ([dy]) => [grad(dy, x, y, axes)]);
  return y;
}

// max and min share the gradient among tied elements equally, as TF's _MinOrMaxGrad.
function extremumGrad(dy: Tensor, x: Tensor, y: Tensor, axes: number[]): Tensor {
  const indicators = cast(equal(spread(y, x, axes), x), x.dtype);
  const count = sum(indicators, axes, true);
  return mul(div(indicators, count), spread(dy, x, axes));
}

/** Sum over `axis` (all axes by default). */
export function sum(x: TensorLike, axis?: Axis, keepDims?: boolean | null): Tensor {
  return reduction('sum', x, axis, keepDims, (dy, xt, _y, axes) => spread(dy, xt, axes));
}

/** Maximum over `axis`. */
export function max(x: TensorLike, axis?: Axis, keepDims?: boolean | null): Tensor {
  return reduction('max', x, axis, keepDims, extremumGrad);
}

/** Minimum over `axis`. */
export function min(x: TensorLike, axis?: Axis, keepDims?: boolean | null): Tensor {
  return reduction('min', x, axis, keepDims, extremumGrad);
}

/** Product over `axis`. */
export function prod(x: TensorLike, axis?: Axis, keepDims?: boolean | null): Tensor {
  return reduction('prod', x, axis, keepDims, (dy, xt, _y, axes) => mul(spread(dy, xt, axes), productOfOthers(xt, axes)));
}

/**
 * ∂prod/∂x_i = product of the other elements of x_i's group. Written in ops as
 * prod(where(i == j, 1, x_j)) would be quadratic; instead exclusive products are computed
 * directly, which handles zeros exactly (y / x would divide by zero). Its own gradient is
 * not recorded: prod's second derivative is rarely needed and TF's is also approximate.
 */
function productOfOthers(x: Tensor, axes: number[]): Tensor {
  const n = x.size;
  const out = allocate(x.dtype, n);
  const shape = x.shape;
  const keep = reducedShape(shape, axes, true);
  // Group elements by their position with reduced coordinates dropped.
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const keepStrides = keep.map((_, i) => sizeOf(keep.slice(i + 1)));
  const groups = new Map<number, number[]>();
  for (let flat = 0; flat < n; flat++) {
    let key = 0;
    for (let d = 0; d < shape.length; d++) {
      const c = Math.floor(flat / strides[d]) % shape[d];
      if (!axes.includes(d)) key += c * keepStrides[d];
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(flat);
  }
  for (const members of groups.values()) {
    let left = 1;
    const prefix = members.map((i) => { const p = left; left *= x.values[i]; return p; });
    let right = 1;
    for (let j = members.length - 1; j >= 0; j--) {
      out[members[j]] = prefix[j] * right;
      right *= x.values[members[j]];
    }
  }
  return new Tensor(out, shape.slice(), x.dtype);
}

function argReduction(op: 'argMax' | 'argMin', xLike: TensorLike, axisArg: number | null | undefined): Tensor {
  const axis = axisArg ?? 0;
  const x = toTensor(xLike, op, 'x');
  if (x.dtype === 'bool') throw new TypeError(`${op}: bool tensors are not supported`);
  if (x.rank === 0) throw new RangeError(`${op}: x must have rank at least 1, got a scalar`);
  const ax = normalizeAxis(axis, x.rank, op);
  if (x.shape[ax] === 0) throw new RangeError(`${op}: cannot take ${op} over an empty axis ${ax} of shape [${x.shape}]`);
  const shape = reducedShape(x.shape, [ax], false);
  const out = new Int32Array(sizeOf(shape));
  stridedKernels(x.size).argReduce(op, x.values, x.shape, ax, out);
  return new Tensor(out, shape, 'int32');
}

/** Index of the largest element along `axis` (default 0, as TF), int32; not differentiable. */
export const argMax = (x: TensorLike, axis?: number | null) => argReduction('argMax', x, axis);
/** Index of the smallest element along `axis` (default 0, as TF), int32; not differentiable. */
export const argMin = (x: TensorLike, axis?: number | null) => argReduction('argMin', x, axis);
