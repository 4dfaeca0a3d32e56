/**
 * Elementwise unary ops, one declaration each: the doc comment, then `defineUnary(kernel,
 * gradient)`. The gradient is written in differentiable ops, so gradients of gradients work;
 * null means not differentiable. The dtypes an op takes come from its kernel's entry in
 * src/backend/ts/unary.ts (int32 where the kernel has an int32 form). Every export of this
 * file is a public `tf.*` op and a Tensor method; CONTRIBUTING.md lists the other edits.
 */
import { add, div, mul, sub } from './binary.js';
import { equal, greater, less, notEqual } from './compare.js';
import { where } from './where.js';
import { zerosLike } from './create.js';
import { defineUnary, reluGrad, unaryKernelOp } from './elementwise.js';
import { method } from './op.js';
import { toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { checkNumber, checkOptions, requireFloat } from '../validate.js';

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

// ------------------------------------------------------------------ trigonometric and hyperbolic

/** Sine. */
export const sin = defineUnary('sin', (dy, x) => mul(dy, cos(x)));
/** Cosine. */
export const cos = defineUnary('cos', (dy, x) => neg(mul(dy, sin(x))));
/** Tangent. */
// tan' = sec² = 1 + tan²
export const tan = defineUnary('tan', (dy, _x, y) => mul(dy, add(square(y), 1)));
/** Inverse sine, in [−π/2, π/2]. */
export const asin = defineUnary('asin', (dy, x) => div(dy, sqrt(sub(1, square(x)))));
/** Inverse cosine, in [0, π]. */
export const acos = defineUnary('acos', (dy, x) => neg(div(dy, sqrt(sub(1, square(x))))));
/** Inverse tangent, in (−π/2, π/2). */
export const atan = defineUnary('atan', (dy, x) => div(dy, add(square(x), 1)));
/** Hyperbolic sine. */
export const sinh = defineUnary('sinh', (dy, x) => mul(dy, cosh(x)));
/** Hyperbolic cosine. */
export const cosh = defineUnary('cosh', (dy, x) => mul(dy, sinh(x)));
/** Inverse hyperbolic sine. */
export const asinh = defineUnary('asinh', (dy, x) => div(dy, sqrt(add(square(x), 1))));
/** Inverse hyperbolic cosine (x ≥ 1). */
export const acosh = defineUnary('acosh', (dy, x) => div(dy, sqrt(sub(square(x), 1))));
/** Inverse hyperbolic tangent (|x| < 1). */
export const atanh = defineUnary('atanh', (dy, x) => div(dy, sub(1, square(x))));

// ------------------------------------------------------------------ exponential family

/** The error function, 2/√π ∫₀ˣ e^(−t²) dt. */
// erf' = 2/√π · e^(−x²)
export const erf = defineUnary('erf', (dy, x) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));
/** eˣ − 1, accurate for small x. */
export const expm1 = defineUnary('expm1', (dy, x) => mul(dy, exp(x)));
/** Base-2 logarithm. */
export const log2 = defineUnary('log2', (dy, x) => div(dy, mul(x, Math.LN2)));

// ------------------------------------------------------------------ activations

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
// gelu' = Φ(x) + x·φ(x), Φ the standard normal CDF and φ its density
const geluExact = unaryKernelOp('gelu', (dy, x) => mul(dy, add(
  mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5),
  mul(x, mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI)))), 'gelu');
const GELU_OPTIONS = { approximate: 'boolean' } as const;
/**
 * Gaussian error linear unit, Keras 3's `gelu(x, approximate)`: x·Φ(x) = x/2·(1 + erf(x/√2)),
 * or with `{approximate: true}` the tanh form x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export const gelu = method((xLike: TensorLike, options?: { approximate?: boolean }): Tensor => {
  const { approximate = false } = checkOptions(options, GELU_OPTIONS, 'gelu');
  const x = requireFloat(toTensor(xLike, 'gelu', 'x'), 'gelu', 'x');
  if (!approximate) return geluExact(x);
  const inner = mul(add(x, mul(mul(square(x), x), 0.044715)), SQRT_2_OVER_PI);
  return mul(mul(x, 0.5), add(tanh(inner), 1));
});
/** x·sigmoid(x) (also `swish`). */
// silu' = s·(1 + x·(1 − s)), s = sigmoid(x)
export const silu = defineUnary('silu', (dy, x) => {
  const s = sigmoid(x);
  return mul(dy, mul(s, add(mul(x, sub(1, s)), 1)));
});
/** x·sigmoid(x): `silu` under its other name. */
export const swish = method((x: TensorLike): Tensor => silu(x));
/** min(max(x, 0), 6); the gradient is 0 at both kinks, as TF's Relu6Grad. */
export const relu6 = defineUnary('relu6', (dy, x) => where(greater(x, 0), where(less(x, 6), dy, 0), 0));
/** Scaled exponential linear unit: scale·x for x > 0, scale·alpha·(eˣ − 1) otherwise (TF's constants). */
// TF's SeluGrad selects on the output: y < 0 ? dy·(y + scale·alpha) : dy·scale
// TF's SeluGrad: dy·scale where y > 0, else dy·(y + scale·alpha), so x = 0 takes scale·alpha.
export const selu = defineUnary('selu', (dy, _x, y) => where(greater(y, 0), mul(dy, 1.0507009873554805), mul(dy, add(y, 1.7580993408473766))));
/** x / (1 + |x|). */
export const softsign = defineUnary('softsign', (dy, x) => div(dy, square(add(abs(x), 1))));
/** log(sigmoid(x)) = −softplus(−x), computed stably. */
export const logSigmoid = defineUnary('logSigmoid', (dy, x) => mul(dy, sigmoid(neg(x))));
/** Keras 3's hard sigmoid, relu6(x + 3)/6: 0 below −3, 1 above 3, linear between. */
export const hardSigmoid = defineUnary('hardSigmoid', (dy, x) => where(greater(x, -3), where(less(x, 3), mul(dy, 1 / 6), 0), 0));

// ------------------------------------------------------------------ predicates (bool out, float in)

function floatPredicate(name: string, test: (x: Tensor) => Tensor) {
  return method((xLike: TensorLike): Tensor => test(requireFloat(toTensor(xLike, name, 'x'), name, 'x')));
}
/** True where x is NaN. */
export const isNaN = floatPredicate('isNaN', (x) => notEqual(x, x));
/** True where x is +∞ or −∞. */
export const isInf = floatPredicate('isInf', (x) => equal(abs(x), Infinity));
/** True where x is neither infinite nor NaN. */
export const isFinite = floatPredicate('isFinite', (x) => less(abs(x), Infinity));
