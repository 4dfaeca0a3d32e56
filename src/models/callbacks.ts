/**
 * Callbacks (Keras 3's): objects with any of onTrainBegin/End, onEpochBegin/End,
 * onBatchBegin/End (sync or async; `fit` awaits each), the History that `fit` returns, and the
 * built-ins of `tf.callbacks`. A new built-in extends `Callback` (which receives the model
 * through `setModel` before training) and gets a camelCase factory at the bottom of this file.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { Tensor } from '../tensor.js';
import type { Model } from './model.js';
import { checkOptions, show } from '../validate.js';
import { dataParallel } from './data-parallel.js';

export type Logs = Record<string, number>;
type Hook = (index: number, logs: Logs) => void | Promise<void>;

/** What `fit` accepts as a callback: any object with some of these methods. */
export interface CallbackLike {
  setModel?(model: Model): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?: Hook;
  onEpochEnd?: Hook;
  onBatchBegin?: Hook;
  onBatchEnd?: Hook;
}

export class Callback implements CallbackLike {
  model: Model | null = null;
  setModel(model: Model): void {
    this.model = model;
  }
  protected get trainedModel(): Model {
    if (this.model === null) throw new Error(`${this.constructor.name}: used outside fit`);
    return this.model;
  }
}

/** Runs a list of callbacks in order, awaiting each hook. */
export class CallbackList {
  constructor(readonly callbacks: CallbackLike[]) {
    for (const c of callbacks) {
      if (typeof c !== 'object' || c === null) throw new TypeError(`fit: each callback must be an object with onEpochEnd, onBatchEnd, … methods, got ${show(c)}`);
    }
  }
  setModel(model: Model): void {
    for (const c of this.callbacks) c.setModel?.(model);
  }
  async trainBegin(logs: Logs): Promise<void> { for (const c of this.callbacks) if (c.onTrainBegin) await c.onTrainBegin(logs); }
  async trainEnd(logs: Logs): Promise<void> { for (const c of this.callbacks) if (c.onTrainEnd) await c.onTrainEnd(logs); }
  async epochBegin(epoch: number, logs: Logs): Promise<void> { for (const c of this.callbacks) if (c.onEpochBegin) await c.onEpochBegin(epoch, logs); }
  async epochEnd(epoch: number, logs: Logs): Promise<void> { for (const c of this.callbacks) if (c.onEpochEnd) await c.onEpochEnd(epoch, logs); }
  async batchBegin(batch: number, logs: Logs): Promise<void> { for (const c of this.callbacks) if (c.onBatchBegin) await c.onBatchBegin(batch, logs); }
  async batchEnd(batch: number, logs: Logs): Promise<void> { for (const c of this.callbacks) if (c.onBatchEnd) await c.onBatchEnd(batch, logs); }
  /** Whether any callback listens to batches (otherwise `fit` skips building per-batch logs). */
  get wantsBatches(): boolean {
    return this.callbacks.some((c) => c.onBatchBegin !== undefined || c.onBatchEnd !== undefined);
  }
}

/** What `fit` returns: `history.history.loss[epoch]`, `val_loss`, each metric, and `epoch`. */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

type Mode = 'auto' | 'min' | 'max';

/** Keras's 'auto': maximize accuracy-like and AUC monitors, minimize the rest. */
function resolveMode(mode: Mode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const base = monitor.replace(/^val_/, '');
  return base.endsWith('acc') || base.includes('accuracy') || base.includes('auc') || base.includes('precision') || base.includes('recall') ? 'max' : 'min';
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: Mode;
  baseline?: number;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
  verbose?: number;
}

/**
 * Stops training when `monitor` has not improved by more than `minDelta` for `patience` epochs
 * (Keras 3's rule: the wait counts epochs since the last improvement, and training stops at the
 * end of the epoch where it reaches `patience`, never after the first epoch).
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly verbose: number;
  wait = 0;
  stoppedEpoch = 0;
  best = Infinity;
  bestEpoch = 0;
  private bestWeights: Tensor[] | null = null;

  constructor(args?: EarlyStoppingArgs | null) {
    super();
    const o = checkOptions(args, { monitor: 'string', minDelta: 'finite', patience: 'nonNegativeInteger', mode: ['auto', 'min', 'max'], baseline: 'finite', restoreBestWeights: 'boolean', startFromEpoch: 'nonNegativeInteger', verbose: 'nonNegativeInteger' }, 'callbacks.earlyStopping');
    this.monitor = o.monitor ?? 'val_loss';
    this.minDelta = Math.abs(o.minDelta ?? 0);
    this.patience = o.patience ?? 0;
    this.mode = resolveMode(o.mode ?? 'auto', this.monitor);
    this.baseline = o.baseline;
    this.restoreBestWeights = o.restoreBestWeights ?? false;
    this.startFromEpoch = o.startFromEpoch ?? 0;
    this.verbose = o.verbose ?? 0;
  }

  private improves(current: number, reference: number): boolean {
    return this.mode === 'min' ? current + this.minDelta < reference : current - this.minDelta > reference;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`earlyStopping: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    const model = this.trainedModel;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = model.getWeights();
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      if (this.baseline === undefined || this.improves(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.trainedModel.setWeights(this.bestWeights);
    }
  }
}

/** Sets the optimizer's learning rate at each epoch's start to `schedule(epoch, currentLr)`. */
export class LearningRateScheduler extends Callback {
  constructor(readonly schedule: (epoch: number, lr: number) => number, readonly verbose = 0) {
    super();
    if (typeof schedule !== 'function') throw new TypeError('callbacks.learningRateScheduler: expected a function (epoch, lr) => lr');
  }
  onEpochBegin(epoch: number): void {
    const optimizer = this.trainedModel.optimizer!;
    const lr = this.schedule(epoch, optimizer.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr)) throw new TypeError(`learningRateScheduler: the schedule must return a finite number, got ${show(lr)}`);
    optimizer.learningRate = lr;
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }
  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = this.trainedModel.optimizer!.learningRate;
  }
}

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  factor?: number;
  patience?: number;
  mode?: Mode;
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
  verbose?: number;
}

/** Multiplies the learning rate by `factor` when `monitor` has not improved for `patience` epochs (Keras 3's rule, with cooldown and minLr). */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: number;
  private wait = 0;
  private cooldownCounter = 0;
  private best = Infinity;

  constructor(args?: ReduceLROnPlateauArgs | null) {
    super();
    const o = checkOptions(args, { monitor: 'string', factor: 'finite', patience: 'nonNegativeInteger', mode: ['auto', 'min', 'max'], minDelta: 'finite', cooldown: 'nonNegativeInteger', minLr: 'finite', verbose: 'nonNegativeInteger' }, 'callbacks.reduceLROnPlateau');
    this.monitor = o.monitor ?? 'val_loss';
    this.factor = o.factor ?? 0.1;
    if (!(this.factor < 1)) throw new RangeError(`callbacks.reduceLROnPlateau: factor must be < 1, got ${this.factor}`);
    this.patience = o.patience ?? 10;
    this.mode = resolveMode(o.mode ?? 'auto', this.monitor);
    this.minDelta = o.minDelta ?? 1e-4;
    this.cooldown = o.cooldown ?? 0;
    this.minLr = o.minLr ?? 0;
    this.verbose = o.verbose ?? 0;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.cooldownCounter = 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = this.trainedModel.optimizer!;
    logs.learning_rate = optimizer.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`reduceLROnPlateau: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const better = this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = optimizer.learningRate;
        if (old > this.minLr) {
          const lr = Math.max(old * this.factor, this.minLr);
          optimizer.learningRate = lr;
          if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/**
 * Appends one CSV row per epoch (`epoch` then the log keys in sorted order, as Keras). Each row
 * is one append of a whole line, so a reader never sees half a row.
 */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  constructor(readonly filename: string, readonly separator = ',', readonly append = false) {
    super();
    if (typeof filename !== 'string' || filename === '') throw new TypeError(`callbacks.csvLogger: expected a file path, got ${show(filename)}`);
  }
  onTrainBegin(): void {
    if ((dataParallel()?.rank ?? 0) !== 0) return; // in a data-parallel job, rank 0 writes
    this.keys = null;
    if (!this.append) writeFileSync(this.filename, '');
  }
  onEpochEnd(epoch: number, logs: Logs): void {
    if ((dataParallel()?.rank ?? 0) !== 0) return;
    let header = '';
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      if (!this.append) header = ['epoch', ...this.keys].join(this.separator) + '\n';
    }
    const row = [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? 'NA' : String(logs[k])))].join(this.separator);
    appendFileSync(this.filename, header + row + '\n');
  }
}

/** Stops training when a batch's loss is NaN or infinite. */
export class TerminateOnNaN extends Callback {
  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.trainedModel.stopTraining = true;
    }
  }
}

export interface ModelCheckpointArgs {
  /**
   * Where to save: a directory for `model.save` (the default), or a `.safetensors` file for
   * `model.saveWeights` (also with `saveWeightsOnly`). `{epoch}`, `{epoch:02d}` and
   * `{<log name>}` / `{<log name>:.4f}` are filled in per epoch, as Keras formats its path.
   */
  filepath: string;
  monitor?: string;
  /** Save only when `monitor` improves on the best seen so far. */
  saveBestOnly?: boolean;
  saveWeightsOnly?: boolean;
  mode?: Mode;
  verbose?: number;
}

/** Saves the model (or its weights) at the end of every epoch, or of every improving one. */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: 'min' | 'max';
  readonly verbose: number;
  best: number;

  constructor(args: ModelCheckpointArgs) {
    super();
    const o = checkOptions(args, { filepath: 'string', monitor: 'string', saveBestOnly: 'boolean', saveWeightsOnly: 'boolean', mode: ['auto', 'min', 'max'], verbose: 'nonNegativeInteger' }, 'callbacks.modelCheckpoint');
    if (o.filepath === undefined || o.filepath === '') throw new TypeError('callbacks.modelCheckpoint: options.filepath is required');
    this.filepath = o.filepath;
    this.monitor = o.monitor ?? 'val_loss';
    this.saveBestOnly = o.saveBestOnly ?? false;
    this.saveWeightsOnly = (o.saveWeightsOnly ?? false) || o.filepath.endsWith('.safetensors');
    this.mode = resolveMode(o.mode ?? 'auto', this.monitor);
    this.verbose = o.verbose ?? 0;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Keras's path formatting: `{epoch:02d}` is the 1-based epoch, `{val_loss:.4f}` a log value. */
  formatPath(epoch: number, logs: Logs): string {
    return this.filepath.replace(/\{(\w+)(?::(0?)(\d*)(?:\.(\d+))?([df]))?\}/g, (whole, key: string, zero: string, width: string, precision: string, kind: string) => {
      const value = key === 'epoch' ? epoch + 1 : logs[key];
      if (value === undefined) throw new Error(`modelCheckpoint: filepath names '${key}', which is not in the logs (available: epoch, ${Object.keys(logs).join(', ')})`);
      let text = kind === 'd' ? String(Math.trunc(value)) : precision !== undefined ? value.toFixed(Number(precision)) : String(value);
      if (width) text = text.padStart(Number(width), zero ? '0' : ' ');
      return text;
    });
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const model = this.trainedModel;
    if ((dataParallel()?.rank ?? 0) !== 0) return; // in a data-parallel job, rank 0 writes
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`modelCheckpoint: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')}); saving anyway`);
      } else {
        const better = this.mode === 'min' ? current < this.best : current > this.best;
        if (!better) return;
        this.best = current;
      }
    }
    const path = this.formatPath(epoch, logs);
    if (this.saveWeightsOnly) await model.saveWeights(path);
    else await model.save(path);
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
  }
}

export const modelCheckpoint = (args: ModelCheckpointArgs) => new ModelCheckpoint(args);
export const earlyStopping = (args?: EarlyStoppingArgs) => new EarlyStopping(args);
export const learningRateScheduler = (schedule: (epoch: number, lr: number) => number, verbose?: number) => new LearningRateScheduler(schedule, verbose);
export const reduceLROnPlateau = (args?: ReduceLROnPlateauArgs) => new ReduceLROnPlateau(args);
export const csvLogger = (filename: string, options?: { separator?: string; append?: boolean }) => new CSVLogger(filename, options?.separator, options?.append);
export const terminateOnNaN = () => new TerminateOnNaN();
