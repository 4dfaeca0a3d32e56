/**
 * `tf.distribute`: data-parallel training over MPI, with Horovod's semantics. world.ts joins
 * the job (libmpi loaded at run time), collectives.ts moves tensors, optimizer.ts averages
 * gradients and broadcasts variables.
 */
export { init, rank, size, localRank, shutdown, abort, libraryCandidates, type WorldInfo } from './world.js';
export { allReduce, allGather, broadcast, barrier, type ReduceOp } from './collectives.js';
export { broadcastVariables, DistributedOptimizer, type DistributedOptimizerOptions } from './optimizer.js';
