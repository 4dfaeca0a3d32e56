/**
 * The machinery of the elementwise families, shared by their op files: `defineUnary` and
 * `defineArithmetic` turn a kernel name (from src/backend/ts/unary.ts or binary.ts) and a
 * gradient rule into the op function, with the dtype rule taken from the kernel table, the
 * one-element fast path, and recording. The ops themselves are defined in unary.ts, binary.ts
 * and compare.ts, one declaration each; this file holds no public op.
 *
 * Gradient rules return gradients shaped like the output; the tape sums them back to each
 * input's shape. One fusion lives here too: a large float product is deferred (its tensor
 * computes on first read), and an `add` of it runs product and sum in one pass, so
 * `a.mul(b).add(c)` moves memory once, as a triad, and never writes the product.
 */
import type { ArithmeticOp, BinaryOp, UnaryOp } from '../backend/backend.js';
import { DEFER_PRODUCT_MIN_ELEMENTS, kernels, scalarBinary, scalarUnary, stridedKernels } from '../backend/select.js';
import { binaryTakesInt32, unaryTakesInt32 } from '../backend/ts/index.js';
import { allocateOutput, isFloat, releaseStorage, retainStorage, type DType, type FloatArray, type TypedArray } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { broadcastShapes, broadcastStrides, shapesEqual, stridesOf } from '../shape.js';
import { oneElementTensor, Tensor, toTensor, toTensorPair, type Deferred, type TensorLike } from '../tensor.js';
import { checkSize } from '../validate.js';
import { method, type MethodOp } from './op.js';
import { zerosLike } from './create.js';

// ---------------------------------------------------------------------------------- unary

/** Gradient of the input given upstream dy, input x, output y and the op's parameter. */
export type UnaryGrad = (dy: Tensor, x: Tensor, y: Tensor, alpha: number) => Tensor;

/** The dtypes a unary op takes, for its error message. */
function unaryDTypes(op: UnaryOp): string {
  return unaryTakesInt32(op) ? 'float32, float64 or int32' : 'float32 or float64';
}

/**
 * The op function of unary kernel `op`; `grad` null: not differentiable. `name` is the name
 * errors give (the op the user called, when a composite reuses the kernel).
 */
export function unaryKernelOp(op: UnaryOp, grad: UnaryGrad | null, name: string = op): (x: TensorLike, alpha?: number) => Tensor {
  const takesInt32 = unaryTakesInt32(op);
  let onFloats: ((x: number, alpha: number) => number) | undefined, onInts: typeof onFloats; // built on first use
  return (xLike, alpha = 0) => {
    const x = toTensor(xLike, name, 'x');
    if (!isFloat(x.dtype) && !(takesInt32 && x.dtype === 'int32')) {
      throw new TypeError(`${name}: x must be ${unaryDTypes(op)}, got ${x.dtype}`);
    }
    let y: Tensor;
    if (x.size === 1) {
      const f = x.dtype === 'int32' ? (onInts ??= scalarUnary(op, true)) : (onFloats ??= scalarUnary(op, false));
      y = oneElementTensor(f(x.first(), alpha), x.shape.slice(), x.dtype);
    } else {
      const out = allocateOutput(x.dtype, x.size);
      kernels(x.size).unary(op, x.values, out, alpha);
      y = new Tensor(out, x.shape.slice(), x.dtype);
    }
    if (grad && isRecording()) record([x], [y], ([dy]) => [grad(dy, x, y, alpha)]);
    return y;
  };
}

/** A public unary op: `tf.op(x)` and `x.op()`. */
export function defineUnary(op: UnaryOp, grad: UnaryGrad | null): MethodOp<(x: TensorLike) => Tensor, () => Tensor> {
  const f = unaryKernelOp(op, grad);
  return method((x: TensorLike): Tensor => f(x));
}

// --------------------------------------------------------------------------------- binary

export type BinaryGrad = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, needs: boolean[]) => (Tensor | null)[];

/** Runs a binary kernel over broadcast inputs into a fresh tensor of `outDType`. */
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
 * and already computed (never deferred themselves), so its value is fixed and chains stay one
 * deep. It holds the operands' arrays, counted as owners, so that disposing an operand before
 * the product is read leaves its storage in place.
 */
class DeferredProduct implements Deferred {
  private readonly a: FloatArray;
  private readonly b: FloatArray;
  private held = true;

  constructor(a: Tensor, b: Tensor) {
    this.a = a.values as FloatArray;
    this.b = b.values as FloatArray;
    retainStorage(this.a);
    retainStorage(this.b);
  }

  compute(t: Tensor): TypedArray {
    const out = allocateOutput(t.dtype, t.size) as FloatArray;
    kernels(t.size).binary('mul', this.a, [1], this.b, [1], [t.size], out); // same shape: one flat run
    this.drop();
    return out;
  }

  /** this + c in one pass (c has the product's shape and dtype). */
  plus(c: Tensor): Tensor {
    const size = c.size;
    const out = allocateOutput(c.dtype, size) as FloatArray;
    kernels(size).mulAdd(this.a, this.b, c.values as FloatArray, out);
    return new Tensor(out, c.shape.slice(), c.dtype);
  }

  drop(): void {
    if (!this.held) return;
    this.held = false;
    releaseStorage(this.a);
    releaseStorage(this.b);
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

/** Forward passes that are more than one kernel call; every other op is `binaryKernel`. */
const FORWARD: Partial<Record<ArithmeticOp, (a: Tensor, b: Tensor) => Tensor>> = { mul: mulForward, add: addForward };

/** a op b for one-element a and b (the broadcast shape is the longer of two all-ones shapes). */
function oneElement(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  return oneElementTensor(f(a.first(), b.first()), (a.shape.length >= b.shape.length ? a : b).shape.slice(), a.dtype);
}

/** The op function of arithmetic kernel `op` (its dtype rule from the kernel table). */
export function arithmeticKernelOp(op: ArithmeticOp, grad: BinaryGrad | null): (a: TensorLike, b: TensorLike) => Tensor {
  const forward = FORWARD[op] ?? ((a: Tensor, b: Tensor) => binaryKernel(op, a, b, a.dtype));
  const takesInt32 = binaryTakesInt32(op);
  let onFloats: ((x: number, y: number) => number) | undefined, onInts: typeof onFloats; // built on first use
  return (aLike, bLike) => {
    const [a, b] = toTensorPair(aLike, bLike, op);
    if (a.dtype === 'bool') throw new TypeError(`${op}: bool tensors are not supported; cast them first`);
    if (a.dtype === 'int32' && !takesInt32) throw new TypeError(`${op}: a and b must be float32 or float64, got int32`);
    const y = a.size !== 1 || b.size !== 1 ? forward(a, b)
      : oneElement(a, b, a.dtype === 'int32' ? (onInts ??= scalarBinary(op, true)) : (onFloats ??= scalarBinary(op, false)));
    if (grad && isRecording()) record([a, b], [y], ([dy], needs) => grad(dy, a, b, y, needs));
    return y;
  };
}

/** A public arithmetic op: `tf.op(a, b)` and `a.op(b)`, broadcasting. */
export function defineArithmetic(op: ArithmeticOp, grad: BinaryGrad | null): MethodOp<(a: TensorLike, b: TensorLike) => Tensor, (b: TensorLike) => Tensor> {
  return method(arithmeticKernelOp(op, grad));
}

/**
 * The checks of an arithmetic binary op, for composites that validate at their own entry (so
 * that errors name them, not the primitives they call): converts the operands under the dtype
 * rule, refuses bool, and checks the broadcast and its size.
 */
export function checkArithmetic(aLike: TensorLike, bLike: TensorLike, op: string, argA = 'a', argB = 'b'): [Tensor, Tensor] {
  const [a, b] = toTensorPair(aLike, bLike, op, argA, argB);
  if (a.dtype === 'bool') throw new TypeError(`${op}: bool tensors are not supported; cast them first`);
  if (!shapesEqual(a.shape, b.shape)) checkSize(broadcastShapes(a.shape, b.shape, op), op, a.dtype);
  return [a, b];
}

/** relu's gradient dy·(x > 0) in one kernel (TF's ReluGrad); internal, used by relu's rule. */
export const reluGrad: (dy: TensorLike, x: TensorLike) => Tensor = arithmeticKernelOp('reluGrad',
  // Linear in dy with x held fixed (TF's ReluGradGrad): no gradient reaches x.
  (dy, _a, b, _y, needs) => [needs[0] ? reluGrad(dy, b) : null, needs[1] ? zerosLike(b) : null]);
