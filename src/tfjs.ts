/**
 * `tapeflow/tfjs`: TF.js's spelling over tapeflow's tensors, so code written against
 * `@tensorflow/tfjs` or `@tensorflow/tfjs-node` runs with its import changed. Everything in
 * the main entry is here; src/tfjs/ adds what only TF.js spells (its names override the main
 * entry's where the two differ, as `variable`'s positional arguments). TF's semantics stay;
 * every deliberate difference from TF.js is listed in TFJS.md.
 */
export * from './index.js';
export * from './tfjs/ops.js';
// TF.js's forms replace the main entry's: positional options (accepting both), and the conv and
// pool ops with TF.js's trailing dimRoundingMode.
export { variable, dropout, conv2d, conv1d, depthwiseConv2d, conv2dTranspose, maxPool, avgPool } from './tfjs/ops.js';
export { grads, valueAndGrads, variableGrads, customGrad } from './tfjs/gradients.js';
export { train, type TfjsOptimizer } from './tfjs/train.js';
// TF.js's positional losses replace the Keras-style namespace of the main entry.
export * as losses from './tfjs/losses.js';
export { Reduction } from './tfjs/losses.js';
/** TF.js's `tf.loadLayersModel('file://dir/model.json')`: a model saved by `model.save('file://dir')`. */
export { loadModel as loadLayersModel } from './io/model-files.js';
