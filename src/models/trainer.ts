/**
 * compile / fit / evaluate / trainOnBatch for every model (Keras 3's Trainer). One training
 * step is a GradientTape around the forward pass and the loss (plus the layers' regularization
 * losses) and `optimizer.applyGradients`: the loop a user writes by hand, with no autodiff or
 * kernels of its own, so every optimizer option works unchanged. `fit` is a loop over that step
 * with batching, shuffling, validation, metrics and callbacks.
 */
import { runScoped, Tensor, toTensor, type TensorLike } from '../tensor.js';
import { GradientTape } from '../autodiff/tape.js';
import { add } from '../ops/binary.js';
import { Optimizer } from '../optimizers/optimizer.js';
import { get as getOptimizer } from '../optimizers/index.js';
import { LOSSES, sparseCategoricalCrossentropy, type LossFn } from '../ops/composite/losses.js';
import { getMetric, Mean, Metric, type LossIdentifier, type MetricFn } from '../metrics/index.js';
import { squeezeOrExpand } from '../metrics/metric.js';
import type { Variable } from '../variable.js';
import { show } from '../validate.js';
import type { Model } from './model.js';
import type { Layer } from '../layers/layer.js';
import { dataParallel, type DataParallel } from './data-parallel.js';
import { zeros } from '../ops/create.js';
import { arrayBatches, datasetBatch, isDataset, rows, shuffleSource, type Batch, type Dataset } from './batches.js';
import { CallbackList, History, type CallbackLike, type Logs } from './callbacks.js';
import { ProgressLogger, ttyBarClass } from './progress.js';

export interface CompileArgs {
  optimizer: Optimizer | string;
  loss: string | LossFn;
  metrics?: (string | Metric | MetricFn)[];
}

/** @internal What `compile` resolved, kept on the model. */
export interface CompiledState {
  loss: LossFn;
  lossName: string;
  lossTracker: Mean;
  metrics: Metric[];
  /** What `compile` was given (the optimizer resolved to its instance), for model files. */
  args: CompileArgs;
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  validationData?: [TensorLike | Tensor[], TensorLike] | Dataset;
  shuffle?: boolean;
  seed?: number;
  callbacks?: CallbackLike[];
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
}

export interface EvaluateArgs {
  batchSize?: number;
  returnDict?: boolean;
}

const FIT_KEYS = ['epochs', 'batchSize', 'validationSplit', 'validationData', 'shuffle', 'seed', 'callbacks', 'verbose', 'initialEpoch'];

export function compileModel(model: Model, args: CompileArgs): void {
  if (typeof args !== 'object' || args === null) throw new TypeError(`compile: expected {optimizer, loss, metrics?}, got ${show(args)}`);
  const { optimizer, loss, metrics = [] } = args;
  for (const k of Object.keys(args)) if (!['optimizer', 'loss', 'metrics'].includes(k)) throw new TypeError(`compile: unknown option '${k}'; expected optimizer, loss, metrics`);
  if (optimizer === undefined) throw new TypeError('compile: options.optimizer is required (an optimizer or a name such as \'adam\')');
  let opt: Optimizer;
  if (typeof optimizer === 'string') {
    try {
      opt = getOptimizer(optimizer);
    } catch (e) {
      throw new RangeError(`compile: ${(e as Error).message.replace(/^optimizers\.get: /, '')}`);
    }
  } else if (optimizer instanceof Optimizer) {
    opt = optimizer;
  } else {
    throw new TypeError(`compile: optimizer must be an optimizer or a name, got ${show(optimizer)}`);
  }
  let lossFn: LossFn;
  let lossName: string;
  if (typeof loss === 'string') {
    lossFn = LOSSES.get(loss, 'compile');
    lossName = loss;
  } else if (typeof loss === 'function') {
    lossFn = loss;
    lossName = loss.name || 'loss';
  } else {
    throw new TypeError(`compile: loss must be a loss function or a name (${LOSSES.names().join(', ')}), got ${show(loss)}`);
  }
  if (!Array.isArray(metrics)) throw new TypeError(`compile: metrics must be an array, got ${show(metrics)}`);
  const lossId: LossIdentifier = typeof loss === 'string' ? LOSSES.names().find((n) => LOSSES.lookup(n) === lossFn) ?? loss : loss;
  const resolved = metrics.map((m) => {
    try {
      return getMetric(m, lossId);
    } catch (e) {
      throw new RangeError(`compile: ${(e as Error).message.replace(/^getMetric: /, '')}`);
    }
  });
  model.optimizer = opt;
  model.compiled = { loss: lossFn, lossName, lossTracker: new Mean({ name: 'loss' }), metrics: resolved, args: { optimizer: opt, loss, metrics } };
}

function compiled(model: Model, op: string): CompiledState {
  if (model.compiled === null || model.optimizer === null) throw new Error(`${op}: the model must be compiled first: model.compile({optimizer, loss})`);
  return model.compiled;
}

/** The loss of a batch as Keras's LossFunctionWrapper computes it (ranks matched first), plus regularization. */
function totalLoss(model: Model, state: CompiledState, y: Tensor, yPred: Tensor): Tensor {
  const [t, p] = squeezeOrExpand(y, yPred);
  let loss = state.loss(t, p);
  for (const penalty of model.losses) loss = add(loss, penalty);
  return loss;
}

function forward(model: Model, x: Tensor[], training: boolean): Tensor {
  const y = model.apply(x.length === 1 ? x[0] : x, { training });
  if (Array.isArray(y)) throw new Error(`model '${model.name}': training models with several outputs is not supported yet`);
  return y;
}

/**
 * The step `fit` repeats: forward and loss under a tape, then one optimizer update. In a
 * data-parallel job each rank holds a part of the global batch: its gradients, weighted by its
 * share of the rows (`weight`), are summed over the ranks before the update, so the step is the
 * one a single process would take on the whole global batch. A rank with no rows in a (last,
 * short) global batch still takes part, with zero gradients.
 */
function trainStep(model: Model, state: CompiledState, vars: Variable[], batch: Batch | null, weight = 1): void {
  // Everything the step makes is garbage at its end: the scope hands the storage to the next step.
  runScoped(() => trainStepUnscoped(model, state, vars, batch, weight));
}

function trainStepUnscoped(model: Model, state: CompiledState, vars: Variable[], batch: Batch | null, weight: number): void {
  const dp = dataParallel();
  let grads: (Tensor | null)[];
  if (batch === null) {
    grads = vars.map((v) => zeros(v.shape, v.dtype));
  } else {
    const tape = new GradientTape();
    let yPred: Tensor | null = null;
    const loss = tape.record(() => {
      yPred = forward(model, batch.x, true);
      return totalLoss(model, state, batch.y, yPred);
    });
    grads = tape.gradient(loss, vars) as (Tensor | null)[];
    state.lossTracker.updateState(loss, batch.y.shape[0]);
    for (const m of state.metrics) m.updateState(batch.y, yPred!);
  }
  if (dp !== null && !dp.averagesItself(model.optimizer!)) grads = dp.weightedGradients(grads, vars, weight);
  model.optimizer!.applyGradients(grads.map((g, i) => [g, vars[i]] as const));
}

/**
 * This rank's rows of each global batch (`batchSize` rows per rank, in rank order), and this
 * rank's share of the global batch's rows.
 */
function* shardedBatches(batches: Iterable<Batch>, rank: number, size: number, batchSize: number): Generator<[Batch | null, number]> {
  for (const global of batches) {
    const m = global.y.shape[0];
    const start = Math.min(rank * batchSize, m), end = Math.min(start + batchSize, m);
    const mine = end > start ? { x: global.x.map((t) => rows(t, start, end - start)), y: rows(global.y, start, end - start) } : null;
    yield [mine, (end - start) / m];
  }
}

/** Every `size`-th batch of a dataset from `rank` on, while every rank has one (shorter ranks end the epoch for all). */
async function* shardedDataset(batches: AsyncIterable<Batch>, dp: DataParallel): AsyncGenerator<[Batch | null, number]> {
  let k = 0;
  const it = batches[Symbol.asyncIterator]();
  for (;;) {
    let mine: Batch | null = null;
    for (let r = 0; r < dp.size; r++) {
      const next = await it.next();
      if (next.done) break;
      if (r === dp.rank) mine = next.value;
      k++;
    }
    const rowsHere = mine === null ? 0 : mine.y.shape[0];
    const [haveBatch, total] = dp.sum([mine === null ? 0 : 1, rowsHere]);
    if (haveBatch < dp.size) {
      await it.return?.();
      return;
    }
    yield [mine, rowsHere / total];
  }
}

/**
 * The logs of all ranks, each weighted by the rows it trained on this epoch (Horovod's
 * MetricAverageCallback, weighted): exact for the loss and for metrics that are means over
 * examples, the row-weighted average of the ranks' values for the others (precision, AUC).
 */
function averageLogs(logs: Logs, dp: DataParallel | null, rowsSeen: number): Logs {
  if (dp === null) return logs;
  const keys = Object.keys(logs);
  const [rowsTotal, ...sums] = dp.sum([rowsSeen, ...keys.map((k) => logs[k] * rowsSeen)]);
  return Object.fromEntries(keys.map((k, i) => [k, sums[i] / rowsTotal]));
}

function testStep(model: Model, state: CompiledState, batch: Batch): void {
  runScoped(() => {
    const yPred = forward(model, batch.x, false);
    state.lossTracker.updateState(totalLoss(model, state, batch.y, yPred), batch.y.shape[0]);
    for (const m of state.metrics) m.updateState(batch.y, yPred);
  });
}

function resetMetrics(state: CompiledState): void {
  state.lossTracker.resetState();
  for (const m of state.metrics) m.resetState();
}

function currentLogs(state: CompiledState, prefix = ''): Logs {
  const logs: Logs = { [`${prefix}loss`]: state.lossTracker.result().item() };
  for (const m of state.metrics) logs[prefix + m.name] = m.result().item();
  return logs;
}

function asInputs(x: TensorLike | Tensor[], op: string): Tensor[] {
  return Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor) ? (x as Tensor[]) : [toTensor(x as TensorLike, op, 'x')];
}

/**
 * Checks, before any training, that `x` fits the model and `y` fits the loss: one example is
 * run forward in inference mode (which also builds an unbuilt model) and the loss computed on it.
 */
/**
 * The data each (compiled model, call) last passed checkData with: tensors are immutable, so
 * the same tensors against the same compile state and layers pass again without the one-row
 * forward (a loop calling `fit(x, y, {epochs: 1})` checks once). Held weakly.
 */
const lastChecked = new WeakMap<CompiledState, Map<string, { x: WeakRef<Tensor>[]; y: WeakRef<Tensor>; layers: Layer[] }>>();

function checkData(model: Model, state: CompiledState, x: Tensor[], y: Tensor, op: string): void {
  const seen = lastChecked.get(state)?.get(op);
  const layers = model.layers;
  if (seen && seen.y.deref() === y && seen.x.length === x.length && seen.x.every((r, i) => r.deref() === x[i]) &&
      seen.layers.length === layers.length && seen.layers.every((l, i) => l === layers[i])) return;
  checkDataOnce(model, state, x, y, op);
  if (!lastChecked.has(state)) lastChecked.set(state, new Map());
  lastChecked.get(state)!.set(op, { x: x.map((t) => new WeakRef(t)), y: new WeakRef(y), layers: [...layers] });
}

function checkDataOnce(model: Model, state: CompiledState, x: Tensor[], y: Tensor, op: string): void {
  const n = y.rank === 0 ? 0 : y.shape[0];
  for (const [i, t] of x.entries()) {
    if (t.rank === 0 || t.shape[0] !== n) throw new Error(`${op}: x${x.length > 1 ? `[${i}]` : ''} has ${t.rank === 0 ? 'no batch axis' : `${t.shape[0]} examples`} (shape [${t.shape}]) but y has ${y.rank === 0 ? 'no batch axis' : `${n}`} (shape [${y.shape}])`);
  }
  if (n === 0) throw new Error(`${op}: no examples (y has shape [${y.shape}])`);
  const yPred = forward(model, x.map((t) => rows(t, 0, 1)), false);
  if (state.loss === sparseCategoricalCrossentropy) {
    const classes = yPred.shape[yPred.rank - 1];
    const labels = y.dataSync();
    for (let i = 0; i < labels.length; i++) {
      if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classes) {
        throw new Error(`${op}: labels for 'sparseCategoricalCrossentropy' must be class indices in [0, ${classes}); y (dtype ${y.dtype}) has ${labels[i]} at flat index ${i}`);
      }
    }
  }
  try {
    totalLoss(model, state, rows(y, 0, 1), yPred);
  } catch (e) {
    throw new Error(`${op}: labels of shape [${y.shape}] and dtype ${y.dtype} do not fit the loss '${state.lossName}' for model outputs of shape [${['batch', ...yPred.shape.slice(1)]}]: ${(e as Error).message}`);
  }
}

async function resolveFitArgs(model: Model, x: TensorLike | Tensor[] | Dataset, y: TensorLike | FitArgs | undefined, argsIn: FitArgs | undefined) {
  const datasetMode = isDataset(x);
  const args: FitArgs = (datasetMode ? (y as FitArgs | undefined) : argsIn) ?? {};
  if (typeof args !== 'object' || args === null) throw new TypeError(`fit: options must be an object, got ${show(args)}`);
  for (const k of Object.keys(args)) if (!FIT_KEYS.includes(k)) throw new TypeError(`fit: unknown option '${k}'; expected ${FIT_KEYS.join(', ')}`);
  const { epochs = 1, batchSize = 32, shuffle = true, verbose = 1, initialEpoch = 0 } = args;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`fit: epochs must be a non-negative integer, got ${show(epochs)}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`fit: batchSize must be a positive integer, got ${show(batchSize)}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new RangeError(`fit: initialEpoch must be a non-negative integer, got ${show(initialEpoch)}`);
  if (![0, 1, 2].includes(verbose)) throw new RangeError(`fit: verbose must be 0, 1 or 2, got ${show(verbose)}`);
  return { datasetMode, args, epochs, batchSize, shuffle, verbose, initialEpoch };
}

export async function fitModel(model: Model, x: TensorLike | Tensor[] | Dataset, y: TensorLike | FitArgs | undefined, argsIn: FitArgs | undefined): Promise<History> {
  const state = compiled(model, 'fit');
  const { datasetMode, args, epochs, batchSize, shuffle, verbose, initialEpoch } = await resolveFitArgs(model, x, y, argsIn);

  let trainX: Tensor[] = [], trainY: Tensor | null = null;
  let valX: Tensor[] | null = null, valY: Tensor | null = null, valDataset: Dataset | null = null;
  if (!datasetMode) {
    if (y === undefined) throw new TypeError('fit: expected fit(x, y, options) or fit(dataset, options)');
    trainX = asInputs(x as TensorLike | Tensor[], 'fit');
    trainY = toTensor(y as TensorLike, 'fit', 'y');
    checkData(model, state, trainX, trainY, 'fit');
    const split = args.validationSplit;
    if (split !== undefined && split !== 0) {
      if (typeof split !== 'number' || !(split > 0 && split < 1)) throw new RangeError(`fit: validationSplit must be a number in (0, 1), got ${show(split)}`);
      if (args.validationData !== undefined) throw new Error('fit: give validationSplit or validationData, not both');
      // Keras: the last fraction of the examples, taken before any shuffling.
      const n = trainY.shape[0];
      const splitAt = Math.floor(n * (1 - split));
      if (splitAt === 0 || splitAt === n) throw new RangeError(`fit: validationSplit ${split} of ${n} examples leaves an empty training or validation set`);
      valX = trainX.map((t) => rows(t, splitAt, n - splitAt));
      valY = rows(trainY, splitAt, n - splitAt);
      trainX = trainX.map((t) => rows(t, 0, splitAt));
      trainY = rows(trainY, 0, splitAt);
    }
  } else if (args.validationSplit !== undefined) {
    throw new Error('fit: validationSplit needs arrays; with a dataset, pass validationData');
  }
  if (args.validationData !== undefined) {
    const vd = args.validationData;
    if (isDataset(vd)) {
      valDataset = vd;
    } else if (Array.isArray(vd) && vd.length === 2) {
      valX = asInputs(vd[0], 'fit');
      valY = toTensor(vd[1], 'fit', 'validationData[1]');
      checkData(model, state, valX, valY, 'fit (validationData)');
    } else {
      throw new TypeError('fit: validationData must be [x, y] or a dataset');
    }
  }
  const userCallbacks = args.callbacks ?? [];
  if (!Array.isArray(userCallbacks)) throw new TypeError(`fit: callbacks must be an array, got ${show(userCallbacks)}`);

  const history = new History();
  // In a data-parallel job each step takes batchSize rows on every rank; only rank 0 reports.
  const dp = dataParallel();
  const globalBatch = batchSize * (dp?.size ?? 1);
  const steps = trainY !== null ? Math.ceil(trainY.shape[0] / globalBatch) : null;
  const shown = dp !== null && dp.rank !== 0 ? 0 : verbose;
  const progress = shown === 0 ? [] : [new ProgressLogger(shown, epochs, steps, shown === 1 ? await ttyBarClass() : null)];
  const callbacks = new CallbackList([...progress, ...userCallbacks, history]);
  callbacks.setModel(model);
  const batchLogs = callbacks.wantsBatches;
  const rand = trainY !== null && shuffle ? shuffleSource(args.seed) : null;
  let vars: Variable[] | null = null;

  model.stopTraining = false;
  await callbacks.trainBegin({});
  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    resetMetrics(state);
    await callbacks.epochBegin(epoch, {});
    const plain: Iterable<Batch> | AsyncIterable<Batch> = trainY !== null
      ? arrayBatches(trainX, trainY, globalBatch, rand)
      : mapAsync(x as Dataset, (e) => datasetBatch(e, 'fit'));
    const whole = (b: Batch) => [b, 1] as [Batch, number];
    const batches: Iterable<[Batch | null, number]> | AsyncIterable<[Batch | null, number]> = dp === null
      ? (trainY !== null ? mapSync(plain, whole) : mapAsync(plain, whole))
      : trainY !== null ? shardedBatches(plain as Iterable<Batch>, dp.rank, dp.size, batchSize) : shardedDataset(plain as AsyncIterable<Batch>, dp);
    let step = 0;
    let rowsSeen = 0;
    for await (const [batch, weight] of batches) {
      rowsSeen += batch?.y.shape[0] ?? 0;
      if (batchLogs) await callbacks.batchBegin(step, {});
      if (vars === null) {
        if (!model.built && batch !== null) forward(model, batch.x.map((t) => rows(t, 0, 1)), false);
        vars = model.trainableWeights;
        // every rank starts from rank 0's weights (Horovod's BroadcastGlobalVariablesCallback)
        dp?.broadcast(model.weights);
      }
      trainStep(model, state, vars, batch, weight);
      if (batchLogs) await callbacks.batchEnd(step, currentLogs(state));
      step++;
      if (model.stopTraining) break;
    }
    const logs = averageLogs(currentLogs(state), dp, rowsSeen);
    if (valY !== null || valDataset !== null) {
      const val = valDataset !== null ? await evaluateDataset(model, state, valDataset) : evaluateArrays(model, state, valX!, valY!, batchSize);
      for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
    }
    await callbacks.epochEnd(epoch, logs);
    if (model.stopTraining) break;
  }
  await callbacks.trainEnd({});
  return history;
}

async function* mapAsync<A, B>(source: AsyncIterable<A> | Iterable<A>, f: (a: A) => B): AsyncGenerator<B> {
  for await (const a of source) yield f(a);
}

function* mapSync<A, B>(source: Iterable<A> | AsyncIterable<A>, f: (a: A) => B): Generator<B> {
  for (const a of source as Iterable<A>) yield f(a);
}

function evaluateArrays(model: Model, state: CompiledState, x: Tensor[], y: Tensor, batchSize: number): Logs {
  resetMetrics(state);
  for (const batch of arrayBatches(x, y, batchSize, null)) testStep(model, state, batch);
  return currentLogs(state);
}

async function evaluateDataset(model: Model, state: CompiledState, data: Dataset): Promise<Logs> {
  resetMetrics(state);
  for await (const e of data) testStep(model, state, datasetBatch(e, 'evaluate'));
  return currentLogs(state);
}

function shapeLogs(logs: Logs, state: CompiledState, returnDict: boolean): number | number[] | Logs {
  if (returnDict) return logs;
  return state.metrics.length === 0 ? logs.loss : Object.values(logs);
}

export function evaluateModel(model: Model, x: TensorLike | Tensor[], y: TensorLike, args: EvaluateArgs = {}): number | number[] | Logs {
  const state = compiled(model, 'evaluate');
  const { batchSize = 32, returnDict = false } = args;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`evaluate: batchSize must be a positive integer, got ${show(batchSize)}`);
  const xs = asInputs(x, 'evaluate');
  const ys = toTensor(y, 'evaluate', 'y');
  checkData(model, state, xs, ys, 'evaluate');
  return shapeLogs(evaluateArrays(model, state, xs, ys, batchSize), state, returnDict);
}

/** One step on one batch (metrics reset first, as Keras's default `reset_metrics=True`). */
export function trainOnBatchModel(model: Model, x: TensorLike | Tensor[], y: TensorLike): number | number[] {
  const state = compiled(model, 'trainOnBatch');
  const xs = asInputs(x, 'trainOnBatch');
  const ys = toTensor(y, 'trainOnBatch', 'y');
  checkData(model, state, xs, ys, 'trainOnBatch');
  resetMetrics(state);
  trainStep(model, state, model.trainableWeights, { x: xs, y: ys });
  return shapeLogs(currentLogs(state), state, false) as number | number[];
}
