/**
 * `tf.io`: reading and writing tensors and models. safetensors.ts is the weight format;
 * atomic.ts the one way files are written.
 */
export { saveSafetensors, loadSafetensors, readSafetensors, encodeSafetensors, decodeSafetensors, type TensorMap, type LoadedSafetensors } from './safetensors.js';
export { readKerasWeights, type KerasVariables } from './keras-h5.js';
export { loadModel, type LoadWeightsOptions } from './model-files.js';
