/**
 * Scaled dot-product attention as one op, Keras 3's `keras.ops.dot_product_attention` in TF.js
 * spelling: `dotProductAttention(query, key, value, {mask, scale, isCausal})` with query
 * [B, T, N, H], key [B, S, K, H], value [B, S, K, Hv] (N a multiple of K: grouped-query attention
 * when K < N, each key/value head serving N/K query heads), returning [B, T, N, Hv]:
 *
 *   out[b, :, n] = softmax(scale·Q·Kᵀ, masked) · V     (Q = query[b, :, n], K, V = key, value[b, :, n·K/N])
 *
 * scale defaults to 1/√H; mask is a bool broadcast to [B, N, T, S] (true: may attend); isCausal
 * adds Keras's lower-triangular mask (query i attends to keys j ≤ i). A masked logit becomes −1e9
 * before the softmax, as in MultiHeadAttention's `_masked_softmax` (src/ops/softmax.ts), so masked
 * positions get probability 0 and a row with nothing to attend to is uniform.
 *
 * One kernel forward (`Backend.attention`, which keeps the probabilities for the backward pass)
 * and one backward (`attentionGrad`): no [B, N, T, S] tensors, transposes or tape nodes between
 * the products. The layer (src/layers/attention.ts) calls it when it does not need the scores
 * themselves (no `returnAttentionScores`, no attention dropout). When another tape records the
 * gradient, the rule is written with einsum and softmax instead, so derivatives of any order work.
 */
import { kernels } from '../backend/select.js';
import type { AttentionDims } from '../backend/backend.js';
import { allocate, allocateOutput, isFloat, type FloatArray } from '../dtype.js';
import { isRecording, record } from '../autodiff/record.js';
import { fmt } from '../shape.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { mul, sub } from '../ops/binary.js';
import { cast } from '../ops/cast.js';
import { logicalAnd } from '../ops/compare.js';
import { einsum } from '../ops/einsum.js';
import { zerosLike } from '../ops/create.js';
import { sum } from '../ops/reduce.js';
import { expandDims, reshape } from '../ops/reshape.js';
import { maskedSoftmax, softmax } from '../ops/softmax.js';
import { broadcastTo, tile } from '../ops/strided.js';
import { where } from '../ops/where.js';
import { checkFinite, checkOptions, checkSize } from '../validate.js';

const OP = 'dotProductAttention';

export interface DotProductAttentionOptions {
  /** Bool, broadcastable to [B, N, T, S]: true where query position t may attend to key position s. */
  mask?: TensorLike | null;
  /** Multiplies the logits; defaults to 1/√H. */
  scale?: number | null;
  /** Query position i attends only to key positions j ≤ i (combined with mask). */
  isCausal?: boolean;
}

/** softmax(scale·q·kᵀ, masked)·v per head: query [B, T, N, H], key [B, S, K, H], value [B, S, K, Hv] → [B, T, N, Hv]. */
export function dotProductAttention(queryLike: TensorLike, keyLike: TensorLike, valueLike: TensorLike, options?: DotProductAttentionOptions | null): Tensor {
  const opts = checkOptions(options, { mask: 'any', scale: 'any', isCausal: 'boolean' }, OP);
  const q = toTensor(queryLike, OP, 'query');
  const k = toTensor(keyLike, OP, 'key', q.dtype);
  const v = toTensor(valueLike, OP, 'value', q.dtype);
  if (!isFloat(q.dtype)) throw new TypeError(`${OP}: query must be float32 or float64, got ${q.dtype}`);
  for (const [name, t] of [['key', k], ['value', v]] as const) {
    if (t.dtype !== q.dtype) throw new TypeError(`${OP}: ${name} must have the dtype of query (${q.dtype}), got ${t.dtype}`);
  }
  for (const [name, t, dims] of [['query', q, 'B, T, N, H'], ['key', k, 'B, S, K, H'], ['value', v, 'B, S, K, Hv']] as const) {
    if (t.rank !== 4) throw new Error(`${OP}: ${name} must have rank 4 [${dims}], got shape ${fmt(t.shape)}`);
  }
  const [batch, t, heads, keyDim] = q.shape;
  const [, s, kvHeads] = k.shape;
  const shapes = `query ${fmt(q.shape)}, key ${fmt(k.shape)}, value ${fmt(v.shape)}`;
  if (k.shape[0] !== batch || v.shape[0] !== batch) throw new Error(`${OP}: query, key and value must have the same batch: ${shapes}`);
  if (v.shape[1] !== s || v.shape[2] !== kvHeads) throw new Error(`${OP}: key and value must have the same positions and heads [B, S, K]: ${shapes}`);
  if (k.shape[3] !== keyDim) throw new Error(`${OP}: query and key must have the same head size H: ${shapes}`);
  if (kvHeads === 0 ? heads !== 0 : heads % kvHeads !== 0) throw new Error(`${OP}: the query heads N must be a multiple of the key/value heads K: ${shapes}`);
  // With H = 0 every logit is an empty sum, 0 at any finite scale: the default is then 1, not ∞ (0·∞ would be NaN).
  const scale = opts.scale === undefined || opts.scale === null ? 1 / Math.sqrt(keyDim || 1) : checkFinite(opts.scale, OP, 'options.scale');
  const mask = attentionMask(opts.mask ?? null, opts.isCausal === true, batch, heads, t, s);
  const dims: AttentionDims = {
    batch, t, s, heads, kvHeads, keyDim, valueDim: v.shape[3], scale,
    maskBatchStride: mask === null || mask.shape[0] === 1 ? 0 : mask.shape[1] * t * s,
    maskHeadStride: mask === null || mask.shape[1] === 1 ? 0 : t * s,
  };
  return attentionCore(q, k, v, mask, dims);
}

/** The mask as the kernels read it: bool [B or 1, N or 1, T, S], or null when nothing is masked. */
function attentionMask(maskLike: TensorLike | null, causal: boolean, batch: number, heads: number, t: number, s: number): Tensor | null {
  let mask: Tensor | null = null;
  if (maskLike !== null) {
    let m = toTensor(maskLike, OP, 'mask');
    if (m.dtype !== 'bool') m = cast(m, 'bool');
    const full = [batch, heads, t, s];
    const padded = [...new Array<number>(Math.max(0, 4 - m.rank)).fill(1), ...m.shape];
    if (m.rank > 4 || padded.some((d, i) => d !== 1 && d !== full[i])) {
      throw new Error(`${OP}: mask ${fmt(m.shape)} must broadcast to [B, N, T, S] = ${fmt(full)}`);
    }
    m = reshape(m, padded);
    mask = padded[2] === t && padded[3] === s ? m : broadcastTo(m, [padded[0], padded[1], t, s]);
  }
  if (causal) {
    const lower = allocate('bool', t * s) as Uint8Array;
    for (let i = 0; i < t; i++) lower.fill(1, i * s, i * s + Math.min(i + 1, s));
    const c = new Tensor(lower, [1, 1, t, s], 'bool');
    mask = mask === null ? c : logicalAnd(mask, c);
  }
  return mask;
}

function attentionCore(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, d: AttentionDims): Tensor {
  const dtype = q.dtype;
  const outShape = [d.batch, d.t, d.heads, d.valueDim];
  const out = allocateOutput(dtype, checkSize(outShape, OP, dtype)) as FloatArray;
  const probsShape = [d.batch, d.heads, d.t, d.s];
  const probs = allocateOutput(dtype, checkSize(probsShape, OP, dtype)) as FloatArray;
  const maskValues = mask === null ? null : (mask.values as Uint8Array);
  const work = out.length + probs.length;
  if (d.heads > 0 && work > 0) kernels(work).attention(q.values as FloatArray, k.values as FloatArray, v.values as FloatArray, maskValues, d, out, probs);
  const y = new Tensor(out, outShape, dtype);
  // The probabilities as a tensor the tape holds (and the mask, which may have been made here):
  // disposed with the memory scope that made them once no tape needs them, so their storage is
  // reused (the probabilities are a training step's largest buffer).
  const kept = new Tensor(probs, probsShape, dtype);
  record([q, k, v], [y], ([dout]) => {
    if (isRecording()) return gradOps(q, k, v, mask, d, dout);
    const dq = allocateOutput(dtype, q.size) as FloatArray;
    const dk = allocateOutput(dtype, k.size) as FloatArray;
    const dv = allocateOutput(dtype, v.size) as FloatArray;
    if (d.heads > 0 && work > 0) kernels(work).attentionGrad(q.values as FloatArray, k.values as FloatArray, v.values as FloatArray, kept.values as FloatArray, dout.values as FloatArray, mask === null ? null : (mask.values as Uint8Array), d, dq, dk, dv);
    else dq.fill(0), dk.fill(0), dv.fill(0);
    return [new Tensor(dq, q.shape.slice(), dtype), new Tensor(dk, k.shape.slice(), dtype), new Tensor(dv, v.shape.slice(), dtype)];
  }, mask === null ? [kept] : [kept, mask]);
  return y;
}

/**
 * The same gradient in differentiable ops, for higher orders, around a recomputed P:
 * dV = Pᵀ·dout, dS = scale·(dP − Σ dP·P)·P with dP = dout·Vᵀ (0 where masked), dQ = dS·K,
 * dK = dSᵀ·Q; with grouped heads, K and V are repeated per query head and their gradients summed.
 */
function gradOps(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, d: AttentionDims, dout: Tensor): Tensor[] {
  const group = d.heads / d.kvHeads;
  const perHead = (x: Tensor) => (group === 1 ? x : reshape(tile(expandDims(x, 3), [1, 1, 1, group, 1]), [d.batch, d.s, d.heads, x.shape[3]]));
  const perKvHead = (x: Tensor) => (group === 1 ? x : sum(reshape(x, [d.batch, d.s, d.kvHeads, group, x.shape[3]]), 3));
  const kx = perHead(k), vx = perHead(v);
  const scores = mul(einsum('btnh,bsnh->bnts', q, kx), d.scale);
  const p = mask === null ? softmax(scores, -1) : maskedSoftmax(scores, mask);
  const dp = einsum('btnh,bsnh->bnts', dout, vx);
  let ds = mul(mul(sub(dp, sum(mul(dp, p), -1, true)), p), d.scale);
  if (mask !== null) ds = where(mask, ds, zerosLike(ds));
  return [
    einsum('bnts,bsnh->btnh', ds, kx),
    perKvHead(einsum('bnts,btnh->bsnh', ds, q)),
    perKvHead(einsum('bnts,btnh->bsnh', p, dout)),
  ];
}
