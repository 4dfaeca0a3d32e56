/**
 * Collectives on tensors across the ranks of the job (world.ts): `allReduce`, `allGather`,
 * `broadcast`, `barrier`, on float32, float64 and int32. Each returns a new tensor and leaves
 * its input alone; the input's storage (`values`, not a `dataSync` copy) goes to MPI as the send
 * buffer and a fresh array as the receive buffer, so nothing is copied on the way. In a world of size 1 they return a copy.
 * Every rank must make the same calls in the same order with the same shapes, as in MPI.
 *
 * The `…Async` forms return a Promise and run on the addon's MPI thread (native/mpi.cc), so
 * the JS thread computes meanwhile; they run in the order they were started, and a blocking
 * collective waits for the started ones first. A Variable's value is taken when the call
 * starts (it is copied, as a later assign would otherwise change what is sent).
 *
 * Each collective is written once as a `Plan`: the checked arrays, the native call in both
 * forms, and the tensor made from the output.
 */
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { Variable } from '../variable.js';
import { allocateOutput, releaseStorage, retainStorage, type DType } from '../dtype.js';
import type { MpiArray } from '../backend/native/native-backend.js';
import { checkInteger, checkOptions } from '../validate.js';
import { current, mpi } from './world.js';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';
const OP_CODES: Readonly<Record<Exclude<ReduceOp, 'mean'>, number>> = { sum: 0, max: 1, min: 2 };

type Mpi = NonNullable<ReturnType<typeof mpi>>;

interface Plan {
  /** The MPI call, blocking or started on the MPI thread; null in a world of size 1. */
  run: ((m: Mpi) => void) | null;
  start: ((m: Mpi) => Promise<void>) | null;
  finish: () => Tensor;
  /** The input's storage an async call reads, held (as an owner) until the call is done. */
  sent?: MpiArray;
}

function collectiveInput(xLike: TensorLike, op: string): Tensor {
  const x = toTensor(xLike, op, 'x');
  if (x.dtype === 'bool') throw new TypeError(`${op}: x must be float32, float64 or int32, got bool (cast it first)`);
  return x;
}

/** The MPI calls for a world larger than one process; throws if MPI already ended. */
function calls(op: string) {
  const m = mpi();
  if (m === null && current().size > 1) throw new Error(`${op}: MPI was finalized (distribute.shutdown); no more collectives can run`);
  return m;
}

function runBlocking(plan: Plan, op: string): Tensor {
  const m = calls(op);
  if (m !== null && plan.run !== null) plan.run(m);
  return plan.finish();
}

async function runAsync(plan: Plan, op: string): Promise<Tensor> {
  const m = calls(op);
  if (plan.sent !== undefined) retainStorage(plan.sent); // a tf.dispose(x) meanwhile must not recycle it
  try {
    if (m !== null && plan.start !== null) await plan.start(m);
  } finally {
    if (plan.sent !== undefined) releaseStorage(plan.sent);
  }
  return plan.finish();
}

/** What an async call sends: a Variable's storage changes in place, so its value now is copied. */
function sendBuffer(x: Tensor, copy: boolean): MpiArray {
  return (copy && x instanceof Variable ? x.values.slice() : x.values) as MpiArray;
}

function allReducePlan(xLike: TensorLike, options: { op?: ReduceOp } | null | undefined, op: string, copy: boolean): Plan {
  const x = collectiveInput(xLike, op);
  const opName = checkOptions(options, { op: ['sum', 'mean', 'max', 'min'] }, op).op ?? 'sum';
  if (opName === 'mean' && x.dtype === 'int32') throw new TypeError(`${op}: op 'mean' needs a float tensor (an int32 mean is not exact); use 'sum' or cast x first`);
  const out = allocateOutput(x.dtype, x.size) as MpiArray;
  const send = sendBuffer(x, copy);
  const code = OP_CODES[opName === 'mean' ? 'sum' : opName];
  if (calls(op) === null) out.set(send);
  return {
    run: (m) => m.mpiAllReduce(send, out, code),
    start: (m) => m.mpiAllReduceAsync(send, out, code),
    sent: send,
    finish: () => {
      if (opName === 'mean') {
        const n = current().size;
        for (let i = 0; i < out.length; i++) out[i] /= n;
      }
      return new Tensor(out, x.shape.slice(), x.dtype);
    },
  };
}

function allGatherPlan(xLike: TensorLike, op: string, copy: boolean): Plan {
  const x = collectiveInput(xLike, op);
  const n = current().size;
  const out = allocateOutput(x.dtype, x.size * n) as MpiArray;
  const send = sendBuffer(x, copy);
  if (calls(op) === null) out.set(send);
  const shape = x.rank === 0 ? [n] : [x.shape[0] * n, ...x.shape.slice(1)];
  return {
    run: (m) => m.mpiAllGather(send, out),
    start: (m) => m.mpiAllGatherAsync(send, out),
    sent: send,
    finish: () => new Tensor(out, shape, x.dtype),
  };
}

function broadcastPlan(xLike: TensorLike, root: number, op: string): Plan {
  const x = collectiveInput(xLike, op);
  const r = checkRoot(root, op);
  const out = allocateOutput(x.dtype, x.size) as MpiArray;
  out.set(x.values as MpiArray);
  if (calls(op) !== null) checkSameShape(x.shape, x.dtype, r, op);
  return {
    run: (m) => m.mpiBroadcast(out, r),
    start: (m) => m.mpiBroadcastAsync(out, r),
    finish: () => new Tensor(out, x.shape.slice(), x.dtype),
  };
}

/**
 * The element-wise reduction over all ranks: `'sum'`, `'mean'` (the sum divided by the number
 * of ranks; float tensors only), `'max'` or `'min'`.
 */
export function allReduce(xLike: TensorLike, options?: { op?: ReduceOp } | null): Tensor {
  return runBlocking(allReducePlan(xLike, options, 'allReduce', false), 'allReduce');
}

/** `allReduce` on the MPI thread: the Promise gives the reduced tensor. */
export function allReduceAsync(xLike: TensorLike, options?: { op?: ReduceOp } | null): Promise<Tensor> {
  return runAsync(allReducePlan(xLike, options, 'allReduceAsync', true), 'allReduceAsync');
}

/**
 * Every rank's tensor, joined along the first axis in rank order (a scalar becomes one entry
 * per rank). All ranks must pass the same shape.
 */
export function allGather(xLike: TensorLike): Tensor {
  return runBlocking(allGatherPlan(xLike, 'allGather', false), 'allGather');
}

/** `allGather` on the MPI thread. */
export function allGatherAsync(xLike: TensorLike): Promise<Tensor> {
  return runAsync(allGatherPlan(xLike, 'allGatherAsync', true), 'allGatherAsync');
}

/**
 * Rank `root`'s tensor, on every rank. Every rank passes a tensor of the same shape and dtype
 * (its values are ignored except on the root); a mismatch is an error on every rank.
 */
export function broadcast(xLike: TensorLike, root = 0): Tensor {
  return runBlocking(broadcastPlan(xLike, root, 'broadcast'), 'broadcast');
}

/** `broadcast` on the MPI thread (the shape check before it is blocking). */
export function broadcastAsync(xLike: TensorLike, root = 0): Promise<Tensor> {
  return runAsync(broadcastPlan(xLike, root, 'broadcastAsync'), 'broadcastAsync');
}

/** Waits until every rank has called `barrier`. */
export function barrier(): void {
  calls('barrier')?.mpiBarrier();
}

export function checkRoot(root: unknown, op: string): number {
  const r = checkInteger(root, op, 'root', 0);
  const { size } = current();
  if (r >= size) throw new RangeError(`${op}: root ${r} is not a rank of a world of size ${size}`);
  return r;
}

const DTYPE_CODES: Readonly<Record<DType, number>> = { float32: 0, float64: 1, int32: 2, bool: 3 };

/**
 * Broadcasts the root's dtype and shape and compares: a mismatch would make MPI read past a
 * buffer or hang, so every rank throws instead, naming both shapes.
 */
export function checkSameShape(shape: readonly number[], dtype: DType, root: number, op: string): void {
  const m = calls(op);
  if (m === null) return;
  const MAX = 34;
  if (shape.length > MAX - 2) throw new RangeError(`${op}: rank ${shape.length} is more than ${MAX - 2}, the most a collective checks`);
  const mine = new Int32Array(MAX);
  mine[0] = DTYPE_CODES[dtype];
  mine[1] = shape.length;
  shape.forEach((d, i) => { mine[2 + i] = d; });
  const theirs = mine.slice();
  m.mpiBroadcast(theirs, root);
  const same = theirs.every((v, i) => v === mine[i]);
  if (!same) {
    const rootDtype = Object.keys(DTYPE_CODES).find((k) => DTYPE_CODES[k as DType] === theirs[0]);
    throw new Error(`${op}: rank ${current().rank} has ${dtype} [${shape}] but root ${root} has ${rootDtype} [${Array.from(theirs.subarray(2, 2 + theirs[1]))}]; every rank must pass the same shape and dtype`);
  }
}

