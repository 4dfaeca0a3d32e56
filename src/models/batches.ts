/**
 * How `fit` and `evaluate` see their data: arrays cut into batches (in order, or by a seeded
 * permutation), or any async iterable of batches (`tf.data` datasets, or a user's async
 * generator) whose elements are `[x, y]` or `{xs, ys}`.
 */
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { gather } from '../ops/gather.js';
import { slice } from '../ops/strided.js';
import { tensor } from '../ops/create.js';
import { generator } from '../ops/rng.js';

export type Batch = { x: Tensor[]; y: Tensor };
export type DatasetElement = [Tensor | Tensor[], TensorLike] | { xs: Tensor | Tensor[]; ys: TensorLike };
/** What `fit` and `validationData` take: any async iterable (its elements are checked as they come). */
export type Dataset = AsyncIterable<unknown>;

export function isDataset(x: unknown): x is Dataset {
  return typeof x === 'object' && x !== null && typeof (x as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

export function datasetBatch(element: unknown, op: string): Batch {
  let xs: Tensor | Tensor[], ys: TensorLike;
  if (Array.isArray(element) && element.length === 2) [xs, ys] = element as [Tensor | Tensor[], TensorLike];
  else if (typeof element === 'object' && element !== null && 'xs' in element && 'ys' in element) ({ xs, ys } = element as { xs: Tensor | Tensor[]; ys: TensorLike });
  else throw new TypeError(`${op}: each dataset element must be [x, y] or {xs, ys}`);
  return { x: Array.isArray(xs) ? xs : [toTensor(xs, op, 'x')], y: toTensor(ys, op, 'y') };
}

/** Rows [start, start + size) of t along the first axis. */
export function rows(t: Tensor, start: number, size: number): Tensor {
  if (start === 0 && size === t.shape[0]) return t;
  return slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
}

/** The batches of one epoch over `n` examples: in order, or through a permutation drawn from `rand`. */
export function* arrayBatches(x: Tensor[], y: Tensor, batchSize: number, rand: (() => number) | null): Generator<Batch> {
  const n = y.shape[0];
  if (rand === null) {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      yield { x: x.map((t) => rows(t, start, size)), y: rows(y, start, size) };
    }
    return;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = order[i]; order[i] = order[j]; order[j] = tmp;
  }
  for (let start = 0; start < n; start += batchSize) {
    const idx = tensor(order.slice(start, Math.min(n, start + batchSize)), undefined, 'int32');
    yield { x: x.map((t) => gather(t, idx, 0)), y: gather(y, idx, 0) };
  }
}

/** A uniform generator for shuffling: seeded, or fresh. */
export function shuffleSource(seed: number | undefined): () => number {
  return generator(seed);
}
