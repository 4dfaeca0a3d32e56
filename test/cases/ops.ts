/**
 * The op-case table: one row per (op, shapes, arguments). Each row drives
 * conformance (test/conformance.test.ts: every backend against the float64 reference) and,
 * when differentiable, the numeric gradient check (test/gradients.test.ts, in float64).
 *
 * A row gives: `op` (the `tf.*` export, or the method name when `method` is set), the call,
 * its inputs (shape + domain; inputs with a fixed `dtype` are constants such as indices and
 * conditions, the others take the row's dtype and are differentiated), the reference from
 * test/support/reference.ts, the dtypes it runs in, and optional tolerances, `grad: false`
 * (not differentiable), `grad2` (second derivative checked too) and `skip` (with the reason).
 *
 * To add an op: add rows here (at least one function form and, if it has one, one method
 * form); the coverage test in conformance.test.ts fails until every export and method has one.
 */
import * as tf from '../../src/index.js';
import type { DType, Tensor } from '../../src/index.js';
import * as R from '../support/reference.js';
import { unaryTakesInt32 } from '../../src/backend/ts/index.js';
import type { UnaryOp } from '../../src/backend/backend.js';
import type { Arr } from '../support/reference.js';

/**
 * Input domains. Float rows draw uniformly from the ranges below; int32 rows draw integers.
 * - real: [-2, 2]               positive: [0.5, 2.5] (log, sqrt, pow base, …)
 * - unit: [0.05, 0.95]          awayFromZero: ±[0.25, 2] (kinks of abs, relu, sign, div)
 * - coarse: integers in [-2, 2] as floats, so comparisons see ties
 * - exponent: [-2, 2] (int32: 0..3)   nearOne: [0.8, 1.25] (long products stay finite)
 * - signedUnit: [-0.9, 0.9] (asin, acos, atanh)   aboveOne: [1.1, 3] (acosh)
 * - bool: 0/1; index: integers in [0, max)
 */
export type Domain = 'real' | 'positive' | 'unit' | 'awayFromZero' | 'coarse' | 'exponent' | 'nearOne' | 'signedUnit' | 'aboveOne' | 'bool' | 'index';

export interface InputSpec {
  shape: number[];
  domain?: Domain;
  /** Fixed dtype (indices, conditions): a constant, never differentiated. */
  dtype?: DType;
  /** Fixed values, flat row-major. */
  values?: number[];
  /** For domain 'index': values are drawn from [0, max). */
  max?: number;
}

export interface OpCase {
  /** Unique label (op, shapes, arguments). */
  name: string;
  /** The `tf.*` export exercised, or the Tensor method when `method` is true. */
  op: string;
  method?: boolean;
  dtypes: DType[];
  inputs: InputSpec[];
  run: (...xs: Tensor[]) => Tensor | Tensor[];
  ref: (...xs: Arr[]) => Arr | Arr[];
  /** Output dtype: fixed, or derived from the row's dtype (default: the same). */
  outDType?: DType | ((d: DType) => DType);
  /** |actual − expected| ≤ tol · max(1, |expected|). Defaults in DEFAULT_TOL. */
  tol?: Partial<Record<DType, number>>;
  /** false: not differentiable (or gradient is null by definition); checked elsewhere. */
  grad?: false | { tol?: number };
  /** Second derivative checked numerically with nested tapes. */
  grad2?: boolean;
  /** Reason this row is skipped (kept visible in the report). */
  skip?: string;
}

export const DEFAULT_TOL: Record<DType, number> = { float32: 1e-5, float64: 1e-12, int32: 0, bool: 0 };

/** Odd and even lengths around SIMD widths, and one over 1000 elements for vector tails. */
export const SIZES = [0, 1, 7, 8, 9, 17, 33, 1025];

const F: DType[] = ['float32', 'float64'];
const FI: DType[] = ['float32', 'float64', 'int32'];
const ALL: DType[] = ['float32', 'float64', 'int32', 'bool'];
const REDUCE_TOL = { float32: 1e-4, float64: 1e-11 };

const cases: OpCase[] = [];
const add = (c: OpCase) => {
  cases.push(c);
};
const s = (shape: number[]) => `[${shape.join(',')}]`;
const inp = (shape: number[], domain: Domain = 'real'): InputSpec => ({ shape, domain });
const idx = (shape: number[], values: number[]): InputSpec => ({ shape, dtype: 'int32', values });

// ---------------------------------------------------------------------------------------------
// Unary elementwise

/**
 * One row per unary op: the op name (its `tf.*` function and Tensor method are called), the
 * float64 reference on one number, the input domain. dtypes default to float32 and float64,
 * and int32 where the op's kernel has an int32 form (src/backend/ts/unary.ts).
 */
export interface UnarySpec {
  op: string;
  ref: (x: number) => number;
  domain: Domain;
  dtypes?: DType[];
  grad?: false;
  grad2?: boolean;
  tol?: Partial<Record<DType, number>>;
}

export const UNARY_SPECS: UnarySpec[] = [
  { op: 'neg', ref: (x) => -x, domain: 'real', dtypes: FI },
  { op: 'square', ref: (x) => x * x, domain: 'real', dtypes: FI, grad2: true },
  { op: 'sqrt', ref: Math.sqrt, domain: 'positive', grad2: true },
  { op: 'rsqrt', ref: (x) => 1 / Math.sqrt(x), domain: 'positive', grad2: true },
  { op: 'exp', ref: Math.exp, domain: 'real', grad2: true },
  { op: 'log', ref: Math.log, domain: 'positive', grad2: true },
  { op: 'log1p', ref: Math.log1p, domain: 'unit', grad2: true },
  { op: 'abs', ref: Math.abs, domain: 'awayFromZero', dtypes: FI },
  { op: 'sign', ref: R.fns.sign, domain: 'awayFromZero', dtypes: FI },
  { op: 'relu', ref: R.fns.relu, domain: 'awayFromZero', dtypes: FI },
  { op: 'sigmoid', ref: R.fns.sigmoid, domain: 'real', grad2: true },
  { op: 'tanh', ref: Math.tanh, domain: 'real', grad2: true },
  { op: 'softplus', ref: R.fns.softplus, domain: 'real', grad2: true },
  { op: 'elu', ref: R.fns.elu, domain: 'awayFromZero', grad2: true },
  { op: 'leakyRelu', ref: R.fns.leakyRelu(0.2), domain: 'awayFromZero' },
  { op: 'reciprocal', ref: (x) => 1 / x, domain: 'awayFromZero', grad2: true },
  { op: 'floor', ref: Math.floor, domain: 'real', grad: false },
  { op: 'ceil', ref: Math.ceil, domain: 'real', grad: false },
  { op: 'round', ref: R.fns.round, domain: 'real', grad: false },
  { op: 'sin', ref: Math.sin, domain: 'real', grad2: true },
  { op: 'cos', ref: Math.cos, domain: 'real', grad2: true },
  { op: 'tan', ref: Math.tan, domain: 'signedUnit', grad2: true },
  { op: 'asin', ref: Math.asin, domain: 'signedUnit', grad2: true },
  { op: 'acos', ref: Math.acos, domain: 'signedUnit', grad2: true },
  { op: 'atan', ref: Math.atan, domain: 'real', grad2: true },
  { op: 'sinh', ref: Math.sinh, domain: 'real', grad2: true },
  { op: 'cosh', ref: Math.cosh, domain: 'real', grad2: true },
  { op: 'asinh', ref: Math.asinh, domain: 'real', grad2: true },
  { op: 'acosh', ref: Math.acosh, domain: 'aboveOne', grad2: true },
  { op: 'atanh', ref: Math.atanh, domain: 'signedUnit', grad2: true },
  { op: 'erf', ref: R.fns.erf, domain: 'real', grad2: true },
  { op: 'expm1', ref: Math.expm1, domain: 'real', grad2: true },
  { op: 'log2', ref: Math.log2, domain: 'positive', grad2: true },
  { op: 'gelu', ref: R.fns.gelu, domain: 'real', grad2: true },
  { op: 'silu', ref: R.fns.silu, domain: 'real', grad2: true },
  { op: 'swish', ref: R.fns.silu, domain: 'real' },
  { op: 'relu6', ref: R.fns.relu6, domain: 'awayFromZero' },
  { op: 'selu', ref: R.fns.selu, domain: 'awayFromZero' },
  { op: 'softsign', ref: R.fns.softsign, domain: 'awayFromZero' },
  { op: 'logSigmoid', ref: R.fns.logSigmoid, domain: 'real', grad2: true },
  { op: 'hardSigmoid', ref: R.fns.hardSigmoid, domain: 'real' },
];

/** `tf[op]` for an op name (the case table calls ops by name; TypeScript checks the rows that call them directly). */
const tfOp = (op: string) => (tf as unknown as Record<string, (...xs: unknown[]) => Tensor>)[op];
const methodOp = (op: string) => (x: Tensor, ...rest: unknown[]) => (x as unknown as Record<string, (...xs: unknown[]) => Tensor>)[op](...rest);

for (const u of UNARY_SPECS) {
  const dtypes = u.dtypes ?? (unaryTakesInt32(u.op as UnaryOp) ? FI : F);
  const fn = (x: Tensor) => tfOp(u.op)(x);
  const base = { op: u.op, dtypes, ref: (x: Arr) => R.map(x, u.ref), grad: u.grad, tol: u.tol };
  for (const shape of [[], ...SIZES.map((n) => [n]), [3, 4]]) {
    add({ ...base, name: `${u.op} ${s(shape)}`, inputs: [inp(shape, u.domain)], run: fn, grad2: u.grad2 && shape.length === 1 && shape[0] === 7 });
  }
  // The method form; leakyRelu's method row passes alpha = 0.1.
  const ref = u.op === 'leakyRelu' ? (x: Arr) => R.map(x, R.fns.leakyRelu(0.1)) : base.ref;
  const run = u.op === 'leakyRelu' ? (x: Tensor) => x.leakyRelu(0.1) : (x: Tensor) => methodOp(u.op)(x);
  add({ ...base, ref, name: `${u.op} method [2,3]`, method: true, inputs: [inp([2, 3], u.domain)], run });
}

// Special values: ties of round (half to even), signed zero and ±0.5 around kinks, NaN.
const SPECIAL = [-2.5, -1.5, -0.5, 0, 0.5, 1.5, 2.5, -0.7, 0.7, NaN, Infinity, -Infinity];
for (const [op, fn, ref] of [
  ['round', tf.round, R.fns.round],
  ['floor', tf.floor, Math.floor],
  ['ceil', tf.ceil, Math.ceil],
  ['sign', tf.sign, R.fns.sign],
  ['abs', tf.abs, Math.abs],
  ['relu', tf.relu, R.fns.relu],
  ['neg', tf.neg, (x: number) => -x],
  ['sigmoid', tf.sigmoid, (x: number) => (x === Infinity ? 1 : x === -Infinity ? 0 : R.fns.sigmoid(x))],
  ['tanh', tf.tanh, Math.tanh],
  ['exp', tf.exp, Math.exp],
] as [string, (x: Tensor) => Tensor, (x: number) => number][]) {
  add({
    name: `${op} special values`, op, dtypes: F, grad: false,
    inputs: [{ shape: [SPECIAL.length], values: SPECIAL }],
    run: (x) => fn(x), ref: (x) => R.map(x, ref),
  });
}
// Activations across their saturations, at fixed points away from the kinks (gradients checked).
const fixed = (values: number[]): InputSpec => ({ shape: [values.length], values });
add({ name: 'relu6 saturation', op: 'relu6', dtypes: F, inputs: [fixed([-3, -0.5, 0.5, 5.5, 6.5, 9])], run: (x) => tf.relu6(x), ref: (x) => R.map(x, R.fns.relu6) });
add({ name: 'hardSigmoid saturation', op: 'hardSigmoid', dtypes: F, inputs: [fixed([-5, -3.5, -2, 0, 2.5, 3.5, 5])], run: (x) => tf.hardSigmoid(x), ref: (x) => R.map(x, R.fns.hardSigmoid) });
add({ name: 'gelu approximate', op: 'gelu', dtypes: F, inputs: [inp([33])], run: (x) => tf.gelu(x, { approximate: true }), ref: (x) => R.map(x, R.fns.geluTanh), grad2: true });
add({ name: 'gelu approximate method', op: 'gelu', method: true, dtypes: F, inputs: [inp([2, 3])], run: (x) => x.gelu({ approximate: true }), ref: (x) => R.map(x, R.fns.geluTanh) });
add({ name: 'gelu wide', op: 'gelu', dtypes: F, inputs: [fixed([-4.2, -3, -1.5, 1.5, 3, 4.2])], run: (x) => tf.gelu(x), ref: (x) => R.map(x, R.fns.gelu) });
add({ name: 'erf wide and saturated', op: 'erf', dtypes: F, grad: false, inputs: [fixed([-30, -7, -3, -2.5, 2.5, 3, 7, 30, 0])], run: (x) => tf.erf(x), ref: (x) => R.map(x, (v) => (Math.abs(v) > 6 ? Math.sign(v) : R.fns.erf(v))) });
add({ name: 'selu negative saturation', op: 'selu', dtypes: F, inputs: [fixed([-20, -5, -1, 1, 5])], run: (x) => tf.selu(x), ref: (x) => R.map(x, R.fns.selu) });
for (const op of ['isNaN', 'isInf', 'isFinite'] as const) {
  const test = { isNaN: Number.isNaN, isInf: (v: number) => Math.abs(v) === Infinity, isFinite: Number.isFinite }[op];
  for (const shape of [[SPECIAL.length], [3, 4]]) {
    const inputs = shape.length === 1 ? [fixed(SPECIAL)] : [inp(shape)];
    add({ name: `${op} ${s(shape)}`, op, dtypes: F, outDType: 'bool', grad: false, inputs, run: (x) => tfOp(op)(x), ref: (x) => R.map(x, (v) => +test(v)) });
  }
  add({ name: `${op} method`, op, method: true, dtypes: F, outDType: 'bool', grad: false, inputs: [fixed(SPECIAL)], run: (x) => methodOp(op)(x), ref: (x) => R.map(x, (v) => +test(v)) });
}
for (const shape of [[0], [1], [9], [1025], [3, 4]]) {
  add({ name: `logicalNot ${s(shape)}`, op: 'logicalNot', dtypes: ['bool'], grad: false, inputs: [inp(shape, 'bool')], run: (x) => tf.logicalNot(x), ref: (x) => R.map(x, (v) => +!v) });
}
add({ name: 'logicalNot method', op: 'logicalNot', method: true, dtypes: ['bool'], grad: false, inputs: [inp([2, 3], 'bool')], run: (x) => x.logicalNot(), ref: (x) => R.map(x, (v) => +!v) });

// Stable forms at large |x|: no overflow to NaN/inf where the result is finite.
const LARGE = [-100, -30, -20, 20, 30, 100];
for (const [op, fn, ref] of [
  ['softplus', tf.softplus, (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))],
  ['sigmoid', tf.sigmoid, (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))],
  ['tanh', tf.tanh, Math.tanh],
] as [string, (x: Tensor) => Tensor, (x: number) => number][]) {
  add({ name: `${op} large |x|`, op, dtypes: F, grad: false, inputs: [{ shape: [LARGE.length], values: LARGE }], run: (x) => fn(x), ref: (x) => R.map(x, ref) });
}

// ---------------------------------------------------------------------------------------------
// Binary elementwise, broadcasting

/** One row per binary op, as UnarySpec; `domains` for a and b. */
export interface BinarySpec {
  op: string;
  ref: (a: number, b: number) => number;
  domains: [Domain, Domain];
  dtypes: DType[];
  grad?: false;
  grad2?: boolean;
}

export const BINARY_SPECS: BinarySpec[] = [
  { op: 'add', ref: (a, b) => a + b, domains: ['real', 'real'], dtypes: FI },
  { op: 'sub', ref: (a, b) => a - b, domains: ['real', 'real'], dtypes: FI },
  { op: 'mul', ref: (a, b) => a * b, domains: ['real', 'real'], dtypes: FI, grad2: true },
  { op: 'div', ref: (a, b) => a / b, domains: ['real', 'awayFromZero'], dtypes: F, grad2: true },
  { op: 'pow', ref: Math.pow, domains: ['positive', 'exponent'], dtypes: F, grad2: true },
  { op: 'maximum', ref: R.fns.maximum, domains: ['real', 'real'], dtypes: FI },
  { op: 'minimum', ref: R.fns.minimum, domains: ['real', 'real'], dtypes: FI },
  { op: 'squaredDifference', ref: (a, b) => (a - b) ** 2, domains: ['real', 'real'], dtypes: FI },
  { op: 'atan2', ref: Math.atan2, domains: ['real', 'awayFromZero'], dtypes: F, grad2: true },
  { op: 'mod', ref: R.fns.mod, domains: ['real', 'awayFromZero'], dtypes: FI },
  { op: 'floorDiv', ref: R.fns.floorDiv, domains: ['real', 'awayFromZero'], dtypes: FI, grad: false },
  { op: 'logicalAnd', ref: (a, b) => +(a !== 0 && b !== 0), domains: ['bool', 'bool'], dtypes: ['bool'] },
  { op: 'logicalOr', ref: (a, b) => +(a !== 0 || b !== 0), domains: ['bool', 'bool'], dtypes: ['bool'] },
  { op: 'logicalXor', ref: (a, b) => +((a !== 0) !== (b !== 0)), domains: ['bool', 'bool'], dtypes: ['bool'] },
];

/** Shape pairs: equal shapes of every size, scalars, row/column/rank-changing broadcasts, empty. */
const BINARY_SHAPES: [number[], number[]][] = [
  ...SIZES.map((n): [number[], number[]] => [[n], [n]]),
  [[], []], [[], [7]], [[9], []], [[3, 1], [1, 4]], [[2, 3, 4], [4]], [[4], [2, 3, 4]], [[2, 1, 5], [3, 1]],
  [[1], [0]], [[0, 3], [1, 3]], [[33, 33], [33]], [[33, 33], [33, 1]], [[1, 17], [9, 1]],
];

for (const b of BINARY_SPECS) {
  const fn = (x: Tensor, y: Tensor) => tfOp(b.op)(x, y);
  const base = { op: b.op, dtypes: b.dtypes, grad: b.grad, ref: (x: Arr, y: Arr) => R.zip(x, y, b.ref) };
  for (const [sa, sb] of BINARY_SHAPES) {
    add({ ...base, name: `${b.op} ${s(sa)} ${s(sb)}`, inputs: [inp(sa, b.domains[0]), inp(sb, b.domains[1])], run: fn, grad2: b.grad2 && s(sa) === '[3,1]' });
  }
  add({ ...base, name: `${b.op} method [2,3] [3]`, method: true, inputs: [inp([2, 3], b.domains[0]), inp([3], b.domains[1])], run: (x, y) => methodOp(b.op)(x, y) });
}
// int32 pow: integer powers by repeated multiplication.
add({ name: 'pow int32 [17] [17]', op: 'pow', dtypes: ['int32'], inputs: [inp([17], 'real'), inp([17], 'exponent')], run: (a, b) => tf.pow(a, b), ref: (x, y) => R.zip(x, y, Math.pow) });
// A plain number takes the tensor's dtype, on either side and in method form.
add({ name: 'add number (method)', op: 'add', method: true, dtypes: FI, inputs: [inp([7])], run: (x) => x.add(2), ref: (x) => R.map(x, (v) => v + 2) });
add({ name: 'mul number first', op: 'mul', dtypes: FI, inputs: [inp([7])], run: (x) => tf.mul(3, x), ref: (x) => R.map(x, (v) => 3 * v) });
add({ name: 'sub number first', op: 'sub', dtypes: FI, inputs: [inp([2, 2])], run: (x) => tf.sub(1, x), ref: (x) => R.map(x, (v) => 1 - v) });
add({ name: 'div by number', op: 'div', dtypes: F, inputs: [inp([9])], run: (x) => x.div(4), ref: (x) => R.map(x, (v) => v / 4) });
add({ name: 'pow number exponent', op: 'pow', dtypes: F, inputs: [inp([9], 'positive')], run: (x) => tf.pow(x, 3), ref: (x) => R.map(x, (v) => v ** 3), grad2: true });
add({ name: 'pow negative base, integer exponent', op: 'pow', dtypes: F, inputs: [inp([8], 'awayFromZero')], run: (x) => tf.pow(x, 2), ref: (x) => R.map(x, (v) => v * v) });
add({ name: 'maximum NaN propagates', op: 'maximum', dtypes: F, grad: false, inputs: [{ shape: [3], values: [NaN, 1, 2] }, { shape: [3], values: [0, NaN, 1] }], run: (a, b) => tf.maximum(a, b), ref: (x, y) => R.zip(x, y, R.fns.maximum) });
add({ name: 'minimum NaN propagates', op: 'minimum', dtypes: F, grad: false, inputs: [{ shape: [3], values: [NaN, 1, 2] }, { shape: [3], values: [0, NaN, 1] }], run: (a, b) => tf.minimum(a, b), ref: (x, y) => R.zip(x, y, R.fns.minimum) });
add({ name: 'nested-array operand', op: 'add', dtypes: F, inputs: [inp([2, 2])], run: (x) => tf.add(x, [[1, 2], [3, 4]]), ref: (x) => R.zip(x, R.arr([2, 2], [1, 2, 3, 4]), (a, b) => a + b) });

// ---------------------------------------------------------------------------------------------
// Comparisons (bool results, not differentiable)

export const COMPARE_SPECS: [string, (a: number, b: number) => boolean][] = [
  ['equal', (a, b) => a === b],
  ['notEqual', (a, b) => a !== b],
  ['less', (a, b) => a < b],
  ['lessEqual', (a, b) => a <= b],
  ['greater', (a, b) => a > b],
  ['greaterEqual', (a, b) => a >= b],
];
for (const [op, cmp] of COMPARE_SPECS) {
  const fn = (x: Tensor, y: Tensor) => tfOp(op)(x, y);
  const method = (x: Tensor, y: unknown) => methodOp(op)(x, y);
  const base = { op, dtypes: FI, outDType: 'bool' as DType, grad: false as const, ref: (x: Arr, y: Arr) => R.zip(x, y, (a, b) => (cmp(a, b) ? 1 : 0)) };
  for (const [sa, sb] of [[[], []], [[17], [17]], [[1025], [1025]], [[3, 1], [1, 4]], [[33, 33], [33]], [[0], [1]]] as [number[], number[]][]) {
    add({ ...base, name: `${op} ${s(sa)} ${s(sb)}`, inputs: [inp(sa, 'coarse'), inp(sb, 'coarse')], run: fn });
  }
  add({ ...base, name: `${op} method [2,3] number`, method: true, inputs: [inp([2, 3], 'coarse')], run: (x) => method(x, 0), ref: (x) => R.map(x, (a) => (cmp(a, 0) ? 1 : 0)) });
  add({ ...base, name: `${op} NaN`, dtypes: F, inputs: [{ shape: [3], values: [NaN, 1, NaN] }, { shape: [3], values: [NaN, NaN, 1] }], run: fn });
}

// ---------------------------------------------------------------------------------------------
// Reductions

type Ax = number | number[] | undefined;
type NormOrdArg = 'euclidean' | 'fro' | number;
interface ReduceSpec {
  op: string;
  fn: (x: Tensor, axis: Ax, keepDims: boolean) => Tensor;
  method: (x: Tensor, axis: Ax, keepDims: boolean) => Tensor;
  ref: (x: Arr, axis: Ax, keepDims: boolean) => Arr;
  dtypes: DType[];
  domain: Domain;
  grad2?: boolean;
}
const REDUCE: ReduceSpec[] = [
  { op: 'sum', fn: (x, a, k) => tf.sum(x, a, k), method: (x, a, k) => x.sum(a, k), ref: R.sum, dtypes: FI, domain: 'real' },
  { op: 'mean', fn: (x, a, k) => tf.mean(x, a, k), method: (x, a, k) => x.mean(a, k), ref: R.mean, dtypes: F, domain: 'real' },
  { op: 'max', fn: (x, a, k) => tf.max(x, a, k), method: (x, a, k) => x.max(a, k), ref: R.max, dtypes: FI, domain: 'real' },
  { op: 'min', fn: (x, a, k) => tf.min(x, a, k), method: (x, a, k) => x.min(a, k), ref: R.min, dtypes: FI, domain: 'real' },
  { op: 'prod', fn: (x, a, k) => tf.prod(x, a, k), method: (x, a, k) => x.prod(a, k), ref: R.prod, dtypes: F, domain: 'nearOne' },
  { op: 'logSumExp', fn: (x, a, k) => tf.logSumExp(x, a, k), method: (x, a, k) => x.logSumExp(a, k), ref: R.logSumExp, dtypes: F, domain: 'real', grad2: true },
];
const REDUCE_ARGS: [number[], Ax, boolean][] = [
  ...SIZES.map((n): [number[], Ax, boolean] => [[n], undefined, false]),
  [[], undefined, false], [[3, 4, 5], undefined, false], [[3, 4, 5], 0, false], [[3, 4, 5], 1, true], [[3, 4, 5], -1, false],
  [[3, 4, 5], [0, 2], false], [[3, 4, 5], [0, 2], true], [[2, 3], 1, true], [[33, 33], 0, false], [[33, 33], 1, false],
  [[0, 3], 0, false], [[3, 0], 1, true], [[4, 1025], 1, false],
];
for (const r of REDUCE) {
  const base = { op: r.op, dtypes: r.dtypes, tol: REDUCE_TOL };
  for (const [shape, axis, keepDims] of REDUCE_ARGS) {
    add({
      ...base, name: `${r.op} ${s(shape)} axis=${JSON.stringify(axis)}${keepDims ? ' keepDims' : ''}`,
      inputs: [inp(shape, r.domain)], run: (x) => r.fn(x, axis, keepDims), ref: (x) => r.ref(x, axis, keepDims),
      grad2: r.grad2 && shape.length === 3 && axis === 1,
    });
  }
  add({ ...base, name: `${r.op} method [2,3] axis=1`, method: true, inputs: [inp([2, 3], r.domain)], run: (x) => r.method(x, 1, false), ref: (x) => r.ref(x, 1, false) });
  add({ ...base, name: `${r.op} method [2,3] all`, method: true, inputs: [inp([2, 3], r.domain)], run: (x) => r.method(x, undefined, false), ref: (x) => r.ref(x, undefined, false) });
}
// int32 products stay exact for small inputs.
add({ name: 'prod int32 [3,4] axis=1', op: 'prod', dtypes: ['int32'], inputs: [inp([3, 4], 'coarse')], run: (x) => tf.prod(x, 1), ref: (x) => R.prod(x, 1) });
// Ties in max/min: the gradient is shared equally among the tied elements (TF's rule).
add({ name: 'max ties', op: 'max', dtypes: F, inputs: [{ shape: [2, 3], values: [1, 3, 3, 2, 2, 2] }], run: (x) => tf.max(x, 1), ref: (x) => R.max(x, 1), grad: false });
add({ name: 'logSumExp of -inf row', op: 'logSumExp', dtypes: F, grad: false, inputs: [{ shape: [2, 2], values: [-Infinity, -Infinity, 0, 0] }], run: (x) => tf.logSumExp(x, 1), ref: (x) => R.logSumExp(x, 1) });
add({ name: 'logSumExp large values (stable)', op: 'logSumExp', dtypes: F, inputs: [{ shape: [3], values: [1000, 1000, 990] }], run: (x) => tf.logSumExp(x), ref: (x) => R.logSumExp(x) });

for (const [op, fn, method, ref] of [
  ['argMax', (x: Tensor, a?: number) => tf.argMax(x, a), (x: Tensor, a?: number) => x.argMax(a), R.argMax],
  ['argMin', (x: Tensor, a?: number) => tf.argMin(x, a), (x: Tensor, a?: number) => x.argMin(a), R.argMin],
] as const) {
  const base = { op, dtypes: FI, outDType: 'int32' as DType, grad: false as const };
  for (const n of SIZES.filter((k) => k > 0)) {
    add({ ...base, name: `${op} [${n}]`, inputs: [inp([n])], run: (x) => fn(x), ref: (x) => ref(x, 0) });
  }
  add({ ...base, name: `${op} [3,4] axis=1`, inputs: [inp([3, 4])], run: (x) => fn(x, 1), ref: (x) => ref(x, 1) });
  add({ ...base, name: `${op} [33,33] axis=-1`, inputs: [inp([33, 33])], run: (x) => fn(x, -1), ref: (x) => ref(x, -1) });
  add({ ...base, name: `${op} [2,3,4] axis=1`, inputs: [inp([2, 3, 4])], run: (x) => fn(x, 1), ref: (x) => ref(x, 1) });
  add({ ...base, name: `${op} ties pick the first`, inputs: [inp([4, 9], 'coarse')], run: (x) => fn(x, 1), ref: (x) => ref(x, 1) });
  add({ ...base, name: `${op} method [3,4] axis=0`, method: true, inputs: [inp([3, 4])], run: (x) => method(x, 0), ref: (x) => ref(x, 0) });
}

// ---------------------------------------------------------------------------------------------
// softmax, logSoftmax, clipByValue

for (const [op, fn, method, ref] of [
  ['softmax', (x: Tensor, a?: number) => tf.softmax(x, a), (x: Tensor, a?: number) => x.softmax(a), R.softmax],
  ['logSoftmax', (x: Tensor, a?: number) => tf.logSoftmax(x, a), (x: Tensor, a?: number) => x.logSoftmax(a), R.logSoftmax],
] as const) {
  const base = { op, dtypes: F, tol: REDUCE_TOL };
  for (const n of SIZES) add({ ...base, name: `${op} [${n}]`, inputs: [inp([n])], run: (x) => fn(x), ref: (x) => ref(x, -1) });
  add({ ...base, name: `${op} [3,4] axis=0`, inputs: [inp([3, 4])], run: (x) => fn(x, 0), ref: (x) => ref(x, 0), grad2: true });
  add({ ...base, name: `${op} [2,3,4] axis=1`, inputs: [inp([2, 3, 4])], run: (x) => fn(x, 1), ref: (x) => ref(x, 1) });
  add({ ...base, name: `${op} [33,33]`, inputs: [inp([33, 33])], run: (x) => fn(x), ref: (x) => ref(x, -1) });
  add({ ...base, name: `${op} [4,5] default axis`, inputs: [inp([4, 5])], run: (x) => fn(x), ref: (x) => ref(x, -1), grad2: true });
  add({ ...base, name: `${op} large logits (stable)`, grad: false, inputs: [{ shape: [2, 3], values: [1000, 999, -1000, -1000, -999, -998] }], run: (x) => fn(x), ref: (x) => ref(x, -1) });
  add({ ...base, name: `${op} method [2,3]`, method: true, inputs: [inp([2, 3])], run: (x) => method(x), ref: (x) => ref(x, -1) });
}

for (const shape of [[], [7], [1025], [3, 4]]) {
  add({ name: `clipByValue ${s(shape)}`, op: 'clipByValue', dtypes: F, inputs: [inp(shape)], run: (x) => tf.clipByValue(x, -0.5, 0.7), ref: (x) => R.clipByValue(x, -0.5, 0.7) });
}
// int32 bounds must be integers (a float bound is a dtype error, as in TF).
add({ name: 'clipByValue int32 [17]', op: 'clipByValue', dtypes: ['int32'], inputs: [inp([17])], run: (x) => tf.clipByValue(x, -2, 3), ref: (x) => R.clipByValue(x, -2, 3) });
add({ name: 'clipByValue tensor bounds (broadcast)', op: 'clipByValue', dtypes: F, inputs: [inp([3, 4]), inp([4], 'coarse')], run: (x, lo) => tf.clipByValue(x, lo, 1.5), ref: (x, lo) => R.zip(R.zip(x, lo, Math.max), R.arr([], [1.5]), Math.min) });
add({ name: 'clipByValue method', op: 'clipByValue', method: true, dtypes: F, inputs: [inp([2, 3])], run: (x) => x.clipByValue(0, 1), ref: (x) => R.clipByValue(x, 0, 1) });

// ---------------------------------------------------------------------------------------------
// matmul

const MATMUL: [number[], number[], boolean, boolean][] = [
  [[2, 3], [3, 4], false, false], [[3, 2], [3, 4], true, false], [[2, 3], [4, 3], false, true], [[3, 2], [4, 3], true, true],
  [[1, 1], [1, 1], false, false], [[1, 17], [17, 9], false, false], [[7, 9], [9, 8], false, false],
  [[2, 3, 4], [2, 4, 5], false, false], [[2, 4, 3], [2, 5, 4], true, true], [[2, 1, 3, 4], [3, 4, 2], false, false],
  [[3, 4], [5, 4, 2], false, false], [[5, 3, 4], [4, 2], false, false], [[1, 3, 4], [5, 4, 2], false, false],
  [[0, 3], [3, 4], false, false], [[3, 0], [0, 4], false, false], [[2, 0, 3], [2, 3, 1], false, false],
  [[33, 33], [33, 33], false, false], [[33, 17], [33, 9], true, false],
];
for (const [sa, sb, ta, tb] of MATMUL) {
  const flags = `${ta ? ' tA' : ''}${tb ? ' tB' : ''}`;
  add({
    name: `matmul ${s(sa)} ${s(sb)}${flags}`, op: 'matmul', dtypes: F, tol: { float32: 1e-5 * 33, float64: 1e-11 },
    inputs: [inp(sa), inp(sb)], run: (a, b) => tf.matmul(a, b, { transposeA: ta, transposeB: tb }), ref: (a, b) => R.matmul(a, b, ta, tb),
    grad2: sa.length === 2 && sa[0] <= 3 && sb[0] <= 4,
  });
}
add({ name: 'matmul method tB', op: 'matmul', method: true, dtypes: F, inputs: [inp([2, 3]), inp([4, 3])], run: (a, b) => a.matmul(b, { transposeB: true }), ref: (a, b) => R.matmul(a, b, false, true) });
add({ name: 'matmul method', op: 'matmul', method: true, dtypes: F, inputs: [inp([2, 3]), inp([3, 2])], run: (a, b) => a.matmul(b), ref: (a, b) => R.matmul(a, b) });

// ---------------------------------------------------------------------------------------------
// Shape ops

const shapeRow = (op: string, shape: number[], label: string, run: (x: Tensor) => Tensor, ref: (x: Arr) => Arr, extra: Partial<OpCase> = {}) =>
  add({ name: `${op} ${s(shape)} ${label}`, op, dtypes: ALL, inputs: [inp(shape, 'real')], run, ref, ...extra });
// bool rows draw 0/1 automatically (see inputValues).

for (const [shape, target] of [[[2, 3, 4], [6, 4]], [[2, 3, 4], [-1]], [[2, 3, 4], [4, -1]], [[], [1, 1]], [[0, 3], [3, 0]], [[1025], [25, 41]], [[7], [7, 1]]] as [number[], number[]][]) {
  shapeRow('reshape', shape, `to ${s(target)}`, (x) => tf.reshape(x, target), (x) => R.reshape(x, target));
}
shapeRow('reshape', [2, 3], 'method', (x) => x.reshape([3, 2]), (x) => R.reshape(x, [3, 2]), { method: true });
shapeRow('flatten', [2, 3, 4], 'method', (x) => x.flatten(), (x) => R.reshape(x, [-1]), { method: true });

for (const [shape, perm] of [[[2, 3], undefined], [[2, 3, 4], [1, 0, 2]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], undefined], [[33, 33], undefined], [[0, 3], undefined], [[7], undefined], [[], undefined], [[2, 1, 3, 2], [3, 1, 0, 2]]] as [number[], number[] | undefined][]) {
  shapeRow('transpose', shape, `perm=${JSON.stringify(perm)}`, (x) => tf.transpose(x, perm), (x) => R.transpose(x, perm));
}
shapeRow('transpose', [2, 3], 'method', (x) => x.transpose(), (x) => R.transpose(x), { method: true });

for (const [shape, axis] of [[[2, 3], 0], [[2, 3], 1], [[2, 3], -1], [[2, 3], 2], [[], 0], [[7], undefined]] as [number[], number | undefined][]) {
  shapeRow('expandDims', shape, `axis=${axis}`, (x) => tf.expandDims(x, axis), (x) => R.expandDims(x, axis));
}
shapeRow('expandDims', [3], 'method', (x) => x.expandDims(1), (x) => R.expandDims(x, 1), { method: true });

for (const [shape, axis] of [[[1, 3, 1], undefined], [[1, 3, 1], 0], [[1, 3, 1], [0, 2]], [[1, 3, 1], -1], [[1], undefined], [[1, 1], 1]] as [number[], number | number[] | undefined][]) {
  shapeRow('squeeze', shape, `axis=${JSON.stringify(axis)}`, (x) => tf.squeeze(x, axis), (x) => R.squeeze(x, axis));
}
shapeRow('squeeze', [1, 4], 'method', (x) => x.squeeze(0), (x) => R.squeeze(x, 0), { method: true });

for (const [shape, begin, size] of [
  [[7], [2], [3]], [[7], 2, 3], [[3, 4, 5], [1, 0, 2], [2, -1, 2]], [[4, 5], [1], undefined], [[4, 5], [1, 1], [0, 2]],
  [[33, 33], [1, 2], [30, 31]], [[1025], [3], [1000]], [[2, 3], [0, 0], [2, 3]],
] as [number[], number | number[], number | number[] | undefined][]) {
  const b = typeof begin === 'number' ? [begin] : begin.slice();
  while (b.length < shape.length) b.push(0);
  const z = size === undefined ? [] : typeof size === 'number' ? [size] : size.slice();
  while (z.length < shape.length) z.push(-1);
  shapeRow('slice', shape, `begin=${JSON.stringify(begin)} size=${JSON.stringify(size)}`, (x) => tf.slice(x, begin, size), (x) => R.slice(x, b, z));
}
shapeRow('slice', [4, 5], 'method', (x) => x.slice([1, 2], [2, 2]), (x) => R.slice(x, [1, 2], [2, 2]), { method: true });

for (const [shape, paddings, value] of [
  [[3], [[1, 2]], undefined], [[2, 3], [[1, 0], [2, 1]], 5], [[0, 2], [[1, 1], [0, 0]], undefined], [[33, 33], [[1, 1], [1, 1]], undefined],
  [[], [], undefined], [[2, 1, 2], [[0, 0], [1, 1], [0, 3]], -1],
] as [number[], [number, number][], number | undefined][]) {
  shapeRow('pad', shape, `${JSON.stringify(paddings)} value=${value}`, (x) => tf.pad(x, paddings, value), (x) => R.pad(x, paddings, value ?? 0), { dtypes: FI });
}
shapeRow('pad', [2, 2], 'method', (x) => x.pad([[1, 1], [0, 1]]), (x) => R.pad(x, [[1, 1], [0, 1]]), { method: true, dtypes: FI });

for (const [shape, reps] of [[[2, 3], [2, 1]], [[3], [3]], [[2, 1, 3], [1, 4, 2]], [[2, 3], [0, 2]], [[], []], [[17], [61]]] as [number[], number[]][]) {
  shapeRow('tile', shape, `reps=${JSON.stringify(reps)}`, (x) => tf.tile(x, reps), (x) => R.tile(x, reps));
}
shapeRow('tile', [2, 2], 'method', (x) => x.tile([1, 3]), (x) => R.tile(x, [1, 3]), { method: true });

for (const [shape, target] of [[[3], [2, 3]], [[3, 1], [2, 3, 4]], [[], [4]], [[1], [1025]], [[2, 3], [2, 3]], [[1, 3], [0, 3]]] as [number[], number[]][]) {
  shapeRow('broadcastTo', shape, `to ${s(target)}`, (x) => tf.broadcastTo(x, target), (x) => R.broadcastTo(x, target));
}
shapeRow('broadcastTo', [1, 3], 'method', (x) => x.broadcastTo([4, 3]), (x) => R.broadcastTo(x, [4, 3]), { method: true });

// gather: repeated indices make the gradient accumulate (scatterAdd).
for (const [shape, indices, axis] of [
  [[5, 3], idx([4], [0, 4, 2, 2]), 0], [[5, 3], idx([2], [2, 0]), 1], [[3, 4], idx([2, 2], [0, 1, 1, 3]), 1], [[3], idx([], [1]), 0],
  [[1025], { shape: [17], dtype: 'int32', domain: 'index', max: 1025 }, 0], [[4, 2], idx([0], []), 0], [[2, 3, 4], idx([3], [3, 0, 3]), -1],
  [[70, 3], { shape: [80], dtype: 'int32', domain: 'index', max: 70 }, 0],
] as [number[], InputSpec, number][]) {
  add({ name: `gather ${s(shape)} indices ${s(indices.shape)} axis=${axis}`, op: 'gather', dtypes: ALL, inputs: [inp(shape), indices], run: (x, i) => tf.gather(x, i, axis), ref: (x, i) => R.gather(x, i, axis) });
}
add({ name: 'gather method (seed: x.gather(0))', op: 'gather', method: true, dtypes: F, inputs: [inp([3])], run: (x) => x.gather(0 as unknown as Tensor), ref: (x) => R.gather(x, R.arr([], [0])) });
add({ name: 'gather nested-array indices', op: 'gather', dtypes: F, inputs: [inp([4, 2])], run: (x) => tf.gather(x, [[3], [1]]), ref: (x) => R.gather(x, R.arr([2, 1], [3, 1])) });

for (const [shapes, axis] of [
  [[[2, 3], [2, 3]], 0], [[[2, 1], [2, 3]], 1], [[[1, 4], [3, 4], [2, 4]], 0], [[[0, 3], [2, 3]], 0], [[[2, 3], [2, 2]], -1],
  [[[1025], [7]], 0], [[[2, 2, 3], [2, 1, 3]], 1], [[[3]], 0],
] as [number[][], number][]) {
  add({
    name: `concat ${shapes.map(s).join(' ')} axis=${axis}`, op: 'concat', dtypes: ALL, inputs: shapes.map((sh) => inp(sh)),
    run: (...xs) => tf.concat(xs, axis), ref: (...xs) => R.concat(xs, axis),
  });
}
add({ name: 'concat method one other', op: 'concat', method: true, dtypes: ALL, inputs: [inp([2, 1]), inp([2, 2])], run: (a, b) => a.concat(b, 1), ref: (a, b) => R.concat([a, b], 1) });
add({ name: 'concat method list', op: 'concat', method: true, dtypes: ALL, inputs: [inp([1, 2]), inp([2, 2]), inp([1, 2])], run: (a, b, c) => a.concat([b, c]), ref: (...xs) => R.concat(xs, 0) });

for (const [shapes, axis] of [[[[3], [3]], 0], [[[2, 3], [2, 3], [2, 3]], 1], [[[2, 3], [2, 3]], -1], [[[], [], []], 0], [[[0], [0]], 1], [[[1025], [1025]], 1]] as [number[][], number][]) {
  add({
    name: `stack ${shapes.map(s).join(' ')} axis=${axis}`, op: 'stack', dtypes: ALL, inputs: shapes.map((sh) => inp(sh)),
    run: (...xs) => tf.stack(xs, axis), ref: (...xs) => R.stack(xs, axis),
  });
}
add({ name: 'stack method', op: 'stack', method: true, dtypes: ALL, inputs: [inp([2]), inp([2])], run: (a, b) => a.stack(b), ref: (a, b) => R.stack([a, b], 0) });

for (const [shape, how, axis] of [[[6], 3, 0], [[4, 6], [1, -1, 2], 1], [[4, 2], 2, 0], [[1025], [1000, 25], 0], [[3, 4], [0, 3], 0], [[2, 3, 4], 2, -1]] as [number[], number | number[], number][]) {
  add({
    name: `split ${s(shape)} ${JSON.stringify(how)} axis=${axis}`, op: 'split', dtypes: ALL, inputs: [inp(shape)],
    run: (x) => tf.split(x, how, axis), ref: (x) => R.split(x, how, axis),
  });
}
add({ name: 'split method', op: 'split', method: true, dtypes: ALL, inputs: [inp([4, 2])], run: (x) => x.split(2), ref: (x) => R.split(x, 2) });

// ---------------------------------------------------------------------------------------------
// where, cast, oneHot, stopGradient

for (const [sc, sa, sb] of [
  [[7], [7], [7]], [[1025], [1025], [1025]], [[3, 1], [1, 4], []], [[], [2, 3], [2, 3]], [[4], [3, 1], [4]], [[0], [0], [1]], [[2, 3], [3], [2, 1]],
] as number[][][]) {
  add({
    name: `where ${s(sc)} ${s(sa)} ${s(sb)}`, op: 'where', dtypes: ALL, inputs: [{ shape: sc, dtype: 'bool', domain: 'bool' }, inp(sa), inp(sb)],
    run: (c, a, b) => tf.where(c, a, b), ref: (c, a, b) => R.where(c, a, b),
  });
}
add({ name: 'where number branch', op: 'where', dtypes: F, inputs: [{ shape: [5], dtype: 'bool', domain: 'bool' }, inp([5])], run: (c, a) => tf.where(c, a, 0), ref: (c, a) => R.where(c, a, R.arr([], [0])) });

const CAST_VALUES = [-2.7, -1.5, -0.5, -0, 0, 0.4, 1, 1.5, 2.9, 7, 100.25, -100.75];
for (const [from, to] of [
  ['float32', 'int32'], ['float64', 'int32'], ['float32', 'float64'], ['float64', 'float32'], ['int32', 'float32'], ['int32', 'float64'],
  ['float32', 'bool'], ['int32', 'bool'], ['bool', 'float32'], ['bool', 'int32'], ['float32', 'float32'],
] as [DType, DType][]) {
  add({
    name: `cast ${from} -> ${to}`, op: 'cast', dtypes: [from], outDType: to, grad: false,
    inputs: [{ shape: [CAST_VALUES.length], values: CAST_VALUES.map((v) => R.roundTo(from, v)) }],
    run: (x) => tf.cast(x, to), ref: (x) => R.cast(x, to),
  });
}
add({ name: 'cast random [1025] float32 -> int32', op: 'cast', dtypes: ['float32'], outDType: 'int32', grad: false, inputs: [inp([1025])], run: (x) => tf.cast(x, 'int32'), ref: (x) => R.cast(x, 'int32') });
add({ name: 'cast method', op: 'cast', method: true, dtypes: F, outDType: 'int32', grad: false, inputs: [inp([2, 3])], run: (x) => x.cast('int32'), ref: (x) => R.cast(x, 'int32') });
// float <-> float casts pass the gradient through; checked through a float64 round trip.
add({ name: 'cast float64 -> float64 (gradient passes)', op: 'cast', dtypes: ['float64'], inputs: [inp([7])], run: (x) => tf.cast(x, 'float64').mul(3), ref: (x) => R.map(x, (v) => 3 * v) });

for (const [indices, depth, on, off] of [
  [idx([5], [0, 2, 1, -1, 3]), 3, undefined, undefined], [idx([2, 2], [1, 0, 3, 2]), 4, undefined, undefined], [idx([3], [2, 0, 1]), 3, 5, -1],
  [idx([0], []), 2, undefined, undefined], [{ shape: [33], dtype: 'int32', domain: 'index', max: 9 } as InputSpec, 9, undefined, undefined],
] as [InputSpec, number, number | undefined, number | undefined][]) {
  add({
    name: `oneHot ${s(indices.shape)} depth=${depth} on=${on} off=${off}`, op: 'oneHot', dtypes: ['float32'], outDType: 'float32', grad: false,
    inputs: [indices], run: (i) => tf.oneHot(i, depth, on, off), ref: (i) => R.oneHot(i, depth, on, off),
  });
}
add({ name: 'oneHot method', op: 'oneHot', method: true, dtypes: ['float32'], grad: false, inputs: [idx([3], [2, 1, 0])], run: (i) => i.oneHot(3), ref: (i) => R.oneHot(i, 3), outDType: 'float32' });
add({ name: 'oneHot nested-array indices', op: 'oneHot', dtypes: ['float32'], grad: false, inputs: [], run: () => tf.oneHot([1, 0], 2), ref: () => R.oneHot(R.arr([2], [1, 0]), 2), outDType: 'float32' });

// TF.js spellings (src/ops/tfjs.ts): matMul with positional transpose flags, clone.
add({ name: 'matMul transposeB', op: 'matMul', dtypes: F, inputs: [inp([3, 4]), inp([5, 4])], run: (a, b) => tf.matMul(a, b, false, true), ref: (a, b) => R.matmul(a, b, false, true), tol: { float32: 1e-5 } });
add({ name: 'matMul method transposeA', op: 'matMul', method: true, dtypes: F, inputs: [inp([4, 3]), inp([4, 2])], run: (a, b) => a.matMul(b, true), ref: (a, b) => R.matmul(a, b, true), tol: { float32: 1e-5 } });
add({ name: 'clone [7]', op: 'clone', dtypes: ALL, inputs: [inp([7])], run: (x) => tf.clone(x), ref: (x) => x });
add({ name: 'clone method [2,3]', op: 'clone', method: true, dtypes: ALL, inputs: [inp([2, 3])], run: (x) => x.clone(), ref: (x) => x });

// stopGradient is the identity forward; its (null) gradient is checked in tape.test.ts.
add({ name: 'stopGradient [7]', op: 'stopGradient', dtypes: ALL, grad: false, inputs: [inp([7])], run: (x) => tf.stopGradient(x), ref: (x) => x });

// ---------------------------------------------------------------------------------------------
// Scans: cumsum, cumprod (axis, {exclusive, reverse})

const SCAN_ARGS: [number[], number, boolean, boolean][] = [
  ...SIZES.map((n): [number[], number, boolean, boolean] => [[n], 0, false, false]),
  [[9], 0, true, false], [[9], 0, false, true], [[9], 0, true, true], [[1025], 0, true, true],
  [[3, 4], 0, false, false], [[3, 4], 1, false, false], [[3, 4], -1, true, false], [[3, 4], 0, false, true],
  [[2, 3, 4], 1, false, false], [[2, 3, 4], 1, true, true], [[2, 0, 3], 1, false, false], [[1, 1], 1, true, false],
  [[33, 33], 0, false, true], [[33, 33], 1, true, false], [[5, 1025], 1, false, false],
];
for (const [op, fn, ref, domain, dtypes] of [
  ['cumsum', tf.cumsum, R.cumsum, 'real', FI],
  ['cumprod', tf.cumprod, R.cumprod, 'nearOne', FI],
] as const) {
  for (const [shape, axis, exclusive, reverse] of SCAN_ARGS) {
    const flags = `${exclusive ? ' exclusive' : ''}${reverse ? ' reverse' : ''}`;
    add({
      name: `${op} ${s(shape)} axis=${axis}${flags}`, op, dtypes: [...dtypes], tol: REDUCE_TOL,
      inputs: [inp(shape, op === 'cumprod' ? (shape.length === 1 && shape[0] < 100 ? 'positive' : domain) : domain)],
      run: (x) => fn(x, axis, { exclusive, reverse }), ref: (x) => ref(x, axis, exclusive, reverse),
      grad2: op === 'cumprod' && shape.length === 2 && shape[0] === 3,
    });
  }
}
add({ name: 'cumsum default axis [3,2]', op: 'cumsum', dtypes: FI, inputs: [inp([3, 2])], run: (x) => tf.cumsum(x), ref: (x) => R.cumsum(x, 0) });
add({ name: 'cumsum method [2,3] axis=1 reverse', op: 'cumsum', method: true, dtypes: FI, inputs: [inp([2, 3])], run: (x) => x.cumsum(1, { reverse: true }), ref: (x) => R.cumsum(x, 1, false, true) });
add({ name: 'cumprod method [2,3] axis=1 exclusive', op: 'cumprod', method: true, dtypes: FI, inputs: [inp([2, 3], 'positive')], run: (x) => x.cumprod(1, { exclusive: true }), ref: (x) => R.cumprod(x, 1, true, false) });
// Zeros in x: the gradient takes the exact (division-free) path; cumprod is a polynomial, so
// central differences through the zeros are exact.
for (const [exclusive, reverse] of [[false, false], [true, false], [false, true], [true, true]]) {
  add({
    name: `cumprod with zeros${exclusive ? ' exclusive' : ''}${reverse ? ' reverse' : ''}`, op: 'cumprod', dtypes: F,
    inputs: [{ shape: [2, 5], values: [2, 0, 3, 0.5, 1.5, 0, -1, 0, 2, 0.5] }],
    run: (x) => tf.cumprod(x, 1, { exclusive, reverse }), ref: (x) => R.cumprod(x, 1, exclusive, reverse),
  });
}

// ---------------------------------------------------------------------------------------------
// Selection: topK (values differentiable, indices int32), sort, argsort

const TOPK_ARGS: [number[], number, Domain][] = [
  [[1], 1, 'real'], [[7], 3, 'real'], [[8], 8, 'real'], [[9], 1, 'real'], [[17], 5, 'real'], [[33], 10, 'real'], [[1025], 10, 'real'],
  [[1025], 1000, 'real'], [[3, 4], 2, 'real'], [[2, 3, 17], 5, 'real'], [[4, 0], 0, 'real'], [[0, 5], 2, 'real'], [[3, 5], 0, 'real'],
  [[5, 9], 4, 'coarse'], [[70, 40], 10, 'real'],
];
for (const [shape, k, domain] of TOPK_ARGS) {
  const label = `${s(shape)} k=${k}${domain === 'coarse' ? ' ties' : ''}`;
  add({
    name: `topK values ${label}`, op: 'topK', dtypes: FI, inputs: [inp(shape, domain)], grad: domain === 'coarse' ? false : undefined,
    run: (x) => tf.topK(x, k).values, ref: (x) => R.topK(x, k)[0],
  });
  add({
    name: `topK indices ${label}`, op: 'topK', dtypes: FI, outDType: 'int32', grad: false, inputs: [inp(shape, domain)],
    run: (x) => tf.topK(x, k).indices, ref: (x) => R.topK(x, k)[1],
  });
}
add({ name: 'topK default k', op: 'topK', dtypes: F, inputs: [inp([3, 6])], run: (x) => tf.topK(x).values, ref: (x) => R.topK(x, 1)[0] });
add({ name: 'topK NaN is largest', op: 'topK', dtypes: F, grad: false, inputs: [{ shape: [6], values: [1, NaN, 3, -Infinity, NaN, Infinity] }], run: (x) => { const r = tf.topK(x, 4); return [r.values, tf.cast(r.indices, x.dtype)]; }, ref: (x) => { const [v, i] = R.topK(x, 4); return [v, i]; } });
add({ name: 'topK method', op: 'topK', method: true, dtypes: FI, inputs: [inp([2, 5])], run: (x) => x.topK(2).values, ref: (x) => R.topK(x, 2)[0] });

for (const [shape, descending, domain] of [
  [[0], false, 'real'], [[1], false, 'real'], [[7], false, 'real'], [[9], true, 'real'], [[33], false, 'coarse'], [[1025], false, 'real'],
  [[1025], true, 'coarse'], [[3, 4], false, 'real'], [[2, 3, 17], true, 'real'], [[3, 0], false, 'real'], [[40, 70], false, 'real'],
] as [number[], boolean, Domain][]) {
  const label = `${s(shape)}${descending ? ' descending' : ''}${domain === 'coarse' ? ' ties' : ''}`;
  add({
    name: `sort ${label}`, op: 'sort', dtypes: FI, inputs: [inp(shape, domain)], grad: domain === 'coarse' ? false : undefined,
    run: (x) => tf.sort(x, { descending }), ref: (x) => R.sort(x, descending),
  });
  add({
    name: `argsort ${label}`, op: 'argsort', dtypes: FI, outDType: 'int32', grad: false, inputs: [inp(shape, domain)],
    run: (x) => tf.argsort(x, { descending }), ref: (x) => R.argsort(x, descending),
  });
}
add({ name: 'sort NaN last, -0 ties 0 (stable)', op: 'sort', dtypes: F, grad: false, inputs: [{ shape: [7], values: [NaN, 0, -0, -Infinity, 2, NaN, -1] }], run: (x) => tf.sort(x), ref: (x) => R.sort(x) });
add({ name: 'argsort stable ties', op: 'argsort', dtypes: FI, outDType: 'int32', grad: false, inputs: [{ shape: [8], values: [2, 1, 2, 1, 0, 2, 0, 1] }], run: (x) => tf.argsort(x), ref: (x) => R.argsort(x) });
add({ name: 'sort method', op: 'sort', method: true, dtypes: FI, inputs: [inp([2, 5])], run: (x) => x.sort({ descending: true }), ref: (x) => R.sort(x, true) });
add({ name: 'argsort method', op: 'argsort', method: true, dtypes: FI, outDType: 'int32', grad: false, inputs: [inp([2, 5])], run: (x) => x.argsort(), ref: (x) => R.argsort(x) });

// ---------------------------------------------------------------------------------------------
// einsum (explicit form)

for (const [eq, shapes] of [
  ['ij,jk->ik', [[2, 3], [3, 4]]], ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]], ['ij,kj->ik', [[2, 3], [4, 3]]], ['ji,jk->ik', [[3, 2], [3, 4]]],
  ['bij,bkj->bik', [[2, 3, 4], [2, 5, 4]]], ['ii->', [[3, 3]]], ['ii->i', [[4, 4]]], ['ij->', [[3, 4]]], ['ij->ji', [[2, 3]]], ['ijk->kji', [[2, 3, 4]]],
  ['i,i->', [[7], [7]]], ['i,j->ij', [[3], [4]]], ['i,i->i', [[1025], [1025]]], ['bi,bi->b', [[17, 9], [17, 9]]], ['ij,jk,kl->il', [[2, 3], [3, 4], [4, 2]]],
  ['iij,jk->ik', [[3, 3, 2], [2, 4]]], ['abc,cd->abd', [[2, 3, 4], [4, 5]]], ['ij,jk->ik', [[0, 3], [3, 2]]], ['ij,jk->ik', [[2, 0], [0, 3]]], ['i->', [[0]]],
  ['ij,jk->ik', [[33, 33], [33, 33]]], ['bhqd,bhkd->bhqk', [[2, 2, 3, 4], [2, 2, 5, 4]]], ['ij,ij->i', [[1, 1], [1, 1]]], ['->', [[]]], [',i->i', [[], [8]]],
  ['ijk,ikl->jl', [[3, 2, 4], [3, 4, 2]]], ['i,jk,kl->ijl', [[2], [2, 3], [3, 2]]],
] as [string, number[][]][]) {
  add({
    name: `einsum '${eq}' ${shapes.map(s).join(' ')}`, op: 'einsum', dtypes: F, tol: { float32: 1e-5 * 33, float64: 1e-11 },
    inputs: shapes.map((sh) => inp(sh)), run: (...xs) => tf.einsum(eq, ...xs), ref: (...xs) => R.einsum(eq, ...xs),
    grad2: ['ij,jk->ik', 'bij,bjk->bik', 'ii->i', 'ij,jk,kl->il'].includes(eq) && shapes[0][0] !== 0 && shapes[0][0] < 30,
  });
}
add({ name: 'einsum spaces and nested-array operand', op: 'einsum', dtypes: F, inputs: [inp([2, 2])], run: (x) => tf.einsum('ij, jk -> ik', x, [[1, 2], [3, 4]]), ref: (x) => R.einsum('ij,jk->ik', x, R.arr([2, 2], [1, 2, 3, 4])) });

// ---------------------------------------------------------------------------------------------
// any, all (bool), reverse, norm, moments

for (const [op, fn, method, ref] of [
  ['any', tf.any, (x: Tensor, a: Ax, k: boolean) => x.any(a, k), R.any],
  ['all', tf.all, (x: Tensor, a: Ax, k: boolean) => x.all(a, k), R.all],
] as const) {
  for (const [shape, axis, keepDims] of REDUCE_ARGS) {
    add({
      name: `${op} ${s(shape)} axis=${JSON.stringify(axis)}${keepDims ? ' keepDims' : ''}`, op, dtypes: ['bool'], grad: false,
      inputs: [inp(shape, 'bool')], run: (x) => fn(x, axis, keepDims), ref: (x) => ref(x, axis, keepDims),
    });
  }
  add({ name: `${op} method [4,3] axis=1`, op, method: true, dtypes: ['bool'], grad: false, inputs: [inp([4, 3], 'bool')], run: (x) => method(x, 1, false), ref: (x) => ref(x, 1, false) });
  add({ name: `${op} all true / all false rows`, op, dtypes: ['bool'], grad: false, inputs: [{ shape: [2, 3], values: [1, 1, 1, 0, 0, 0] }], run: (x) => fn(x, 1), ref: (x) => ref(x, 1) });
}

for (const [shape, axes] of [
  [[7], [0]], [[0], [0]], [[1], 0], [[1025], [0]], [[3, 4], [1]], [[3, 4], [0, 1]], [[3, 4], [-1]], [[2, 3, 4], [0, 2]], [[2, 3, 4], []],
  [[33, 33], [0]], [[2, 0, 3], [2]],
] as [number[], number | number[]][]) {
  shapeRow('reverse', shape, `axes=${JSON.stringify(axes)}`, (x) => tf.reverse(x, axes), (x) => R.reverse(x, typeof axes === 'number' ? [axes] : axes));
}
shapeRow('reverse', [2, 3], 'method', (x) => x.reverse(1), (x) => R.reverse(x, [1]), { method: true });

for (const [ord, axis, shape, keepDims] of [
  ['euclidean', undefined, [7], false], ['euclidean', undefined, [3, 4], false], ['euclidean', 1, [3, 4], true], [2, 0, [3, 4], false],
  [1, undefined, [9], false], [1, -1, [2, 3, 4], false], [Infinity, undefined, [17], false], [Infinity, 1, [3, 5], true], [3, 1, [3, 4], false],
  ['fro', [0, 1], [3, 4], false], ['euclidean', [1, 2], [2, 3, 4], true], [1, [0, 1], [3, 4], false], [Infinity, [0, 1], [3, 4], false],
  [1, [2, 0], [3, 2, 4], false], ['euclidean', undefined, [1025], false], [1, 1, [33, 33], false], ['euclidean', 1, [0, 3], false],
] as [NormOrdArg, number | number[] | undefined, number[], boolean][]) {
  add({
    name: `norm ord=${ord} axis=${JSON.stringify(axis)} ${s(shape)}${keepDims ? ' keepDims' : ''}`, op: 'norm', dtypes: F, tol: REDUCE_TOL,
    inputs: [inp(shape, ord === 'euclidean' || ord === 'fro' || ord === 2 ? 'real' : 'awayFromZero')],
    run: (x) => tf.norm(x, ord, axis, keepDims), ref: (x) => R.norm(x, ord, axis, keepDims),
    grad: shape.includes(0) ? false : undefined, grad2: ord === 'euclidean' && shape.length === 2 && !shape.includes(0),
  });
}
add({ name: 'norm default ord', op: 'norm', dtypes: F, inputs: [inp([2, 3])], run: (x) => tf.norm(x), ref: (x) => R.norm(x) });
add({ name: 'norm method', op: 'norm', method: true, dtypes: F, inputs: [inp([2, 3], 'awayFromZero')], run: (x) => x.norm(1, 1), ref: (x) => R.norm(x, 1, 1) });

for (const [shape, axes, keepDims] of [
  [[7], [0], false], [[1], [0], false], [[1025], [0], false], [[3, 4], [0], false], [[3, 4], [1], true], [[2, 3, 4], [0, 2], false],
  [[2, 3, 4], [0, 1, 2], true], [[33, 33], [1], false], [[4, 5], -1, false],
] as [number[], number | number[], boolean][]) {
  const ax = typeof axes === 'number' ? [axes] : axes;
  add({
    name: `moments ${s(shape)} axes=${JSON.stringify(axes)}${keepDims ? ' keepDims' : ''}`, op: 'moments', dtypes: F, tol: REDUCE_TOL,
    inputs: [inp(shape)], run: (x) => { const m = tf.moments(x, axes, keepDims); return [m.mean, m.variance]; },
    ref: (x) => R.moments(x, ax.map((a) => (a < 0 ? a + shape.length : a)), keepDims), grad2: shape.length === 2 && shape[0] === 3,
  });
}
add({ name: 'moments method', op: 'moments', method: true, dtypes: F, inputs: [inp([2, 3])], run: (x) => { const m = x.moments([1]); return [m.mean, m.variance]; }, ref: (x) => R.moments(x, [1]) });

// ---------------------------------------------------------------------------------------------
// Indexing: gatherND, scatterND, unsortedSegmentSum, booleanMask

for (const [shape, indices] of [
  [[3, 4], idx([2, 2], [0, 1, 2, 3])], [[3, 4], idx([3, 1], [2, 0, 2])], [[2, 3, 4], idx([2, 2], [1, 2, 0, 0])], [[2, 3, 4], idx([1, 3], [1, 2, 3])],
  [[5], idx([4, 1], [4, 0, 4, 1])], [[3, 2], idx([2, 0], [])], [[3, 2], idx([0, 1], [])], [[2, 3], idx([2, 2, 2], [0, 0, 1, 2, 1, 1, 0, 2])],
  [[1025], { shape: [17, 1], dtype: 'int32', domain: 'index', max: 1025 }], [[70, 9], { shape: [40, 1], dtype: 'int32', domain: 'index', max: 70 }],
] as [number[], InputSpec][]) {
  add({ name: `gatherND ${s(shape)} indices ${s(indices.shape)}`, op: 'gatherND', dtypes: ALL, inputs: [inp(shape), indices], run: (x, i) => tf.gatherND(x, i), ref: (x, i) => R.gatherND(x, i) });
}
add({ name: 'gatherND method, nested-array indices', op: 'gatherND', method: true, dtypes: F, inputs: [inp([2, 3])], run: (x) => x.gatherND([[1, 2], [0, 0]]), ref: (x) => R.gatherND(x, R.arr([2, 2], [1, 2, 0, 0])) });

for (const [indices, updates, shape] of [
  [idx([4, 1], [4, 3, 1, 7]), [4], [8]], [idx([2, 1], [0, 2]), [2, 4], [4, 4]], [idx([3, 2], [0, 1, 2, 2, 0, 1]), [3], [3, 3]],
  [idx([2, 2], [1, 0, 0, 1]), [2, 5], [2, 2, 5]], [idx([0, 1], []), [0], [5]], [{ shape: [40, 1], dtype: 'int32', domain: 'index', max: 1025 } as InputSpec, [40], [1025]],
] as [InputSpec, number[], number[]][]) {
  add({
    name: `scatterND indices ${s(indices.shape)} updates ${s(updates)} shape ${s(shape)}`, op: 'scatterND', dtypes: FI,
    inputs: [indices, inp(updates)], run: (i, u) => tf.scatterND(i, u, shape), ref: (i, u) => R.scatterND(i, u, shape),
  });
}

for (const [shape, ids, n] of [
  [[5], idx([5], [0, 2, 0, 1, 2]), 3], [[4, 3], idx([4], [1, 1, -1, 0]), 2], [[2, 3, 2], idx([2, 3], [0, 1, 2, 2, 1, 0]), 4], [[0, 2], idx([0], []), 2],
  [[3], idx([3], [0, 0, 0]), 0 + 1], [[1025], { shape: [1025], dtype: 'int32', domain: 'index', max: 9 } as InputSpec, 9], [[6, 70], idx([6], [5, 0, 5, 3, -1, 0]), 6],
] as [number[], InputSpec, number][]) {
  add({
    name: `unsortedSegmentSum ${s(shape)} ids ${s(ids.shape)} n=${n}`, op: 'unsortedSegmentSum', dtypes: FI, tol: REDUCE_TOL,
    inputs: [inp(shape), ids], run: (x, i) => tf.unsortedSegmentSum(x, i, n), ref: (x, i) => R.unsortedSegmentSum(x, i, n),
  });
}
add({ name: 'unsortedSegmentSum method', op: 'unsortedSegmentSum', method: true, dtypes: F, inputs: [inp([4, 2])], run: (x) => x.unsortedSegmentSum([1, 0, 1, 1], 2), ref: (x) => R.unsortedSegmentSum(x, R.arr([4], [1, 0, 1, 1]), 2) });

for (const [shape, maskShape, axis] of [
  [[7], [7], undefined], [[3, 4], [3], undefined], [[3, 4], [3, 4], undefined], [[2, 3, 4], [3], 1], [[2, 3, 4], [3, 4], 1], [[0, 2], [0], undefined],
  [[1025], [1025], undefined], [[40, 33], [40], 0],
] as [number[], number[], number | undefined][]) {
  add({
    name: `booleanMask ${s(shape)} mask ${s(maskShape)} axis=${axis}`, op: 'booleanMask', dtypes: ALL,
    inputs: [inp(shape), { shape: maskShape, dtype: 'bool', domain: 'bool' }],
    run: (x, m) => tf.booleanMask(x, m, axis),
    ref: (x, m) => {
      const ax = axis ?? 0;
      if (ax === 0) return R.booleanMask(x, m);
      // Move the masked axes to the front, mask, and move the new axis back.
      const perm = [...shape.keys()].filter((d) => d >= ax && d < ax + maskShape.length).concat([...shape.keys()].filter((d) => d < ax || d >= ax + maskShape.length));
      const moved = R.booleanMask(R.transpose(x, perm), m);
      const order = [...Array(ax).keys()].map((d) => d + 1).concat([0], [...Array(moved.shape.length - ax - 1).keys()].map((d) => d + ax + 1));
      return R.transpose(moved, order);
    },
  });
}
add({ name: 'booleanMask method', op: 'booleanMask', method: true, dtypes: F, inputs: [inp([4, 2])], run: (x) => x.booleanMask([true, false, true, true]), ref: (x) => R.booleanMask(x, R.arr([4], [1, 0, 1, 1])) });

// ---------------------------------------------------------------------------------------------
// dropout: rate 0 is the identity; a seeded mask keeps values scaled by 1/(1 − rate). The rows
// undo the mask (dropped entries replaced by x/(1 − rate)) so the reference needs no generator;
// exact mask values and statistics are checked in test/ops-more.test.ts.

add({ name: 'dropout rate 0 is x', op: 'dropout', dtypes: F, inputs: [inp([7])], run: (x) => tf.dropout(x, 0), ref: (x) => x });
for (const [shape, rate, noiseShape] of [[[1025], 0.25, undefined], [[3, 4], 0.5, [1, 4]], [[2, 3, 5], 0.1, [2, 1, 5]], [[0, 3], 0.5, undefined]] as [number[], number, number[] | undefined][]) {
  add({
    name: `dropout ${s(shape)} rate=${rate} noiseShape=${JSON.stringify(noiseShape)}`, op: 'dropout', dtypes: F, inputs: [inp(shape, 'awayFromZero')],
    run: (x) => { const y = tf.dropout(x, rate, { seed: 7, noiseShape }); return tf.where(tf.equal(y, 0), tf.mul(x, 1 / (1 - rate)), y); },
    ref: (x) => R.map(x, (v) => v / (1 - rate)),
  });
}
add({
  name: 'dropout method', op: 'dropout', method: true, dtypes: F, inputs: [inp([2, 3], 'awayFromZero')],
  run: (x) => { const y = x.dropout(0.5, { seed: 1 }); return tf.where(tf.equal(y, 0), tf.mul(x, 2), y); }, ref: (x) => R.map(x, (v) => 2 * v),
});

// ---------------------------------------------------------------------------------------------
// Convolution and pooling (NHWC): odd sizes, strides 1–3, dilations 1–2, 'same' / 'valid' /
// explicit / numeric pads, rank-3 single images, 1-4 channels, and a few wide-channel
// rows for SIMD tails. The reference pads with its own copy of TF's 'same' rule.

type Pad = 'same' | 'valid' | number | number[][];
const pair2 = (v: number | number[]) => (typeof v === 'number' ? [v, v] : v);
const explicit = (p: Pad, spatial = 2): 'same' | 'valid' | number[][] =>
  typeof p === 'number' ? (spatial === 1 ? [[0, 0], [0, 0], [p, p], [0, 0]] : [[0, 0], [p, p], [p, p], [0, 0]]) : p;
const CONV_TOL = { float32: 2e-4, float64: 1e-11 };
const spatial = (shape: number[]) => (shape.length === 3 ? shape.slice(0, 2) : shape.slice(1, 3));

for (const [xs, fs, strides, pad, dil, grad2] of [
  [[1, 5, 5, 1], [3, 3, 1, 2], 1, 'same', 1, true], [[2, 7, 6, 3], [3, 3, 3, 4], 2, 'same', 1], [[1, 9, 8, 3], [3, 2, 3, 2], [3, 2], 'valid', 1],
  [[2, 7, 7, 2], [3, 3, 2, 3], 1, 'same', 2], [[1, 8, 9, 2], [2, 3, 2, 3], [1, 2], [[0, 0], [1, 2], [0, 1], [0, 0]], [2, 1]],
  [[6, 5, 3], [3, 3, 3, 2], 1, 'valid', 1], [[2, 4, 4, 3], [1, 1, 3, 5], 1, 'valid', 1], [[1, 6, 6, 1], [1, 1, 1, 1], 2, 'same', 1],
  [[1, 5, 5, 2], [3, 3, 2, 2], 1, 1, 1], [[3, 11, 13, 3], [5, 5, 3, 8], 3, 'same', 1], [[1, 7, 7, 8], [3, 3, 8, 16], 2, [[0, 0], [2, 0], [1, 1], [0, 0]], 1],
  [[2, 9, 11, 17], [3, 3, 17, 33], 1, 'same', 1], [[7, 7, 1], [7, 7, 1, 3], 1, 'valid', 1], [[1, 3, 4, 2], [3, 3, 2, 2], 3, 'same', 2],
  // Few input channels (the direct kernel, native/kernels/conv.cc): rows of more output pixels
  // than one register block (14 on AVX-512) plus a remainder, output channels that are not a
  // multiple of any vector width (5, 17, 33) or span two blocks of channels (70), rows and
  // columns lying wholly in explicit padding, and 16 channels (the last that runs direct).
  [[2, 6, 31, 1], [3, 3, 1, 5], 1, 'same', 1], [[1, 9, 17, 2], [3, 3, 2, 17], 2, 'valid', 2],
  [[2, 8, 19, 3], [3, 3, 3, 33], [1, 3], [[0, 0], [2, 1], [0, 2], [0, 0]], [2, 1]], [[5, 16, 4], [2, 3, 4, 17], 3, 'same', 1],
  [[1, 4, 20, 1], [1, 5, 1, 70], 1, 'same', [1, 2]], [[1, 3, 4, 2], [2, 2, 2, 3], 1, [[0, 0], [3, 0], [4, 1], [0, 0]], 1],
  [[1, 5, 6, 16], [3, 3, 16, 9], 2, 'same', 1], [[2, 10, 29, 4], [5, 3, 4, 33], [2, 1], 'same', [1, 2]],
] as [number[], number[], number | number[], Pad, number | number[], boolean?][]) {
  const st = pair2(strides), dl = pair2(dil);
  add({
    name: `conv2d x ${s(xs)} filter ${s(fs)} strides=${JSON.stringify(strides)} pad=${JSON.stringify(pad)} dilations=${JSON.stringify(dil)}`,
    op: 'conv2d', dtypes: F, tol: CONV_TOL, inputs: [inp(xs), inp(fs)], grad2,
    run: (x, f) => tf.conv2d(x, f, strides as [number, number], pad as 'same', 'NHWC', dil as [number, number]),
    ref: (x, f) => R.conv2d(x, f, st, R.convPads(explicit(pad), spatial(xs)[0], spatial(xs)[1], fs[0], fs[1], st, dl), dl),
  });
}

for (const [xs, fs, stride, pad, dil] of [
  [[2, 9, 3], [3, 3, 4], 1, 'same', 1], [[11, 2], [2, 2, 3], 2, 'valid', 1], [[1, 10, 2], [3, 2, 2], 1, 'valid', 2],
  [[2, 8, 3], [3, 3, 2], 3, [[0, 0], [1, 2], [0, 0]], 1], [[1, 7, 1], [2, 1, 1], 2, 'same', 2],
] as [number[], number[], number, Pad, number][]) {
  const to4 = (x: R.Arr) => R.arr(x.shape.length === 2 ? [1, 1, ...x.shape] : [x.shape[0], 1, ...x.shape.slice(1)], x.data);
  add({
    name: `conv1d x ${s(xs)} filter ${s(fs)} stride=${stride} pad=${JSON.stringify(pad)} dilation=${dil}`,
    op: 'conv1d', dtypes: F, tol: CONV_TOL, inputs: [inp(xs), inp(fs)],
    run: (x, f) => tf.conv1d(x, f, stride, pad as 'same', 'NWC', dil),
    ref: (x, f) => {
      const w = xs[xs.length - 2];
      const pads = Array.isArray(pad) ? [0, 0, pad[1][0], pad[1][1]] : R.convPads(pad as 'same', 1, w, 1, fs[0], [1, stride], [1, dil]);
      const y = R.conv2d(to4(x), R.arr([1, ...fs], f.data), [1, stride], pads, [1, dil]);
      return R.arr(xs.length === 2 ? y.shape.slice(2) : [y.shape[0], ...y.shape.slice(2)], y.data);
    },
  });
}

for (const [xs, fs, strides, pad, dil, grad2] of [
  [[1, 5, 5, 3], [3, 3, 3, 1], 1, 'same', 1, true], [[2, 7, 6, 2], [3, 3, 2, 3], 2, 'valid', 1], [[1, 8, 8, 4], [3, 3, 4, 2], 1, 'same', 2],
  [[6, 6, 3], [2, 2, 3, 1], [2, 1], 'same', 1], [[1, 9, 9, 17], [3, 3, 17, 1], 1, 'same', 1], [[2, 10, 9, 1], [3, 2, 1, 4], 3, [[0, 0], [1, 1], [2, 0], [0, 0]], 1],
  [[1, 11, 11, 33], [5, 5, 33, 1], 2, 'same', [1, 2]],
] as [number[], number[], number | number[], Pad, number | number[], boolean?][]) {
  const st = pair2(strides), dl = pair2(dil);
  add({
    name: `depthwiseConv2d x ${s(xs)} filter ${s(fs)} strides=${JSON.stringify(strides)} pad=${JSON.stringify(pad)} dilations=${JSON.stringify(dil)}`,
    op: 'depthwiseConv2d', dtypes: F, tol: CONV_TOL, inputs: [inp(xs), inp(fs)], grad2,
    run: (x, f) => tf.depthwiseConv2d(x, f, strides as [number, number], pad as 'same', 'NHWC', dil as [number, number]),
    ref: (x, f) => R.conv2d(x, f, st, R.convPads(explicit(pad), spatial(xs)[0], spatial(xs)[1], fs[0], fs[1], st, dl), dl, true),
  });
}

for (const [xs, fs, outShape, strides, pad, grad2] of [
  [[1, 3, 3, 2], [3, 3, 4, 2], [1, 5, 5, 4], 2, 'same', true], [[2, 4, 4, 3], [2, 2, 2, 3], [2, 8, 8, 2], 2, 'valid'],
  [[3, 3, 2], [3, 3, 1, 2], [5, 5, 1], 1, 'valid'], [[1, 3, 3, 2], [3, 2, 3, 2], [1, 9, 7, 3], [3, 3], 'same'],
  [[1, 5, 6, 3], [3, 3, 2, 3], [1, 6, 7, 2], 1, [[0, 0], [1, 0], [0, 1], [0, 0]]],
] as [number[], number[], number[], number | number[], Pad, boolean?][]) {
  const st = pair2(strides);
  const hw = spatial(outShape);
  add({
    name: `conv2dTranspose x ${s(xs)} filter ${s(fs)} outputShape ${s(outShape)} strides=${JSON.stringify(strides)} pad=${JSON.stringify(pad)}`,
    op: 'conv2dTranspose', dtypes: F, tol: CONV_TOL, inputs: [inp(xs), inp(fs)], grad2,
    run: (x, f) => tf.conv2dTranspose(x, f, outShape, strides as [number, number], pad as 'same'),
    ref: (x, f) => R.conv2dTranspose(x, f, outShape, st, R.convPads(explicit(pad), hw[0], hw[1], fs[0], fs[1], st, [1, 1])),
  });
}

for (const [xs, size, strides, pad, grad2] of [
  [[1, 4, 4, 1], 2, 2, 'valid', true], [[2, 7, 7, 3], 3, 2, 'same'], [[1, 9, 8, 2], [3, 2], [2, 3], 'same'], [[5, 5, 2], 2, 1, 'valid'],
  [[1, 6, 6, 17], 3, 3, [[0, 0], [1, 1], [2, 0], [0, 0]]], [[2, 28, 28, 8], 2, 2, 'valid'], [[1, 5, 7, 3], 3, 1, 'same'], [[1, 10, 10, 1], [2, 3], 3, 1],
] as [number[], number | number[], number | number[], Pad, boolean?][]) {
  const sz = pair2(size), st = pair2(strides);
  const hw = spatial(xs);
  for (const [op, fn] of [['maxPool', tf.maxPool], ['avgPool', tf.avgPool]] as const) {
    add({
      name: `${op} x ${s(xs)} filterSize=${JSON.stringify(size)} strides=${JSON.stringify(strides)} pad=${JSON.stringify(pad)}`,
      op, dtypes: F, tol: CONV_TOL, inputs: [inp(xs)], grad2,
      run: (x) => fn(x, size as [number, number], strides as [number, number], pad as 'same'),
      ref: (x) => R.pool(op === 'maxPool' ? 'max' : 'avg', x, sz, st, R.convPads(explicit(pad), hw[0], hw[1], sz[0], sz[1], st, [1, 1])),
    });
  }
}

export const OP_CASES: readonly OpCase[] = cases;

// ---------------------------------------------------------------------------------------------
// dotProductAttention (q [B,T,N,H], k [B,S,K,H], v [B,S,K,Hv]): no mask, grouped-query heads,
// causal with T < S, an explicit boolean mask, a custom scale; the known-answer, fused-vs-composed
// and empty-extent checks are in test/dot-product-attention.test.ts.

const ATT_TOL = { float32: 1e-5, float64: 1e-12 };
add({
  name: 'dotProductAttention q [2,3,2,4] k/v [2,5,2,·]', op: 'dotProductAttention', dtypes: F, tol: ATT_TOL, grad2: true,
  inputs: [inp([2, 3, 2, 4]), inp([2, 5, 2, 4]), inp([2, 5, 2, 3])],
  run: (q, k, v) => tf.dotProductAttention(q, k, v), ref: (q, k, v) => R.dotProductAttention(q, k, v, 1 / 2),
});
add({
  name: 'dotProductAttention grouped heads N 6 K 2', op: 'dotProductAttention', dtypes: F, tol: ATT_TOL,
  inputs: [inp([1, 4, 6, 3]), inp([1, 3, 2, 3]), inp([1, 3, 2, 2])],
  run: (q, k, v) => tf.dotProductAttention(q, k, v), ref: (q, k, v) => R.dotProductAttention(q, k, v, 1 / Math.sqrt(3)),
});
add({
  name: 'dotProductAttention isCausal T 3 S 5 scale 0.7', op: 'dotProductAttention', dtypes: F, tol: ATT_TOL,
  inputs: [inp([2, 3, 1, 2]), inp([2, 5, 1, 2]), inp([2, 5, 1, 4])],
  run: (q, k, v) => tf.dotProductAttention(q, k, v, { isCausal: true, scale: 0.7 }),
  ref: (q, k, v) => R.dotProductAttention(q, k, v, 0.7, (_b, _n, t, s) => s <= t),
});
{
  // mask [B=2, 1, T=3, S=4]: batch 1's last query sees nothing (its output is the mean of v).
  const allowed = (b: number, _n: number, t: number, s: number) => !(b === 1 && t === 2) && (s + t + b) % 3 !== 0;
  const mask = Array.from({ length: 24 }, (_, i) => (allowed(Math.floor(i / 12), 0, Math.floor(i / 4) % 3, i % 4) ? 1 : 0));
  add({
    name: 'dotProductAttention mask [2,1,3,4] with a fully masked row', op: 'dotProductAttention', dtypes: F, tol: ATT_TOL,
    inputs: [inp([2, 3, 2, 3]), inp([2, 4, 2, 3]), inp([2, 4, 2, 2]), { shape: [2, 1, 3, 4], dtype: 'bool', values: mask }],
    run: (q, k, v, m) => tf.dotProductAttention(q, k, v, { mask: m }), ref: (q, k, v) => R.dotProductAttention(q, k, v, 1 / Math.sqrt(3), allowed),
  });
}

// ---------------------------------------------------------------------------------------------
// Input generation

/** mulberry32, seeded from a string so each row's inputs are fixed across runs and backends. */
export function rng(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(domain: Domain, dtype: DType, rand: () => number, max = 1): number {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  if (dtype === 'bool' || domain === 'bool') return rand() < 0.5 ? 0 : 1;
  if (domain === 'index') return Math.floor(rand() * max);
  if (dtype === 'int32') {
    switch (domain) {
      case 'positive': return int(1, 5);
      case 'unit': return int(0, 1);
      case 'awayFromZero': return (rand() < 0.5 ? -1 : 1) * int(1, 5);
      case 'coarse': return int(-2, 2);
      case 'exponent': return int(0, 3);
      case 'nearOne': return 1;
      default: return int(-5, 5);
    }
  }
  switch (domain) {
    case 'positive': return u(0.5, 2.5);
    case 'unit': return u(0.05, 0.95);
    case 'awayFromZero': return (rand() < 0.5 ? -1 : 1) * u(0.25, 2);
    case 'coarse': return int(-2, 2);
    case 'exponent': return u(-2, 2);
    case 'nearOne': return Math.exp(u(Math.log(0.8), Math.log(1.25)));
    case 'signedUnit': return u(-0.9, 0.9);
    case 'aboveOne': return u(1.1, 3);
    default: return u(-2, 2);
  }
}

/** The flat values of each input of `c` for a run in `dtype` (deterministic). */
export function inputValues(c: OpCase, dtype: DType): { values: number[]; shape: number[]; dtype: DType }[] {
  const rand = rng(`${c.name}|${dtype === 'float32' ? 'float64' : dtype}`); // float32 and float64 see the same draws
  return c.inputs.map((spec) => {
    const d = spec.dtype ?? dtype;
    const n = R.sizeOf(spec.shape);
    const values = spec.values ? spec.values.slice() : Array.from({ length: n }, () => draw(spec.domain ?? 'real', d, rand, spec.max));
    return { values: values.map((v) => R.roundTo(d, v)), shape: spec.shape, dtype: d };
  });
}

/** The inputs of `c` as tensors of the row's dtype (fixed-dtype inputs keep theirs). */
export function inputTensors(c: OpCase, dtype: DType): Tensor[] {
  return inputValues(c, dtype).map(({ values, shape, dtype: d }) => tf.tensor(values, shape, d));
}

export function outDTypeOf(c: OpCase, dtype: DType): DType {
  if (c.outDType === undefined) return dtype;
  return typeof c.outDType === 'function' ? c.outDType(dtype) : c.outDType;
}

/** Whether the row has a gradient check (float64 run, a differentiable input, not opted out). */
export function isDifferentiable(c: OpCase): boolean {
  return c.grad !== false && c.dtypes.includes('float64') && c.inputs.some((i) => i.dtype === undefined);
}
