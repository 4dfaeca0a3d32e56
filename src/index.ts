/**
 * tapeflow: TensorFlow 2's eager programming model for Node.js. This file only re-exports;
 * each op lives in its own module under ops/.
 */
import './ops/methods.js';

export { Tensor, type TensorLike, type NestedArray } from './tensor.js';
export { Variable, variable, type VariableOptions } from './variable.js';
export type { DType } from './dtype.js';
export { GradientTape, customGradient, stopGradient, grad, valueAndGrad, type GradientOptions, type TapeOptions } from './autodiff/tape.js';
export { getBackend, setBackend, backendInfo } from './backend/select.js';
export type { BackendInfo } from './backend/backend.js';

export { tensor, scalar, zeros, ones, fill, zerosLike, onesLike, range, linspace, eye } from './ops/create.js';
// Every export of the elementwise op files is a public op.
export * from './ops/binary.js';
export * from './ops/compare.js';
export * from './ops/unary.js';
export { sum, max, min, prod, argMax, argMin } from './ops/reduce.js';
export { mean, logSumExp, logSoftmax, clipByValue } from './ops/composite/math.js';
export { softmax } from './ops/softmax.js';
export { matmul, type MatmulOptions } from './ops/matmul.js';
export { reshape, expandDims, squeeze } from './ops/reshape.js';
export { transpose, broadcastTo, slice, tile } from './ops/strided.js';
export { concat, stack, split } from './ops/concat.js';
export { gather } from './ops/gather.js';
export { pad } from './ops/pad.js';
export { cast } from './ops/cast.js';
export { where } from './ops/where.js';
export { oneHot } from './ops/composite/one-hot.js';
// TF.js spellings (matMul, tensor1d…6d, clone, tidy, dispose, keep).
export * from './ops/tfjs.js';
export { cumsum, cumprod, type ScanOptions } from './ops/scan.js';
export { einsum } from './ops/einsum.js';
export { any, all } from './ops/logical-reduce.js';
export { reverse } from './ops/reverse.js';
export { dropout, type DropoutOptions } from './ops/composite/dropout.js';
export { gatherND, scatterND, unsortedSegmentSum, booleanMask } from './ops/indexing.js';
export { norm, moments, type NormOrd, type Moments } from './ops/composite/norms.js';
export { topK, sort, argsort, type TopKResult, type SortOptions } from './ops/sort.js';
export { conv2d, conv1d, depthwiseConv2d, conv2dTranspose } from './nn/conv.js';
export { maxPool, avgPool } from './nn/pool.js';
export { dotProductAttention, type DotProductAttentionOptions } from './nn/attention.js';
export type { PadArg } from './nn/geometry.js';

export * as losses from './ops/composite/losses.js';
export * as random from './ops/random.js';
export * as optimizers from './optimizers/index.js';
export * as metrics from './metrics/index.js';
export * as layers from './layers/index.js';
export * as initializers from './layers/initializers.js';
export * as regularizers from './layers/regularizers.js';
export * as callbacks from './models/callbacks.js';
export { Model, Sequential, Functional, sequential, model, input, type CompileArgs, type FitArgs, type EvaluateArgs, type Dataset } from './models/index.js';
export { SymbolicTensor } from './layers/layer.js';
export * as data from './data/index.js';
export * as io from './io/index.js';
export { loadModel } from './io/model-files.js';
export * as distribute from './distribute/index.js';
/** `tf.keras`: the Keras-level names as TF spells them (`tf.keras.layers.Dense`, `tf.keras.Sequential`, `tf.keras.optimizers.Adam(0.1)` with or without `new`). */
export * as keras from './keras.js';

/** Pairs up two arrays, as Python's zip: `tf.zip(grads, vars)` for `applyGradients`. */
export function zip<A, B>(a: readonly A[], b: readonly B[]): [A, B][] {
  if (!Array.isArray(a) || !Array.isArray(b)) throw new TypeError('zip: expected two arrays');
  const n = Math.min(a.length, b.length);
  const out: [A, B][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [a[i], b[i]];
  return out;
}
