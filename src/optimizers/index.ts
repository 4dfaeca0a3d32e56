/**
 * tf.optimizers: the Keras optimizer family. Register a new optimizer here.
 */
export { Optimizer, type OptimizerOptions, type LearningRate } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
