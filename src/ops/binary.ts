/**
 * Elementwise arithmetic with NumPy broadcasting, one declaration each: the doc comment, then
 * `defineArithmetic(kernel, gradient)` (the machinery is in elementwise.ts). Rules return
 * gradients shaped like the output; the tape sums them back to each input's shape. The dtypes
 * an op takes come from its kernel's entry in src/backend/ts/binary.ts. Every export of this
 * file is a public `tf.*` op and a Tensor method. Comparisons live in compare.ts.
 */
import { greaterEqual, lessEqual, greater } from './compare.js';
import { where } from './where.js';
import { cast } from './cast.js';
import { log, neg, square } from './unary.js';
import { checkArithmetic, defineArithmetic } from './elementwise.js';
import { method } from './op.js';
import { toTensorPair, type Tensor, type TensorLike } from '../tensor.js';

/** a + b, broadcasting. */
export const add = defineArithmetic('add', (dy) => [dy, dy]);
/** a − b, broadcasting. */
export const sub = defineArithmetic('sub', (dy, _a, _b, _y, needs) => [dy, needs[1] ? neg(dy) : null]);
/** a · b elementwise, broadcasting. */
export const mul = defineArithmetic('mul', (dy, a, b, _y, needs) => [needs[0] ? mul(dy, b) : null, needs[1] ? mul(dy, a) : null]);
const trueDiv = defineArithmetic('div', (dy, a, b, _y, needs) => [
  needs[0] ? div(dy, b) : null,
  needs[1] ? neg(div(mul(dy, a), square(b))) : null,
]);
/** a / b elementwise, broadcasting. int32 operands give float64, as TF's true division. */
export const div = method((a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = toTensorPair(a, b, 'div');
  return x.dtype === 'int32' ? trueDiv(cast(x, 'float64'), cast(y, 'float64')) : trueDiv(x, y);
});
/** a to the power b elementwise, broadcasting. */
// d(a^b)/da = b·a^(b-1); d(a^b)/db = a^b·log(a), taken as 0 where a <= 0 (TF's rule)
export const pow = defineArithmetic('pow', (dy, a, b, y, needs) => [
  needs[0] ? mul(dy, mul(b, pow(a, sub(b, 1)))) : null,
  needs[1] ? mul(dy, mul(y, where(greater(a, 0), log(where(greater(a, 0), a, 1)), 0))) : null,
]);
/** Elementwise maximum (NaN propagates); ties send the gradient to a, as TF's. */
export const maximum = defineArithmetic('maximum', (dy, a, b) => {
  const takeA = greaterEqual(a, b);
  return [where(takeA, dy, 0), where(takeA, 0, dy)];
});
/** Elementwise minimum (NaN propagates); ties send the gradient to a, as TF's. */
export const minimum = defineArithmetic('minimum', (dy, a, b) => {
  const takeA = lessEqual(a, b);
  return [where(takeA, dy, 0), where(takeA, 0, dy)];
});

/** (a − b)², a common building block. */
export const squaredDifference = method((aLike: TensorLike, bLike: TensorLike): Tensor => {
  const [a, b] = checkArithmetic(aLike, bLike, 'squaredDifference');
  return square(sub(a, b));
});

/** atan2(a, b): the angle of the point (b, a), in (−π, π]; TF's `atan2(y, x)`. */
// ∂/∂a = b/(a² + b²), ∂/∂b = −a/(a² + b²)
export const atan2 = defineArithmetic('atan2', (dy, a, b, _y, needs) => {
  const r = add(square(a), square(b));
  return [needs[0] ? div(mul(dy, b), r) : null, needs[1] ? neg(div(mul(dy, a), r)) : null];
});
/** Floored division ⌊a / b⌋, as TF's floordiv (int32 too; not differentiable). */
export const floorDiv = defineArithmetic('floorDiv', null);
/** Floored remainder a − ⌊a / b⌋·b, with the sign of b, as TF's floormod. */
// TF's FloorModGrad: ∂/∂a = 1, ∂/∂b = −⌊a / b⌋
export const mod = defineArithmetic('mod', (dy, a, b, _y, needs) => [dy, needs[1] ? neg(mul(dy, floorDiv(a, b))) : null]);
