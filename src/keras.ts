/**
 * The `tf.keras` namespace: the optimizers and losses under the names TF programs use
 * (`tf.keras.optimizers.Adam`, `tf.keras.losses.meanSquaredError`). Later Keras-level parts
 * (layers, models) join here.
 */
export * as optimizers from './optimizers/index.js';
export * as losses from './ops/composite/losses.js';
