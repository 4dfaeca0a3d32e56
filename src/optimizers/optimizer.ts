/**
 * The optimizer base class: Keras 3's `apply` flow in one place — loss-scale division, null
 * gradients skipped, gradient accumulation, clipping, decoupled weight decay, the update
 * step, EMA of the weights, the iteration counter. Subclasses only declare their slots and
 * their `updateStep`, which runs one fused kernel per variable (`fusedUpdate(kind, …)` on the
 * active backend; the TS backend's table is the reference).
 *
 * To add an optimizer: subclass, list `slotNames` (and initial values), implement
 * `updateStep`, add its kernel to `backend/ts/optim.ts` (and natively), and register it in
 * `optimizers/index.ts`.
 */
import { activeKernels, tsBackend } from '../backend/select.js';
import { allocate, isFloat, type FloatArray } from '../dtype.js';
import { fmt, shapesEqual } from '../shape.js';
import { Tensor, toTensor } from '../tensor.js';
import { Variable } from '../variable.js';
import { GradientTape } from '../autodiff/tape.js';

export type LearningRate = number | { call(step: number): number } | ((step: number) => number);

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
export const roundFor = (v: Tensor): Rounder => (v.dtype === 'float32' ? Math.fround : (x: number) => x);

export function checkNumber(op: string, name: string, value: unknown, { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = {}): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${name} must be a number, got ${JSON.stringify(value)}`);
  const low = minExclusive ? value <= min : value < min;
  const high = maxExclusive ? value >= max : value > max;
  if (low || high) {
    throw new RangeError(`${op}: ${name} must be in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}, got ${value}`);
  }
  return value;
}

export abstract class Optimizer {
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

  constructor(defaultName: string, options: OptimizerOptions = {}) {
    const op = defaultName;
    this.name = options.name ?? defaultName;
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
    this.useEma = options.useEma ?? false;
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

  /** Number of update calls made so far (`applyGradients` calls, including accumulation ones). */
  get iterations(): number {
    return this._iterations;
  }

  set iterations(value: number) {
    this._iterations = checkInteger(this.name, 'iterations', value, 0);
  }

  /** The learning rate for the current iteration (a schedule is evaluated at `iterations`). */
  get learningRate(): number {
    return this.learningRateAt(this._iterations);
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

  /** Excludes variables (or those whose name contains one of `varNames`) from weight decay. */
  excludeFromWeightDecay({ varList = [], varNames = [] }: { varList?: Variable[]; varNames?: string[] } = {}): void {
    for (const v of varList) this.decayExcludedIds.add(v.id);
    this.decayExcludedNames = [...this.decayExcludedNames, ...varNames];
  }

  /** Applies `[gradient | null, variable]` pairs; null gradients are skipped, as Keras does. */
  applyGradients(pairs: Iterable<readonly [Tensor | null | undefined, Variable]>): number {
    const grads: FloatArray[] = [];
    const vars: Variable[] = [];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${this.name}.applyGradients: expected [gradient, variable] pairs (use tf.zip(grads, vars))`);
      const [g, v] = pair;
      if (!(v instanceof Variable)) throw new TypeError(`${this.name}.applyGradients: the second element of each pair must be a tf.Variable`);
      if (g === null || g === undefined) continue;
      const gt = toTensor(g, `${this.name}.applyGradients`, 'gradient', v.dtype);
      if (!isFloat(v.dtype)) throw new TypeError(`${this.name}.applyGradients: variable '${v.name}' has dtype ${v.dtype}; only float variables can be trained`);
      if (gt.dtype !== v.dtype) throw new TypeError(`${this.name}.applyGradients: gradient dtype ${gt.dtype} does not match variable '${v.name}' of dtype ${v.dtype}`);
      if (!shapesEqual(gt.shape, v.shape)) {
        throw new Error(`${this.name}.applyGradients: gradient shape ${fmt(gt.shape)} does not match variable '${v.name}' of shape ${fmt(v.shape)}`);
      }
      // Work on a private copy: clipping and scaling happen in place.
      grads.push(gt.values.slice() as FloatArray);
      vars.push(v);
    }
    if (vars.length === 0) throw new Error(`${this.name}.applyGradients: no gradients provided for any variable`);
    this.apply(grads, vars);
    return this._iterations;
  }

  /** Computes the loss under a tape and applies its gradients to `varList`; returns the loss. */
  minimize(lossFn: () => Tensor, varList: Variable[]): Tensor {
    if (typeof lossFn !== 'function') throw new TypeError(`${this.name}.minimize: loss must be a function returning a tensor`);
    const tape = new GradientTape();
    const loss = tape.record(lossFn);
    if (!(loss instanceof Tensor)) throw new TypeError(`${this.name}.minimize: the loss function must return a tensor`);
    const grads = tape.gradient(loss, varList) as (Tensor | null)[];
    this.applyGradients(grads.map((g, i) => [g, varList[i]] as const));
    return loss;
  }

  private apply(grads: FloatArray[], vars: Variable[]): void {
    for (const v of vars) this.build(v);
    if (this.lossScaleFactor !== null) for (const g of grads) scaleInPlace(g, 1 / this.lossScaleFactor);
    const lr = this.learningRateAt(this._iterations);
    let update = true;
    if (this.gradientAccumulationSteps !== null) {
      const steps = this.gradientAccumulationSteps;
      update = (this._iterations + 1) % steps === 0;
      for (let i = 0; i < vars.length; i++) {
        const acc = this.accumulators.get(vars[i].id)!;
        const g = grads[i];
        if (update) {
          for (let j = 0; j < g.length; j++) g[j] = (g[j] + acc[j]) / steps;
          acc.fill(0);
        } else {
          for (let j = 0; j < g.length; j++) acc[j] += g[j];
        }
      }
    }
    if (update) {
      this.clip(grads);
      this.applyWeightDecay(vars, lr);
      for (let i = 0; i < vars.length; i++) {
        this.updateStep(vars[i], grads[i], this.slots.get(vars[i].id)!, lr, this._iterations + 1);
      }
    }
    if (this.useEma) {
      for (const v of vars) {
        const avg = this.averages.get(v.id)!;
        const r = roundFor(v);
        const momentum = this._iterations === 0 ? 0 : r(this.emaMomentum);
        const x = v.values;
        for (let j = 0; j < x.length; j++) avg[j] = r(r(momentum * avg[j]) + r(r(1 - momentum) * x[j]));
      }
      const freq = this.emaOverwriteFrequency;
      if (freq !== null && (this._iterations + 1) % freq === 0) for (const v of vars) v.values.set(this.averages.get(v.id)!);
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
  }

  private clip(grads: FloatArray[]): void {
    if (this.clipvalue !== null) {
      const c = this.clipvalue;
      for (const g of grads) for (let j = 0; j < g.length; j++) g[j] = Math.min(Math.max(g[j], -c), c);
    } else if (this.clipnorm !== null) {
      for (const g of grads) clipByNorm(g, this.clipnorm, l2(g));
    } else if (this.globalClipnorm !== null) {
      let total = 0;
      for (const g of grads) total += l2(g) ** 2;
      const norm = Math.sqrt(total);
      if (norm > this.globalClipnorm) for (const g of grads) scaleInPlace(g, this.globalClipnorm / norm);
    }
  }

  private applyWeightDecay(vars: Variable[], lr: number): void {
    if (this.weightDecay === null || this.weightDecay === 0) return;
    for (const v of vars) {
      if (this.decayExcludedIds.has(v.id) || this.decayExcludedNames.some((n) => v.name.includes(n))) continue;
      const r = roundFor(v);
      const factor = r(r(this.weightDecay) * r(lr));
      const x = v.values;
      for (let j = 0; j < x.length; j++) x[j] = r(x[j] - r(x[j] * factor));
    }
  }

  /** Runs a fused update kernel on the active backend (TS when it has none). */
  protected fused(kind: string, arrays: FloatArray[], scalars: number[]): void {
    if (activeKernels().fusedUpdate(kind, arrays, scalars)) return;
    if (!tsBackend.fusedUpdate(kind, arrays, scalars)) throw new Error(`${this.name}: no kernel for fused update '${kind}'`);
  }
}

function checkInteger(op: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function l2(g: FloatArray): number {
  let s = 0;
  for (let j = 0; j < g.length; j++) s += g[j] * g[j];
  return Math.sqrt(s);
}

function scaleInPlace(g: FloatArray, k: number): void {
  for (let j = 0; j < g.length; j++) g[j] *= k;
}

/** Keras clip_by_norm: g · clipnorm / max(‖g‖, clipnorm). */
function clipByNorm(g: FloatArray, clipnorm: number, norm: number): void {
  if (norm > clipnorm) scaleInPlace(g, clipnorm / norm);
}
