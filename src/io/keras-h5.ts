/**
 * Reading the HDF5 weights file that Keras 3's `model.save_weights('x.weights.h5')` writes,
 * with `h5wasm` (HDF5 compiled to WebAssembly), imported only when such a file is opened.
 * The layout (keras/src/saving/saving_lib.py; scripts/make-keras-h5-fixtures.py writes test
 * fixtures in it): every object with variables has a group `<path>/vars` holding datasets `0`,
 * `1`, … in the order of its trainable then non-trainable variables; a Sequential or functional
 * model's layers sit at `layers/<snake_case class name>[_k]`. This file only reads the groups;
 * src/models/ matches them to layers.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { Tensor } from '../tensor.js';
import type { DType, TypedArray } from '../dtype.js';
import { halfToFloat } from './half.js';

/** Each `…/vars` group's parent path (`''` for the root, `layers/dense`, …) → its variables in order. */
export type KerasVariables = Map<string, Tensor[]>;

interface H5Node {
  type: string;
  keys?(): string[];
  shape?: number[] | null;
  dtype?: unknown;
  value?: unknown;
}

export async function readKerasWeights(path: string): Promise<KerasVariables> {
  const where = `loadWeights: ${path}`;
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new Error(`${where}: no such file`);
  if (!hasHdf5Signature(absolute)) throw new Error(`${where}: not a readable HDF5 file (no HDF5 signature)`);
  const { default: h5wasm } = await import('h5wasm/node');
  await h5wasm.ready;
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = new h5wasm.File(absolute, 'r');
  } catch (e) {
    throw new Error(`${where}: not a readable HDF5 file (${(e as Error).message})`);
  }
  try {
    const out: KerasVariables = new Map();
    const visit = (groupPath: string) => {
      const node = file.get(groupPath || '/') as unknown as H5Node | null;
      if (node === null || node.type !== 'Group' || !node.keys) return;
      for (const key of node.keys()) {
        const childPath = groupPath ? `${groupPath}/${key}` : key;
        if (key === 'vars') out.set(groupPath, readVars(file, childPath, where));
        else visit(childPath);
      }
    };
    visit('');
    if (out.size === 0) throw new Error(`${where}: no 'vars' groups: this is not a Keras 3 weights file (.weights.h5)`);
    return out;
  } finally {
    file.close();
  }
}

function readVars(file: { get(path: string): unknown }, varsPath: string, where: string): Tensor[] {
  const group = file.get(varsPath) as H5Node;
  if (group.type !== 'Group' || !group.keys) throw new Error(`${where}: ${varsPath} is not a group`);
  const keys = group.keys();
  const indices = keys.map(Number).sort((a, b) => a - b);
  if (keys.some((k) => !/^\d+$/.test(k)) || indices.some((k, i) => k !== i)) {
    throw new Error(`${where}: ${varsPath} holds ${keys.join(', ')}; Keras 3 numbers the variables 0, 1, 2, …`);
  }
  return indices.map((i) => {
    const dataset = file.get(`${varsPath}/${i}`) as H5Node;
    if (dataset.type !== 'Dataset') throw new Error(`${where}: ${varsPath}/${i} is not a dataset`);
    return toTensor(dataset, `${varsPath}/${i}`, where);
  });
}

/** HDF5 dtype strings as h5wasm spells them ('<f' float32, '<d' float64, '<e' float16, '<i' int32, '<q' int64, '|b1' bool). */
function toTensor(dataset: H5Node, path: string, where: string): Tensor {
  const shape = dataset.shape ?? [];
  const value = dataset.value;
  const dtype = String(dataset.dtype);
  const put = (values: TypedArray, as: DType) => new Tensor(values, shape.slice(), as);
  if (value instanceof Float32Array) return put(value, 'float32');
  if (value instanceof Float64Array) return put(value, 'float64');
  if (value instanceof Int32Array) return put(value, 'int32');
  if (value instanceof BigInt64Array) {
    const ints = new Int32Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (value[i] > 2147483647n || value[i] < -2147483648n) throw new Error(`${where}: ${path} is int64 with a value outside int32 (${value[i]})`);
      ints[i] = Number(value[i]);
    }
    return put(ints, 'int32');
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    return Number.isInteger(n) && !/[fde]/.test(dtype) ? put(Int32Array.of(n), 'int32') : put(Float32Array.of(n), 'float32');
  }
  if (value instanceof Uint16Array && dtype === '<e') return put(Float32Array.from(value, halfToFloat), 'float32');
  if (value instanceof Uint8Array || value instanceof Int8Array) return put(Uint8Array.from(value, (v) => (v ? 1 : 0)), 'bool');
  throw new Error(`${where}: ${path} has HDF5 dtype ${dtype}, which tapeflow does not read (float16/32/64, int32/64, bool)`);
}

/** The HDF5 superblock signature sits at byte 0, or after a user block at 512, 1024, 2048, … */
function hasHdf5Signature(path: string): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(8);
    for (let at = 0; at <= 1 << 20; at = at === 0 ? 512 : at * 2) {
      if (readSync(fd, bytes, 0, 8, at) < 8) return false;
      if (bytes.every((b, i) => b === signature[i])) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}
