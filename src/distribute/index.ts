/**
 * `tf.distribute`: data-parallel training over MPI, with Horovod's semantics. world.ts joins
 * the job (libmpi loaded at run time), collectives.ts moves tensors, optimizer.ts averages
 * gradients and broadcasts variables.
 */
export { init, rank, size, localRank, shutdown, abort, libraryCandidates, type WorldInfo } from './world.js';
export { allReduce, allReduceAsync, allGather, allGatherAsync, broadcast, broadcastAsync, barrier, type ReduceOp } from './collectives.js';
export { broadcastVariables, DistributedOptimizer, type DistributedOptimizerOptions } from './optimizer.js';

import { setDataParallel } from '../models/data-parallel.js';
import { fitDataParallel } from './optimizer.js';
import { whenJoined } from './world.js';

// fit shards data and sums gradients across ranks once a job of several ranks is joined.
whenJoined((w) => setDataParallel(w.size > 1 ? fitDataParallel(w.rank, w.size) : null));
