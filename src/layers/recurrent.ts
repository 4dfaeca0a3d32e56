/**
 * Recurrent layers (Keras 3's `layers/rnn`): SimpleRNN, LSTM and GRU on `[batch, time, features]`,
 * and the wrappers Bidirectional and TimeDistributed. Weights follow Keras 3's layouts and paths
 * (`lstm/lstm_cell/kernel` `[inputDim, 4·units]` with gates i, f, c, o; GRU gates z, r, h), so
 * they exchange with Keras files. The recurrence is written with ops, so the tape differentiates
 * it: the input projection of every time step is one matmul before the loop, and each step adds
 * one matmul with the recurrent kernel plus the gate math (for LSTM with its default
 * activations, the one fused op `lstmCell` of src/nn/lstm-cell.ts).
 *
 * A new cell type extends `RNN`: it names its cell (`cellName`), says how many gate blocks its
 * kernels have (`gateCount`) and how many states it carries, and writes `step` (one time step on
 * the already projected input). Register the class in `LAYERS` and add its factory in index.ts.
 */
import { Tensor } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add, mul, sub } from '../ops/binary.js';
import { matmul } from '../ops/matmul.js';
import { reshape } from '../ops/reshape.js';
import { concat, split } from '../ops/concat.js';
import { reverse } from '../ops/reverse.js';
import { slice, transpose } from '../ops/strided.js';
import { where } from '../ops/where.js';
import { cast } from '../ops/cast.js';
import { ones, zeros } from '../ops/create.js';
import { dropout } from '../ops/composite/dropout.js';
import { generator } from '../ops/rng.js';
import { show } from '../validate.js';
import { lstmCell } from '../nn/lstm-cell.js';
import { ACTIVATIONS, getActivation, type ActivationFn, type ActivationIdentifier } from './activations.js';
import { Initializer, getInitializer, type FloatDType, type InitializerIdentifier } from './initializers.js';
import { LAYERS, Layer, single, type CallArgs, type LayerArgs, type LayerInput, type Shape } from './layer.js';

export interface RNNArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  recurrentActivation?: ActivationIdentifier;
  useBias?: boolean;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Fraction of the inputs dropped while training (one mask per call, shared by every step, as Keras). */
  dropout?: number;
  /** Fraction of the recurrent state dropped before the recurrent matmul while training. */
  recurrentDropout?: number;
  kernelInitializer?: InitializerIdentifier;
  recurrentInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  seed?: number;
}

export interface LSTMArgs extends RNNArgs {
  /** Adds 1 to the forget gate's bias at initialization (Keras's default). */
  unitForgetBias?: boolean;
}

export interface GRUArgs extends RNNArgs {
  /** Applies the reset gate after the recurrent matmul (Keras 3's default; bias [2, 3·units]). */
  resetAfter?: boolean;
}

function rate(value: unknown, layer: string, arg: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new RangeError(`${layer}: ${arg} must be a number in [0, 1), got ${show(value)}`);
  return value;
}

/** Keras's unit_forget_bias: init(units), ones(units), init(2·units) for gates i, f, c, o. */
class UnitForgetBias extends Initializer {
  constructor(private readonly base: Initializer, private readonly units: number) { super(); }
  call(_shape: number[], dtype: FloatDType = 'float32'): Tensor {
    const u = this.units;
    return concat([this.base.call([u], dtype), ones([u], dtype), this.base.call([2 * u], dtype)], 0);
  }
  getConfig() { return { units: this.units }; }
}

/** The shared recurrence: argument checks, weights, masking, dropout, direction and the time loop. */
export abstract class RNN extends Layer {
  readonly units: number;
  readonly activation: ActivationFn;
  readonly recurrentActivation: ActivationFn;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly dropoutRate: number;
  readonly recurrentDropoutRate: number;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  protected readonly args: RNNArgs;
  private readonly seeds: (() => number) | null;

  /** Keras's cell name, the middle of the weight paths (`lstm_cell`). */
  protected abstract readonly cellName: string;
  /** Gate blocks in the kernels (LSTM 4, GRU 3, SimpleRNN 1). */
  protected abstract readonly gateCount: number;
  /** States carried between steps (LSTM 2: h, c). */
  abstract readonly stateCount: number;

  constructor(args: RNNArgs) {
    super(args);
    const cls = new.target.name;
    if (typeof args?.units !== 'number' || !Number.isInteger(args.units) || args.units <= 0) throw new TypeError(`${cls}: units must be a positive integer, got ${show(args?.units)}`);
    this.units = args.units;
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation, `${cls} '${this.name}'`);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation, `${cls} '${this.name}'`);
    this.useBias = args.useBias ?? true;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.dropoutRate = rate(args.dropout, cls, 'dropout');
    this.recurrentDropoutRate = rate(args.recurrentDropout, cls, 'recurrentDropout');
    this.seeds = args.seed === undefined ? null : generator(args.seed);
    this.args = args;
  }

  /** A layer of the same class and options, with some options changed (Bidirectional's copies). */
  cloneWith(changes: Partial<RNNArgs>): RNN {
    const Ctor = this.constructor as new (args: RNNArgs) => RNN;
    return new Ctor({ ...this.args, dtype: this.dtype, ...changes });
  }

  protected fail(message: string): never {
    throw new Error(`layer '${this.name}' (${this.className}): ${message}`);
  }

  override build(inputShape: Shape): void {
    if (inputShape.length !== 3) this.fail(`expected input of rank 3 [batch, time, features], got shape [${inputShape.map((d) => d ?? 'null')}] (rank ${inputShape.length})`);
    const inputDim = inputShape[2];
    if (inputDim === null) this.fail('the features axis (the last) must be known');
    const g = this.gateCount * this.units;
    this.kernel = this.addWeight(`${this.cellName}/kernel`, [inputDim, g], { initializer: this.args.kernelInitializer ?? 'glorotUniform' });
    this.recurrentKernel = this.addWeight(`${this.cellName}/recurrent_kernel`, [this.units, g], { initializer: this.args.recurrentInitializer ?? 'orthogonal' });
    if (this.useBias) this.bias = this.addWeight(`${this.cellName}/bias`, this.biasShape(), { initializer: this.biasInitializer() });
    this.inputSpec = { ndim: 3, axes: { [-1]: inputDim } };
  }

  protected biasShape(): number[] {
    return [this.gateCount * this.units];
  }

  protected biasInitializer(): InitializerIdentifier {
    return this.args.biasInitializer ?? 'zeros';
  }

  /** The bias added to the input projection (all of it, unless the cell splits it). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /**
   * One step: `xt` is this step's input projection [batch, gates·units] (bias included),
   * `states` the previous states, `hDrop` the h to multiply with the recurrent kernel (h with
   * recurrent dropout applied). Returns the new states; states[0] is the output.
   */
  protected abstract step(xt: Tensor, states: Tensor[], hDrop: Tensor): Tensor[];

  private nextSeed(): number | undefined {
    return this.seeds === null ? undefined : Math.floor(this.seeds() * 2 ** 31);
  }

  private checkMask(mask: Tensor, batch: number, time: number): Tensor {
    if (!(mask instanceof Tensor)) this.fail(`mask must be a tensor of shape [${batch},${time}], got ${show(mask)}`);
    if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) this.fail(`mask must have shape [batch, time] = [${batch},${time}], got [${mask.shape}]`);
    return mask.dtype === 'bool' ? mask : cast(mask, 'bool');
  }

  private checkStates(given: Tensor | Tensor[], batch: number): Tensor[] {
    const list = Array.isArray(given) ? given : [given];
    if (list.length !== this.stateCount) this.fail(`initialState must hold ${this.stateCount} tensor${this.stateCount > 1 ? 's' : ''} of shape [${batch},${this.units}], got ${list.length}`);
    return list.map((s, i) => {
      if (!(s instanceof Tensor)) this.fail(`initialState[${i}] must be a tensor, got ${show(s)}`);
      if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units) this.fail(`initialState[${i}] must have shape [batch, units] = [${batch},${this.units}], got [${s.shape}]`);
      return s.dtype === this.dtype ? s : cast(s, this.dtype);
    });
  }

  override call(inputs: LayerInput, args: CallArgs = {}): Tensor | Tensor[] {
    const x = single(inputs, this);
    if (x.rank !== 3) this.fail(`expected input of rank 3 [batch, time, features], got shape [${x.shape}] (rank ${x.rank})`);
    const [batch, time, inputDim] = x.shape;
    if (time === 0) this.fail('the input has no time steps');
    let mask = args.mask === undefined || args.mask === null ? null : this.checkMask(args.mask, batch, time);
    let states = args.initialState === undefined ? Array.from({ length: this.stateCount }, () => zeros([batch, this.units], this.dtype)) : this.checkStates(args.initialState, batch);

    let seq = x;
    if (this.goBackwards) {
      seq = reverse(seq, 1);
      if (mask !== null) mask = reverse(mask, 1);
    }
    const training = args.training === true;
    if (training && this.dropoutRate > 0) seq = mul(seq, dropout(ones([batch, 1, inputDim], this.dtype), this.dropoutRate, { seed: this.nextSeed() }));
    const recurrentMask = training && this.recurrentDropoutRate > 0 ? dropout(ones([batch, this.units], this.dtype), this.recurrentDropoutRate, { seed: this.nextSeed() }) : null;

    // Time-major rows [t·batch + b], so each step's block is contiguous and one split yields them all.
    let projected = matmul(reshape(transpose(seq, [1, 0, 2]), [time * batch, inputDim]), this.kernel!);
    const ib = this.inputBias();
    if (ib !== null) projected = add(projected, ib);
    const steps = time === 1 ? [projected] : split(projected, time, 0);
    const stepMasks = mask === null ? null : time === 1 ? [reshape(mask, [batch, 1])] : split(reshape(transpose(mask, [1, 0]), [time * batch, 1]), time, 0);

    const outputs: Tensor[] = [];
    let output: Tensor | null = null;
    for (let t = 0; t < time; t++) {
      const hDrop = recurrentMask === null ? states[0] : mul(states[0], recurrentMask);
      let next = this.step(steps[t], states, hDrop);
      if (stepMasks !== null) {
        // A padded step keeps the previous states; its output is the previous output (zeros before any real step), as Keras.
        const m = stepMasks[t];
        const previousOutput = output ?? zeros([batch, this.units], this.dtype);
        output = where(m, next[0], previousOutput);
        next = next.map((s, k) => where(m, s, states[k]));
      } else {
        output = next[0];
      }
      states = next;
      if (this.returnSequences) outputs.push(output);
    }
    const result = this.returnSequences ? reshape(outputs.length === 1 ? outputs[0] : concat(outputs, 1), [batch, time, this.units]) : output!;
    return this.returnState ? [result, ...states] : result;
  }

  override computeMask(_inputs: LayerInput, mask: Tensor | null): Tensor | null {
    return this.returnSequences && !this.returnState ? mask : null;
  }

}

/** h' = activation(x·kernel + h·recurrent_kernel + bias). */
export class SimpleRNN extends RNN {
  protected readonly cellName = 'simple_rnn_cell';
  protected readonly gateCount = 1;
  readonly stateCount = 1;
  protected step(xt: Tensor, _states: Tensor[], hDrop: Tensor): Tensor[] {
    return [this.activation(add(xt, matmul(hDrop, this.recurrentKernel!)))];
  }
}
LAYERS.register('SimpleRNN', SimpleRNN);

/**
 * Keras's LSTM cell: z = x·kernel + h·recurrent_kernel + bias split into i, f, c, o;
 * c' = σ(f)·c + σ(i)·tanh(z_c), h' = σ(o)·tanh(c') (σ the recurrent activation, tanh the activation).
 * With Keras's default activations (tanh, sigmoid) the gate math is the one fused op
 * `lstmCell` (src/nn/lstm-cell.ts); with any other activation (a function given in their place
 * included) it is written op by op.
 */
export class LSTM extends RNN {
  protected readonly cellName = 'lstm_cell';
  protected readonly gateCount = 4;
  readonly stateCount = 2;
  readonly unitForgetBias: boolean;
  /** Whether each step runs the fused `lstmCell` (activation 'tanh', recurrentActivation 'sigmoid'). */
  readonly fusedCell: boolean;

  constructor(args: LSTMArgs) {
    super(args);
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.fusedCell = this.activation === ACTIVATIONS.lookup('tanh') && this.recurrentActivation === ACTIVATIONS.lookup('sigmoid');
  }

  protected override biasInitializer(): InitializerIdentifier {
    const base = super.biasInitializer();
    return this.unitForgetBias ? new UnitForgetBias(getInitializer(base, `LSTM '${this.name}'`), this.units) : base;
  }

  protected step(xt: Tensor, states: Tensor[], hDrop: Tensor): Tensor[] {
    const z = add(xt, matmul(hDrop, this.recurrentKernel!));
    if (this.fusedCell) return lstmCell(z, states[1]);
    const [zi, zf, zc, zo] = split(z, 4, 1);
    const c = add(mul(this.recurrentActivation(zf), states[1]), mul(this.recurrentActivation(zi), this.activation(zc)));
    return [mul(this.recurrentActivation(zo), this.activation(c)), c];
  }
}
LAYERS.register('LSTM', LSTM);

/**
 * Keras's GRU cell, gates z, r, h. resetAfter (default): the recurrent product is computed once,
 * r·(h·U_h + b_rh) inside the candidate, bias [2, 3·units] (input row, recurrent row);
 * otherwise the candidate uses (r·h)·U_h and the bias is [3·units]. h' = z·h + (1 − z)·h̃.
 */
export class GRU extends RNN {
  protected readonly cellName = 'gru_cell';
  protected readonly gateCount = 3;
  readonly stateCount = 1;
  readonly resetAfter: boolean;

  constructor(args: GRUArgs) {
    super(args);
    this.resetAfter = args.resetAfter ?? true;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override inputBias(): Tensor | null {
    if (this.bias === null) return null;
    return this.resetAfter ? reshape(slice(this.bias, [0, 0], [1, 3 * this.units]), [3 * this.units]) : this.bias;
  }

  protected step(xt: Tensor, states: Tensor[], hDrop: Tensor): Tensor[] {
    const u = this.units;
    const h = states[0];
    const rk = this.recurrentKernel!;
    const [xz, xr, xh] = split(xt, 3, 1);
    let z: Tensor, candidate: Tensor;
    if (this.resetAfter) {
      let inner = matmul(hDrop, rk);
      if (this.bias !== null) inner = add(inner, reshape(slice(this.bias, [1, 0], [1, 3 * u]), [3 * u]));
      const [rz, rr, rh] = split(inner, 3, 1);
      z = this.recurrentActivation(add(xz, rz));
      const r = this.recurrentActivation(add(xr, rr));
      candidate = this.activation(add(xh, mul(r, rh)));
    } else {
      const [rz, rr] = split(matmul(hDrop, slice(rk, [0, 0], [u, 2 * u])), 2, 1);
      z = this.recurrentActivation(add(xz, rz));
      const r = this.recurrentActivation(add(xr, rr));
      candidate = this.activation(add(xh, matmul(mul(r, hDrop), slice(rk, [0, 2 * u], [u, u]))));
    }
    // z·h + (1 − z)·h̃ written as h̃ + z·(h − h̃): one op fewer, the same value.
    return [add(candidate, mul(z, sub(h, candidate)))];
  }

}
LAYERS.register('GRU', GRU);

/** A wrapper computes in its wrapped layer's dtype unless told otherwise. */
function withInnerDtype<A extends LayerArgs & { layer?: Layer }>(args: A): A {
  if (typeof args !== 'object' || args === null || !(args.layer instanceof Layer) || args.dtype !== undefined) return args;
  return { ...args, dtype: args.layer.dtype };
}

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

export interface BidirectionalArgs extends LayerArgs {
  layer: RNN;
  mergeMode?: MergeMode;
}

/**
 * Runs a copy of `layer` forwards (`forward_<name>`) and one backwards (`backward_<name>`), the
 * backward outputs re-reversed in time, and merges them (Keras's Bidirectional). With
 * returnState the result is [merged, ...forward states, ...backward states]; mergeMode null
 * returns [forward, backward] unmerged.
 */
export class Bidirectional extends Layer {
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;

  constructor(args: BidirectionalArgs) {
    super(withInnerDtype(args));
    if (!(args?.layer instanceof RNN)) throw new TypeError(`Bidirectional: options.layer must be a recurrent layer (simpleRNN, lstm, gru), got ${show(args?.layer)}`);
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!['concat', 'sum', 'mul', 'ave', null].includes(mode)) throw new RangeError(`Bidirectional: mergeMode must be 'concat', 'sum', 'mul', 'ave' or null, got ${show(mode)}`);
    this.mergeMode = mode;
    const inner = args.layer;
    this.forwardLayer = inner.cloneWith({ name: `forward_${inner.name}` });
    this.backwardLayer = inner.cloneWith({ name: `backward_${inner.name}`, goBackwards: !inner.goBackwards });
    this.returnSequences = inner.returnSequences;
    this.returnState = inner.returnState;
  }

  override call(inputs: LayerInput, args: CallArgs = {}): Tensor | Tensor[] {
    const x = single(inputs, this);
    let fState: Tensor[] | undefined, bState: Tensor[] | undefined;
    if (args.initialState !== undefined) {
      const list = Array.isArray(args.initialState) ? args.initialState : [args.initialState];
      const n = this.forwardLayer.stateCount;
      if (list.length !== 2 * n) throw new Error(`layer '${this.name}' (Bidirectional): initialState must hold ${2 * n} tensors (forward states, then backward), got ${list.length}`);
      fState = list.slice(0, n);
      bState = list.slice(n);
    }
    const common = { training: args.training, mask: args.mask };
    const f = this.forwardLayer.apply(x, { ...common, initialState: fState }) as Tensor | Tensor[];
    const b = this.backwardLayer.apply(x, { ...common, initialState: bState }) as Tensor | Tensor[];
    const [yf, ...sf] = Array.isArray(f) ? f : [f];
    let [yb, ...sb] = Array.isArray(b) ? b : [b];
    if (this.returnSequences) yb = reverse(yb, 1);
    let merged: Tensor[];
    switch (this.mergeMode) {
      case 'concat': merged = [concat([yf, yb], -1)]; break;
      case 'sum': merged = [add(yf, yb)]; break;
      case 'mul': merged = [mul(yf, yb)]; break;
      case 'ave': merged = [mul(add(yf, yb), 0.5)]; break;
      default: merged = [yf, yb];
    }
    const out = this.returnState ? [...merged, ...sf, ...sb] : merged;
    return out.length === 1 ? out[0] : out;
  }

  override computeMask(_inputs: LayerInput, mask: Tensor | null): Tensor | null {
    return this.returnSequences && !this.returnState && this.mergeMode !== null ? mask : null;
  }

}
LAYERS.register('Bidirectional', Bidirectional);

export interface TimeDistributedArgs extends LayerArgs {
  layer: Layer;
}

/** Applies `layer` to every time step: [batch, time, …] is folded to [batch·time, …] around one call. */
export class TimeDistributed extends Layer {
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(withInnerDtype(args));
    if (!(args?.layer instanceof Layer)) throw new TypeError(`TimeDistributed: options.layer must be a layer, got ${show(args?.layer)}`);
    this.layer = args.layer;
    this.supportsMasking = true;
  }

  override build(inputShape: Shape): void {
    if (inputShape.length < 3) throw new Error(`layer '${this.name}' (TimeDistributed): expected input of rank at least 3 [batch, time, …], got shape [${inputShape.map((d) => d ?? 'null')}]`);
    this.inputSpec = { minNdim: 3 };
  }

  override call(inputs: LayerInput, args: CallArgs = {}): Tensor {
    const x = single(inputs, this);
    const [batch, time, ...rest] = x.shape;
    const y = this.layer.apply(reshape(x, [batch * time, ...rest]), { training: args.training });
    if (Array.isArray(y)) throw new Error(`layer '${this.name}' (TimeDistributed): the wrapped layer '${this.layer.name}' returned several outputs`);
    return reshape(y, [batch, time, ...y.shape.slice(1)]);
  }
}
LAYERS.register('TimeDistributed', TimeDistributed);
