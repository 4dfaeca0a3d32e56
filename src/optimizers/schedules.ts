/**
 * Learning-rate schedules (`tf.optimizers.schedules`), Keras 3's formulas: each is a class
 * built from a camelCase options object, evaluated with `schedule.call(step)`, serialised with
 * `getConfig()` (its options) or `serialize()` (`{className, config}`) and rebuilt with
 * `deserializeSchedule`. Any object with `call(step)` (or a plain `(step) => number`) also
 * works as an optimizer's `learningRate`.
 *
 * Values are computed in float64; Keras computes them in float32. The optimizer rounds the
 * result to each variable's dtype, so float32 training sees the same learning rate up to
 * the last bit of the float32 computation.
 *
 * To add a schedule: subclass `LearningRateSchedule`, implement `call` and `getConfig`, and
 * add it to `SCHEDULES` below.
 */
import { checkBoolean } from '../validate.js';

function checkNum(op: string, name: string, value: unknown, { min = -Infinity, positive = false, integer = false } = {}): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${name} must be a number, got ${JSON.stringify(value)}`);
  if (positive ? value <= 0 : value < min) throw new RangeError(`${op}: ${name} must be ${positive ? '> 0' : `>= ${min}`}, got ${value}`);
  if (integer && !Number.isInteger(value)) throw new RangeError(`${op}: ${name} must be an integer, got ${value}`);
  return value;
}

const checkBool = (op: string, name: string, value: unknown): boolean => checkBoolean(value, op, name);

function checkOptions(op: string, options: unknown, keys: string[], required: string[]): Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${op}: expected an options object, got ${JSON.stringify(options)}`);
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !keys.includes(k) && o[k] !== undefined);
  if (unknown.length > 0) throw new TypeError(`${op}: unknown option ${unknown.join(', ')}; expected ${keys.join(', ')}`);
  for (const k of required) if (o[k] === undefined || o[k] === null) throw new TypeError(`${op}: ${k} is required`);
  return o;
}

function checkStep(op: string, step: unknown): number {
  if (typeof step !== 'number' || Number.isNaN(step)) throw new TypeError(`${op}.call: step must be a number, got ${JSON.stringify(step)}`);
  return step;
}

/** The serialised form of a schedule, as the optimizers' `getConfig` nests it. */
export interface ScheduleConfig {
  className: string;
  config: Record<string, unknown>;
}

/** Base class of the built-in schedules. */
export abstract class LearningRateSchedule {
  abstract readonly name: string;
  /** The learning rate at optimizer step `step` (the optimizer's `iterations`). */
  abstract call(step: number): number;
  abstract getConfig(): Record<string, unknown>;

  get className(): string {
    return this.constructor.name;
  }

  serialize(): ScheduleConfig {
    return { className: this.className, config: this.getConfig() };
  }
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
  name?: string;
}
export type InverseTimeDecayOptions = ExponentialDecayOptions;

/** The schedules that decay with p = step / decaySteps (floored with `staircase`). */
abstract class TimeDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(op: string, options: ExponentialDecayOptions) {
    super();
    const o = checkOptions(op, options, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase', 'name'], ['initialLearningRate', 'decaySteps', 'decayRate']);
    this.initialLearningRate = checkNum(op, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = checkNum(op, 'decaySteps', o.decaySteps, { positive: true });
    this.decayRate = checkNum(op, 'decayRate', o.decayRate);
    this.staircase = checkBool(op, 'staircase', o.staircase ?? false);
    this.name = (o.name as string | undefined) ?? op;
  }

  /** The rate at decay progress p. */
  protected abstract decay(p: number): number;

  call(step: number): number {
    const p = checkStep(this.className, step) / this.decaySteps;
    return this.decay(this.staircase ? Math.floor(p) : p);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** initialLearningRate · decayRate^p. */
export class ExponentialDecay extends TimeDecay {
  constructor(options: ExponentialDecayOptions) {
    super('ExponentialDecay', options);
  }

  protected decay(p: number): number {
    return this.initialLearningRate * Math.pow(this.decayRate, p);
  }
}

/** initialLearningRate / (1 + decayRate·p). */
export class InverseTimeDecay extends TimeDecay {
  constructor(options: InverseTimeDecayOptions) {
    super('InverseTimeDecay', options);
  }

  protected decay(p: number): number {
    return this.initialLearningRate / (1 + this.decayRate * p);
  }
}

export interface PiecewiseConstantDecayOptions {
  boundaries: number[];
  values: number[];
  name?: string;
}

/** values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i], values[n] after. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly boundaries: number[];
  readonly values: number[];
  readonly name: string;

  constructor(options: PiecewiseConstantDecayOptions) {
    super();
    const op = 'PiecewiseConstantDecay';
    const o = checkOptions(op, options, ['boundaries', 'values', 'name'], ['boundaries', 'values']);
    if (!Array.isArray(o.boundaries) || !Array.isArray(o.values)) throw new TypeError(`${op}: boundaries and values must be arrays of numbers`);
    const boundaries = o.boundaries.map((b, i) => checkNum(op, `boundaries[${i}]`, b));
    const values = o.values.map((v, i) => checkNum(op, `values[${i}]`, v));
    if (boundaries.length !== values.length - 1) {
      throw new Error(`${op}: values must have one more element than boundaries, got ${boundaries.length} boundaries and ${values.length} values`);
    }
    for (let i = 1; i < boundaries.length; i++) {
      if (!(boundaries[i] > boundaries[i - 1])) throw new Error(`${op}: boundaries must be strictly increasing, got [${boundaries.join(', ')}]`);
    }
    this.boundaries = boundaries;
    this.values = values;
    this.name = (o.name as string | undefined) ?? 'PiecewiseConstant';
  }

  call(step: number): number {
    checkStep(this.className, step);
    for (let i = 0; i < this.boundaries.length; i++) if (step <= this.boundaries[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: this.boundaries.slice(), values: this.values.slice(), name: this.name };
  }
}

export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  endLearningRate?: number;
  power?: number;
  cycle?: boolean;
  name?: string;
}

/**
 * (initialLearningRate − endLearningRate)·(1 − step/decaySteps)^power + endLearningRate, with
 * step clamped to decaySteps; with `cycle`, decaySteps is multiplied by ceil(step/decaySteps)
 * (1 at step 0) instead.
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(options: PolynomialDecayOptions) {
    super();
    const op = 'PolynomialDecay';
    const o = checkOptions(op, options, ['initialLearningRate', 'decaySteps', 'endLearningRate', 'power', 'cycle', 'name'], ['initialLearningRate', 'decaySteps']);
    this.initialLearningRate = checkNum(op, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = checkNum(op, 'decaySteps', o.decaySteps, { positive: true });
    this.endLearningRate = checkNum(op, 'endLearningRate', o.endLearningRate ?? 0.0001);
    this.power = checkNum(op, 'power', o.power ?? 1);
    this.cycle = checkBool(op, 'cycle', o.cycle ?? false);
    this.name = (o.name as string | undefined) ?? op;
  }

  call(step: number): number {
    let s = checkStep(this.className, step);
    let decaySteps = this.decaySteps;
    if (this.cycle) {
      decaySteps *= s === 0 ? 1 : Math.ceil(s / this.decaySteps);
    } else {
      s = Math.min(s, decaySteps);
    }
    const p = s / decaySteps;
    return (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - p, this.power) + this.endLearningRate;
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, endLearningRate: this.endLearningRate, power: this.power, cycle: this.cycle, name: this.name };
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  alpha?: number;
  name?: string;
  warmupTarget?: number | null;
  warmupSteps?: number;
}

/**
 * Cosine decay with optional linear warmup (Keras 3). Without `warmupTarget`:
 *   s = min(step, decaySteps);  lr = initialLearningRate·((1 − alpha)·0.5·(1 + cos(π·s/decaySteps)) + alpha)
 * With it: s = min(step, decaySteps + warmupSteps); while s < warmupSteps,
 *   lr = (warmupTarget − initialLearningRate)·s/warmupSteps + initialLearningRate;
 * then the decay above from warmupTarget, at s − warmupSteps.
 */
export class CosineDecay extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    super();
    const op = 'CosineDecay';
    const o = checkOptions(op, options, ['initialLearningRate', 'decaySteps', 'alpha', 'name', 'warmupTarget', 'warmupSteps'], ['initialLearningRate', 'decaySteps']);
    this.initialLearningRate = checkNum(op, 'initialLearningRate', o.initialLearningRate);
    this.decaySteps = checkNum(op, 'decaySteps', o.decaySteps, { positive: true });
    this.alpha = checkNum(op, 'alpha', o.alpha ?? 0);
    this.name = (o.name as string | undefined) ?? op;
    this.warmupTarget = o.warmupTarget === undefined || o.warmupTarget === null ? null : checkNum(op, 'warmupTarget', o.warmupTarget);
    this.warmupSteps = checkNum(op, 'warmupSteps', o.warmupSteps ?? 0, { min: 0 });
  }

  private decay(step: number, from: number): number {
    const cosineDecayed = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosineDecayed + this.alpha);
  }

  call(step: number): number {
    const s0 = checkStep(this.className, step);
    if (this.warmupTarget === null) return this.decay(Math.min(s0, this.decaySteps), this.initialLearningRate);
    const s = Math.min(s0, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, alpha: this.alpha, name: this.name, warmupTarget: this.warmupTarget, warmupSteps: this.warmupSteps };
  }
}

export interface CosineDecayRestartsOptions {
  initialLearningRate: number;
  firstDecaySteps: number;
  tMul?: number;
  mMul?: number;
  alpha?: number;
  name?: string;
}

/**
 * Cosine decay with warm restarts (SGDR, Keras 3). With f = step/firstDecaySteps: if tMul = 1,
 * i = floor(f) and f −= i; else i = floor(log(1 − f·(1 − tMul)) / log(tMul)) and
 * f = (f − (1 − tMul^i)/(1 − tMul)) / tMul^i. Then
 *   lr = initialLearningRate·((1 − alpha)·0.5·mMul^i·(1 + cos(π·f)) + alpha)
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(options: CosineDecayRestartsOptions) {
    super();
    const op = 'CosineDecayRestarts';
    const o = checkOptions(op, options, ['initialLearningRate', 'firstDecaySteps', 'tMul', 'mMul', 'alpha', 'name'], ['initialLearningRate', 'firstDecaySteps']);
    this.initialLearningRate = checkNum(op, 'initialLearningRate', o.initialLearningRate);
    this.firstDecaySteps = checkNum(op, 'firstDecaySteps', o.firstDecaySteps, { positive: true });
    this.tMul = checkNum(op, 'tMul', o.tMul ?? 2, { positive: true });
    this.mMul = checkNum(op, 'mMul', o.mMul ?? 1);
    this.alpha = checkNum(op, 'alpha', o.alpha ?? 0);
    this.name = (o.name as string | undefined) ?? 'SGDRDecay';
  }

  call(step: number): number {
    let f = checkStep(this.className, step) / this.firstDecaySteps;
    let i: number;
    if (this.tMul === 1) {
      i = Math.floor(f);
      f -= i;
    } else {
      i = Math.floor(Math.log(1 - f * (1 - this.tMul)) / Math.log(this.tMul));
      const sumR = (1 - Math.pow(this.tMul, i)) / (1 - this.tMul);
      f = (f - sumR) / Math.pow(this.tMul, i);
    }
    const cosineDecayed = 0.5 * Math.pow(this.mMul, i) * (1 + Math.cos(Math.PI * f));
    return this.initialLearningRate * ((1 - this.alpha) * cosineDecayed + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    return { initialLearningRate: this.initialLearningRate, firstDecaySteps: this.firstDecaySteps, tMul: this.tMul, mMul: this.mMul, alpha: this.alpha, name: this.name };
  }
}

type ScheduleClass = new (options: never) => LearningRateSchedule;

/** The built-in schedules by class name (what `deserializeSchedule` can rebuild). */
export const SCHEDULES: Record<string, ScheduleClass> = {
  ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts,
};

/** `schedule.serialize()`. */
export function serialize(schedule: LearningRateSchedule): ScheduleConfig {
  if (!(schedule instanceof LearningRateSchedule)) throw new TypeError('schedules.serialize: expected a LearningRateSchedule');
  return schedule.serialize();
}

/** Rebuilds a schedule from `{className, config}`. */
export function deserializeSchedule(config: ScheduleConfig): LearningRateSchedule {
  if (typeof config !== 'object' || config === null || typeof config.className !== 'string') {
    throw new TypeError(`schedules.deserialize: expected {className, config}, got ${JSON.stringify(config)}`);
  }
  if (!Object.hasOwn(SCHEDULES, config.className)) {
    throw new Error(`schedules.deserialize: unknown schedule ${JSON.stringify(config.className)}; expected one of ${Object.keys(SCHEDULES).join(', ')}`);
  }
  const ctor = SCHEDULES[config.className] as unknown as new (o: Record<string, unknown>) => LearningRateSchedule;
  return new ctor({ ...(config.config ?? {}) });
}

export { deserializeSchedule as deserialize };
