// tf.io safetensors: the format byte for byte (checked by a reader written here from the
// format's specification, not by tapeflow's), files from an independent writer
// (scripts/make-safetensors-fixtures.py, Python's struct), round trips of every dtype, a table of
// malformed files, and atomic saves under SIGKILL.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/index.js';
import { killWriterAfter, SRC_INDEX } from './support/kill-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'tapeflow-st-'));
const FIXTURES = new URL('./fixtures/safetensors/', import.meta.url);

/** The specification's reader: u64 LE header length, JSON header, data after it. */
function parseIndependently(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  return { n, headerText, header: JSON.parse(headerText) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>, data: bytes.subarray(8 + n) };
}

/** Assembles a file by hand: a header object (or raw text) and data bytes. */
function build(header: unknown, data: Uint8Array | number[] = [], rawLength?: bigint): Uint8Array {
  const text = typeof header === 'string' ? new TextEncoder().encode(header) : new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, rawLength ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

describe('safetensors: writing', () => {
  it('writes the format as specified: padded header, widest dtype first then by name, metadata first', async () => {
    const path = join(dir, 'layout.safetensors');
    await tf.io.saveSafetensors(path, {
      'b/weight': tf.tensor([[1, 2], [3, 4]]),
      'a/flags': tf.tensor([true, false, true]),
      'z/double': tf.tensor([0.1], undefined, 'float64'),
      'c/count': tf.tensor([7, -8], undefined, 'int32'),
      'a/bias': tf.tensor([0.5, -0.5]),
    }, { format: 'pt' });
    const bytes = new Uint8Array(readFileSync(path));
    const { n, headerText, header, data } = parseIndependently(bytes);
    expect((8 + n) % 8).toBe(0);
    expect(headerText).toMatch(/^\{"__metadata__":\{"format":"pt"\},"z\/double":/);
    expect(headerText.trimEnd()).toBe(JSON.stringify(header));
    expect(Object.keys(header)).toEqual(['__metadata__', 'z/double', 'a/bias', 'b/weight', 'c/count', 'a/flags']);
    expect(header['z/double']).toEqual({ dtype: 'F64', shape: [1], data_offsets: [0, 8] });
    expect(header['a/bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [8, 16] });
    expect(header['b/weight']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [16, 32] });
    expect(header['c/count']).toEqual({ dtype: 'I32', shape: [2], data_offsets: [32, 40] });
    expect(header['a/flags']).toEqual({ dtype: 'BOOL', shape: [3], data_offsets: [40, 43] });
    expect(data.length).toBe(43);
    const dv = new DataView(data.buffer, data.byteOffset);
    expect(dv.getFloat64(0, true)).toBe(0.1);
    expect([dv.getFloat32(16, true), dv.getFloat32(28, true)]).toEqual([1, 4]);
    expect([dv.getInt32(32, true), dv.getInt32(36, true)]).toEqual([7, -8]);
    expect(Array.from(data.subarray(40))).toEqual([1, 0, 1]);
    // the in-memory encoder writes the same bytes
    expect(Buffer.from(tf.io.encodeSafetensors({
      'b/weight': tf.tensor([[1, 2], [3, 4]]), 'a/flags': tf.tensor([true, false, true]), 'z/double': tf.tensor([0.1], undefined, 'float64'),
      'c/count': tf.tensor([7, -8], undefined, 'int32'), 'a/bias': tf.tensor([0.5, -0.5]),
    }, { format: 'pt' })).equals(Buffer.from(bytes))).toBe(true);
  });

  it('round-trips every dtype bit for bit, with scalars, empty tensors and Variables', async () => {
    const path = join(dir, 'round.safetensors');
    const specials = new Float32Array([NaN, -0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38]);
    const tensors = {
      specials: tf.tensor(specials),
      wide: tf.tensor([Math.PI, -1e-310, 2 ** 60], undefined, 'float64'),
      ints: tf.tensor([-(2 ** 31), 2 ** 31 - 1], undefined, 'int32'),
      mask: tf.tensor([[true], [false]]),
      scalar: tf.scalar(3),
      empty: tf.zeros([0, 5]),
      variable: new tf.Variable(tf.tensor([1, 2, 3])),
    };
    await tf.io.saveSafetensors(path, tensors, { note: 'round' });
    const { tensors: back, metadata } = await tf.io.readSafetensors(path);
    expect(metadata).toEqual({ note: 'round' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back[name].dtype, name).toBe(t.dtype);
      expect(back[name].shape, name).toEqual(t.shape);
      const a = t.dataSync(), b = back[name].dataSync();
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength)), name).toBe(true);
    }
  });

  it('rejects what the format cannot hold', async () => {
    await expect(tf.io.saveSafetensors(join(dir, 'x.safetensors'), { a: tf.scalar(1) }, { n: 1 } as never)).rejects.toThrow(/metadata\.n must be a string/);
    await expect(tf.io.saveSafetensors(join(dir, 'x.safetensors'), { __metadata__: tf.scalar(1) })).rejects.toThrow(/"__metadata__" cannot name a tensor/);
    await expect(tf.io.saveSafetensors(join(dir, 'x.safetensors'), tf.scalar(1) as never)).rejects.toThrow(/tensors must be an object/);
    await expect(tf.io.saveSafetensors(join(dir, 'no-such-dir', 'x.safetensors'), { a: tf.scalar(1) })).rejects.toThrow(/saveSafetensors: cannot write .*no-such-dir/);
  });
});

describe('safetensors: reading', () => {
  it('reads the independent writer\'s file, F16 and BF16 widened to float32 exactly', async () => {
    const path = new URL('all-dtypes.safetensors', FIXTURES).pathname;
    const { tensors: t, metadata } = await tf.io.readSafetensors(path);
    expect(metadata).toEqual({ format: 'pt', written_by: 'make-safetensors-fixtures.py' });
    // binary16: 0.1 rounds to 0x2E66 = (1 + 614/1024) · 2^-4 = 0.0999755859375
    expect(t.f16.dtype).toBe('float32');
    expect(t.f16.shape).toEqual([2, 3]);
    expect(Array.from(t.f16.dataSync())).toEqual([1, -2, 65504, 2 ** -24, 0.0999755859375, Infinity]);
    // bfloat16 keeps float32's exponent and 8 significant bits: 1.5e38 lies in [2^126, 2^127),
    // so the script's truncation drops everything below 2^(126-7)
    const bf = Array.from(t.bf16.dataSync());
    expect(bf.slice(0, 3)).toEqual([1, -3.140625, 2 ** -126]);
    expect(bf[3]).toBe(Math.fround(1.5e38) - (Math.fround(1.5e38) % 2 ** 119));
    expect(Array.from(t.f64.dataSync())).toEqual([0.1, -1e300]);
    expect(t.f32.arraySync()).toEqual([[1.5, -0], [3.25, Math.fround(1e-30)]]);
    expect(Object.is(t.f32.dataSync()[1], -0)).toBe(true);
    expect(t.i32.dtype).toBe('int32');
    expect(Array.from(t.i32.dataSync())).toEqual([-2147483648, 0, 2147483647]);
    expect(t.flag.arraySync()).toEqual([true, false, true]);
    expect(t.empty.shape).toEqual([0, 4]);
    expect(t.scalar.shape).toEqual([]);
    expect(t.scalar.item()).toBe(7);
    // the same bytes decode in memory
    const decoded = tf.io.decodeSafetensors(new Uint8Array(readFileSync(path)));
    expect(Array.from(decoded.tensors.f16.dataSync())).toEqual(Array.from(t.f16.dataSync()));
  });

  const good = () => ({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
  const MALFORMED: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', new Uint8Array([1, 2, 3]), /truncated: 3 bytes/],
    ['header length past the end', build(good(), f32(1, 2), 10_000n), /header length \(10000 bytes\) runs past the end/],
    ['header length 0', build('', [], 0n), /header length is 0/],
    ['not JSON', build('{"a": ', f32(1, 2)), /not JSON/],
    ['not UTF-8', build('{}', []).map((b, i) => (i === 8 ? 0xff : b)), /not UTF-8/],
    ['a JSON array', build([1, 2]), /not a JSON object/],
    ['unknown dtype', build({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, f32(1, 2)), /dtype "C64", which tapeflow does not read/],
    ['no dtype', build({ a: { shape: [1], data_offsets: [0, 4] } }, f32(1)), /"a" has no dtype/],
    ['bad shape', build({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /shape \[-1\], not a list of sizes/],
    ['bad offsets', build({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)), /data_offsets \[0\], not \[begin, end\]/],
    ['offsets backwards', build({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), /end before they begin/],
    ['byte count does not match the shape', build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)), /holds 8 bytes but F32 \[3\] needs 12/],
    ['truncated data', build(good(), f32(1)), /truncated: the tensors need 8 bytes of data but the file holds 4/],
    ['trailing bytes', build(good(), f32(1, 2, 3)), /4 bytes after the last tensor/],
    ['overlap', build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /overlaps the tensor before it/],
    ['hole', build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32(1, 2, 3)), /the data has a hole: bytes \[4, 8\)/],
    ['duplicate names', build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(1, 2)), /names "a" twice/],
    ['metadata not strings', build({ __metadata__: { n: 1 } }), /__metadata__\.n is not a string/],
    ['bool byte not 0 or 1', build({ a: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, [1, 7]), /BOOL but holds the byte 7 at element 1/],
  ];

  it.each(MALFORMED)('a malformed file is an Error naming the file and the fault: %s', async (_, bytes, message) => {
    const path = join(dir, 'malformed.safetensors');
    writeFileSync(path, bytes);
    const err = await tf.io.loadSafetensors(path).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(message);
    expect(err!.message).toContain(path);
    expect(() => tf.io.decodeSafetensors(bytes, 'memory')).toThrow(message);
  });

  it('a missing file names the path', async () => {
    await expect(tf.io.loadSafetensors(join(dir, 'missing.safetensors'))).rejects.toThrow(/loadSafetensors: cannot open .*missing\.safetensors/);
  });
});

describe('safetensors: atomic saves', () => {
  it('a writer killed at any moment leaves the previous file or the new one, never a torn one', async () => {
    // A child saves 4 MB files in a loop, each filled with its generation number; it is killed
    // with SIGKILL after a varying delay. What is at the path must always load whole.
    const path = join(dir, 'atomic.safetensors');
    const script = `
      import * as tf from ${JSON.stringify(SRC_INDEX)};
      const path = ${JSON.stringify(path)};
      for (let g = 1; ; g++) {
        await tf.io.saveSafetensors(path, { w: tf.fill([1 << 20], g) }, { generation: String(g) });
        if (g === 1) process.stdout.write('saved\\n');
      }`;
    let lastGeneration = 0;
    for (const delay of [0, 15, 40, 90, 160]) {
      await killWriterAfter(script, delay);
      expect(existsSync(path)).toBe(true);
      const { tensors, metadata } = await tf.io.readSafetensors(path);
      const g = Number(metadata.generation);
      expect(g).toBeGreaterThanOrEqual(1);
      const w = tensors.w.dataSync();
      expect(w.length).toBe(1 << 20);
      expect(w.every((v) => v === g)).toBe(true);
      lastGeneration = g;
    }
    expect(lastGeneration).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
