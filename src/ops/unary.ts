/**
 * Elementwise unary ops, one declaration each: the doc comment, then `defineUnary(kernel,
 * gradient)`. The gradient is written in differentiable ops, so gradients of gradients work;
 * null means not differentiable. The dtypes an op takes come from its kernel's entry in
 * src/backend/ts/unary.ts (int32 where the kernel has an int32 form). Every export of this
 * file is a public `tf.*` op and a Tensor method; CONTRIBUTING.md lists the other edits.
 */
import { add, div, mul, sub } from './binary.js';
import { greater } from './compare.js';
import { where } from './where.js';
import { zerosLike } from './create.js';
import { defineUnary, reluGrad, unaryKernelOp } from './elementwise.js';
import { method } from './op.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { checkNumber } from '../validate.js';

/** -x */
export const neg = defineUnary('neg', (dy) => neg(dy));
/** x² */
export const square = defineUnary('square', (dy, x) => mul(dy, mul(x, 2)));
/** √x */
export const sqrt = defineUnary('sqrt', (dy, _x, y) => div(dy, mul(y, 2)));
/** 1/√x */
// d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 y^3
export const rsqrt = defineUnary('rsqrt', (dy, _x, y) => mul(dy, mul(mul(square(y), y), -0.5)));
/** eˣ */
export const exp = defineUnary('exp', (dy, _x, y) => mul(dy, y));
/** Natural logarithm. */
export const log = defineUnary('log', (dy, x) => div(dy, x));
/** log(1 + x), accurate for small x. */
export const log1p = defineUnary('log1p', (dy, x) => div(dy, add(x, 1)));
/** |x|; its gradient at 0 is 0, as TF's. */
export const abs = defineUnary('abs', (dy, x) => mul(dy, sign(x)));
/** -1, 0 or 1 (NaN stays NaN). */
export const sign = defineUnary('sign', (dy) => zerosLike(dy));
/** max(x, 0). */
export const relu = defineUnary('relu', (dy, x) => reluGrad(dy, x));
/** 1 / (1 + e⁻ˣ), computed stably. */
export const sigmoid = defineUnary('sigmoid', (dy, _x, y) => mul(dy, mul(y, sub(1, y))));
/** Hyperbolic tangent. */
export const tanh = defineUnary('tanh', (dy, _x, y) => mul(dy, sub(1, square(y))));
/** log(1 + eˣ), computed stably. */
export const softplus = defineUnary('softplus', (dy, x) => mul(dy, sigmoid(x)));
/** x for x > 0, eˣ − 1 otherwise. */
// elu'(x) = y + 1 where x <= 0
export const elu = defineUnary('elu', (dy, x, y) => where(greater(x, 0), dy, mul(dy, add(y, 1))));
const leakyReluKernel = unaryKernelOp('leakyRelu', (dy, x, _y, alpha) => where(greater(x, 0), dy, mul(dy, alpha)));
/** x for x > 0, alpha·x otherwise (TF's default alpha is 0.2). */
export const leakyRelu = method((x: TensorLike, alpha?: number | null): Tensor =>
  leakyReluKernel(x, alpha === undefined || alpha === null ? 0.2 : checkNumber(alpha, 'leakyRelu', 'alpha')));
/** 1/x */
export const reciprocal = defineUnary('reciprocal', (dy, _x, y) => neg(mul(dy, square(y))));
/** Largest integer not above x (not differentiable; float only, as TF's Floor). */
export const floor = defineUnary('floor', null);
/** Smallest integer not below x (not differentiable; float only, as TF's Ceil). */
export const ceil = defineUnary('ceil', null);
/** Round half to even, as TF (not differentiable; int32 unchanged). */
export const round = defineUnary('round', null);
