/**
 * TF.js spellings of tapeflow ops, so code written for TF.js runs with a changed import:
 * `matMul` (positional transpose flags), `tensor1d` … `tensor6d` (rank-checked `tensor`),
 * `clone`, and `tidy`, `dispose`, `keep` (memory scopes and disposal, tensor.ts: a disposed
 * tensor's storage is reused; tensors only dropped are garbage-collected). `t.print()` is a
 * Tensor method (src/ops/methods.ts), `t.dispose()` one of the class. Each alias is a thin
 * call of the op it names.
 */
import type { DType } from '../dtype.js';
import { fmt } from '../shape.js';
import { disposeTensors, keepTensor, runScoped, Tensor, toTensor, type TensorLike } from '../tensor.js';
import { tensor } from './create.js';
import { matmul } from './matmul.js';
import { method } from './op.js';
import { checkBoolean } from '../validate.js';
import { isRecording, record } from '../autodiff/record.js';

/** TF.js's `tf.matMul(a, b, transposeA = false, transposeB = false)`: `matmul` with positional flags. */
export const matMul = method((a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor =>
  matmul(a, b, { transposeA: checkBoolean(transposeA, 'matMul', 'transposeA'), transposeB: checkBoolean(transposeB, 'matMul', 'transposeB') }));

function rankTensor(rank: number) {
  const op = `tensor${rank}d`;
  return (values: TensorLike, shape?: number[] | null, dtype?: DType | null): Tensor => {
    const t = tensor(values, shape, dtype);
    if (t.rank !== rank) throw new Error(`${op}: values must be a rank-${rank} tensor, got shape ${fmt(t.shape)}`);
    return t;
  };
}
/** `tensor` that insists on rank 1 (TF.js: `tensor1d(values, dtype?)`). */
export const tensor1d = (values: TensorLike, dtype?: DType | null): Tensor => rankTensor(1)(values, undefined, dtype);
/** `tensor` that insists on rank 2: `tensor2d(values, shape?, dtype?)`. */
export const tensor2d = rankTensor(2);
/** `tensor` that insists on rank 3. */
export const tensor3d = rankTensor(3);
/** `tensor` that insists on rank 4. */
export const tensor4d = rankTensor(4);
/** `tensor` that insists on rank 5. */
export const tensor5d = rankTensor(5);
/** `tensor` that insists on rank 6. */
export const tensor6d = rankTensor(6);

/** A new tensor with x's values (TF.js `tf.clone`), the identity for gradients. */
export const clone = method((xLike: TensorLike): Tensor => {
  const x = toTensor(xLike, 'clone', 'x');
  const y = new Tensor(x.values.slice(), x.shape.slice(), x.dtype);
  if (isRecording()) record([x], [y], ([dy]) => [dy]);
  return y;
});

/**
 * TF.js `tf.tidy(fn)` or `tf.tidy(name, fn)`: runs fn and returns its result; the tensors fn
 * made and did not return are disposed (variables, kept tensors and what a live tape still
 * needs excepted).
 */
export function tidy<T>(nameOrFn: string | (() => T), fn?: () => T): T {
  const f = typeof nameOrFn === 'function' ? nameOrFn : fn;
  if (typeof f !== 'function') throw new TypeError('tidy: expected a function (tidy(fn) or tidy(name, fn))');
  const result = runScoped(f, true);
  if (result instanceof Promise) throw new Error('tidy: fn must not return a Promise (TF.js: cannot return a Promise inside of tidy)');
  return result;
}

/** TF.js `tf.dispose(tensors)`: disposes a tensor, or the tensors in arrays and plain objects. */
export function dispose(tensors?: unknown): void {
  disposeTensors(tensors);
}

/** TF.js `tf.keep(t)`: no tidy disposes t; returns t. */
export function keep<T>(t: T): T {
  if (t instanceof Tensor) keepTensor(t);
  return t;
}
