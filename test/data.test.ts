// tf.data: sources, stages and their TF semantics (tf.data.Dataset's documentation: shuffle's
// buffer, shard's every-n-th rule, take/skip with -1, repeat, batch's remainder), re-iteration,
// closing of sources on early exit, and CSV files streamed from disk.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '../src/index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const values = async (ds: tf.data.Dataset<unknown>) => (await ds.toArray()).map((e) => (e instanceof tf.Tensor ? e.arraySync() : e));

describe('fromTensorSlices', () => {
  it('gives the rows of a tensor, of a tuple and of an object, pass after pass', async () => {
    const x = tf.tensor([[1, 2], [3, 4], [5, 6]]);
    const ds = tf.data.fromTensorSlices(x);
    expect(ds.size).toBe(3);
    expect(await values(ds)).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(await values(ds)).toEqual([[1, 2], [3, 4], [5, 6]]);

    const y = tf.tensor([7, 8, 9], undefined, 'int32');
    const pairs = await tf.data.fromTensorSlices([x, y]).toArray();
    expect(pairs.map(([a, b]) => [a.arraySync(), b.arraySync(), b.dtype, b.shape])).toEqual([
      [[1, 2], 7, 'int32', []], [[3, 4], 8, 'int32', []], [[5, 6], 9, 'int32', []],
    ]);
    const objects = await tf.data.fromTensorSlices({ a: x, b: { c: y } }).toArray();
    expect(objects[2].a.arraySync()).toEqual([5, 6]);
    expect(objects[2].b.c.arraySync()).toEqual(9);
  });

  it('reads nested number arrays as one tensor, and checks the first dimensions', async () => {
    expect(await values(tf.data.fromTensorSlices([[1, 2], [3, 4]]))).toEqual([[1, 2], [3, 4]]);
    expect(() => tf.data.fromTensorSlices([tf.zeros([3, 2]), tf.zeros([4])])).toThrow(/same first dimension: x\[0\] has 3 rows, x\[1\] has 4 \(shapes \[3,2\] and \[4\]\)/);
    expect(() => tf.data.fromTensorSlices(tf.scalar(1))).toThrow(/x is a scalar/);
    expect(() => tf.data.fromTensorSlices({ a: 'text' } as never)).toThrow(/x\.a must be a tensor/);
  });
});

describe('batch', () => {
  it('stacks leaves, keeps or drops the remainder, and knows its size', async () => {
    const ds = tf.data.fromTensorSlices([tf.tensor(range(7)), tf.tensor(range(7).map((i) => [i, -i]))]);
    const kept = await ds.batch(3).toArray();
    expect(ds.batch(3).size).toBe(3);
    expect(kept.map(([a, b]) => [a.shape, b.shape])).toEqual([[[3], [3, 2]], [[3], [3, 2]], [[1], [1, 2]]]);
    expect(kept[1][1].arraySync()).toEqual([[3, -3], [4, -4], [5, -5]]);
    expect(ds.batch(3, { dropRemainder: true }).size).toBe(2);
    expect((await ds.batch(3, { dropRemainder: true }).toArray()).length).toBe(2);
    // TF.js's boolean smallLastBatch
    expect((await ds.batch(3, false).toArray()).length).toBe(2);
  });

  it('batches numbers, booleans, strings and objects of them', async () => {
    const rows = [{ n: 1, b: true, s: 'a' }, { n: 2.5, b: false, s: 'b' }];
    const [batch] = await tf.data.array(rows).batch(2).toArray();
    expect(batch.n.dtype).toBe('float32');
    expect(batch.n.arraySync()).toEqual([1, 2.5]);
    expect(batch.b.dtype).toBe('bool');
    expect(batch.b.arraySync()).toEqual([true, false]);
    expect(batch.s).toEqual(['a', 'b']);
  });

  it('names the element whose shape or structure differs', async () => {
    await expect(tf.data.array([tf.zeros([2]), tf.zeros([3])]).batch(2).toArray()).rejects.toThrow(/element 1 is float32 \[3\] but element 0 is float32 \[2\]/);
    await expect(tf.data.array([{ a: 1 }, { b: 1 }]).batch(2).toArray()).rejects.toThrow(/element 1 has keys/);
    await expect(tf.data.array([1, 'x']).batch(2).toArray()).rejects.toThrow(/element 1 is a string but element 0 is a number/);
    expect(() => tf.data.array([1]).batch(0)).toThrow(/batch: batchSize/);
  });
});

describe('shuffle', () => {
  it('is a permutation, the same for the same seed, different on each pass', async () => {
    const ds = tf.data.array(range(50)).shuffle(50, { seed: 7 });
    const first = await ds.toArray();
    const second = await ds.toArray();
    expect([...first].sort((a, b) => a - b)).toEqual(range(50));
    expect([...second].sort((a, b) => a - b)).toEqual(range(50));
    expect(first).not.toEqual(second);
    expect(first).not.toEqual(range(50));
    const again = tf.data.array(range(50)).shuffle(50, { seed: 7 });
    expect(await again.toArray()).toEqual(first);
    expect(await again.toArray()).toEqual(second);
    const fixed = tf.data.array(range(50)).shuffle(50, { seed: 7, reshuffleEachIteration: false });
    expect(await fixed.toArray()).toEqual(await fixed.toArray());
  });

  it('draws from a buffer: output j is among the first j + bufferSize inputs', async () => {
    const k = 4;
    for (let seed = 0; seed < 20; seed++) {
      const out = await tf.data.array(range(30)).shuffle(k, { seed }).toArray();
      out.forEach((v, j) => expect(v).toBeLessThan(j + k));
    }
    expect(await tf.data.array(range(10)).shuffle(1, { seed: 3 }).toArray()).toEqual(range(10));
  });

  it('with a full buffer puts each element first about equally often', async () => {
    // 5 elements, 5,000 seeded shuffles: each lands first 1,000 times in expectation; a
    // binomial standard deviation is ~28, so 850..1,150 is over 5 deviations wide.
    const counts = new Array(5).fill(0);
    const ds = tf.data.array(range(5)).shuffle(5, { seed: 11 });
    for (let i = 0; i < 5000; i++) counts[(await ds.toArray())[0]]++;
    for (const c of counts) expect(c).toBeGreaterThan(850), expect(c).toBeLessThan(1150);
  });
});

describe('map, filter, take, skip, repeat, shard, concatenate, zip, prefetch', () => {
  it('follow tf.data.Dataset', async () => {
    const ds = tf.data.array(range(10));
    expect(await ds.map(async (x) => x * 2).toArray()).toEqual(range(10).map((x) => x * 2));
    expect(await ds.filter((x) => x % 3 === 0).toArray()).toEqual([0, 3, 6, 9]);
    expect(ds.filter(() => true).size).toBe(null);
    expect(await ds.take(3).toArray()).toEqual([0, 1, 2]);
    expect(await ds.take(-1).toArray()).toEqual(range(10));
    expect(await ds.skip(8).toArray()).toEqual([8, 9]);
    expect(await ds.skip(-1).toArray()).toEqual([]);
    expect(await ds.take(2).repeat(3).toArray()).toEqual([0, 1, 0, 1, 0, 1]);
    expect(ds.repeat().size).toBe(Infinity);
    expect(await ds.repeat().take(23).toArray()).toEqual([...range(10), ...range(10), 0, 1, 2]);
    expect(await tf.data.array([]).repeat().toArray()).toEqual([]);
    // shard(3, 1) keeps elements 1, 4, 7 (TF: every numShards-th starting at index)
    expect(await ds.shard(3, 1).toArray()).toEqual([1, 4, 7]);
    expect(ds.shard(3, 0).size).toBe(4);
    expect(ds.shard(3, 2).size).toBe(3);
    expect(() => ds.shard(3, 3)).toThrow(/shard: index must be less than numShards \(3\), got 3/);
    expect(await ds.take(2).concatenate(ds.skip(9)).toArray()).toEqual([0, 1, 9]);
    expect(await tf.data.zip([ds, ds.skip(5)]).toArray()).toEqual(range(5).map((i) => [i, i + 5]));
    expect(await tf.data.zip({ a: ds.take(2), b: ds }).toArray()).toEqual([{ a: 0, b: 0 }, { a: 1, b: 1 }]);
    expect(await ds.prefetch(4).toArray()).toEqual(range(10));
  });

  it('prefetch reads ahead while the consumer waits', async () => {
    let pulled = 0;
    const ds = tf.data.generator(function* () {
      for (let i = 0; i < 10; i++) { pulled++; yield i; }
    }).prefetch(3);
    const it = ds[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(pulled).toBeGreaterThanOrEqual(3);
    expect(pulled).toBeLessThanOrEqual(4);
    await it.return!();
  });
});

describe('generator', () => {
  it('calls the function anew on each pass, sync or async', async () => {
    let calls = 0;
    const ds = tf.data.generator(function* () { calls++; yield* [1, 2, 3]; });
    expect(await ds.toArray()).toEqual([1, 2, 3]);
    expect(await ds.toArray()).toEqual([1, 2, 3]);
    expect(calls).toBe(2);
    const asyncDs = tf.data.generator(async function* () { for (const v of ['a', 'b']) { await new Promise((r) => setTimeout(r, 1)); yield v; } });
    expect(await asyncDs.toArray()).toEqual(['a', 'b']);
    await expect(tf.data.generator((() => 42) as never).toArray()).rejects.toThrow(/must return an iterator/);
    expect(() => tf.data.generator(42 as never)).toThrow(/expected a generator function/);
  });

  it('closes the source when a loop stops early', async () => {
    let closed = false;
    const ds = tf.data.generator(function* () {
      try { for (let i = 0; ; i++) yield i; } finally { closed = true; }
    }).map((x) => x + 1).batch(2);
    for await (const b of ds) { expect(b.arraySync()).toEqual([1, 2]); break; }
    expect(closed).toBe(true);
  });

  it('fit-style epochs: the same dataset is read from the start every time', async () => {
    const ds = tf.data.fromTensorSlices([tf.tensor(range(5)), tf.tensor(range(5).map((x) => 2 * x))]).shuffle(5, { seed: 1 }).batch(2);
    const epochs: number[][] = [];
    for (let e = 0; e < 3; e++) {
      const seen: number[] = [];
      for await (const [x, y] of ds) {
        expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync(), (v) => 2 * v));
        seen.push(...x.dataSync());
      }
      epochs.push(seen);
    }
    for (const seen of epochs) expect([...seen].sort()).toEqual(range(5));
  });
});

describe('csv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapeflow-csv-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads a header, numbers and strings, labels as {xs, ys}', async () => {
    const p = file('iris.csv', 'sepal,petal,species\n5.1,1.4,setosa\n6.2, 4.5 ,versicolor\n\n');
    expect(await tf.data.csv(p).toArray()).toEqual([
      { sepal: 5.1, petal: 1.4, species: 'setosa' },
      { sepal: 6.2, petal: 4.5, species: 'versicolor' },
    ]);
    const labelled = tf.data.csv(pathToFileURL(p).href, { columnConfigs: { species: { isLabel: true, dtype: 'string' } } });
    expect(await labelled.toArray()).toEqual([
      { xs: { sepal: 5.1, petal: 1.4 }, ys: { species: 'setosa' } },
      { xs: { sepal: 6.2, petal: 4.5 }, ys: { species: 'versicolor' } },
    ]);
    const only = tf.data.csv(p, { configuredColumnsOnly: true, columnConfigs: { petal: {} } });
    expect(await only.toArray()).toEqual([{ petal: 1.4 }, { petal: 4.5 }]);
    const [batch] = await tf.data.csv(p, { configuredColumnsOnly: true, columnConfigs: { sepal: {}, petal: { isLabel: true } } }).batch(2).toArray();
    expect((batch as unknown as { xs: { sepal: tf.Tensor } }).xs.sepal.arraySync()).toEqual([5.1, 6.2].map((v) => Math.fround(v)));
  });

  it('handles no header, delimiters, defaults, required and bool columns', async () => {
    const p = file('plain.tsv', '1\t\ttrue\n2\t7\t0\n');
    const ds = tf.data.csv(p, { hasHeader: false, delimiter: '\t', columnNames: ['a', 'b', 'c'], columnConfigs: { b: { default: -1 }, c: { dtype: 'bool' } } });
    expect(await ds.toArray()).toEqual([{ a: 1, b: -1, c: true }, { a: 2, b: 7, c: false }]);
    const required = tf.data.csv(p, { hasHeader: false, delimiter: '\t', columnNames: ['a', 'b', 'c'], columnConfigs: { b: { required: true } } });
    await expect(required.toArray()).rejects.toThrow(/plain\.tsv: line 1: the required column "b" is empty/);
    expect(() => tf.data.csv(p, { hasHeader: false })).toThrow(/needs options.columnNames/);
  });

  it('names the file and the line of a bad row, and a missing file', async () => {
    const p = file('bad.csv', 'a,b\n1,2\n3\n');
    await expect(tf.data.csv(p).toArray()).rejects.toThrow(/bad\.csv/);
    const typed = file('typed.csv', 'a\n1\nx\n');
    await expect(tf.data.csv(typed, { columnConfigs: { a: { dtype: 'float32' } } }).toArray()).rejects.toThrow(/typed\.csv: line 3: column "a" is float32 but holds "x"/);
    await expect(tf.data.csv(typed, { columnConfigs: { z: {} } }).toArray()).rejects.toThrow(/names a column "z" that is not in the file/);
    await expect(tf.data.csv(join(dir, 'missing.csv')).toArray()).rejects.toThrow(/csv: cannot read .*missing\.csv/);
    expect(() => tf.data.csv('x.csv', { delimter: ';' } as never)).toThrow(/unknown option "delimter"/);
  });

  it('streams a large file: memory stays bounded and an early stop closes it', async () => {
    // ~20 MB of rows. Reading it whole into a string and parsing it at once would hold far more
    // than 20 MB of heap; streaming keeps a few chunks and one batch alive.
    const p = join(dir, 'big.csv');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(p);
      out.on('error', reject);
      out.write('x,y,z,w\n');
      const line = '0.123456789,1.23456789,2.3456789,3.456789\n';
      const chunk = line.repeat(10000);
      for (let i = 0; i < 48; i++) out.write(chunk);
      out.end(resolve);
    });
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    for await (const row of tf.data.csv(p)) { expect(row).toEqual({ x: 0.123456789, y: 1.23456789, z: 2.3456789, w: 3.456789 }); break; }
    await new Promise((r) => setTimeout(r, 20));
    expect(fds()).toBe(before);

    // What stays reachable is measured after a full collection, every 50,000 rows.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    for await (const batch of tf.data.csv(p).batch(1000)) {
      rows += (batch as { x: tf.Tensor }).x.size;
      if (rows % 50000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    expect(rows).toBe(480000);
    expect(peak).toBeLessThan(10e6);
    rmSync(p);
  });
});
