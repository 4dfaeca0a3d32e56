/**
 * The optimizer base class: Keras 3's `apply` flow in one place — loss-scale division, null
 * gradients skipped, gradient accumulation, clipping, decoupled weight decay, the update
 * step, EMA of the weights, the iteration counter. Subclasses only declare their slots and
 * their `updateStep`, which runs one fused kernel per variable (`fusedUpdate(kind, …)` on the
 * active backend; the TS backend's table is the reference).
 *
 * To add an optimizer: subclass, declare `slotSpecs` (slot name → initial value), implement
 * `updateStep`, pass its class name and own option names to this constructor (they give
 * `className` and `getConfig`), add its kernel to `backend/ts/optim.ts` (and
 * natively), and register it in `optimizers/index.ts`. Per-step scalars are computed here in
 * TS and rounded with `roundFor(variable)` as Keras casts to the variable's dtype.
 *
 * Numerics follow Keras 3's code, operation by operation: gradients are unscaled as `g / s`,
 * clipnorm is `g·c / max(‖g‖, c)` and global clipnorm multiplies by `c·min(1/‖G‖, 1/c)` (both
 * applied even below the threshold, as Keras does), weight decay is `x - (x·wd)·lr`, the EMA
 * covers every variable the optimizer has seen. Learning rates and schedules are evaluated in
 * float64 and rounded to the variable's dtype (Keras keeps them in float32).
 *
 * State (`getState`/`setState`) is keyed by variable name, so a fresh optimizer given the
 * saved state continues bit for bit, even before it has seen the variables.
 */
import { Registry } from '../registry.js';
import { tsBackend, updateKernels } from '../backend/select.js';
import { allocate, isFloat, type FloatArray } from '../dtype.js';
import { fmt, shapesEqual } from '../shape.js';
import { runScoped, Tensor, toTensor } from '../tensor.js';
import { Variable } from '../variable.js';
import { GradientTape } from '../autodiff/tape.js';
import { LearningRateSchedule, deserializeSchedule, type ScheduleConfig } from './schedules.js';
import { checkBoolean, show } from '../validate.js';
import { warnOnce } from '../warn.js';

export type LearningRate = number | { call(step: number): number } | ((step: number) => number);

/**
 * An optimizer constructor's argument: an options object, or the learning rate alone (a number,
 * a schedule or a function of the step), as Keras' positional `learning_rate`:
 * `new tf.optimizers.Adam(0.1)` is `new tf.optimizers.Adam({learningRate: 0.1})`.
 */
export function optimizerOptions<O extends OptimizerOptions>(arg: O | LearningRate | undefined, className: string): O {
  if (arg === undefined) return {} as O;
  if (typeof arg === 'number' || typeof arg === 'function' || arg instanceof LearningRateSchedule) return { learningRate: arg } as O;
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg) || (Object.getPrototypeOf(arg) !== Object.prototype && Object.getPrototypeOf(arg) !== null)) {
    throw new TypeError(`${className}: expected a learning rate (number or schedule) or an options object, got ${show(arg)}`);
  }
  return arg as O;
}

export interface OptimizerOptions {
  learningRate?: LearningRate;
  weightDecay?: number | null;
  clipnorm?: number | null;
  clipvalue?: number | null;
  globalClipnorm?: number | null;
  useEma?: boolean;
  emaMomentum?: number;
  emaOverwriteFrequency?: number | null;
  lossScaleFactor?: number | null;
  gradientAccumulationSteps?: number | null;
  name?: string;
}

/** Rounds like arithmetic in the variable's dtype (Keras casts hyperparameters to it). */
export type Rounder = (x: number) => number;
const exact: Rounder = (x) => x;
export const roundFor = (v: Tensor): Rounder => (v.dtype === 'float32' ? Math.fround : exact);

/** Options every optimizer accepts (the base class's). */
export const BASE_OPTION_KEYS: readonly string[] = [
  'learningRate', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm', 'useEma', 'emaMomentum',
  'emaOverwriteFrequency', 'lossScaleFactor', 'gradientAccumulationSteps', 'name',
];

/** A serialised optimizer: `className` plus its options (a schedule as `{className, config}`). */
export interface OptimizerConfig {
  className: string;
  [option: string]: unknown;
}

/** One variable's optimizer state, as plain arrays (JSON-serialisable, exact). */
export interface VariableState {
  dtype: string;
  size: number;
  slots: Record<string, number[]>;
  /** Gradient accumulator (with `gradientAccumulationSteps`). */
  accumulator?: number[];
  /** Moving average of the variable (with `useEma`). */
  average?: number[];
}

/** Everything `setState` needs to resume: iterations, per-variable state by name, optimizer-wide scalars. */
export interface OptimizerState {
  className: string;
  iterations: number;
  variables: Record<string, VariableState>;
  /** Optimizer-wide state, e.g. Nadam's `uProduct`. */
  extra: Record<string, number | string>;
}

export function checkNumber(op: string, name: string, value: unknown, { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = {}): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${name} must be a number, got ${show(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${op}: ${name} must be finite, got ${value}`);
  const low = minExclusive ? value <= min : value < min;
  const high = maxExclusive ? value >= max : value > max;
  if (low || high) {
    const range = max === Infinity
      ? `${minExclusive ? '>' : '>='} ${min}`
      : `in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
    throw new RangeError(`${op}: ${name} must be ${range}, got ${value}`);
  }
  return value;
}

export abstract class Optimizer {
  /** The class name, as `getConfig().className` and `tf.optimizers.get` spell it. */
  readonly className: string;
  readonly name: string;
  protected _learningRate: LearningRate;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly useEma: boolean;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;
  readonly lossScaleFactor: number | null;
  readonly gradientAccumulationSteps: number | null;

  private _iterations = 0;
  /** Per variable id: slot name → state array (same length and dtype as the variable). */
  protected readonly slots = new Map<number, Record<string, FloatArray>>();
  private readonly accumulators = new Map<number, FloatArray>();
  private readonly averages = new Map<number, FloatArray>();
  private readonly tracked = new Map<number, Variable>();
  private readonly decayExcludedIds = new Set<number>();
  private decayExcludedNames: string[] = [];
  /** State from `setState` for variables not seen yet, by variable name; loaded when built. */
  private readonly pendingState = new Map<string, VariableState>();

  /** The subclass's own option names, kept as fields of the same name (its part of `getConfig`). */
  private readonly ownOptionKeys: readonly string[];

  /**
   * `className` is also the default `name`. `extraKeys` are the subclass's own option names: any
   * other key is rejected, as Keras rejects unknown keyword arguments (a misspelt `learningrate`
   * must not be ignored).
   */
  constructor(className: string, options: OptimizerOptions = {}, extraKeys: readonly string[] = []) {
    const op = className;
    this.className = className;
    this.ownOptionKeys = extraKeys;
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${show(options)}`);
    const known = new Set([...BASE_OPTION_KEYS, ...extraKeys]);
    const unknown = Object.keys(options).filter((k) => !known.has(k) && (options as Record<string, unknown>)[k] !== undefined);
    if (unknown.length > 0) throw new TypeError(`${op}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; expected one of ${[...known].join(', ')}`);
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) throw new TypeError(`${op}: name must be a non-empty string, got ${JSON.stringify(options.name)}`);
    this.name = options.name ?? className;
    const lr = options.learningRate ?? 0.001;
    if (typeof lr === 'number') checkNumber(op, 'learningRate', lr, { min: 0 });
    else if (typeof lr !== 'function' && (typeof lr !== 'object' || lr === null || typeof lr.call !== 'function')) {
      throw new TypeError(`${op}: learningRate must be a number, a schedule or a function of the step`);
    }
    this._learningRate = lr;
    const clips = (['clipnorm', 'clipvalue', 'globalClipnorm'] as const).filter((k) => options[k] !== undefined && options[k] !== null);
    if (clips.length > 1) throw new Error(`${op}: only one of clipnorm, clipvalue and globalClipnorm can be set, got ${clips.join(' and ')}`);
    this.weightDecay = options.weightDecay ?? null;
    if (this.weightDecay !== null) checkNumber(op, 'weightDecay', this.weightDecay, { min: 0 });
    this.clipnorm = options.clipnorm ?? null;
    this.clipvalue = options.clipvalue ?? null;
    this.globalClipnorm = options.globalClipnorm ?? null;
    for (const k of clips) checkNumber(op, k, options[k], { min: 0, minExclusive: true });
    this.useEma = checkBoolean(options.useEma ?? false, op, 'useEma');
    this.emaMomentum = checkNumber(op, 'emaMomentum', options.emaMomentum ?? 0.99, { min: 0, max: 1 });
    this.emaOverwriteFrequency = options.emaOverwriteFrequency ?? null;
    if (this.emaOverwriteFrequency !== null) checkInteger(op, 'emaOverwriteFrequency', this.emaOverwriteFrequency);
    this.lossScaleFactor = options.lossScaleFactor ?? null;
    if (this.lossScaleFactor !== null) checkNumber(op, 'lossScaleFactor', this.lossScaleFactor, { min: 0, minExclusive: true });
    this.gradientAccumulationSteps = options.gradientAccumulationSteps ?? null;
    if (this.gradientAccumulationSteps !== null) checkInteger(op, 'gradientAccumulationSteps', this.gradientAccumulationSteps, 2);
  }

  /** Slot arrays each variable gets, with their initial value. */
  protected abstract slotSpecs(variable: Variable): Record<string, number>;

  /** One step on one variable: `grad` is the processed gradient, `lr` the step's learning rate. */
  protected abstract updateStep(variable: Variable, grad: FloatArray, slots: Record<string, FloatArray>, lr: number, step: number): void;

  /**
   * Number of updates applied so far. With `gradientAccumulationSteps: n` it counts applied
   * steps, floor(calls / n), as Keras 3's `iterations` property (base_optimizer.py); bias
   * corrections and learning-rate schedules read this count.
   */
  get iterations(): number {
    const n = this.gradientAccumulationSteps;
    return n === null ? this._iterations : Math.floor(this._iterations / n);
  }

  set iterations(value: number) {
    const steps = checkInteger(this.name, 'iterations', value, 0);
    this._iterations = steps * (this.gradientAccumulationSteps ?? 1);
  }

  /** The learning rate for the current iteration (a schedule is evaluated at `iterations`). */
  get learningRate(): number {
    return this.learningRateAt(this.iterations);
  }

  set learningRate(value: LearningRate) {
    if (typeof value === 'number') checkNumber(this.name, 'learningRate', value, { min: 0 });
    this._learningRate = value;
  }

  protected learningRateAt(step: number): number {
    const lr = this._learningRate;
    if (typeof lr === 'number') return lr;
    if (typeof lr === 'function') return lr(step);
    return lr.call(step);
  }

  /**
   * The optimizer's options as a plain object with its `className`; `Optimizer.fromConfig`
   * (or `tf.optimizers.get`) rebuilds it. A schedule becomes `{className, config}`; a plain
   * function learning rate is kept as is (it round-trips in memory but not through JSON).
   */
  getConfig(): OptimizerConfig {
    const lr = this._learningRate;
    const own = Object.fromEntries(this.ownOptionKeys.map((k) => [k, (this as unknown as Record<string, unknown>)[k]]));
    return {
      className: this.className,
      name: this.name,
      learningRate: lr instanceof LearningRateSchedule ? lr.serialize() : lr,
      weightDecay: this.weightDecay,
      clipnorm: this.clipnorm,
      globalClipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      useEma: this.useEma,
      emaMomentum: this.emaMomentum,
      emaOverwriteFrequency: this.emaOverwriteFrequency,
      lossScaleFactor: this.lossScaleFactor,
      gradientAccumulationSteps: this.gradientAccumulationSteps,
      ...own,
    };
  }

  /**
   * Builds an optimizer from `getConfig()` output. On `Optimizer` itself the class comes from
   * `config.className`; on a subclass (`Adam.fromConfig`) it is that subclass.
   */
  static fromConfig(this: unknown, config: OptimizerConfig | Record<string, unknown>): Optimizer {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new TypeError(`Optimizer.fromConfig: config must be an object, got ${JSON.stringify(config)}`);
    const { className, ...options } = config as Record<string, unknown>;
    let ctor: OptimizerClass | undefined;
    if (this !== Optimizer && typeof this === 'function') {
      ctor = this as OptimizerClass;
      if (className !== undefined && (typeof className !== 'string' || lookupOptimizer(className) !== ctor)) {
        throw new Error(`${ctor.name}.fromConfig: config is for ${JSON.stringify(className)}`);
      }
    } else {
      if (typeof className !== 'string') throw new TypeError(`Optimizer.fromConfig: config.className must be a string, got ${JSON.stringify(className)}`);
      ctor = lookupOptimizer(className);
      if (!ctor) throw new Error(`Optimizer.fromConfig: unknown optimizer ${JSON.stringify(className)}; expected one of ${OPTIMIZERS.names().join(', ')}`);
    }
    const lr = options.learningRate;
    if (typeof lr === 'object' && lr !== null && !(lr instanceof LearningRateSchedule)) {
      options.learningRate = deserializeSchedule(lr as ScheduleConfig);
    }
    for (const k of Object.keys(options)) if (options[k] === null) delete options[k];
    return new ctor(options as OptimizerOptions);
  }

  /** Optimizer-wide state beyond slots (Nadam's u_product); subclasses extend both. */
  protected getExtraState(): Record<string, number | string> {
    return {};
  }

  protected setExtraState(_extra: Record<string, number | string>): void {}

  /** Called once per update step, after clipping and weight decay, before the per-variable updates. */
  protected beforeUpdateSteps(_vars: Variable[], _step: number): void {}

  /**
   * A snapshot of everything that changes while training: `iterations`, each variable's slots,
   * gradient accumulator and moving average (by variable name), optimizer-wide scalars. The
   * arrays are copies; the object is JSON-serialisable. `setState` on a fresh optimizer with
   * the same configuration continues the run bit for bit.
   */
  getState(): OptimizerState {
    const variables: Record<string, VariableState> = {};
    for (const [name, st] of this.pendingState) variables[name] = cloneVariableState(st);
    for (const [id, v] of this.tracked) {
      const st: VariableState = { dtype: v.dtype, size: v.size, slots: {} };
      for (const [k, a] of Object.entries(this.slots.get(id)!)) st.slots[k] = Array.from(a);
      const acc = this.accumulators.get(id);
      if (acc) st.accumulator = Array.from(acc);
      const avg = this.averages.get(id);
      if (avg) st.average = Array.from(avg);
      if (Object.hasOwn(variables, v.name)) {
        throw new Error(`${this.name}.getState: two trained variables are named '${v.name}'; state is keyed by name, so give them distinct names`);
      }
      variables[v.name] = st;
    }
    return { className: this.className, iterations: this._iterations, variables, extra: { ...this.getExtraState() } };
  }

  /**
   * Restores a `getState()` snapshot. Variables already seen are overwritten now; the others
   * get their state when first trained (matched by name). The state must come from the same
   * optimizer class and options that shape the slots (momentum, amsgrad, centered, …).
   */
  setState(state: OptimizerState): void {
    const op = `${this.name}.setState`;
    if (typeof state !== 'object' || state === null) throw new TypeError(`${op}: state must be an object from getState()`);
    if (state.className !== this.className) throw new Error(`${op}: state is for ${JSON.stringify(state.className)}, not ${this.className}`);
    checkInteger(op, 'iterations', state.iterations, 0);
    if (typeof state.variables !== 'object' || state.variables === null) throw new TypeError(`${op}: state.variables must be an object`);
    const byName = new Map<string, Variable>();
    for (const v of this.tracked.values()) byName.set(v.name, v);
    // Validate everything before changing anything.
    for (const [name, st] of Object.entries(state.variables)) {
      const v = byName.get(name);
      if (v) this.checkVariableState(op, v, st);
    }
    this._iterations = state.iterations;
    this.pendingState.clear();
    for (const [name, st] of Object.entries(state.variables)) {
      const v = byName.get(name);
      if (v) this.loadVariableState(v, st);
      else this.pendingState.set(name, cloneVariableState(st));
    }
    this.setExtraState({ ...(state.extra ?? {}) });
  }

  private checkVariableState(op: string, v: Variable, st: VariableState): void {
    const where = `${op}: variable '${v.name}'`;
    if (typeof st !== 'object' || st === null || typeof st.slots !== 'object' || st.slots === null) throw new TypeError(`${where}: malformed state`);
    if (st.dtype !== v.dtype) throw new TypeError(`${where}: state dtype ${st.dtype} does not match the variable's ${v.dtype}`);
    const expected = Object.keys(this.slotSpecs(v)).sort();
    const got = Object.keys(st.slots).sort();
    if (expected.join() !== got.join()) throw new Error(`${where}: state has slots [${got.join(', ')}] but this optimizer uses [${expected.join(', ')}]`);
    const arrays: [string, unknown][] = Object.entries(st.slots);
    if (this.gradientAccumulationSteps !== null) arrays.push(['accumulator', st.accumulator ?? []]);
    if (this.useEma) arrays.push(['average', st.average ?? []]);
    for (const [k, a] of arrays) {
      if (!Array.isArray(a) && !ArrayBuffer.isView(a)) throw new TypeError(`${where}: ${k} must be an array`);
      if ((a as ArrayLike<number>).length !== v.size) throw new Error(`${where}: ${k} has ${(a as ArrayLike<number>).length} values, the variable has ${v.size}`);
    }
  }

  private loadVariableState(v: Variable, st: VariableState): void {
    const slots = this.slots.get(v.id)!;
    for (const [k, a] of Object.entries(st.slots)) slots[k].set(a);
    if (st.accumulator) this.accumulators.get(v.id)?.set(st.accumulator);
    if (st.average) this.averages.get(v.id)?.set(st.average);
  }

  /** Excludes variables (or those whose name contains one of `varNames`) from weight decay. */
  excludeFromWeightDecay({ varList = [], varNames = [] }: { varList?: Variable[]; varNames?: string[] } = {}): void {
    for (const v of varList) this.decayExcludedIds.add(v.id);
    this.decayExcludedNames = [...this.decayExcludedNames, ...varNames];
  }

  /** Applies `[gradient | null, variable]` pairs; null gradients are skipped, as Keras does. */
  applyGradients(pairs: Iterable<readonly [Tensor | null | undefined, Variable]>): number {
    const op = `${this.name}.applyGradients`;
    const grads: FloatArray[] = [];
    const vars: Variable[] = [];
    const missing: string[] = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${op}: expected [gradient, variable] pairs (use tf.zip(grads, vars))`);
      const [g, v] = pair;
      if (!(v instanceof Variable)) throw new TypeError(`${op}: the second element of each pair must be a tf.Variable`);
      if (g === null || g === undefined) {
        missing.push(v.name);
        continue;
      }
      const gt = toTensor(g, op, 'gradient', v.dtype);
      if (!isFloat(v.dtype)) throw new TypeError(`${op}: variable '${v.name}' has dtype ${v.dtype}; only float variables can be trained`);
      if (gt.dtype !== v.dtype) throw new TypeError(`${op}: gradient dtype ${gt.dtype} does not match variable '${v.name}' of dtype ${v.dtype}`);
      if (!shapesEqual(gt.shape, v.shape)) {
        throw new Error(`${op}: gradient shape ${fmt(gt.shape)} does not match variable '${v.name}' of shape ${fmt(v.shape)}`);
      }
      // Loss scaling, accumulation and clipping rewrite gradients in place: give them a copy.
      // Update kernels only read the gradient, so without those options the tensor's own
      // storage is passed as is.
      grads.push((this.rewritesGradients() ? gt.values.slice() : gt.values) as FloatArray);
      vars.push(v);
    }
    if (vars.length === 0) throw new Error(`${op}: no gradients provided for any variable`);
    // Keras 3 warns "Gradients do not exist for variables …" and skips them, as here.
    if (missing.length > 0) warnOnce(`${op}: gradients do not exist for variables ${missing.map((n) => `'${n}'`).join(', ')}; they are not updated (is the loss connected to them, and computed inside tape.record?)`);
    this.apply(grads, vars);
    return this.iterations;
  }

  private rewritesGradients(): boolean {
    return this.lossScaleFactor !== null || this.gradientAccumulationSteps !== null ||
      this.clipnorm !== null || this.clipvalue !== null || this.globalClipnorm !== null;
  }

  /** Computes the loss under a tape and applies its gradients to `varList`; returns the loss. */
  minimize(lossFn: () => Tensor, varList: Variable[]): Tensor {
    const op = `${this.name}.minimize`;
    if (typeof lossFn !== 'function') throw new TypeError(`${op}: loss must be a function returning a tensor`);
    if (!Array.isArray(varList) || varList.length === 0 || !varList.every((v) => v instanceof Variable)) {
      throw new TypeError(`${op}: varList must be a non-empty array of tf.Variable (the variables to train), got ${show(varList)}`);
    }
    // As TF.js's minimize, in a scope: what the step made, other than the loss, is freed.
    return runScoped(() => {
      const tape = new GradientTape();
      const loss = tape.record(lossFn);
      if (!(loss instanceof Tensor)) throw new TypeError(`${this.name}.minimize: the loss function must return a tensor`);
      const grads = tape.gradient(loss, varList) as (Tensor | null)[];
      this.applyGradients(grads.map((g, i) => [g, varList[i]] as const));
      return loss;
    });
  }

  private apply(grads: FloatArray[], vars: Variable[]): void {
    for (const v of vars) this.build(v);
    if (this.lossScaleFactor !== null) {
      for (let i = 0; i < grads.length; i++) {
        const r = roundFor(vars[i]);
        const s = r(this.lossScaleFactor);
        const g = grads[i];
        for (let j = 0; j < g.length; j++) g[j] = g[j] / s;
      }
    }
    // Keras keeps the learning rate in a float32 variable (schedules compute in float32), so
    // even float64 variables step with the float32-rounded rate.
    const step = this.iterations; // applied updates so far (the call count without accumulation)
    const lr = Math.fround(this.learningRateAt(step));
    let update = true;
    if (this.gradientAccumulationSteps !== null) {
      const steps = this.gradientAccumulationSteps;
      update = (this._iterations + 1) % steps === 0;
      for (let i = 0; i < vars.length; i++) {
        const acc = this.accumulators.get(vars[i].id)!;
        const g = grads[i];
        const r = roundFor(vars[i]);
        if (update) {
          for (let j = 0; j < g.length; j++) g[j] = r(g[j] + acc[j]) / steps;
        } else {
          for (let j = 0; j < g.length; j++) acc[j] = g[j] + acc[j];
        }
      }
    }
    if (update) {
      this.clip(grads, vars);
      this.applyWeightDecay(vars, lr);
      this.beforeUpdateSteps(vars, step + 1);
      for (let i = 0; i < vars.length; i++) {
        this.updateStep(vars[i], grads[i], this.slots.get(vars[i].id)!, lr, step + 1);
      }
      // Keras resets every accumulator, including those of variables without a gradient this step.
      if (this.gradientAccumulationSteps !== null) for (const acc of this.accumulators.values()) acc.fill(0);
    }
    if (this.useEma) {
      // Keras averages every variable the optimizer was built with, not only this step's.
      const all = [...this.tracked.values()];
      for (const v of all) {
        const avg = this.averages.get(v.id)!;
        const r = roundFor(v);
        const momentum = step === 0 ? 0 : r(this.emaMomentum);
        const x = v.values;
        for (let j = 0; j < x.length; j++) avg[j] = r(r(momentum * avg[j]) + r(r(1 - momentum) * x[j]));
      }
      const freq = this.emaOverwriteFrequency;
      if (freq !== null && (step + 1) % freq === 0) for (const v of all) v.values.set(this.averages.get(v.id)!);
    }
    this._iterations++;
  }

  /** Replaces each trained variable by its moving average (when `useEma`), as Keras at the end of fit. */
  finalizeVariableValues(): void {
    if (!this.useEma) return;
    for (const [id, avg] of this.averages) this.tracked.get(id)?.values.set(avg);
  }

  private build(v: Variable): void {
    if (this.slots.has(v.id)) return;
    const specs = this.slotSpecs(v);
    const slots: Record<string, FloatArray> = {};
    for (const [name, init] of Object.entries(specs)) {
      const a = allocate(v.dtype, v.size) as FloatArray;
      if (init !== 0) a.fill(init);
      slots[name] = a;
    }
    this.slots.set(v.id, slots);
    this.tracked.set(v.id, v);
    if (this.gradientAccumulationSteps !== null) this.accumulators.set(v.id, allocate(v.dtype, v.size) as FloatArray);
    if (this.useEma) this.averages.set(v.id, v.values.slice() as FloatArray);
    const pending = this.pendingState.get(v.name);
    if (pending) {
      this.pendingState.delete(v.name);
      try {
        this.checkVariableState(`${this.name}.setState`, v, pending);
      } catch (e) {
        this.slots.delete(v.id);
        this.tracked.delete(v.id);
        this.accumulators.delete(v.id);
        this.averages.delete(v.id);
        throw e;
      }
      this.loadVariableState(v, pending);
    }
  }

  /** Keras `_clip_gradients`: norms are summed in float64, then rounded to the gradient's dtype. */
  private clip(grads: FloatArray[], vars: Variable[]): void {
    if (this.clipnorm !== null) {
      for (let i = 0; i < grads.length; i++) {
        const r = roundFor(vars[i]);
        const c = r(this.clipnorm);
        const g = grads[i];
        // values·clipnorm / max(‖values‖, clipnorm), applied whatever the norm
        const d = Math.max(r(Math.sqrt(sumSquares(g))), c);
        for (let j = 0; j < g.length; j++) g[j] = r(g[j] * c) / d;
      }
    } else if (this.globalClipnorm !== null) {
      const r = roundFor(vars[0]);
      let total = 0;
      for (const g of grads) total += r(sumSquares(g));
      const norm = r(Math.sqrt(r(total)));
      // clip_norm · min(1/‖G‖, 1/clip_norm), NaN when the norm is not finite
      let scale = r(r(this.globalClipnorm) * Math.min(r(1 / norm), r(1 / this.globalClipnorm)));
      if (!Number.isFinite(norm)) scale = NaN;
      for (let i = 0; i < grads.length; i++) {
        const s = roundFor(vars[i])(scale);
        const g = grads[i];
        for (let j = 0; j < g.length; j++) g[j] = g[j] * s;
      }
    } else if (this.clipvalue !== null) {
      for (let i = 0; i < grads.length; i++) {
        const c = roundFor(vars[i])(this.clipvalue);
        const g = grads[i];
        for (let j = 0; j < g.length; j++) g[j] = Math.min(Math.max(g[j], -c), c);
      }
    }
  }

  /** Keras `_apply_weight_decay`: var − (var·wd)·lr, in the variable's dtype. */
  private applyWeightDecay(vars: Variable[], lr: number): void {
    if (this.weightDecay === null) return;
    for (const v of vars) {
      if (this.decayExcludedIds.has(v.id) || this.decayExcludedNames.some((n) => v.name.includes(n))) continue;
      const r = roundFor(v);
      const wd = r(this.weightDecay);
      const lrv = r(lr);
      const x = v.values;
      for (let j = 0; j < x.length; j++) x[j] = x[j] - r(r(x[j] * wd) * lrv);
    }
  }

  /** Runs a fused update kernel where select.ts says (TS when the backend has none). */
  protected fused(kind: string, arrays: FloatArray[], scalars: number[]): void {
    if (updateKernels(arrays[0].length).fusedUpdate(kind, arrays, scalars)) return;
    if (!tsBackend.fusedUpdate(kind, arrays, scalars)) throw new Error(`${this.name}: no kernel for fused update '${kind}'`);
  }
}

function checkInteger(op: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function sumSquares(g: FloatArray): number {
  let s = 0;
  for (let j = 0; j < g.length; j++) s += g[j] * g[j];
  return s;
}

function cloneVariableState(st: VariableState): VariableState {
  const out: VariableState = { dtype: st.dtype, size: st.size, slots: {} };
  for (const [k, a] of Object.entries(st.slots)) out.slots[k] = Array.from(a);
  if (st.accumulator) out.accumulator = Array.from(st.accumulator);
  if (st.average) out.average = Array.from(st.average);
  return out;
}

/** A concrete optimizer class, constructed from its options. */
/**
 * The optimizer itself with some members replaced: a proxy whose every other property, getter
 * and setter is the optimizer's (it stays an instance of its class, with its options, state and
 * `iterations`). Inherited methods run with the proxy as `this`, so the base `minimize` calls a
 * replaced `applyGradients`. DistributedOptimizer (src/distribute/) and tapeflow/tfjs's
 * `tf.train` (src/tfjs/train.ts) are built this way.
 */
export function withMembers<T extends Optimizer, M extends object>(optimizer: T, members: M): T & M {
  return new Proxy(optimizer, {
    get: (target, key, receiver) => (Object.hasOwn(members, key) ? (members as Record<string | symbol, unknown>)[key] : Reflect.get(target, key, receiver)),
    set: (target, key, value) => Reflect.set(target, key, value, target),
  }) as T & M;
}

export type OptimizerClass = new (options?: OptimizerOptions) => Optimizer;

export const OPTIMIZERS = new Registry<OptimizerClass>('optimizer');

/** Makes an optimizer class known to `fromConfig` and `get` (by its class name, any case). */
export function registerOptimizer(name: string, ctor: OptimizerClass): void {
  OPTIMIZERS.register(name, ctor);
}

/** The registered class whose name matches, ignoring case. */
export function lookupOptimizer(name: string): OptimizerClass | undefined {
  return OPTIMIZERS.lookup(name);
}

export function registeredOptimizers(): string[] {
  return OPTIMIZERS.names();
}
