/**
 * The safetensors format (Hugging Face's; read by PyTorch, JAX, Keras 3 and Rust): an 8-byte
 * little-endian header length N, N bytes of JSON mapping each name to `{dtype, shape,
 * data_offsets: [begin, end]}` (offsets into the data that follows the header) plus an optional
 * `__metadata__` of strings, then the tensors' bytes, little-endian, back to back. Written as the
 * reference implementation writes it: tensors ordered by dtype width (widest first) then name,
 * `__metadata__` first in the header, the header padded with spaces so the data starts 8-byte
 * aligned. Files are written to a temporary file and renamed over the target, so a crash never
 * leaves half a file in place of a good one (atomic.ts); reading streams each tensor straight
 * into its typed array. Every malformed file is an Error naming the file and the fault.
 *
 * One parser (`parseHeader`) serves files and in-memory bytes; a new dtype is a row of DTYPES.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { Tensor, toTensor } from '../tensor.js';
import type { DType, TypedArray } from '../dtype.js';
import { show } from '../validate.js';
import { writeAtomically } from './atomic.js';
import { bfloat16ToFloat, halfToFloat } from './half.js';

/** How each safetensors dtype is stored and what tapeflow dtype it reads as. */
const DTYPES: Readonly<Record<string, { bytes: number; as: DType; write?: DType }>> = {
  F64: { bytes: 8, as: 'float64', write: 'float64' },
  F32: { bytes: 4, as: 'float32', write: 'float32' },
  I32: { bytes: 4, as: 'int32', write: 'int32' },
  BOOL: { bytes: 1, as: 'bool', write: 'bool' },
  F16: { bytes: 2, as: 'float32' },
  BF16: { bytes: 2, as: 'float32' },
};
const CODE_OF: Readonly<Record<DType, string>> = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' };

/** The reference implementation's limit on the header, which keeps a bad length from allocating. */
const MAX_HEADER_BYTES = 100_000_000;

export type TensorMap = Record<string, Tensor>;

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

if (endianness() !== 'LE') throw new Error('tapeflow.io: safetensors reading and writing assume a little-endian machine');

/**
 * Writes `tensors` (a `{name: tensor}` object) to `path` as safetensors, atomically: the bytes
 * go to a temporary file beside it, which is flushed and then renamed over `path`.
 */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor | Parameters<typeof toTensor>[0]>, metadata?: Record<string, string> | null): Promise<void> {
  checkPath(path, 'saveSafetensors');
  const { header, parts } = layout(tensors, metadata, 'saveSafetensors');
  writeAtomically(path, 'saveSafetensors', [header, ...parts]);
}

/** The safetensors bytes of `tensors`, in memory. */
export function encodeSafetensors(tensors: Record<string, Tensor | Parameters<typeof toTensor>[0]>, metadata?: Record<string, string> | null): Uint8Array {
  const { header, parts } = layout(tensors, metadata, 'encodeSafetensors');
  const out = new Uint8Array(header.length + parts.reduce((s, p) => s + p.length, 0));
  out.set(header, 0);
  let at = header.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface LoadedSafetensors {
  tensors: TensorMap;
  metadata: Record<string, string>;
}

/** Reads a safetensors file into `{name: tensor}` (F16 and BF16 become float32). */
export async function loadSafetensors(path: string): Promise<TensorMap> {
  return (await readSafetensors(path)).tensors;
}

/** `loadSafetensors` with the file's `__metadata__` as well. */
export async function readSafetensors(path: string): Promise<LoadedSafetensors> {
  checkPath(path, 'loadSafetensors');
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw new Error(`loadSafetensors: cannot open ${path}: ${(e as Error).message}`);
  }
  try {
    const { size } = await file.stat();
    const readAt = async (into: Uint8Array, position: number) => {
      for (let off = 0; off < into.length; ) {
        const n = Math.min(into.length - off, 1 << 30);
        const { bytesRead } = await file.read(into, off, n, position + off);
        if (bytesRead === 0) throw new Error(`loadSafetensors: ${path}: the file ended while reading (it changed while being read?)`);
        off += bytesRead;
      }
    };
    const prefix = new Uint8Array(8);
    if (size < 8) throw new Error(`loadSafetensors: ${path}: truncated: ${size} bytes, too short for the 8-byte header length`);
    await readAt(prefix, 0);
    const headerBytes = headerLength(prefix, size, path, 'loadSafetensors');
    const header = new Uint8Array(headerBytes);
    await readAt(header, 8);
    const { entries, metadata } = parseHeader(header, size - 8 - headerBytes, path, 'loadSafetensors');
    const tensors: TensorMap = {};
    const dataStart = 8 + headerBytes;
    for (const e of entries) tensors[e.name] = await readTensor(e, (into, offset) => readAt(into, dataStart + offset), `loadSafetensors: ${path}`);
    return { tensors, metadata };
  } finally {
    await file.close();
  }
}

/** Parses safetensors bytes held in memory. */
export function decodeSafetensors(bytes: Uint8Array, source = 'bytes'): LoadedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`decodeSafetensors: expected a Uint8Array, got ${show(bytes)}`);
  if (bytes.length < 8) throw new Error(`decodeSafetensors: ${source}: truncated: ${bytes.length} bytes, too short for the 8-byte header length`);
  const headerBytes = headerLength(bytes.subarray(0, 8), bytes.length, source, 'decodeSafetensors');
  const { entries, metadata } = parseHeader(bytes.subarray(8, 8 + headerBytes), bytes.length - 8 - headerBytes, source, 'decodeSafetensors');
  const data = bytes.subarray(8 + headerBytes);
  const tensors: TensorMap = {};
  for (const e of entries) {
    tensors[e.name] = readTensorSync(e, (into, offset) => into.set(data.subarray(offset, offset + into.length)), `decodeSafetensors: ${source}`);
  }
  return { tensors, metadata };
}

// --- writing ----------------------------------------------------------------------------------

function layout(tensors: Record<string, unknown>, metadata: Record<string, string> | null | undefined, op: string): { header: Uint8Array; parts: Uint8Array[] } {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors) || tensors instanceof Tensor) {
    throw new TypeError(`${op}: tensors must be an object of {name: tensor}, got ${show(tensors)}`);
  }
  const items = Object.entries(tensors).map(([name, t]) => {
    if (name === '' || name === '__metadata__') throw new Error(`${op}: ${show(name)} cannot name a tensor`);
    const tensor = toTensor(t as Parameters<typeof toTensor>[0], op, `tensors.${name}`);
    // Written synchronously (atomic.ts), so even a Variable's storage goes out as it is.
    const values = tensor.dataSync();
    return { name, tensor, values };
  });
  // The reference writer's order: widest dtype first, then by name, so every tensor is aligned.
  items.sort((a, b) => DTYPES[CODE_OF[b.tensor.dtype]].bytes - DTYPES[CODE_OF[a.tensor.dtype]].bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const head: Record<string, unknown> = {};
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new TypeError(`${op}: metadata must be an object of strings, got ${show(metadata)}`);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`${op}: metadata.${k} must be a string (safetensors metadata holds strings only), got ${show(v)}`);
    }
    head.__metadata__ = metadata;
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const { name, tensor, values } of items) {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    head[name] = { dtype: CODE_OF[tensor.dtype], shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    parts.push(bytes);
  }
  const json = new TextEncoder().encode(JSON.stringify(head));
  const padded = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, parts };
}

// --- reading ----------------------------------------------------------------------------------

function checkPath(path: unknown, op: string): asserts path is string {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string, got ${show(path)}`);
}

function headerLength(prefix: Uint8Array, size: number, source: string, op: string): number {
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(size - 8)) throw new Error(`${op}: ${source}: the header length (${n} bytes) runs past the end of the file (${size} bytes)`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new Error(`${op}: ${source}: the header length (${n} bytes) is over the format's limit of ${MAX_HEADER_BYTES}`);
  if (n < 2n) throw new Error(`${op}: ${source}: the header length is ${n}; a header is at least '{}'`);
  return Number(n);
}

/** Checks the header completely: fields, dtypes, byte counts, and offsets that tile the data. */
function parseHeader(bytes: Uint8Array, dataBytes: number, source: string, op: string): { entries: Entry[]; metadata: Record<string, string> } {
  const fail = (why: string): never => { throw new Error(`${op}: ${source}: ${why}`); };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('the header is not UTF-8');
  }
  let head: unknown;
  try {
    head = JSON.parse(text);
  } catch (e) {
    return fail(`the header is not JSON (${(e as Error).message})`);
  }
  if (head === null || typeof head !== 'object' || Array.isArray(head)) return fail('the header is not a JSON object');
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== null) fail(`the header names ${show(duplicate)} twice`);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(head as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(value as object)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info === null || typeof info !== 'object') fail(`${show(name)} is not an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string') fail(`${show(name)} has no dtype`);
    const kind = DTYPES[dtype as string];
    if (kind === undefined) fail(`${show(name)} has dtype ${show(dtype)}, which tapeflow does not read (it reads ${Object.keys(DTYPES).join(', ')})`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`${show(name)} has shape ${show(shape)}, not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) fail(`${show(name)} has data_offsets ${show(offsets)}, not [begin, end]`);
    const [begin, end] = offsets as number[];
    const elements = (shape as number[]).reduce((p, d) => p * d, 1);
    if (end < begin) fail(`${show(name)} has data_offsets [${begin}, ${end}] that end before they begin`);
    if (end - begin !== elements * kind.bytes) fail(`${show(name)} holds ${end - begin} bytes but ${dtype} [${shape}] needs ${elements * kind.bytes}`);
    entries.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }
  // The data must be exactly the tensors, back to back: no overlap, no hole, nothing after.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of byOffset) {
    if (e.begin < at) fail(`${show(e.name)} at [${e.begin}, ${e.end}] overlaps the tensor before it (which ends at ${at})`);
    if (e.begin > at) fail(`the data has a hole: bytes [${at}, ${e.begin}) belong to no tensor (before ${show(e.name)})`);
    at = e.end;
  }
  if (at > dataBytes) fail(`truncated: the tensors need ${at} bytes of data but the file holds ${dataBytes}`);
  if (at < dataBytes) fail(`${dataBytes - at} bytes after the last tensor belong to no tensor`);
  return { entries, metadata };
}

/** The first top-level key of a JSON object text that appears twice (JSON.parse keeps the last silently). */
function firstDuplicateKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (k < text.length && /\s/.test(text[k])) k++;
        if (text[k] === ':') {
          const key = JSON.parse(text.slice(i, j + 1)) as string;
          if (seen.has(key)) return key;
          seen.add(key);
        }
      }
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return null;
}

type ReadAt<R> = (into: Uint8Array, offset: number) => R;

/** Elements converted per read from the half-precision formats, bounding the scratch buffer. */
const HALF_CHUNK = 1 << 20;

async function readTensor(e: Entry, readAt: ReadAt<Promise<void>>, where: string): Promise<Tensor> {
  const kind = DTYPES[e.dtype];
  const size = (e.end - e.begin) / kind.bytes;
  if (kind.bytes === 2) {
    const out = new Float32Array(size);
    const scratch = new Uint16Array(Math.min(size, HALF_CHUNK));
    for (let i = 0; i < size; i += scratch.length) {
      const n = Math.min(scratch.length, size - i);
      await readAt(new Uint8Array(scratch.buffer, 0, n * 2), e.begin + i * 2);
      widen(e.dtype, scratch, n, out, i);
    }
    return new Tensor(out, e.shape, 'float32');
  }
  const values = allocateFor(kind.as, size);
  await readAt(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), e.begin);
  return finish(e, values, where);
}

function readTensorSync(e: Entry, readAt: ReadAt<void>, where: string): Tensor {
  const kind = DTYPES[e.dtype];
  const size = (e.end - e.begin) / kind.bytes;
  if (kind.bytes === 2) {
    const raw = new Uint16Array(size);
    readAt(new Uint8Array(raw.buffer), e.begin);
    const out = new Float32Array(size);
    widen(e.dtype, raw, size, out, 0);
    return new Tensor(out, e.shape, 'float32');
  }
  const values = allocateFor(kind.as, size);
  readAt(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), e.begin);
  return finish(e, values, where);
}

function allocateFor(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float64': return new Float64Array(size);
    case 'float32': return new Float32Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

function finish(e: Entry, values: TypedArray, where: string): Tensor {
  if (e.dtype === 'BOOL') {
    for (let i = 0; i < values.length; i++) {
      if (values[i] > 1) throw new Error(`${where}: ${show(e.name)} is BOOL but holds the byte ${values[i]} at element ${i} (booleans are 0 or 1)`);
    }
  }
  return new Tensor(values, e.shape, DTYPES[e.dtype].as);
}

/** F16 or BF16 bit patterns to float32. */
function widen(dtype: string, raw: Uint16Array, n: number, out: Float32Array, at: number): void {
  const convert = dtype === 'BF16' ? bfloat16ToFloat : halfToFloat;
  for (let i = 0; i < n; i++) out[at + i] = convert(raw[i]);
}
