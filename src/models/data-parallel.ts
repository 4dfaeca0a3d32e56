/**
 * What `fit` needs from a data-parallel job, without knowing how it is run: this rank, the
 * number of ranks, sums of numbers across ranks, gradient averaging and a broadcast of the
 * starting weights. src/distribute/ installs an implementation at `tf.distribute.init()` in a
 * job of several processes; with none installed (one process), `fit` runs alone.
 */
import type { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import type { Optimizer } from '../optimizers/optimizer.js';

export interface DataParallel {
  readonly rank: number;
  readonly size: number;
  /** The element-wise sum over ranks of a few numbers. */
  sum(values: number[]): number[];
  /** Σ over ranks of weight·gradient, per variable (the weights sum to 1 over the ranks). */
  weightedGradients(grads: (Tensor | null)[], vars: Variable[], weight: number): (Tensor | null)[];
  /** Sets every variable to rank 0's value. */
  broadcast(vars: Variable[]): void;
  /** True when the optimizer averages gradients itself (a DistributedOptimizer). */
  averagesItself(optimizer: Optimizer): boolean;
}

let installed: DataParallel | null = null;

export function setDataParallel(dp: DataParallel | null): void {
  installed = dp;
}

/** The job `fit` is part of, or null when it runs alone. */
export function dataParallel(): DataParallel | null {
  return installed !== null && installed.size > 1 ? installed : null;
}
