/**
 * `tapeflow/tfjs`: TF.js's spelling over tapeflow's tensors, so code written against
 * `@tensorflow/tfjs` or `@tensorflow/tfjs-node` runs with its import changed. Everything in
 * the main entry is here; this file adds what only TF.js spells (TF's semantics stay; every
 * deliberate difference from TF.js is listed in docs/tfjs-compatibility.md).
 */
export * from './index.js';
