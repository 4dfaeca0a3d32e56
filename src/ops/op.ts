/**
 * Marks an op function as also being a Tensor method: `tf.op(x, ...rest)` becomes
 * `x.op(...rest)`. src/ops/methods.ts attaches every marked export of the op modules it lists
 * and derives the method types from them, so an op written with `method(...)` needs no other
 * edit to have its method.
 */
import type { TensorLike } from '../tensor.js';

/**
 * An op function with its method signature carried as a type-only property (`asMethod`), so
 * the Tensor interface can list methods by indexed access, without conditional types over
 * Tensor itself (which TypeScript rejects as a circular base type).
 */
export type MethodOp<F, M> = F & { readonly asMethod: M };

export function method<A extends unknown[], R>(fn: (x: TensorLike, ...rest: A) => R): MethodOp<(x: TensorLike, ...rest: A) => R, (...rest: A) => R> {
  return Object.defineProperty(fn, 'asMethod', { value: true }) as unknown as MethodOp<(x: TensorLike, ...rest: A) => R, (...rest: A) => R>;
}

/** The method signatures of a module's marked exports. */
export type MethodsOf<M> = {
  [K in keyof M as M[K] extends { readonly asMethod: unknown } ? K : never]: M[K] extends { readonly asMethod: infer S } ? S : never;
};
