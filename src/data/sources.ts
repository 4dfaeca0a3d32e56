/**
 * Where datasets come from, in memory: `fromTensorSlices` (rows of tensors), `array` (a list of
 * elements, TF.js's `tf.data.array`), `generator` (a sync or async generator function, called
 * again for every pass) and `zip` (elements of several datasets side by side). Files are in
 * csv.ts. A new source is a function returning `new Dataset(start, size)`.
 */
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { allocate } from '../dtype.js';
import { show } from '../validate.js';
import { Dataset, type Element } from './dataset.js';

/** A structure of tensor-likes: one, an array of them (a tuple), or an object of them. */
export type TensorStructure = TensorLike | readonly TensorStructure[] | { readonly [key: string]: TensorStructure };

/** The element type of `fromTensorSlices(x)`: the same structure, each tensor one row less. */
export type Sliced<S> = S extends TensorLike ? Tensor
  : S extends readonly unknown[] ? { [K in keyof S]: Sliced<S[K]> }
  : S extends object ? { [K in keyof S]: Sliced<S[K]> }
  : never;

/**
 * The rows of `x` along its first axis: `fromTensorSlices([xs, ys])` gives `[xs[i], ys[i]]`,
 * `fromTensorSlices({a, b})` gives `{a: a[i], b: b[i]}`. Every tensor must have the same first
 * dimension. An array counts as a tuple when it holds a tensor (or a typed array, or an object
 * of them); a nested array of numbers is one tensor, as `tf.tensor` reads it.
 */
export function fromTensorSlices<S extends TensorStructure>(x: S): Dataset<Sliced<S>> {
  const leaves: Tensor[] = [];
  const template = toLeaves(x, leaves, 'x');
  if (leaves.length === 0) throw new Error('fromTensorSlices: x holds no tensors');
  for (const [i, t] of leaves.entries()) {
    if (t.rank === 0) throw new Error(`fromTensorSlices: ${describe(template, i)} is a scalar; slicing needs at least one axis`);
  }
  const rows = leaves[0].shape[0];
  for (const [i, t] of leaves.entries()) {
    if (t.shape[0] !== rows) {
      throw new Error(`fromTensorSlices: every tensor needs the same first dimension: ${describe(template, 0)} has ${rows} rows, ${describe(template, i)} has ${t.shape[0]} (shapes [${leaves[0].shape}] and [${t.shape}])`);
    }
  }
  return new Dataset(async function* () {
    // Rows are copied out of each tensor's storage: one typed-array copy per row, no op calls.
    const sources = leaves.map((t) => ({ values: t.dataSync(), rowShape: t.shape.slice(1), rowSize: t.size / Math.max(rows, 1), dtype: t.dtype }));
    for (let r = 0; r < rows; r++) {
      const row = sources.map((s) => {
        const values = allocate(s.dtype, s.rowSize);
        values.set(s.values.subarray(r * s.rowSize, (r + 1) * s.rowSize));
        return new Tensor(values, s.rowShape.slice(), s.dtype);
      });
      yield fromLeaves(template, row) as never;
    }
  }, rows);
}

/** A dataset of the given elements, in order (TF.js's `tf.data.array`). */
export function array<T extends Element>(items: readonly T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new TypeError(`array: expected an array of elements, got ${show(items)}`);
  const copy = items.slice();
  return new Dataset(async function* () { yield* copy; }, copy.length);
}

/**
 * A dataset read from a generator function, sync or async (`function*` or `async function*`,
 * or any function returning an iterator). It is called again at the start of every pass, so
 * each epoch sees the data anew.
 */
export function generator<T>(fn: () => Iterator<T> | AsyncIterator<T> | Iterable<T> | AsyncIterable<T>): Dataset<T> {
  if (typeof fn !== 'function') throw new TypeError(`generator: expected a generator function, got ${show(fn)}`);
  return new Dataset(async function* () {
    const made = fn() as unknown;
    const iterator = asIterator<T>(made);
    if (iterator === null) throw new TypeError(`generator: the function must return an iterator or an iterable (write it as function* or async function*), got ${show(made)}`);
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) yield r.value;
    } finally {
      await iterator.return?.();
    }
  }, null);
}

/**
 * Elements of several datasets side by side: `zip([a, b])` gives `[aᵢ, bᵢ]`, `zip({x: a, y: b})`
 * gives `{x: aᵢ, y: bᵢ}`; it ends with the shortest.
 */
export function zip<T>(datasets: readonly Dataset<T>[] | { readonly [key: string]: Dataset<T> }): Dataset<T[] | Record<string, T>> {
  const isList = Array.isArray(datasets);
  if (datasets === null || typeof datasets !== 'object') throw new TypeError(`zip: expected an array or object of datasets, got ${show(datasets)}`);
  const keys = Object.keys(datasets);
  const parts = keys.map((k) => (datasets as Record<string, unknown>)[k]);
  for (const [i, d] of parts.entries()) {
    if (!(d instanceof Dataset)) throw new TypeError(`zip: ${isList ? `datasets[${i}]` : `datasets.${keys[i]}`} is not a Dataset: ${show(d)}`);
  }
  const ds = parts as Dataset<T>[];
  const sizes = ds.map((d) => d.size);
  const size = sizes.includes(null) ? null : Math.min(...(sizes as number[]));
  return new Dataset(async function* () {
    const iterators = ds.map((d) => d[Symbol.asyncIterator]());
    try {
      for (;;) {
        const results = await Promise.all(iterators.map((it) => it.next()));
        if (results.some((r) => r.done)) return;
        const values = results.map((r) => r.value as T);
        yield isList ? values : Object.fromEntries(keys.map((k, i) => [k, values[i]]));
      }
    } finally {
      await Promise.all(iterators.map((it) => it.return?.()));
    }
  }, ds.length === 0 ? 0 : size);
}

function asIterator<T>(made: unknown): Iterator<T> | AsyncIterator<T> | null {
  if (made === null || typeof made !== 'object') return null;
  const m = made as Record<symbol | string, unknown>;
  if (typeof m[Symbol.asyncIterator] === 'function') return (m[Symbol.asyncIterator] as () => AsyncIterator<T>)();
  if (typeof m[Symbol.iterator] === 'function') return (m[Symbol.iterator] as () => Iterator<T>)();
  if (typeof m.next === 'function') return made as Iterator<T>;
  return null;
}

/** The structure of `x` with its tensors replaced by their indices in `leaves`. */
type Template = number | Template[] | { [key: string]: Template };

function toLeaves(x: unknown, leaves: Tensor[], path: string): Template {
  if (x instanceof Tensor || ArrayBuffer.isView(x) || typeof x === 'number' || typeof x === 'boolean') {
    leaves.push(toTensor(x as TensorLike, 'fromTensorSlices', path));
    return leaves.length - 1;
  }
  if (Array.isArray(x)) {
    if (!x.some(isStructure)) {
      leaves.push(toTensor(x as TensorLike, 'fromTensorSlices', path));
      return leaves.length - 1;
    }
    return x.map((part, i) => toLeaves(part, leaves, `${path}[${i}]`));
  }
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    const out: Record<string, Template> = {};
    for (const [k, v] of Object.entries(x)) out[k] = toLeaves(v, leaves, `${path}.${k}`);
    return out;
  }
  throw new TypeError(`fromTensorSlices: ${path} must be a tensor, an array or an object of tensors, got ${show(x)}`);
}

/** True for parts that make an array a tuple rather than nested numbers. */
function isStructure(x: unknown): boolean {
  return x instanceof Tensor || ArrayBuffer.isView(x) || (x !== null && typeof x === 'object' && !Array.isArray(x)) || (Array.isArray(x) && x.some(isStructure));
}

function fromLeaves(template: Template, row: Tensor[]): unknown {
  if (typeof template === 'number') return row[template];
  if (Array.isArray(template)) return template.map((t) => fromLeaves(t, row));
  return Object.fromEntries(Object.entries(template).map(([k, t]) => [k, fromLeaves(t, row)]));
}

function describe(template: Template, leaf: number, path = 'x'): string {
  if (typeof template === 'number') return template === leaf ? path : '';
  const entries: [string, Template][] = Array.isArray(template) ? template.map((t, i) => [`${path}[${i}]`, t]) : Object.entries(template).map(([k, t]) => [`${path}.${k}`, t]);
  for (const [p, t] of entries) {
    const found = describe(t, leaf, p);
    if (found) return found;
  }
  return '';
}
