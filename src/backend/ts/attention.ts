/**
 * Fused scaled dot-product attention (src/nn/attention.ts) and its backward pass, per batch b
 * and query head n, whose key/value head is g = n / (heads / kvHeads):
 *
 *   P = softmax(scale·Q·Kᵀ) over keys, masked logits −1e9 (this folder's softmax.ts),  out = P·V
 *   dV = Pᵀ·dout,  dP = dout·Vᵀ,  dS = scale·softmaxGrad(P, dP),  dQ = dS·K,  dK = dSᵀ·Q
 *
 * Q, K, V and out are read and written in place in their [batch, positions, heads, dim] layouts;
 * each head's scores live in its [t, s] slab of probs. native/kernels/attention.cc computes the
 * same products with the packed GEMM's micro-kernel and skips fully masked tails. Both skip the
 * terms of a probability (or dS) of exactly 0, so a masked-out infinite key or value does not
 * reach the output as NaN.
 */
import type { FloatArray } from '../../dtype.js';
import type { AttentionDims } from '../backend.js';
import { softmax, softmaxGrad } from './softmax.js';

/** Row i of a head's mask is mask row i of the mask's view at the head's offset. */
function headMask(mask: Uint8Array | null, d: AttentionDims, b: number, n: number): Uint8Array | null {
  return mask === null ? null : mask.subarray(b * d.maskBatchStride + n * d.maskHeadStride);
}

function identityRows(t: number): Int32Array {
  const rows = new Int32Array(t);
  for (let i = 0; i < t; i++) rows[i] = i;
  return rows;
}

export function attention(q: FloatArray, k: FloatArray, v: FloatArray, mask: Uint8Array | null, d: AttentionDims, out: FloatArray, probs: FloatArray): void {
  const { batch, t, s, heads, kvHeads, keyDim: h, valueDim: hv, scale } = d;
  const group = heads / kvHeads, ldq = heads * h, ldk = kvHeads * h, ldv = kvHeads * hv, ldo = heads * hv;
  // Without queries or keys every output is an empty sum (and no loop runs over empty heads).
  if (t === 0 || s === 0) return void out.fill(0);
  const rows = identityRows(t);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < heads; n++) {
      const g = Math.floor(n / group);
      const qo = b * t * ldq + n * h, ko = b * s * ldk + g * h, vo = b * s * ldv + g * hv, oo = b * t * ldo + n * hv;
      const slab = probs.subarray((b * heads + n) * t * s, (b * heads + n + 1) * t * s);
      for (let i = 0; i < t; i++) {
        const qi = qo + i * ldq;
        for (let j = 0; j < s; j++) {
          const kj = ko + j * ldk;
          let dot = 0;
          for (let p = 0; p < h; p++) dot += q[qi + p] * k[kj + p];
          slab[i * s + j] = dot * scale;
        }
      }
      const m = headMask(mask, d, b, n);
      if (s > 0) softmax(slab, t, s, m, m === null ? null : rows, slab);
      for (let i = 0; i < t; i++) {
        const oi = oo + i * ldo;
        for (let c = 0; c < hv; c++) out[oi + c] = 0;
        for (let j = 0; j < s; j++) {
          const pij = slab[i * s + j];
          if (pij === 0) continue;
          const vj = vo + j * ldv;
          for (let c = 0; c < hv; c++) out[oi + c] += pij * v[vj + c];
        }
      }
    }
  }
}

export function attentionGrad(q: FloatArray, k: FloatArray, v: FloatArray, probs: FloatArray, dout: FloatArray, mask: Uint8Array | null, d: AttentionDims, dq: FloatArray, dk: FloatArray, dv: FloatArray): void {
  const { batch, t, s, heads, kvHeads, keyDim: h, valueDim: hv, scale } = d;
  const group = heads / kvHeads, ldq = heads * h, ldk = kvHeads * h, ldv = kvHeads * hv, ldo = heads * hv;
  const rows = identityRows(t);
  const dp = new (probs instanceof Float32Array ? Float32Array : Float64Array)(t * s);
  const ds = new (probs instanceof Float32Array ? Float32Array : Float64Array)(t * s);
  dk.fill(0);
  dv.fill(0);
  if (t === 0 || s === 0) return void dq.fill(0);
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < heads; n++) {
      const g = Math.floor(n / group);
      const qo = b * t * ldq + n * h, ko = b * s * ldk + g * h, vo = b * s * ldv + g * hv, oo = b * t * ldo + n * hv;
      const slab = probs.subarray((b * heads + n) * t * s, (b * heads + n + 1) * t * s);
      for (let i = 0; i < t; i++) {  // dP = dout·Vᵀ
        const oi = oo + i * ldo;
        for (let j = 0; j < s; j++) {
          const vj = vo + j * ldv;
          let dot = 0;
          for (let c = 0; c < hv; c++) dot += dout[oi + c] * v[vj + c];
          dp[i * s + j] = dot;
        }
      }
      const m = headMask(mask, d, b, n);
      if (s > 0) softmaxGrad(slab, dp, t, s, m, m === null ? null : rows, ds);
      for (let i = 0; i < t; i++) {
        const qi = qo + i * ldq, oi = oo + i * ldo;
        for (let p = 0; p < h; p++) dq[qi + p] = 0;
        for (let j = 0; j < s; j++) {
          const dsij = ds[i * s + j] * scale, pij = slab[i * s + j];
          const kj = ko + j * ldk, vj = vo + j * ldv;
          if (dsij !== 0) {
            for (let p = 0; p < h; p++) {
              dq[qi + p] += dsij * k[kj + p];  // dQ = dS·K
              dk[kj + p] += dsij * q[qi + p];  // dK = dSᵀ·Q
            }
          }
          if (pij !== 0) for (let c = 0; c < hv; c++) dv[vj + c] += pij * dout[oi + c];  // dV = Pᵀ·dout
        }
      }
    }
  }
}
