/**
 * The one list of (kernel, dtype[, op]) pairs the native addon does not run: on the native
 * backend these go to the TS backend. Everything not listed here is native (float32 always;
 * float64 and int32 where the loop is cheap; bool for comparisons, select, cast and copies).
 *
 * To move a pair to native: add its kernel in native/ and delete its entry here. A test
 * (test/native/native-vs-ts.test.ts) checks both directions: every listed pair really is refused
 * by the addon, and every other pair runs natively.
 */
import type { BinaryOp, UnaryOp, ReduceOp } from '../backend.js';
import type { DType } from '../../dtype.js';

type OpList<Op extends string> = 'all' | readonly Op[];

export interface FallbackTable {
  unary: Partial<Record<DType, OpList<UnaryOp>>>;
  binary: Partial<Record<DType, OpList<BinaryOp>>>;
  reduce: Partial<Record<DType, OpList<ReduceOp>>>;
  argReduce: Partial<Record<DType, 'all'>>;
  matmul: Partial<Record<DType, 'all'>>;
  scatterAdd: Partial<Record<DType, 'all'>>;
  fusedUpdate: Partial<Record<DType, 'all'>>;
}

export const FALLBACKS: FallbackTable = {
  unary: {
    // int32 transcendental ops: the TS kernel evaluates them in double and truncates on store
    int32: ['sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'sigmoid', 'tanh', 'softplus', 'elu', 'leakyRelu', 'reciprocal'],
    bool: 'all',
  },
  // bool arithmetic (comparisons on bool are native)
  binary: { bool: ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'reluGrad'] },
  reduce: { bool: 'all' },
  argReduce: { bool: 'all' },
  matmul: { int32: 'all', bool: 'all' },
  scatterAdd: { bool: 'all' },
  // fused updates of an unknown kind also fall back (the addon returns false)
  fusedUpdate: { int32: 'all', bool: 'all' },
};

export type FallbackKernel = keyof FallbackTable;

/** True when `kernel` on `dtype` (and `op`, for families with ops) runs in TS. */
export function fallsBack(kernel: FallbackKernel, dtype: DType, op?: string): boolean {
  const entry = (FALLBACKS[kernel] as Partial<Record<DType, OpList<string>>>)[dtype];
  if (entry === undefined) return false;
  return entry === 'all' || (op !== undefined && entry.includes(op));
}
