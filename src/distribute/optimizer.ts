/**
 * Horovod's training semantics on top of the collectives: `broadcastVariables` gives every rank
 * the root's starting weights, and `DistributedOptimizer` averages each step's gradients over
 * the ranks before the wrapped optimizer applies them, so N ranks with batch b step exactly as
 * one process with batch N·b. Gradients are fused: packed into buffers of up to
 * `fusionThreshold` bytes (Horovod's HOROVOD_FUSION_THRESHOLD, 64 MiB by default) so a step
 * costs one or a few allReduce calls, not one per variable.
 */
import { Tensor, toTensor } from '../tensor.js';
import { Variable } from '../variable.js';
import { Optimizer, withMembers } from '../optimizers/optimizer.js';
import { allocateOutput, recycleScratch, unrecycled, type FloatArray } from '../dtype.js';
import { kernels } from '../backend/select.js';
import type { MpiArray } from '../backend/native/native-backend.js';
import { checkInteger, checkOptions, show } from '../validate.js';
import { checkRoot, checkSameShape } from './collectives.js';
import { current, mpi } from './world.js';
import type { DataParallel } from '../models/data-parallel.js';

const DEFAULT_FUSION_BYTES = 64 * 1024 * 1024;

/** Sets every variable to its value on rank `root` (one broadcast per dtype). */
export function broadcastVariables(variables: readonly Variable[], root = 0): void {
  if (!Array.isArray(variables) || variables.some((v) => !(v instanceof Variable))) {
    throw new TypeError(`broadcastVariables: expected an array of tf.Variable, got ${show(variables)}`);
  }
  const r = checkRoot(root, 'broadcastVariables');
  const m = mpi();
  if (m === null) {
    if (current().size > 1) throw new Error('broadcastVariables: MPI was finalized');
    return;
  }
  for (const dtype of ['float32', 'float64', 'int32'] as const) {
    const group = variables.filter((v) => v.dtype === dtype);
    const total = group.reduce((s, v) => s + v.size, 0);
    checkSameShape([total], dtype, r, 'broadcastVariables');
    if (total === 0) continue;
    const buffer = (dtype === 'float32' ? new Float32Array(total) : dtype === 'float64' ? new Float64Array(total) : new Int32Array(total)) as MpiArray;
    let at = 0;
    for (const v of group) {
      buffer.set(v.values as MpiArray, at);
      at += v.size;
    }
    m.mpiBroadcast(buffer, r);
    at = 0;
    for (const v of group) {
      v.assign(new Tensor(buffer.slice(at, at + v.size), v.shape.slice(), dtype));
      at += v.size;
    }
  }
  for (const v of variables.filter((x) => x.dtype === 'bool')) {
    throw new TypeError(`broadcastVariables: variable '${v.name}' is bool; only float32, float64 and int32 variables can be broadcast`);
  }
}

export interface DistributedOptimizerOptions {
  /** The most gradient bytes one allReduce carries (default 64 MiB; TAPEFLOW_FUSION_THRESHOLD overrides the default). */
  fusionThreshold?: number;
}

const wrapped = new WeakSet<object>();

/** The bucket size in bytes: the option, else TAPEFLOW_FUSION_THRESHOLD, else 64 MiB. */
function fusionThreshold(option: number | undefined): number {
  const env = process.env.TAPEFLOW_FUSION_THRESHOLD;
  return checkInteger(option ?? (env ? Number(env) : DEFAULT_FUSION_BYTES), 'DistributedOptimizer', 'fusionThreshold', 1);
}

/**
 * `new tf.distribute.DistributedOptimizer(optimizer)`: the same optimizer (it is still an
 * `Adam`, say, with the same options, state and `iterations`), whose `applyGradients` (and so
 * `minimize`) first averages the gradients over all ranks. Use it in place of the optimizer on
 * every rank.
 */
export class DistributedOptimizer {
  constructor(optimizer: Optimizer, options?: DistributedOptimizerOptions | null) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`DistributedOptimizer: expected an optimizer (tf.optimizers.*), got ${show(optimizer)}`);
    const opts = checkOptions(options, { fusionThreshold: 'integer' }, 'DistributedOptimizer');
    const threshold = fusionThreshold(opts.fusionThreshold);
    // The base minimize runs with the proxy as `this`, so it steps through the averaging applyGradients.
    const proxy = withMembers(optimizer, {
      applyGradients: (pairs: Iterable<readonly [Tensor | null | undefined, Variable]>): number =>
        optimizer.applyGradients(averageGradients([...pairs], threshold, `${optimizer.name}.applyGradients`)),
      fusionThreshold: threshold,
    });
    wrapped.add(proxy);
    return proxy as unknown as DistributedOptimizer;
  }

  static [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && wrapped.has(x);
  }
}

/** The type of `new DistributedOptimizer(opt)`: the optimizer itself, with averaging steps. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface DistributedOptimizer extends Optimizer {
  readonly fusionThreshold: number;
}

/**
 * The pairs with every gradient replaced by its mean over the ranks. Gradients of one dtype are
 * packed in order into buckets of at most `threshold` bytes (a larger gradient gets a bucket of
 * its own), each scaled by 1/N (or `weight`) as it is packed and summed by one allReduce.
 */
function averageGradients(pairs: (readonly [Tensor | null | undefined, Variable])[], threshold: number, op: string, weight?: number): (readonly [Tensor | null | undefined, Variable])[] {
  const m = mpi();
  const { size } = current();
  if (m === null) {
    if (size > 1) throw new Error(`${op}: MPI was finalized; gradients cannot be averaged`);
    return pairs;
  }
  const out = pairs.slice();
  const scale = weight ?? 1 / size;
  const grads = pairs.map(([g, v]) => (g === null || g === undefined ? null : toTensor(g, op, 'gradient', v.dtype)));
  const groups = (['float32', 'float64'] as const).map((dtype) => {
    const members = grads.flatMap((g, i) => (g !== null && g.dtype === dtype ? [i] : []));
    return { dtype, members, total: members.reduce((s, i) => s + grads[i]!.size, 0) };
  });
  // Every rank must average the same gradients: one small broadcast compares the counts.
  checkSameShape(groups.flatMap((g) => [g.members.length, g.total]), 'float32', 0, op);
  for (const { dtype, members } of groups) {
    const width = dtype === 'float32' ? 4 : 8;
    let start = 0;
    while (start < members.length) {
      let end = start;
      let elements = 0;
      while (end < members.length && (end === start || (elements + grads[members[end]]!.size) * width <= threshold)) {
        elements += grads[members[end]]!.size;
        end++;
      }
      // Each rank scales its gradients while packing them (by fit's share of the global batch,
      // else by 1/N for Horovod's average), so the one allReduce sum is the result.
      const send = allocateOutput(dtype, elements) as FloatArray;
      const factor = dtype === 'float32' ? new Float32Array([scale]) : new Float64Array([scale]);
      let at = 0;
      for (let k = start; k < end; k++) {
        const g = grads[members[k]]!;
        kernels(g.size).binary('mul', g.values, [1], factor, [0], [g.size], send.subarray(at, at + g.size));
        at += g.size;
      }
      // The sum is handed out in parts (one view per gradient), so it is never recycled.
      const sum = unrecycled(allocateOutput(dtype, elements)) as FloatArray;
      m.mpiAllReduce(send, sum, 0);
      recycleScratch(send);
      at = 0;
      for (let k = start; k < end; k++) {
        const i = members[k];
        const g = grads[i]!;
        out[i] = [new Tensor(sum.subarray(at, at + g.size), g.shape.slice(), dtype), pairs[i][1]];
        at += g.size;
      }
      start = end;
    }
  }
  return out;
}

/** `fit`'s view of the job (models/data-parallel.ts), installed by `init()` in a job of several ranks. */
export function fitDataParallel(rank: number, size: number): DataParallel {
  const threshold = fusionThreshold(undefined);
  return {
    rank,
    size,
    sum(values: number[]): number[] {
      const m = mpi();
      if (m === null) throw new Error('fit: MPI was finalized during training');
      const out = new Float64Array(values.length);
      m.mpiAllReduce(Float64Array.from(values), out, 0);
      return Array.from(out);
    },
    weightedGradients(grads, vars, weight) {
      return averageGradients(grads.map((g, i) => [g, vars[i]] as const), threshold, 'fit', weight).map(([g]) => g ?? null);
    },
    broadcast(vars) {
      broadcastVariables(vars, 0);
    },
    averagesItself(optimizer) {
      return wrapped.has(optimizer);
    },
  };
}
