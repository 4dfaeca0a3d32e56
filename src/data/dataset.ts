/**
 * `Dataset`: a lazy, re-iterable pipeline of elements, as `tf.data.Dataset`. A dataset is a
 * function that starts a fresh async iterator; each method wraps it in one more stage written
 * as an async generator, so nothing is read until someone iterates, every `for await` starts
 * from the beginning (one epoch of `fit`), and breaking out of a loop closes every stage back
 * to the source (a CSV file's stream among them). Sources live in sources.ts and csv.ts; a new
 * stage is one method here.
 *
 * Elements are tensors, numbers, booleans, strings, arrays of elements (tuples, as Python's:
 * `[x, y]`) or plain objects of elements. `batch` stacks each leaf across elements.
 */
import { Tensor } from '../tensor.js';
import { stack } from '../ops/concat.js';
import { generator as uniformGenerator } from '../ops/rng.js';
import { checkInteger, checkOptions, show } from '../validate.js';

export type Element = Tensor | number | boolean | string | readonly Element[] | { readonly [key: string]: Element };

/** `size` when it cannot be known without iterating (after `filter`, or from a generator). */
const UNKNOWN = null;

export class Dataset<T = Element> implements AsyncIterable<T> {
  /**
   * @internal Use the sources in `tf.data`. `start` begins one pass over the elements; `size` is
   * the number of elements when known, Infinity for an endless dataset, null when unknown.
   */
  constructor(private readonly start: () => AsyncIterator<T>, readonly size: number | null) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.start();
  }

  /** TF.js's spelling of one pass: an async iterator over the elements. */
  async iterator(): Promise<AsyncIterator<T>> {
    return this.start();
  }

  /**
   * Groups consecutive elements into batches of `batchSize` and stacks each leaf: tensors with
   * `tf.stack` (all shapes equal), numbers into a float32 vector, booleans into a bool vector,
   * strings into an array. The last, smaller batch is kept unless `dropRemainder`. (TF.js's
   * `batch(n, smallLastBatch)` boolean is accepted too.)
   */
  batch(batchSize: number, options?: { dropRemainder?: boolean } | boolean | null): Dataset<Batched<T>> {
    const n = checkInteger(batchSize, 'batch', 'batchSize', 1);
    const dropRemainder = typeof options === 'boolean' ? !options : (checkOptions(options, { dropRemainder: 'boolean' }, 'batch').dropRemainder ?? false);
    const size = this.size === null || this.size === Infinity ? this.size : dropRemainder ? Math.floor(this.size / n) : Math.ceil(this.size / n);
    return this.stage(size, async function* (upstream) {
      let group: T[] = [];
      let index = 0;
      for await (const element of upstream) {
        group.push(element);
        if (group.length === n) {
          yield collate(group, index) as Batched<T>;
          index += n;
          group = [];
        }
      }
      if (group.length > 0 && !dropRemainder) yield collate(group, index) as Batched<T>;
    });
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements, as TF: the buffer is filled, then each
   * output is a uniformly chosen buffer element, replaced by the next input. A buffer as large
   * as the dataset gives a uniform permutation. With `seed`, the orders are the same in every
   * run; `reshuffleEachIteration` (default true) gives each pass its own order.
   */
  shuffle(bufferSize: number, options?: { seed?: number; reshuffleEachIteration?: boolean } | null): Dataset<T> {
    const capacity = checkInteger(bufferSize, 'shuffle', 'bufferSize', 1);
    const opts = checkOptions(options, { seed: 'integer', reshuffleEachIteration: 'boolean' }, 'shuffle');
    const reshuffle = opts.reshuffleEachIteration ?? true;
    // One seed per pass, drawn from a generator of seeds, so passes differ but runs repeat.
    const seeds = uniformGenerator(opts.seed);
    const firstSeed = (seeds() * 2 ** 32) >>> 0;
    return this.stage(this.size, async function* (upstream) {
      const random = uniformGenerator(reshuffle ? (seeds() * 2 ** 32) >>> 0 : firstSeed);
      const buffer: T[] = [];
      for await (const element of upstream) {
        if (buffer.length < capacity) {
          buffer.push(element);
          continue;
        }
        const j = Math.floor(random() * capacity);
        const out = buffer[j];
        buffer[j] = element;
        yield out;
      }
      while (buffer.length > 0) {
        const j = Math.floor(random() * buffer.length);
        const out = buffer[j];
        buffer[j] = buffer[buffer.length - 1];
        buffer.pop();
        yield out;
      }
    });
  }

  /** Applies `fn` to each element (it may return a promise). */
  map<U>(fn: (element: T) => U | Promise<U>): Dataset<U> {
    checkFunction(fn, 'map');
    return this.stage(this.size, async function* (upstream) {
      for await (const element of upstream) yield await fn(element);
    });
  }

  /** Keeps the elements for which `predicate` is true (it may return a promise). */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    checkFunction(predicate, 'filter');
    return this.stage(this.size === Infinity ? Infinity : UNKNOWN, async function* (upstream) {
      for await (const element of upstream) if (await predicate(element)) yield element;
    });
  }

  /** The first `count` elements (all of them when `count` is negative, as TF's -1). */
  take(count: number): Dataset<T> {
    const n = checkInteger(count, 'take', 'count');
    if (n < 0) return this;
    return this.stage(this.size === null ? (n === 0 ? 0 : null) : Math.min(this.size, n), async function* (upstream) {
      if (n === 0) return;
      let taken = 0;
      for await (const element of upstream) {
        yield element;
        if (++taken === n) return;
      }
    });
  }

  /** All but the first `count` elements (none when `count` is negative, as TF's -1). */
  skip(count: number): Dataset<T> {
    const n = checkInteger(count, 'skip', 'count');
    const size = n < 0 ? (this.size === Infinity ? Infinity : 0) : this.size === null ? null : Math.max(this.size - n, 0);
    return this.stage(size, async function* (upstream) {
      if (n < 0) {
        for await (const element of upstream) void element;
        return;
      }
      let skipped = 0;
      for await (const element of upstream) {
        if (skipped < n) skipped++;
        else yield element;
      }
    });
  }

  /** The elements `count` times over (forever when `count` is omitted or negative). */
  repeat(count?: number | null): Dataset<T> {
    const times = count === undefined || count === null ? -1 : checkInteger(count, 'repeat', 'count');
    const endless = times < 0;
    const size = endless ? (this.size === 0 ? 0 : Infinity) : this.size === null ? null : this.size * times;
    const start = this.start;
    return new Dataset(async function* () {
      for (let pass = 0; endless || pass < times; pass++) {
        let any = false;
        const upstream = start();
        for (let r = await upstream.next(); !r.done; r = await upstream.next()) {
          any = true;
          yield r.value;
        }
        if (!any) return; // an empty dataset repeated forever is still empty
      }
    }, size);
  }

  /**
   * Reads up to `bufferSize` elements ahead of the consumer, so an async source (a file, an
   * async `map`) works while the consumer computes.
   */
  prefetch(bufferSize: number): Dataset<T> {
    const n = checkInteger(bufferSize, 'prefetch', 'bufferSize', 1);
    const start = this.start;
    return new Dataset(() => prefetching(start(), n), this.size);
  }

  /** Every `numShards`-th element starting at `index`: one worker's part of the data. */
  shard(numShards: number, index: number): Dataset<T> {
    const shards = checkInteger(numShards, 'shard', 'numShards', 1);
    const i = checkInteger(index, 'shard', 'index', 0);
    if (i >= shards) throw new RangeError(`shard: index must be less than numShards (${shards}), got ${i}`);
    const size = this.size === null || this.size === Infinity ? this.size : Math.floor(this.size / shards) + (i < this.size % shards ? 1 : 0);
    return this.stage(size, async function* (upstream) {
      let k = 0;
      for await (const element of upstream) {
        if (k % shards === i) yield element;
        k++;
      }
    });
  }

  /** This dataset's elements followed by `other`'s. */
  concatenate(other: Dataset<T>): Dataset<T> {
    if (!(other instanceof Dataset)) throw new TypeError(`concatenate: expected a Dataset, got ${show(other)}`);
    const size = this.size === null || other.size === null ? null : this.size + other.size;
    return this.stage(size, async function* (upstream) {
      yield* upstream;
      yield* other;
    });
  }

  /** Every element, in order, in an array (the dataset must be finite). */
  async toArray(): Promise<T[]> {
    if (this.size === Infinity) throw new Error('toArray: the dataset is endless (repeat() without a count)');
    const out: T[] = [];
    for await (const element of this) out.push(element);
    return out;
  }

  /** Calls `fn` on every element in order, awaiting it (TF.js's `forEachAsync`). */
  async forEachAsync(fn: (element: T) => void | Promise<void>): Promise<void> {
    checkFunction(fn, 'forEachAsync');
    for await (const element of this) await fn(element);
  }

  private stage<U>(size: number | null, body: (upstream: AsyncIterable<T>) => AsyncGenerator<U>): Dataset<U> {
    const start = this.start;
    return new Dataset(() => body({ [Symbol.asyncIterator]: start }), size);
  }
}

/** The type of a batch of elements of type `T`: each leaf gains a leading batch axis. */
export type Batched<T> = Element extends T ? BatchedElement : BatchedKnown<T>;
type BatchedElement = Tensor | string[] | readonly BatchedElement[] | { readonly [key: string]: BatchedElement };
type BatchedKnown<T> = T extends Tensor | number | boolean ? Tensor
  : T extends string ? string[]
  : T extends readonly unknown[] ? { [K in keyof T]: BatchedKnown<T[K]> }
  : T extends object ? { [K in keyof T]: BatchedKnown<T[K]> }
  : never;

function checkFunction(fn: unknown, op: string): void {
  if (typeof fn !== 'function') throw new TypeError(`${op}: expected a function, got ${show(fn)}`);
}

/** Stacks the leaves of same-structured elements; `first` is the index of group[0] for errors. */
function collate(group: readonly unknown[], first: number, path = ''): unknown {
  const head = group[0];
  const where = (i: number) => `element ${first + i}${path ? ` at ${path}` : ''}`;
  const kindOf = (e: unknown) => e instanceof Tensor ? 'a tensor' : Array.isArray(e) ? 'an array' : e === null ? 'null' : typeof e === 'object' ? 'an object' : `a ${typeof e}`;
  for (let i = 1; i < group.length; i++) {
    if (kindOf(group[i]) !== kindOf(head)) throw new TypeError(`batch: ${where(i)} is ${kindOf(group[i])} but ${where(0)} is ${kindOf(head)}`);
  }
  if (head instanceof Tensor) {
    const tensors = group as Tensor[];
    for (let i = 1; i < tensors.length; i++) {
      const t = tensors[i];
      if (t.dtype !== head.dtype || t.rank !== head.rank || t.shape.some((d, j) => d !== head.shape[j])) {
        throw new Error(`batch: ${where(i)} is ${t.dtype} [${t.shape}] but ${where(0)} is ${head.dtype} [${head.shape}]; elements of a batch must match`);
      }
    }
    return stack(tensors);
  }
  switch (typeof head) {
    case 'number': return new Tensor(Float32Array.from(group as number[]), [group.length], 'float32');
    case 'boolean': return new Tensor(Uint8Array.from(group as boolean[], (b) => (b ? 1 : 0)), [group.length], 'bool');
    case 'string': return (group as string[]).slice();
  }
  if (Array.isArray(head)) {
    for (let i = 1; i < group.length; i++) {
      if ((group[i] as unknown[]).length !== head.length) throw new Error(`batch: ${where(i)} has ${(group[i] as unknown[]).length} parts but ${where(0)} has ${head.length}`);
    }
    return head.map((_, k) => collate(group.map((e) => (e as unknown[])[k]), first, `${path}[${k}]`));
  }
  if (head !== null && typeof head === 'object') {
    const keys = Object.keys(head);
    const out: Record<string, unknown> = {};
    for (let i = 1; i < group.length; i++) {
      const other = Object.keys(group[i] as object);
      if (other.length !== keys.length || other.some((k) => !(k in (head as object)))) {
        throw new Error(`batch: ${where(i)} has keys ${show(other)} but ${where(0)} has ${show(keys)}`);
      }
    }
    for (const k of keys) out[k] = collate(group.map((e) => (e as Record<string, unknown>)[k]), first, path ? `${path}.${k}` : k);
    return out;
  }
  throw new TypeError(`batch: cannot batch ${where(0)}: ${show(head)} (elements are tensors, numbers, booleans, strings, arrays or objects of them)`);
}

/** An async iterator that keeps `depth` calls of `next` on `source` in flight. */
function prefetching<T>(source: AsyncIterator<T>, depth: number): AsyncIterator<T> {
  const pending: Promise<IteratorResult<T>>[] = [];
  let ended = false;
  const fill = () => {
    while (!ended && pending.length < depth) {
      const p = source.next();
      pending.push(p);
      p.then((r) => { if (r.done) ended = true; }, () => { ended = true; });
    }
  };
  return {
    async next() {
      fill();
      const r = await pending.shift()!;
      if (r.done) {
        ended = true;
        pending.length = 0;
      }
      return r;
    },
    async return(value?: unknown) {
      ended = true;
      pending.length = 0;
      await source.return?.(value);
      return { done: true, value: undefined as T };
    },
  };
}
