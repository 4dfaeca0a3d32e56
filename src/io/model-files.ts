/**
 * Model files: `model.save(dir)` / `tf.loadModel(dir)` and `model.saveWeights(path)` /
 * `model.loadWeights(path)`.
 *
 * `dir/model.safetensors` holds everything a resumed run needs, in one atomically written file:
 * the weights under their paths (`dense/kernel`), the optimizer's slots under
 * `optimizer/<variable>/<slot>`, and in `__metadata__['tapeflow.model']` the architecture
 * (models/config.ts), the compile config and the optimizer's scalars (iterations, …).
 * `dir/model.json` repeats the architecture and compile config for people and tools to read;
 * loading uses the safetensors file alone, so a crash between the two writes never pairs new
 * weights with an old architecture.
 *
 * `saveWeights`/`loadWeights` exchange weights alone, matched by path; `loadWeights` also reads
 * Keras 3's `.weights.h5` files (keras-h5.ts), matching layers as Keras does (by class, in
 * order) and variables in Keras's order (trainable, then non-trainable).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../tensor.js';
import { cast } from '../ops/cast.js';
import type { Variable } from '../variable.js';
import { Optimizer, type OptimizerState, type VariableState } from '../optimizers/optimizer.js';
import { LOSSES } from '../ops/composite/losses.js';
import { Model } from '../models/model.js';
import { modelFromConfig, modelToConfig, type ModelConfig } from '../models/config.js';
import { toSnakeCase, type Layer } from '../layers/layer.js';
import { readSafetensors, saveSafetensors } from './safetensors.js';
import { readKerasWeights } from './keras-h5.js';
import { writeAtomically } from './atomic.js';
import { show } from '../validate.js';

const FORMAT = 'tapeflow.model';
/** The weights' paths in model order (metadata of every file tapeflow writes). */
const ORDER = 'tapeflow.weights';

function readOrder(metadata: Record<string, string>): string[] | undefined {
  try {
    const order = JSON.parse(metadata[ORDER] ?? 'null') as unknown;
    return Array.isArray(order) && order.every((p) => typeof p === 'string') ? order : undefined;
  } catch {
    return undefined;
  }
}
const FORMAT_VERSION = 1;

interface CompileConfig {
  optimizer: Record<string, unknown>;
  loss: string;
  metrics: string[];
}

interface SavedOptimizer {
  className: string;
  iterations: number;
  extra: Record<string, number | string>;
  variables: Record<string, { dtype: string; size: number; slots: string[]; accumulator: boolean; average: boolean }>;
}

interface ModelFile {
  format: number;
  architecture: ModelConfig;
  compile: CompileConfig | null;
  optimizer: SavedOptimizer | null;
}

/** Each weight by its path; two weights with one path cannot be told apart in a file. */
function weightsByPath(model: Model, op: string): Map<string, Variable> {
  const out = new Map<string, Variable>();
  for (const w of model.weights) {
    if (out.has(w.path)) throw new Error(`${op}: two weights of model '${model.name}' have the path '${w.path}'; give their layers distinct names`);
    out.set(w.path, w);
  }
  return out;
}

function compileConfig(model: Model, op: string): CompileConfig | null {
  const c = model.compiled;
  if (c === null || model.optimizer === null) return null;
  const loss = typeof c.args.loss === 'string' ? c.args.loss : LOSSES.nameOf(c.args.loss);
  if (loss === undefined) throw new Error(`${op}: the model was compiled with a loss function that has no registered name; compile with a loss name, or register the function (LOSSES.register) to save the compile config`);
  const metrics = (c.args.metrics ?? []).map((m, i) => {
    if (typeof m === 'string') return m;
    throw new Error(`${op}: metrics[${i}] is an object or a function; compile with metric names to save the compile config (or save the weights only)`);
  });
  return { optimizer: model.optimizer.getConfig() as unknown as Record<string, unknown>, loss, metrics };
}

/** A path, or a `file://` URL as TF.js's `model.save('file://dir')` spells it. */
function localPath(path: string): string {
  return path.startsWith('file://') ? fileURLToPath(path) : path;
}

export async function saveModel(model: Model, dirArg: string): Promise<void> {
  const op = 'model.save';
  if (typeof dirArg !== 'string' || dirArg === '') throw new TypeError(`${op}: dir must be a directory path, got ${show(dirArg)}`);
  const dir = localPath(dirArg);
  const architecture = modelToConfig(model, op);
  const compile = compileConfig(model, op);
  const tensors: Record<string, Tensor> = {};
  for (const [path, w] of weightsByPath(model, op)) tensors[path] = w;
  let optimizer: SavedOptimizer | null = null;
  if (compile !== null) {
    const state = model.optimizer!.getState();
    optimizer = { className: state.className, iterations: state.iterations, extra: state.extra, variables: {} };
    for (const [name, st] of Object.entries(state.variables)) {
      const dtype = st.dtype as 'float32' | 'float64';
      const put = (key: string, values: number[]) => { tensors[`optimizer/${name}/${key}`] = new Tensor(dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), [values.length], dtype); };
      for (const [slot, values] of Object.entries(st.slots)) put(slot, values);
      if (st.accumulator) put('.accumulator', st.accumulator);
      if (st.average) put('.average', st.average);
      optimizer.variables[name] = { dtype: st.dtype, size: st.size, slots: Object.keys(st.slots), accumulator: st.accumulator !== undefined, average: st.average !== undefined };
    }
  }
  const file: ModelFile = { format: FORMAT_VERSION, architecture, compile, optimizer };
  await mkdir(dir, { recursive: true });
  const order = model.weights.map((w) => w.path);
  await saveSafetensors(join(dir, 'model.safetensors'), tensors, { [FORMAT]: JSON.stringify(file), [ORDER]: JSON.stringify(order) });
  const readable = JSON.stringify({ format: FORMAT_VERSION, architecture, compile, weights: 'model.safetensors' }, null, 2);
  writeAtomically(join(dir, 'model.json'), op, [new TextEncoder().encode(readable + '\n')]);
}

export async function loadModel(dirArg: string): Promise<Model> {
  const op = 'loadModel';
  if (typeof dirArg !== 'string' || dirArg === '') throw new TypeError(`${op}: dir must be a directory path, got ${show(dirArg)}`);
  // TF.js's loadLayersModel names the model.json inside the directory
  const dir = localPath(dirArg).replace(/[\\/]model\.json$/, '');
  const path = join(dir, 'model.safetensors');
  const { tensors, metadata } = await readSafetensors(path).catch((e: Error) => { throw new Error(`${op}: ${e.message.replace(/^loadSafetensors: /, '')}`); });
  if (metadata[FORMAT] === undefined) throw new Error(`${op}: ${path} is a safetensors file without a tapeflow model in its metadata (was it written by model.saveWeights or another library? load it with model.loadWeights)`);
  let file: ModelFile;
  try {
    file = JSON.parse(metadata[FORMAT]) as ModelFile;
  } catch (e) {
    throw new Error(`${op}: ${path}: the model description is not JSON (${(e as Error).message})`);
  }
  if (file.format !== FORMAT_VERSION) throw new Error(`${op}: ${path} has model format ${show(file.format)}; this tapeflow reads format ${FORMAT_VERSION}`);
  const model = modelFromConfig(file.architecture, `${op}: ${path}`);
  const weights = Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith('optimizer/')));
  assignWeights(model, weights, `${op}: ${path}`, false);
  if (file.compile !== null) {
    const optimizer = Optimizer.fromConfig(file.compile.optimizer);
    model.compile({ optimizer, loss: file.compile.loss, metrics: file.compile.metrics });
    if (file.optimizer !== null) optimizer.setState(optimizerState(file.optimizer, tensors, `${op}: ${path}`));
  }
  return model;
}

function optimizerState(saved: SavedOptimizer, tensors: Record<string, Tensor>, where: string): OptimizerState {
  const variables: Record<string, VariableState> = {};
  for (const [name, v] of Object.entries(saved.variables)) {
    const read = (key: string) => {
      const t = tensors[`optimizer/${name}/${key}`];
      if (t === undefined) throw new Error(`${where}: the optimizer state of '${name}' lacks its '${key}' tensor`);
      return t.dataSync() as unknown as number[];
    };
    variables[name] = {
      dtype: v.dtype,
      size: v.size,
      slots: Object.fromEntries(v.slots.map((s) => [s, read(s)])),
      ...(v.accumulator ? { accumulator: read('.accumulator') } : {}),
      ...(v.average ? { average: read('.average') } : {}),
    };
  }
  return { className: saved.className, iterations: saved.iterations, variables, extra: saved.extra };
}

export interface LoadWeightsOptions {
  /** Leave weights that are missing from the file, or shaped differently, as they are (Keras's `skip_mismatch`). */
  skipMismatch?: boolean;
}

/**
 * Sets the model's weights from `{path: tensor}`; every weight must be there with its shape, and
 * nothing else. Layer names number up within a process (`dense`, `dense_1`, …), so a second
 * instance of an architecture has other paths than the one that saved: when the paths differ
 * but the file lists its weights in model order (`order`, written by tapeflow) and every shape
 * agrees position by position, the weights are matched by position, as Keras matches layers.
 */
function assignWeights(model: Model, tensors: Record<string, Tensor>, where: string, skipMismatch: boolean, order?: string[]): void {
  const own = weightsByPath(model, where);
  const mine = [...own.values()];
  const byPosition = order !== undefined && order.length === mine.length && mine.some((w) => tensors[w.path] === undefined) &&
    order.every((p, i) => tensors[p] !== undefined && tensors[p].shape.join() === mine[i].shape.join());
  if (byPosition) {
    mine.forEach((w, i) => { const t = tensors[order[i]]; w.assign(t.dtype === w.dtype ? t : cast(t, w.dtype)); });
    return;
  }
  const problems: string[] = [];
  const plan: [Variable, Tensor][] = [];
  for (const [path, w] of own) {
    const t = tensors[path];
    if (t === undefined) problems.push(`weight '${path}' ${w.dtype} [${w.shape}] is not in the file`);
    else if (t.shape.join() !== w.shape.join()) problems.push(`weight '${path}' has shape [${w.shape}] but the file's is [${t.shape}]`);
    else plan.push([w, t]);
  }
  for (const path of Object.keys(tensors)) if (!own.has(path)) problems.push(`the file has '${path}', which is not a weight of model '${model.name}'`);
  if (problems.length > 0 && !skipMismatch) throw new Error(`${where}: the weights do not match the model: ${problems.join('; ')}`);
  for (const [w, t] of plan) w.assign(t.dtype === w.dtype ? t : cast(t, w.dtype));
}

export async function saveWeights(model: Model, path: string): Promise<void> {
  const op = 'model.saveWeights';
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a file path, got ${show(path)}`);
  if (path.endsWith('.h5')) throw new Error(`${op}: tapeflow writes safetensors (${path} names an HDF5 file; Keras 3 reads safetensors through keras.saving, PyTorch through safetensors.torch.load_file)`);
  const tensors: Record<string, Tensor> = {};
  for (const [p, w] of weightsByPath(model, op)) tensors[p] = w;
  await saveSafetensors(path, tensors, { [ORDER]: JSON.stringify(Object.keys(tensors)) });
}

export async function loadWeights(model: Model, path: string, options: LoadWeightsOptions = {}): Promise<void> {
  const op = 'model.loadWeights';
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a file path, got ${show(path)}`);
  const skip = options?.skipMismatch ?? false;
  if (path.endsWith('.h5')) return loadKerasWeights(model, path, skip);
  const { tensors, metadata } = await readSafetensors(path).catch((e: Error) => { throw new Error(`${op}: ${e.message.replace(/^loadSafetensors: /, '')}`); });
  const weights = Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith('optimizer/')));
  assignWeights(model, weights, `${op}: ${path}`, skip, readOrder(metadata));
}

/**
 * Keras 3's layout: the model's layers at `layers/<snake_case class>[_k]` in model order, each
 * group's datasets `0, 1, …` in the order trainable then non-trainable variables.
 */
async function loadKerasWeights(model: Model, path: string, skipMismatch: boolean): Promise<void> {
  const where = `model.loadWeights: ${path}`;
  const groups = await readKerasWeights(path);
  const counts = new Map<string, number>();
  const problems: string[] = [];
  const plan: [Variable, Tensor][] = [];
  const used = new Set<string>();
  for (const layer of model.layers as Layer[]) {
    const base = toSnakeCase(layer.className);
    const k = counts.get(base) ?? 0;
    counts.set(base, k + 1);
    const key = `layers/${k === 0 ? base : `${base}_${k}`}`;
    const vars = [...layer.trainableWeights, ...layer.nonTrainableWeights];
    const values = groups.get(key);
    if (vars.length === 0) {
      if (values !== undefined) used.add(key);
      continue;
    }
    if (values === undefined) {
      problems.push(`layer '${layer.name}' (${layer.className}) has no group '${key}/vars' in the file`);
      continue;
    }
    used.add(key);
    if (values.length !== vars.length) {
      problems.push(`layer '${layer.name}': '${key}/vars' holds ${values.length} variables, the layer has ${vars.length} (${vars.map((v) => v.path).join(', ')})`);
      continue;
    }
    vars.forEach((v, i) => {
      const t = values[i];
      if (t.shape.join() !== v.shape.join()) problems.push(`weight '${v.path}' has shape [${v.shape}] but '${key}/vars/${i}' is [${t.shape}]`);
      else plan.push([v, t]);
    });
  }
  for (const key of groups.keys()) {
    if (key.startsWith('layers/') && !used.has(key) && groups.get(key)!.length > 0) problems.push(`the file's '${key}' matches no layer of the model`);
  }
  if (problems.length > 0 && !skipMismatch) throw new Error(`${where}: the Keras weights do not match the model: ${problems.join('; ')}`);
  for (const [v, t] of plan) v.assign(t.dtype === v.dtype ? t : cast(t, v.dtype));
}

Model.files = { save: saveModel, saveWeights, loadWeights };
