/**
 * Elementwise arithmetic with NumPy broadcasting: one table entry per op with its gradient
 * rule. Rules return gradients shaped like the output; the tape sums them back to each
 * input's shape. Comparisons (not differentiable) live in compare.ts.
 *
 * One fusion lives here too: a large float product is deferred (its tensor computes on first
 * read), and an `add` of it runs product and sum in one pass, so `a.mul(b).add(c)` moves
 * memory once, as a triad, and never writes the product.
 */
import type { ArithmeticOp, BinaryOp } from '../backend/backend.js';
import { DEFER_PRODUCT_MIN_ELEMENTS, kernels, stridedKernels, scalarBinary } from '../backend/select.js';
import { allocateOutput, isFloat, type DType, type FloatArray, type TypedArray } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { oneElementTensor, Tensor, toTensorPair, type Deferred, type TensorLike } from '../tensor.js';
import { greaterEqual, lessEqual, greater } from './compare.js';
import { where } from './where.js';
import { cast } from './cast.js';
import { log, neg, square } from './unary.js';
import { zerosLike } from './create.js';
import { checkSize } from '../validate.js';

type BinaryGrad = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, needs: boolean[]) => (Tensor | null)[];

const ARITHMETIC: Record<ArithmeticOp, BinaryGrad> = {
  add: (dy) => [dy, dy],
  sub: (dy, _a, _b, _y, needs) => [dy, needs[1] ? neg(dy) : null],
  mul: (dy, a, b, _y, needs) => [needs[0] ? mul(dy, b) : null, needs[1] ? mul(dy, a) : null],
  div: (dy, a, b, _y, needs) => [needs[0] ? div(dy, b) : null, needs[1] ? neg(div(mul(dy, a), square(b))) : null],
  // d(a^b)/da = b·a^(b-1); d(a^b)/db = a^b·log(a), taken as 0 where a <= 0 (TF's rule)
  pow: (dy, a, b, y, needs) => [
    needs[0] ? mul(dy, mul(b, pow(a, sub(b, 1)))) : null,
    needs[1] ? mul(dy, mul(y, where(greater(a, 0), log(where(greater(a, 0), a, 1)), 0))) : null,
  ],
  // Ties send the gradient to a, as TF's Maximum/Minimum gradients do.
  maximum: (dy, a, b) => {
    const takeA = greaterEqual(a, b);
    return [where(takeA, dy, 0), where(takeA, 0, dy)];
  },
  minimum: (dy, a, b) => {
    const takeA = lessEqual(a, b);
    return [where(takeA, dy, 0), where(takeA, 0, dy)];
  },
  // Linear in dy with x held fixed (TF's ReluGradGrad): no gradient reaches x.
  reluGrad: (dy, _a, b, _y, needs) => [needs[0] ? reluGrad(dy, b) : null, needs[1] ? zerosLike(b) : null],
};

/** @internal Runs a binary kernel over broadcast inputs into a fresh tensor of `outDType`. */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, outDType: DType): Tensor {
  const same = shapesEqual(a.shape, b.shape);
  const outShape = same ? a.shape.slice() : broadcastShapes(a.shape, b.shape, op);
  const size = same ? a.size : checkSize(outShape, op, outDType);
  const out = allocateOutput(outDType, size);
  const aStrides = same ? stridesOf(outShape) : broadcastStrides(a.shape, outShape);
  const bStrides = same ? aStrides : broadcastStrides(b.shape, outShape);
  stridedKernels(size).binary(op, a.values, aStrides, b.values, bStrides, outShape, out);
  return new Tensor(out, outShape, outDType);
}

/**
 * The product of two same-shape float tensors, not yet computed. Its operands are immutable
 * and already computed (never deferred themselves), so its value is fixed and chains stay one deep.
 */
class DeferredProduct implements Deferred {
  constructor(readonly a: Tensor, readonly b: Tensor) {}

  compute(_t: Tensor): TypedArray {
    return binaryKernel('mul', this.a, this.b, this.a.dtype).values;
  }

  /** this + c in one pass (c has the product's shape and dtype). */
  plus(c: Tensor): Tensor {
    const size = c.size;
    const out = allocateOutput(c.dtype, size) as FloatArray;
    kernels(size).mulAdd(this.a.values as FloatArray, this.b.values as FloatArray, c.values as FloatArray, out);
    return new Tensor(out, c.shape.slice(), c.dtype);
  }
}

function mulForward(a: Tensor, b: Tensor): Tensor {
  if (isFloat(a.dtype) && a.deferred === null && b.deferred === null && !a.mutable && !b.mutable &&
      a.size >= DEFER_PRODUCT_MIN_ELEMENTS && shapesEqual(a.shape, b.shape)) {
    return new Tensor(null, a.shape.slice(), a.dtype, new DeferredProduct(a, b));
  }
  return binaryKernel('mul', a, b, a.dtype);
}

function addForward(a: Tensor, b: Tensor): Tensor {
  if (a.deferred instanceof DeferredProduct && shapesEqual(a.shape, b.shape)) return a.deferred.plus(b);
  if (b.deferred instanceof DeferredProduct && shapesEqual(a.shape, b.shape)) return b.deferred.plus(a);
  return binaryKernel('add', a, b, a.dtype);
}

/** a op b for one-element a and b (the broadcast shape is the longer of two all-ones shapes). */
function oneElement(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  return oneElementTensor(f(a.first(), b.first()), (a.shape.length >= b.shape.length ? a : b).shape.slice(), a.dtype);
}

/** Forward passes that are more than one kernel call; every other op is `binaryKernel`. */
const FORWARD: Partial<Record<ArithmeticOp, (a: Tensor, b: Tensor) => Tensor>> = { mul: mulForward, add: addForward };

/** The op function for one table entry (its gradient rule looked up once, not per call). */
function arithmetic(op: ArithmeticOp): (aLike: TensorLike, bLike: TensorLike) => Tensor {
  const grad = ARITHMETIC[op];
  const forward = FORWARD[op] ?? ((a: Tensor, b: Tensor) => binaryKernel(op, a, b, a.dtype));
  let onFloats: ((x: number, y: number) => number) | undefined, onInts: typeof onFloats; // built on first use
  return (aLike, bLike) => {
    const [a, b] = toTensorPair(aLike, bLike, op);
    if (a.dtype === 'bool') throw new TypeError(`${op}: bool tensors are not supported; cast them first`);
    const y = a.size !== 1 || b.size !== 1 ? forward(a, b)
      : oneElement(a, b, a.dtype === 'int32' ? (onInts ??= scalarBinary(op, true)) : (onFloats ??= scalarBinary(op, false)));
    if (isRecording()) record([a, b], [y], ([dy], needs) => grad(dy, a, b, y, needs));
    return y;
  };
}

/** a + b, broadcasting. */
export const add = arithmetic('add');
/** @internal relu's gradient dy·(x > 0) in one kernel (TF's ReluGrad); not exported. */
export const reluGrad = arithmetic('reluGrad');
/** a − b, broadcasting. */
export const sub = arithmetic('sub');
/** a · b elementwise, broadcasting. */
export const mul = arithmetic('mul');
const trueDiv = arithmetic('div');
/** a / b elementwise, broadcasting. int32 operands give float64, as TF's true division. */
export const div = (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = toTensorPair(a, b, 'div');
  return x.dtype === 'int32' ? trueDiv(cast(x, 'float64'), cast(y, 'float64')) : trueDiv(x, y);
};
/** a to the power b elementwise, broadcasting. */
export const pow = arithmetic('pow');
/** Elementwise maximum (NaN propagates). */
export const maximum = arithmetic('maximum');
/** Elementwise minimum (NaN propagates). */
export const minimum = arithmetic('minimum');

/** (a − b)², a common building block. */
export const squaredDifference = (aLike: TensorLike, bLike: TensorLike): Tensor => {
  const [a, b] = checkArithmetic(aLike, bLike, 'squaredDifference');
  return square(sub(a, b));
};

/**
 * @internal The checks of an arithmetic binary op, for composites that validate at their own
 * entry (so that errors name them, not the primitives they call): converts the operands under
 * the dtype rule, refuses bool, and checks the broadcast and its size.
 */
export function checkArithmetic(aLike: TensorLike, bLike: TensorLike, op: string, argA = 'a', argB = 'b'): [Tensor, Tensor] {
  const [a, b] = toTensorPair(aLike, bLike, op, argA, argB);
  if (a.dtype === 'bool') throw new TypeError(`${op}: bool tensors are not supported; cast them first`);
  if (!shapesEqual(a.shape, b.shape)) checkSize(broadcastShapes(a.shape, b.shape, op), op, a.dtype);
  return [a, b];
}

