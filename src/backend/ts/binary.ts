/**
 * Binary elementwise kernels and comparisons with broadcasting through (0-)strides.
 *
 * `BINARY_KERNELS` is the one list of binary kernels: its keys are the `BinaryOp` names. Each
 * entry is a scalar expression in `x` (from a) and `y` (from b); `int32` overrides it for
 * int32 operands (wrapping arithmetic), or is false where the op takes no int32; `compare`
 * marks ops whose output is bool (0/1 in a Uint8Array); `ieee` as in unary.ts. The shape is
 * collapsed (`strided.ts`) and a loop generated per (op, input class, output class) runs the
 * odometer with four inner loops chosen per row: both contiguous, a contiguous with b fixed
 * (scalar or column broadcast), the reverse, and general strides.
 *
 * To add an op: one entry here; its op (gradient, doc) goes in src/ops/binary.ts (or
 * compare.ts) and its native row in native/kernels/binary.cc (see CONTRIBUTING.md).
 */
import type { FloatArray, TypedArray } from '../../dtype.js';
import { cls, collapse, compile, loopCache, odometerStep } from './strided.js';

interface BinaryKernel {
  readonly f: string;
  readonly int32?: string | false;
  readonly compare?: true;
  readonly ieee?: true;
}

export const BINARY_KERNELS = {
  add: { f: 'x + y', ieee: true },
  sub: { f: 'x - y', ieee: true },
  mul: { f: 'x * y', int32: 'Math.imul(x, y)', ieee: true },
  // int32 division truncates toward zero, x/0 = 0 (the op itself gives int32 true division as float64)
  div: { f: 'x / y', int32: 'y === 0 ? 0 : (x / y) | 0', ieee: true },
  pow: { f: 'powC(x, y)', int32: 'ipow(x, y)' },
  maximum: { f: 'x > y || x !== x ? x : y', ieee: true }, // NaN in either operand propagates
  minimum: { f: 'x < y || x !== x ? x : y', ieee: true },
  reluGrad: { f: 'x * +(y > 0)', ieee: true }, // a multiply, so dy = NaN or ±inf where x <= 0 gives NaN, as dy·0
  atan2: { f: 'Math.atan2(x, y)', int32: false },
  // floored (sign of the divisor), as TF's FloorMod and FloorDiv; int32 x/0 gives 0 (TF raises)
  mod: { f: 'floorMod(x, y)', int32: 'intFloorMod(x, y)', ieee: true },
  floorDiv: { f: 'Math.floor(x / y)', int32: 'y === 0 ? 0 : Math.floor(x / y)' },
  equal: { f: '+(x === y)', compare: true, ieee: true }, // +(bool) compiles branch-free; a ternary mispredicts on random data
  notEqual: { f: '+(x !== y)', compare: true, ieee: true },
  less: { f: '+(x < y)', compare: true, ieee: true },
  lessEqual: { f: '+(x <= y)', compare: true, ieee: true },
  greater: { f: '+(x > y)', compare: true, ieee: true },
  greaterEqual: { f: '+(x >= y)', compare: true, ieee: true },
  logicalAnd: { f: '+(x !== 0 && y !== 0)', compare: true, ieee: true },
  logicalOr: { f: '+(x !== 0 || y !== 0)', compare: true, ieee: true },
  logicalXor: { f: '+((x !== 0) !== (y !== 0))', compare: true, ieee: true },
} as const satisfies Record<string, BinaryKernel>;

export type BinaryOp = keyof typeof BINARY_KERNELS;
/** Comparisons: output is `bool` (Uint8Array of 0/1). */
export type CompareOp = { [K in BinaryOp]: (typeof BINARY_KERNELS)[K] extends { compare: true } ? K : never }[BinaryOp];
/** Arithmetic binaries: output has the inputs' dtype. */
export type ArithmeticOp = Exclude<BinaryOp, CompareOp>;

const kernelOf = (op: string): BinaryKernel | undefined => (BINARY_KERNELS as Record<string, BinaryKernel>)[op];

function expression(op: string, int32: boolean): string | undefined {
  const k = kernelOf(op);
  if (k === undefined) return undefined;
  if (!int32) return k.f;
  return k.int32 === false ? undefined : k.int32 ?? k.f;
}

/** True when the op has an int32 kernel. */
export function binaryTakesInt32(op: BinaryOp): boolean {
  return expression(op, true) !== undefined;
}

/** True when the op's output is bool. */
export function isCompareOp(op: string): op is CompareOp {
  return kernelOf(op)?.compare === true;
}

/** True when the kernel is one correctly rounded IEEE operation. */
export function binaryIsIeee(op: BinaryOp): boolean {
  return kernelOf(op)?.ieee === true;
}

type BinaryLoop = (a: TypedArray, b: TypedArray, out: TypedArray, shape: number[], sa: number[], sb: number[], size: number) => void;

function source(op: BinaryOp, expr: string): string {
  const body = `out[oo + j] = ${expr};`;
  return `function binary_${op}(as, bs, out, shape, sa, sb, size) {
    const r = shape.length, n = shape[r - 1], ia = sa[r - 1], ib = sb[r - 1];
    const idx = r > 1 ? new Int32Array(r) : EMPTY_INDEX; // the odometer never touches it for one axis
    let ao = 0, bo = 0;
    for (let oo = 0; oo < size; oo += n) {
      if (ia === 1 && ib === 1) {
        for (let j = 0; j < n; j++) { const x = as[ao + j], y = bs[bo + j]; ${body} }
      } else if (ib === 0 && ia === 1) {
        const y = bs[bo];
        for (let j = 0; j < n; j++) { const x = as[ao + j]; ${body} }
      } else if (ia === 0 && ib === 1) {
        const x = as[ao];
        for (let j = 0; j < n; j++) { const y = bs[bo + j]; ${body} }
      } else {
        for (let j = 0; j < n; j++) { const x = as[ao + j * ia], y = bs[bo + j * ib]; ${body} }
      }
      ${odometerStep([['ao', 'sa'], ['bo', 'sb']])}
    }
  }`;
}

/** See `Backend.mulAdd`. Float32 products are rounded with fround; a double sum of two floats then rounds exactly as float32 addition. */
export function mulAdd(a: FloatArray, b: FloatArray, c: FloatArray, out: FloatArray): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    for (let i = 0; i < n; i++) out[i] = Math.fround(a[i] * b[i]) + c[i];
  } else {
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i] + c[i];
  }
}

const loops = loopCache<BinaryLoop>();

/**
 * The op on one pair of numbers, generated from the same expression as the loops: ops apply
 * it inline to one-element tensors (select.ts). Storing the result in the output's typed
 * array rounds or wraps it exactly as the loops' stores do.
 */
export function scalarBinary(op: BinaryOp, int32: boolean): (x: number, y: number) => number {
  const expr = expression(op, int32) ?? kernelOf(op)?.f;
  if (expr === undefined) throw new Error(`binary: unknown op ${op}`);
  return compile(`binary:${op}:scalar:${int32}`, () => `function binary_${op}_scalar(x, y) { return ${expr}; }`);
}
const ONE = [1];
const ZERO = [0];

export function binary(op: BinaryOp, a: TypedArray, aStrides: number[], b: TypedArray, bStrides: number[], outShape: number[], out: TypedArray): void {
  const fn = loops(op, a, out, () => {
    const ac = cls(a);
    const expr = (ac === 'Int32Array' ? expression(op, true) : undefined) ?? kernelOf(op)?.f;
    if (expr === undefined) throw new Error(`binary: unknown op ${op}`);
    return compile<BinaryLoop>(`binary:${op}:${ac}:${cls(out)}`, () => source(op, expr));
  });
  // One output element (scalars, the common case of tiny graphs): no shape planning needed.
  if (out.length === 1) return fn(a, b, out, ONE, ZERO, ZERO, 1);
  const c = collapse(outShape, [aStrides, bStrides]);
  if (c.size === 0) return;
  fn(a, b, out, c.shape, c.strides[0], c.strides[1], c.size);
}
