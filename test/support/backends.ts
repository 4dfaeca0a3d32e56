/**
 * Which backend the suite runs on. vitest.config.ts runs the whole suite once per backend
 * (project `js`: TAPEFLOW_BACKEND=js; `native-<simd>`: the addon at a capped SIMD level), so
 * tests only use the public API. On the native backend, conformance also compares each result
 * with the TS backend's (`onBackend('js', …)`): same inputs, same op, both within tolerance of
 * the reference and of each other.
 */
import * as tf from '../../src/index.js';

export const BACKEND = tf.getBackend();
export const IS_NATIVE = BACKEND === 'native';

/** A short label for test titles and messages, e.g. `native (avx2)` or `js`. */
export function backendLabel(): string {
  return IS_NATIVE ? `native (${tf.backendInfo().simd})` : 'js';
}

/** Runs `fn` on backend `name`, then restores the one in use. */
export function onBackend<T>(name: 'js' | 'native', fn: () => T): T {
  const saved = tf.getBackend();
  tf.setBackend(name);
  try {
    return fn();
  } finally {
    tf.setBackend(saved);
  }
}
