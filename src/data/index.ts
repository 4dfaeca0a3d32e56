/**
 * `tf.data`: lazy, re-iterable input pipelines (dataset.ts) and their sources (sources.ts for
 * memory and generators, csv.ts for files).
 */
export { Dataset, type Element, type Batched } from './dataset.js';
export { fromTensorSlices, array, generator, zip, type TensorStructure, type Sliced } from './sources.js';
export { csv, type CsvOptions, type ColumnConfig, type CsvRow } from './csv.js';
