/**
 * The Model base (Keras 3's `Model`): a layer made of layers, with weights access, `predict`,
 * `summary`, and training (`compile`, `fit`, `evaluate`, `trainOnBatch`, in trainer.ts).
 * Sequential (sequential.ts) and functional (functional.ts) models extend it; a subclassed
 * model overrides `call(inputs, {training})`, and the layers and variables it holds as fields
 * are tracked (their weights are the model's).
 */
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { concat } from '../ops/concat.js';
import { slice } from '../ops/strided.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Layer, fmtShape, isShapeList, type CallArgs, type LayerArgs, type LayerInput, type LayerOutput, type Shape } from '../layers/layer.js';
import { compileModel, evaluateModel, fitModel, trainOnBatchModel, type CompileArgs, type CompiledState, type EvaluateArgs, type FitArgs } from './trainer.js';
import type { History } from './callbacks.js';
import type { Dataset } from './batches.js';

export interface ModelFiles {
  save(model: Model, dir: string): Promise<void>;
  saveWeights(model: Model, path: string): Promise<void>;
  loadWeights(model: Model, path: string, options: { skipMismatch?: boolean }): Promise<void>;
}

function modelFiles(): ModelFiles {
  if (Model.files === null) throw new Error('model files are not loaded (import tapeflow, not its internals)');
  return Model.files;
}

export interface PredictArgs {
  batchSize?: number;
}

export class Model extends Layer {
  /** The optimizer given to `compile` (an instance). */
  optimizer: Optimizer | null = null;
  /** Set to true (by a callback) to end `fit` after the current batch. */
  stopTraining = false;
  /** @internal What `compile` resolved. */
  compiled: CompiledState | null = null;

  /**
   * `new tf.Model({inputs, outputs})` builds a functional model, as Keras's `Model(inputs,
   * outputs)` does (functional.ts registers the builder here, avoiding an import cycle); any
   * other options make a subclassed model's base.
   */
  constructor(args: LayerArgs & { inputs?: unknown; outputs?: unknown } = {}) {
    const { inputs, outputs, ...rest } = args ?? {};
    super(rest);
    if ((inputs !== undefined || outputs !== undefined) && new.target === Model) {
      if (Model.functional === null) throw new Error('Model: the functional API is not loaded');
      return Model.functional({ ...rest, inputs, outputs });
    }
  }

  /** @internal Builds a functional model (set by functional.ts). */
  static functional: ((args: LayerArgs & { inputs?: unknown; outputs?: unknown }) => Model) | null = null;

  /** @internal Model files (set by io/model-files.ts, which reads and writes them). */
  static files: ModelFiles | null = null;

  /**
   * Writes `dir/model.safetensors` (weights, optimizer state, architecture) and `dir/model.json`
   * (the architecture and compile config, to read); `tf.loadModel(dir)` restores the model.
   */
  async save(dir: string): Promise<void> {
    return modelFiles().save(this, dir);
  }

  /** Writes the weights alone, by path, as safetensors. */
  async saveWeights(path: string): Promise<void> {
    return modelFiles().saveWeights(this, path);
  }

  /** Reads weights by path from safetensors, or a Keras 3 `.weights.h5` file; a missing, extra or misshapen weight throws unless `skipMismatch`. */
  async loadWeights(path: string, options?: { skipMismatch?: boolean }): Promise<void> {
    return modelFiles().loadWeights(this, path, options ?? {});
  }

  /** The model's layers: for a subclassed model, the layers held as fields, in assignment order. */
  get layers(): Layer[] {
    return this.trackedLayers;
  }

  /** A layer by name (or by index into `layers`). */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      const layer = layers[nameOrIndex];
      if (layer === undefined) throw new RangeError(`model '${this.name}'.getLayer: index ${nameOrIndex} is out of range for ${layers.length} layers`);
      return layer;
    }
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (layer === undefined) throw new Error(`model '${this.name}'.getLayer: no layer named ${JSON.stringify(nameOrIndex)}; the layers are ${layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  override call(_inputs: LayerInput, _args: CallArgs): LayerOutput {
    throw new Error(`model '${this.name}' (${this.className}): a subclassed model must override call(inputs, {training})`);
  }

  /** The model's outputs for `x`, computed in batches of `batchSize` (32) in inference mode. */
  predict(x: TensorLike | Tensor[], args: PredictArgs = {}): Tensor {
    const batchSize = args.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`model '${this.name}'.predict: batchSize must be a positive integer, got ${batchSize}`);
    const inputs = Array.isArray(x) && x.every((t) => t instanceof Tensor) ? (x as Tensor[]) : [toTensor(x as TensorLike, `${this.name}.predict`, 'x')];
    const n = inputs[0].shape[0];
    const outs: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const batch = inputs.map((t) => (n <= batchSize ? t : slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)])));
      const y = this.apply(batch.length === 1 ? batch[0] : batch, { training: false });
      if (Array.isArray(y)) throw new Error(`model '${this.name}'.predict: models with several outputs are not supported by predict; use apply`);
      outs.push(y);
    }
    return outs.length === 1 ? outs[0] : concat(outs, 0);
  }

  compile(args: CompileArgs): void {
    compileModel(this, args);
  }

  /** Trains on arrays `fit(x, y, args)` or on a dataset `fit(dataset, args)`; resolves to the History. */
  fit(x: TensorLike | Tensor[] | Dataset, y?: TensorLike | FitArgs, args?: FitArgs): Promise<History> {
    return fitModel(this, x, y, args);
  }

  /** The loss (and metrics) on `x`, `y`, in batches, inference mode. */
  evaluate(x: TensorLike | Tensor[], y: TensorLike, args?: EvaluateArgs): number | number[] | Record<string, number> {
    return evaluateModel(this, x, y, args);
  }

  /** One training step on one batch; returns the loss, or `[loss, ...metrics]` when compiled with metrics. */
  trainOnBatch(x: TensorLike | Tensor[], y: TensorLike): number | number[] {
    return trainOnBatchModel(this, x, y);
  }

  /** Prints Keras's table (layer (type), output shape, param #) and the parameter totals. */
  summary(printFn: (line: string) => void = (line) => console.log(line)): void {
    for (const line of summaryLines(this)) printFn(line);
  }
}

/** The lines `summary()` prints, in Keras 3's layout (box-drawn table, totals below). */
export function summaryLines(model: Model): string[] {
  if (!model.built) throw new Error(`model '${model.name}': summary before the model is built; give the first layer inputShape, use tf.input, or call the model on data first`);
  const rows = model.layers.map((l) => [
    `${l.name} (${l.className})`,
    l.outputShape === null ? '?' : isShapeList(l.outputShape) ? (l.outputShape as Shape[]).map(fmtShape).join(', ') : fmtShape(l.outputShape as Shape),
    l.weights.reduce((n, w) => n + w.size, 0).toLocaleString('en-US'),
  ]);
  const widths = [31, 22, 13];
  for (const r of rows) r.forEach((cell, i) => { widths[i] = Math.max(widths[i], cell.length); });
  const cell = (text: string, i: number) => (i === 2 ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const rule = (l: string, fillChar: string, mid: string, r: string) => l + widths.map((w) => fillChar.repeat(w + 2)).join(mid) + r;
  const row = (cells: string[], edge: string) => edge + cells.map((c, i) => ` ${cell(c, i)} `).join(edge) + edge;
  const lines = [`Model: "${model.name}"`, rule('┏', '━', '┳', '┓'), row(['Layer (type)', 'Output Shape', 'Param #'], '┃'), rule('┡', '━', '╇', '┩')];
  rows.forEach((r, i) => {
    if (i > 0) lines.push(rule('├', '─', '┼', '┤'));
    lines.push(row(r, '│'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  const bytes = (ws: { size: number; dtype: string }[]) => ws.reduce((n, w) => n + w.size * (w.dtype === 'float64' ? 8 : 4), 0);
  const count = (ws: { size: number }[]) => ws.reduce((n, w) => n + w.size, 0);
  const line = (label: string, ws: { size: number; dtype: string }[]) => ` ${label}: ${count(ws).toLocaleString('en-US')} (${readableSize(bytes(ws))})`;
  lines.push(line('Total params', model.weights), line('Trainable params', model.trainableWeights), line('Non-trainable params', model.nonTrainableWeights));
  return lines;
}

/** Keras's readable_memory_size: powers of 1024, two decimals. */
function readableSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(2)} ${units[i]}`;
}
