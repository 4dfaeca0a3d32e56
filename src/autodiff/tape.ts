/**
 * GradientTape, with TF's semantics: ops run inside `record(fn)` on watched tensors (and on
 * trainable variables they read, unless `watchAccessedVariables` is false) are kept as nodes;
 * `gradient` walks them backwards. Gradient rules are themselves ops, so a tape recording
 * while another computes gradients records those too: nested tapes give higher derivatives.
 * Also here: jacobian, batchJacobian, customGradient, stopGradient, grad, valueAndGrad.
 */
import { isFloat } from '../dtype.js';
import { fmt, shapesEqual, unbroadcastAxes } from '../shape.js';
import { runScoped, Tensor, toTensor, type TensorLike } from '../tensor.js';
import { disown, follow, isRecording, newTapeKey, record, recordingTapes, slotAt, slotIn, withoutRecording, type Recorder, type TapeNode } from './record.js';
import { add } from '../ops/binary.js';
import { onesLike, zeros, zerosLike } from '../ops/create.js';
import { reshape } from '../ops/reshape.js';
import { sum } from '../ops/reduce.js';
import { stack } from '../ops/concat.js';
import { oneHotFloat } from '../ops/composite/one-hot.js';
import { warnOnce } from '../warn.js';

export type Sources = Tensor | Sources[] | { [key: string]: Sources };
export type Gradients<S> = S extends Tensor ? Tensor | null : S extends readonly unknown[] ? { [K in keyof S]: Gradients<S[K]> } : S extends object ? { [K in keyof S]: Gradients<S[K]> } : never;

export interface GradientOptions {
  /** Upstream gradient of the target (default: ones, i.e. the gradient of its sum); nested like a nested target. */
  outputGradients?: TensorLike | Sources;
  /** What an unconnected source gets: null ('none', default) or zeros ('zero'). */
  unconnectedGradients?: 'none' | 'zero';
}

export interface TapeOptions {
  persistent?: boolean;
  watchAccessedVariables?: boolean;
}

/** Sums a gradient back to the shape of the input it belongs to (the inverse of broadcasting). */
function unbroadcast(g: Tensor, shape: number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const axes = unbroadcastAxes(shape, g.shape);
  return reshape(axes.length > 0 ? sum(g, axes) : g, shape);
}

/** n zeros in an array of exactly n slots (growing by push would reserve 16 at the first). */
function zeroFlags(n: number): number[] {
  const flags = new Array<number>(n);
  for (let i = 0; i < n; i++) flags[i] = 0;
  return flags;
}

const NO_OPTIONS: GradientOptions = Object.freeze({});

function allTensors(xs: unknown[]): boolean {
  for (let i = 0; i < xs.length; i++) if (!(xs[i] instanceof Tensor)) return false;
  return true;
}

function flattenSources(s: unknown, out: Tensor[], op: string): void {
  if (s instanceof Tensor) out.push(s);
  else if (Array.isArray(s)) for (const x of s) flattenSources(x, out, op);
  else if (s !== null && typeof s === 'object') for (const k of Object.keys(s)) flattenSources((s as Record<string, unknown>)[k], out, op);
  else throw new TypeError(`${op}: sources must be tensors, variables, or arrays/objects of them; got ${s === null ? 'null' : typeof s}`);
}

function rebuild(s: unknown, grads: (Tensor | null)[], pos: { i: number }): unknown {
  if (s instanceof Tensor) return grads[pos.i++];
  if (Array.isArray(s)) return s.map((x) => rebuild(x, grads, pos));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(s as object)) out[k] = rebuild((s as Record<string, unknown>)[k], grads, pos);
  return out;
}

export class GradientTape implements Recorder {
  readonly persistent: boolean;
  readonly watchAccessedVariables: boolean;
  key = newTapeKey();
  slotCount = 0;
  otherSlots: Map<number, number> | null = null;
  nodes: TapeNode[] = [];
  owned: Tensor[] = [];
  private readonly accessed: Tensor[] = [];
  private used = false;
  private depth = 0;

  constructor({ persistent = false, watchAccessedVariables = true }: TapeOptions = {}) {
    this.persistent = persistent;
    this.watchAccessedVariables = watchAccessedVariables;
  }

  /** Runs `fn` with this tape recording and returns its result. */
  record<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new TypeError('GradientTape.record: expected a function');
    recordingTapes.push(this);
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (recordingTapes[recordingTapes.length - 1] === this) recordingTapes.pop();
      else {
        const i = recordingTapes.lastIndexOf(this);
        if (i >= 0) recordingTapes.splice(i, 1);
      }
    }
  }

  /** Runs `fn` without this tape recording. */
  stopRecording<T>(fn: () => T): T {
    if (!recordingTapes.includes(this)) return fn();
    const positions: number[] = [];
    for (let i = recordingTapes.length - 1; i >= 0; i--) if (recordingTapes[i] === this) positions.push(i);
    for (const i of positions) recordingTapes.splice(i, 1);
    try {
      return fn();
    } finally {
      for (let j = 0; j < positions.length; j++) recordingTapes.push(this);
    }
  }

  /** Forgets everything recorded so far (watched tensors included). */
  reset(): void {
    this.nodes = [];
    this.forgetSlots();
    this.accessed.length = 0;
    this.used = false;
  }

  /** Marks tensors (or variables) to be followed, as sources of gradients. */
  watch(tensors: Tensor | Tensor[] | Sources): void {
    const list: Tensor[] = [];
    flattenSources(tensors, list, 'GradientTape.watch');
    for (const t of list) if (isFloat(t.dtype)) this.follow(t);
  }

  /** The variables read by recorded ops while this tape watched accessed variables. */
  watchedVariables(): Tensor[] {
    return this.accessed.slice();
  }

  /** @internal Called by the recorder when a recorded op reads a trainable variable. */
  onVariableAccessed(v: Tensor): void {
    this.follow(v);
    this.accessed.push(v);
  }

  /**
   * d target / d sources, in the structure of `sources`. `target` may be a tensor or an array
   * or object of them (nested): the result is then the gradient of their sum, as TF's
   * `GradientTape.gradient(target=nested)`; `outputGradients` then has the target's structure.
   */
  gradient<S extends Sources>(target: Sources, sources: S, options: GradientOptions = NO_OPTIONS): Gradients<S> {
    // A flat array of tensors (the usual call) needs no flattening or rebuilding.
    const flat = Array.isArray(sources) && allTensors(sources);
    const list: Tensor[] = flat ? (sources as Tensor[]) : [];
    if (!flat) flattenSources(sources, list, 'GradientTape.gradient');
    const grads = target instanceof Tensor
      ? this.backprop(target, list, options, 'gradient')
      : this.backpropNested(target, list, options);
    this.warnAboutNulls(list, grads);
    if (!this.persistent) this.release();
    return (flat ? grads : rebuild(sources, grads, { i: 0 })) as Gradients<S>;
  }

  /**
   * Full Jacobian: result shape is target.shape ++ source.shape, one backward pass per target
   * element. Unconnected gives null (or zeros with unconnectedGradients 'zero').
   */
  jacobian(target: Tensor, source: Tensor, options: { unconnectedGradients?: 'none' | 'zero' } = {}): Tensor | null {
    const rows: Tensor[] = [];
    let connected = false;
    for (let i = 0; i < target.size; i++) {
      const seed = reshape(oneHotFloat(i, target.size, target.dtype), target.shape);
      const [g] = this.backprop(target, [source], { outputGradients: seed, unconnectedGradients: 'zero' }, 'jacobian');
      connected ||= this.lastConnected;
      rows.push(g as Tensor);
    }
    if (!this.persistent) this.release();
    if (!connected && options.unconnectedGradients !== 'zero') return null;
    if (rows.length === 0) return zeros([...target.shape, ...source.shape], source.dtype);
    return reshape(stack(rows), [...target.shape, ...source.shape]);
  }

  /**
   * Per-example Jacobian for target [B, …] and source [B, …], assuming example b of the
   * target depends only on example b of the source: result [B, target…, source…].
   */
  batchJacobian(target: Tensor, source: Tensor, options: { unconnectedGradients?: 'none' | 'zero' } = {}): Tensor | null {
    if (target.rank < 1 || source.rank < 1 || target.shape[0] !== source.shape[0]) {
      throw new Error(`batchJacobian: target ${fmt(target.shape)} and source ${fmt(source.shape)} must share their first (batch) dimension`);
    }
    const batch = target.shape[0];
    const per = batch === 0 ? 0 : target.size / batch;
    const rows: Tensor[] = [];
    let connected = false;
    for (let j = 0; j < per; j++) {
      // One backward pass seeds position j of every example at once.
      const seedRow = oneHotFloat(j, per, target.dtype);
      const seed = reshape(stack(new Array(batch).fill(seedRow)), target.shape);
      const [g] = this.backprop(target, [source], { outputGradients: seed, unconnectedGradients: 'zero' }, 'batchJacobian');
      connected ||= this.lastConnected;
      rows.push(reshape(g as Tensor, [batch, -1]));
    }
    if (!this.persistent) this.release();
    if (!connected && options.unconnectedGradients !== 'zero') return null;
    const srcRest = source.shape.slice(1);
    if (rows.length === 0) return zeros([...target.shape, ...srcRest], source.dtype);
    // rows[j] is [B, source…]; stack on axis 1 gives [B, per, source…].
    return reshape(stack(rows.map((r) => reshape(r, [batch, ...srcRest])), 1), [...target.shape, ...srcRest]);
  }

  private lastConnected = false;

  /** Whether input `x` of `node` lies on a path from a source. */
  private reaches(reachable: number[], node: TapeNode, x: Tensor): boolean {
    const s = slotAt(this, node, x);
    return s >= 0 && reachable[s] === 1;
  }

  private follow(t: Tensor): void {
    follow(this, t);
  }

  /** A new key disowns every tensor this tape followed. */
  private forgetSlots(): void {
    disown(this);
    this.key = newTapeKey();
    this.slotCount = 0;
    this.otherSlots = null;
  }

  private release(): void {
    this.used = true;
    this.nodes = [];
    this.forgetSlots();
  }

  /** The usual mistakes behind a null gradient, said once each (the result stays null, as TF's). */
  private warnAboutNulls(sources: Tensor[], grads: (Tensor | null)[]): void {
    if (!grads.includes(null)) return;
    if (this.nodes.length === 0) {
      warnOnce('GradientTape.gradient: the tape recorded no operation, so every gradient is null; only ops run inside tape.record(() => ...) are recorded');
    }
    for (const s of sources) {
      if (!isFloat(s.dtype)) warnOnce(`GradientTape.gradient: a source of dtype ${s.dtype} gets a null gradient; only float32 and float64 tensors are differentiable (cast it first)`);
    }
  }

  /** A nested target: one backward pass per target tensor, summed per source. */
  private backpropNested(target: Sources, sources: Tensor[], options: GradientOptions): (Tensor | null)[] {
    const targets: Tensor[] = [];
    flattenSources(target, targets, 'GradientTape.gradient: target');
    let seeds: (TensorLike | undefined)[] = targets.map(() => undefined);
    if (options.outputGradients !== undefined) {
      const list: Tensor[] = [];
      flattenSources(options.outputGradients as Sources, list, 'GradientTape.gradient: outputGradients');
      if (list.length !== targets.length) {
        throw new Error(`GradientTape.gradient: outputGradients has ${list.length} tensors for a target of ${targets.length}`);
      }
      seeds = list;
    }
    // The tape is released by gradient() after all passes, so a non-persistent tape allows these.
    let total: (Tensor | null)[] = sources.map(() => null);
    targets.forEach((t, i) => {
      const grads = this.backprop(t, sources, { outputGradients: seeds[i], unconnectedGradients: 'none' }, 'gradient');
      total = total.map((acc, k) => (grads[k] === null ? acc : acc === null ? grads[k] : add(acc, grads[k]!)));
    });
    if (options.unconnectedGradients === 'zero') total = total.map((g, k) => g ?? zerosLike(sources[k]));
    return total;
  }

  private backprop(target: Tensor, sources: Tensor[], options: GradientOptions, op: string): (Tensor | null)[] {
    if (!(target instanceof Tensor)) throw new TypeError(`GradientTape.${op}: target must be a tensor, got ${typeof target}`);
    if (this.used) {
      throw new Error(`GradientTape.${op}: a non-persistent GradientTape can only compute gradients once; create it with {persistent: true} to call it again`);
    }
    const zero = options.unconnectedGradients === 'zero';
    if (options.unconnectedGradients !== undefined && options.unconnectedGradients !== 'none' && !zero) {
      throw new Error(`GradientTape.${op}: unconnectedGradients must be 'none' or 'zero', got ${JSON.stringify(options.unconnectedGradients)}`);
    }
    // The tape does not record its own gradient computation (outer tapes do).
    if (recordingTapes.length > 0 && recordingTapes.includes(this)) return this.stopRecording(() => this.scopedWalk(target, sources, options, op, zero));
    return this.scopedWalk(target, sources, options, op, zero);
  }

  /**
   * The backward pass in a memory scope: its intermediate gradients are disposed (their storage
   * reused) as soon as it ends, unless another tape records it for a higher derivative.
   */
  private scopedWalk(target: Tensor, sources: Tensor[], options: GradientOptions, op: string, zero: boolean): (Tensor | null)[] {
    if (isRecording()) return this.walk(target, sources, options, op, zero);
    return runScoped(() => this.walk(target, sources, options, op, zero));
  }

  /** The backward pass proper: gradients of `target` for each source (null or zeros when unconnected). */
  private walk(target: Tensor, sources: Tensor[], options: GradientOptions, op: string, zero: boolean): (Tensor | null)[] {
    this.lastConnected = false;
    if (isFloat(target.dtype)) {
      let seed: Tensor;
      if (options.outputGradients !== undefined) {
        seed = toTensor(options.outputGradients as TensorLike, `GradientTape.${op}`, 'outputGradients', target.dtype);
        if (!shapesEqual(seed.shape, target.shape)) {
          throw new Error(`GradientTape.${op}: outputGradients shape ${fmt(seed.shape)} does not match target shape ${fmt(target.shape)}`);
        }
      } else seed = onesLike(target);
      const targetSlot = slotIn(this, target);
      const grads = new Array<Tensor | undefined>(this.slotCount);
      // Only nodes on a path from a source matter. A source the tape does not follow gets
      // no gradient (TF: None), even when a recorded op read it next to a watched tensor.
      const reachable = zeroFlags(this.slotCount);
      const sourceSlots = new Array<number>(sources.length);
      for (let k = 0; k < sources.length; k++) {
        const slot = isFloat(sources[k].dtype) ? slotIn(this, sources[k]) : -1;
        sourceSlots[k] = slot;
        if (slot >= 0) reachable[slot] = 1;
      }
      if (targetSlot >= 0) {
        grads[targetSlot] = seed;
        const nodes = this.nodes;
        const relevant = zeroFlags(nodes.length);
        for (let n = 0; n < nodes.length; n++) {
          const node = nodes[n];
          let fromSource = false;
          for (let i = 0; i < node.inputs.length; i++) if (this.reaches(reachable, node, node.inputs[i])) fromSource = true;
          if (!fromSource) continue;
          relevant[n] = 1;
          for (let j = 0; j < node.outputs.length; j++) {
            const s = slotAt(this, node, node.outputs[j]);
            if (s >= 0) reachable[s] = 1;
          }
        }
        for (let n = nodes.length - 1; n >= 0; n--) {
          if (relevant[n] === 0) continue;
          const node = nodes[n];
          const { inputs, outputs } = node;
          let any = false;
          const upstream = new Array<Tensor>(outputs.length);
          for (let j = 0; j < outputs.length; j++) {
            const s = slotAt(this, node, outputs[j]);
            const g = s >= 0 ? grads[s] : undefined;
            if (g !== undefined) {
              any = true;
              upstream[j] = g;
            }
          }
          if (!any) continue;
          for (let j = 0; j < outputs.length; j++) if (upstream[j] === undefined) upstream[j] = zerosLike(outputs[j]);
          const needs = new Array<boolean>(inputs.length);
          for (let i = 0; i < inputs.length; i++) needs[i] = this.reaches(reachable, node, inputs[i]);
          const inGrads = node.grad(upstream, needs);
          for (let i = 0; i < inputs.length; i++) {
            const g = inGrads[i];
            if (!needs[i] || g === null || g === undefined) continue;
            const slot = slotAt(this, node, inputs[i]);
            const shaped = unbroadcast(g, inputs[i].shape);
            const prev = grads[slot];
            grads[slot] = prev ? add(prev, shaped) : shaped;
          }
        }
      }
      const result = new Array<Tensor | null>(sources.length);
      for (let k = 0; k < sources.length; k++) {
        const g = sourceSlots[k] >= 0 ? grads[sourceSlots[k]] : undefined;
        if (g) this.lastConnected = true;
        result[k] = g ?? (zero ? zerosLike(sources[k]) : null);
      }
      return result;
    }
    return sources.map((s) => (zero ? zerosLike(s) : null));
  }
}

/** A tensor with x's value through which no gradient flows. */
export function stopGradient(xLike: TensorLike): Tensor {
  const x = toTensor(xLike, 'stopGradient', 'x');
  return new Tensor(x.values.slice(), x.shape.slice(), x.dtype);
}

type GradFnResult = Tensor | (Tensor | null)[] | null;

/**
 * Defines a function with its own gradient, as TF's @tf.custom_gradient: `f(...inputs)`
 * returns `[y, gradFn]` and `gradFn(dy)` returns one gradient per input (or one tensor when
 * there is one input). `f` runs unrecorded; `gradFn` is recorded, so it can be differentiated.
 */
export function customGradient(f: (...inputs: Tensor[]) => [Tensor, (dy: Tensor) => GradFnResult]) {
  if (typeof f !== 'function') throw new TypeError('customGradient: expected a function');
  return (...inputLikes: TensorLike[]): Tensor => {
    const inputs = inputLikes.map((x, i) => toTensor(x, 'customGradient', `inputs[${i}]`));
    const result = withoutRecording(() => f(...inputs));
    if (!Array.isArray(result) || result.length !== 2 || !(result[0] instanceof Tensor) || typeof result[1] !== 'function') {
      throw new TypeError('customGradient: f must return [y, gradFn] with y a tensor and gradFn a function');
    }
    const [y0, gradFn] = result;
    const y = new Tensor(y0.values.slice(), y0.shape.slice(), y0.dtype);
    record(inputs, [y], ([dy]) => {
      const g = gradFn(dy);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== inputs.length) {
        throw new Error(`customGradient: gradFn returned ${list.length} gradients for ${inputs.length} inputs`);
      }
      return list.map((gi, i) => (gi === null ? null : toTensor(gi, 'customGradient', `gradient[${i}]`, inputs[i].dtype)));
    });
    return y;
  };
}

/** `grad(f)(x, dy?)`: the gradient of f at x (of sum(f(x)), or weighted by dy). */
export function grad(f: (x: Tensor) => Tensor) {
  return (x: TensorLike, dy?: TensorLike): Tensor => valueAndGrad(f)(x, dy).grad;
}

/** `valueAndGrad(f)(x, dy?)` returns `{value: f(x), grad: df/dx}`. */
export function valueAndGrad(f: (x: Tensor) => Tensor) {
  if (typeof f !== 'function') throw new TypeError('valueAndGrad: expected a function');
  return (xLike: TensorLike, dy?: TensorLike): { value: Tensor; grad: Tensor } => {
    const x = toTensor(xLike, 'valueAndGrad', 'x');
    const tape = new GradientTape();
    tape.watch(x);
    const value = tape.record(() => f(x));
    if (!(value instanceof Tensor)) throw new TypeError('valueAndGrad: f must return a tensor');
    const g = tape.gradient(value, x, { outputGradients: dy, unconnectedGradients: 'zero' }) as Tensor;
    return { value, grad: g };
  };
}
