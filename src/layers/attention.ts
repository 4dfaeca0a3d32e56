/**
 * MultiHeadAttention with Keras 3's weights and semantics: query, key and value projections
 * (`query/kernel` [dModel, numHeads, keyDim], `query/bias` [numHeads, keyDim], key and value
 * likewise), scores softmax(q·kᵀ/√keyDim) over the key axis with masked positions excluded,
 * attention dropout while training, and `attention_output/kernel` [numHeads, valueDim, outDim].
 * The attention itself is one fused op, dotProductAttention (src/nn/attention.ts), unless the
 * probabilities are wanted (returnAttentionScores) or dropped out (training with dropout): then
 * each product is one einsum (one batched matmul) and the mask is applied as Keras's
 * `_masked_softmax` does, masked logits replaced by −1e9, fused with the softmax (src/ops/softmax.ts).
 *
 * Extending it: a different score function replaces `scores`; a new mask source is combined in
 * `attentionMask` (a bool [batch or 1, T, S] where true means "may attend").
 */
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import type { Variable } from '../variable.js';
import { add, mul } from '../ops/binary.js';
import { einsum } from '../ops/einsum.js';
import { expandDims } from '../ops/reshape.js';
import { cast } from '../ops/cast.js';
import { logicalAnd } from '../ops/compare.js';
import { maskedSoftmax, softmax } from '../ops/softmax.js';
import { dropout } from '../ops/composite/dropout.js';
import { dotProductAttention } from '../nn/attention.js';
import { generator } from '../ops/rng.js';
import { allocate } from '../dtype.js';
import { show } from '../validate.js';
import type { InitializerIdentifier } from './initializers.js';
import { LAYERS, Layer, SymbolicTensor, type CallArgs, type LayerArgs, type LayerInput, type Shape } from './layer.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  keyDim: number;
  /** Defaults to keyDim. */
  valueDim?: number;
  /** Dropout on the attention probabilities while training. */
  dropout?: number;
  useBias?: boolean;
  /** The last axis of the output; defaults to the query's. */
  outputShape?: number | [number];
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  seed?: number;
}

export interface AttentionCallArgs extends CallArgs {
  /** [batch, S, dim]; defaults to the query. */
  value?: Tensor | SymbolicTensor | TensorLike;
  /** [batch, S, dim]; defaults to the value. */
  key?: Tensor | SymbolicTensor | TensorLike;
  /** Bool [batch, T, S] (or [T, S]): true where query position t may attend to key position s. */
  attentionMask?: TensorLike;
  /** Query position t attends only to key positions s ≤ t. */
  useCausalMask?: boolean;
  /** Return [output, scores] with scores [batch, heads, T, S] (the attention probabilities). */
  returnAttentionScores?: boolean;
}

function positiveInteger(value: unknown, arg: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`MultiHeadAttention: ${arg} must be a positive integer, got ${show(value)}`);
  return value;
}

export class MultiHeadAttention extends Layer {
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropoutRate: number;
  readonly useBias: boolean;
  readonly outputDim: number | null;
  queryKernel: Variable | null = null;
  queryBias: Variable | null = null;
  keyKernel: Variable | null = null;
  keyBias: Variable | null = null;
  valueKernel: Variable | null = null;
  valueBias: Variable | null = null;
  outputKernel: Variable | null = null;
  outputBias: Variable | null = null;
  private readonly args: MultiHeadAttentionArgs;
  private readonly seeds: (() => number) | null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    if (typeof args !== 'object' || args === null) throw new TypeError('MultiHeadAttention: expected an options object');
    this.numHeads = positiveInteger(args.numHeads, 'numHeads');
    if (args.keyDim === undefined) throw new TypeError(`MultiHeadAttention '${this.name}': keyDim is required (the size of each head's query and key)`);
    this.keyDim = positiveInteger(args.keyDim, 'keyDim');
    this.valueDim = args.valueDim === undefined ? this.keyDim : positiveInteger(args.valueDim, 'valueDim');
    const rate = args.dropout ?? 0;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`MultiHeadAttention: dropout must be a number in [0, 1), got ${show(rate)}`);
    this.dropoutRate = rate;
    this.useBias = args.useBias ?? true;
    const out = Array.isArray(args.outputShape) ? args.outputShape[0] : args.outputShape;
    this.outputDim = out === undefined ? null : positiveInteger(out, 'outputShape');
    this.seeds = args.seed === undefined ? null : generator(args.seed);
    this.supportsMasking = true;
    this.args = args;
  }

  private fail(message: string): never {
    throw new Error(`layer '${this.name}' (MultiHeadAttention): ${message}`);
  }

  /** Called as `mha.apply(query, {value, key, attentionMask, useCausalMask, returnAttentionScores, training})`. */
  override apply(inputs: SymbolicTensor | SymbolicTensor[], args?: AttentionCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: TensorLike | Tensor[], args?: AttentionCallArgs): Tensor | Tensor[];
  override apply(inputs: TensorLike | Tensor[] | SymbolicTensor | SymbolicTensor[], args: AttentionCallArgs = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    // A functional graph replays the node with [query, value, key] as its inputs.
    if (Array.isArray(inputs) && inputs.length === 3 && inputs.every((t) => t instanceof Tensor || t instanceof SymbolicTensor)) {
      return super.apply(inputs as Tensor[], args);
    }
    const { value, key, ...rest } = args;
    if (inputs instanceof SymbolicTensor) {
      const v = (value ?? inputs) as SymbolicTensor;
      const k = (key ?? v) as SymbolicTensor;
      if (!(v instanceof SymbolicTensor) || !(k instanceof SymbolicTensor)) this.fail('in a functional graph, value and key must be symbolic tensors too');
      return super.apply([inputs, v, k], { ...rest, selfAttention: value === undefined } as AttentionCallArgs);
    }
    const q = toTensor(inputs as TensorLike, this.name, 'query');
    const v = value === undefined ? q : toTensor(value as TensorLike, this.name, 'value');
    const k = key === undefined ? v : toTensor(key as TensorLike, this.name, 'key');
    return super.apply([q, v, k], { ...rest, selfAttention: value === undefined } as AttentionCallArgs);
  }

  override build(inputShape: Shape | Shape[]): void {
    const [q, v, k] = inputShape as Shape[];
    for (const [name, s] of [['query', q], ['value', v], ['key', k]] as const) {
      if (s.length !== 3) this.fail(`${name} must have rank 3 [batch, positions, features], got shape [${s.map((d) => d ?? 'null')}] (rank ${s.length})`);
      if (s[2] === null) this.fail(`the features axis of ${name} must be known`);
    }
    const n = this.numHeads;
    const kernel = { initializer: this.args.kernelInitializer ?? 'glorotUniform' };
    const bias = { initializer: this.args.biasInitializer ?? 'zeros' };
    const outDim = this.outputDim ?? (q[2] as number);
    this.queryKernel = this.addWeight('query/kernel', [q[2] as number, n, this.keyDim], kernel);
    if (this.useBias) this.queryBias = this.addWeight('query/bias', [n, this.keyDim], bias);
    this.keyKernel = this.addWeight('key/kernel', [k[2] as number, n, this.keyDim], kernel);
    if (this.useBias) this.keyBias = this.addWeight('key/bias', [n, this.keyDim], bias);
    this.valueKernel = this.addWeight('value/kernel', [v[2] as number, n, this.valueDim], kernel);
    if (this.useBias) this.valueBias = this.addWeight('value/bias', [n, this.valueDim], bias);
    this.outputKernel = this.addWeight('attention_output/kernel', [n, this.valueDim, outDim], kernel);
    if (this.useBias) this.outputBias = this.addWeight('attention_output/bias', [outDim], bias);
  }

  protected override checkInput(shape: readonly (number | null)[]): void {
    if (shape.length !== 3) this.fail(`inputs must have rank 3 [batch, positions, features], got shape [${shape}]`);
  }

  /**
   * The bool mask [batch or 1, T, S] (true = may attend) from attentionMask, the causal mask
   * and the query mask of self-attention, or null when nothing is masked.
   */
  private attentionMask(batch: number, t: number, s: number, args: AttentionCallArgs & { selfAttention?: boolean }): Tensor | null {
    let mask: Tensor | null = null;
    if (args.attentionMask !== undefined && args.attentionMask !== null) {
      let m = toTensor(args.attentionMask, this.name, 'attentionMask');
      if (m.rank === 2) m = expandDims(m, 0);
      if (m.rank !== 3 || (m.shape[0] !== batch && m.shape[0] !== 1) || m.shape[1] !== t || m.shape[2] !== s) {
        this.fail(`attentionMask must have shape [batch, T, S] = [${batch},${t},${s}] (or [T, S]), got [${toTensor(args.attentionMask, this.name, 'attentionMask').shape}]`);
      }
      mask = m.dtype === 'bool' ? m : cast(m, 'bool');
    }
    if (args.mask !== undefined && args.mask !== null && args.selfAttention) {
      const qm = args.mask;
      if (qm.rank !== 2 || qm.shape[0] !== batch || qm.shape[1] !== t) this.fail(`mask must have shape [batch, T] = [${batch},${t}], got [${qm.shape}]`);
      const b = qm.dtype === 'bool' ? qm : cast(qm, 'bool');
      // Keras combines the query mask (rows) with the value mask (columns); in self-attention both are this mask.
      const pair = logicalAnd(expandDims(b, 2), expandDims(b, 1));
      mask = mask === null ? pair : logicalAnd(mask, pair);
    }
    if (args.useCausalMask) {
      const causal = allocate('bool', t * s) as Uint8Array;
      for (let i = 0; i < t; i++) for (let j = 0; j <= Math.min(i, s - 1); j++) causal[i * s + j] = 1;
      const c = new Tensor(causal, [1, t, s], 'bool');
      mask = mask === null ? c : logicalAnd(mask, c);
    }
    return mask;
  }

  override call(inputs: LayerInput, args: AttentionCallArgs & { selfAttention?: boolean } = {}): Tensor | Tensor[] {
    const [query, value, key] = inputs as Tensor[];
    const batch = query.shape[0], t = query.shape[1], s = key.shape[1];
    if (value.shape[1] !== s || value.shape[0] !== key.shape[0]) this.fail(`key [${key.shape}] and value [${value.shape}] must have the same batch and positions`);
    if (key.shape[0] !== batch) this.fail(`query [${query.shape}] and key [${key.shape}] must have the same batch`);
    const project = (x: Tensor, kernel: Variable, bias: Variable | null) => {
      const y = einsum('btd,dnh->btnh', x, kernel);
      return bias === null ? y : add(y, bias);
    };
    const k = project(key, this.keyKernel!, this.keyBias);
    const v = project(value, this.valueKernel!, this.valueBias);
    const mask = this.attentionMask(batch, t, s, args);
    const dropping = args.training === true && this.dropoutRate > 0;
    const scale = 1 / Math.sqrt(this.keyDim);
    let context: Tensor, probsOut: Tensor | null = null;
    if (!dropping && !args.returnAttentionScores) {
      // Nothing needs the probabilities themselves: one fused op (src/nn/attention.ts).
      context = dotProductAttention(project(query, this.queryKernel!, this.queryBias), k, v, { mask: mask && expandDims(mask, 1), scale });
    } else {
      const q = mul(project(query, this.queryKernel!, this.queryBias), scale);
      const scores = einsum('btnh,bsnh->bnts', q, k);
      // Keras's _masked_softmax: the mask [batch or 1, T, S] gains the heads axis and masked logits become −1e9.
      let probs = mask === null ? softmax(scores, -1) : maskedSoftmax(scores, expandDims(mask, 1));
      probsOut = probs;
      if (dropping) probs = dropout(probs, this.dropoutRate, { seed: this.seeds === null ? undefined : Math.floor(this.seeds() * 2 ** 31) });
      context = einsum('bnts,bsnh->btnh', probs, v);
    }
    let out = einsum('btnh,nhd->btd', context, this.outputKernel!);
    if (this.outputBias !== null) out = add(out, this.outputBias);
    return args.returnAttentionScores ? [out, probsOut!] : out;
  }

  override computeMask(_inputs: LayerInput, mask: Tensor | null): Tensor | null {
    return mask;
  }

}
LAYERS.register('MultiHeadAttention', MultiHeadAttention);
