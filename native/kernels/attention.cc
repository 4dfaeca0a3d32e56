// Fused scaled dot-product attention and its backward pass (src/nn/attention.ts; the math is
// src/backend/ts/attention.ts'), float32. Per batch b and query head n (key/value head
// g = n / (N/G)), with Q [T, H], K [S, H], V [S, Hv] read in place from [B, T, N, H] and
// [B, S, G, H|Hv] (rows of stride N·H or G·H, no transposes):
//
//   P = softmax(scale·Q·Kᵀ, masked logits replaced by −1e9)  [T, S], written to probs [B, N, T, S]
//   ctx = P·V                                                  [T, Hv], written to [B, T, N, Hv]
//
// and backward, from dctx and the saved P:
//
//   dV = Pᵀ·dctx,  dP = dctx·Vᵀ,  dS = scale·P⊙(dP − rowsum(dP⊙P)) (0 where masked),
//   dQ = dS·K,     dK = dSᵀ·Q.
//
// Each product is the packed GEMM's micro-kernel (simd/impl.h) over one head's operands while
// they sit in L2: B operands are packed once per head, P and dS rows are read in place and
// their transposes packed MR keys at a time. One task per (batch, key/value head) runs its
// query heads in order, so the heads sharing K and V (grouped-query attention) add into dK and
// dV in a fixed order and any thread count gives the same bits.
//
// Masked tails are skipped: for each MR-row sliver of queries, the columns after the last
// position any of its rows may attend to are all masked. Their probabilities are exactly 0
// (exp(−1e9 − max) underflows), so neither their scores nor their share of P·V, dP, dS·K, dSᵀ·Q
// or Pᵀ·dctx is computed; a causal mask does about half the work. A row with nothing to attend
// to is uniform over all S positions (as Keras's masked softmax), so it is never cut.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

constexpr float kMaskedLogit = -1e9f;  // Keras's _large_negative_number, as kernels/softmax.cc

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct Ctx {
  const AttentionDims& d;
  const simd::Table* t;
  int MR, NR;
  int64_t kc;  // deepest k slice of one micro-kernel call (the GEMM plan's)
  int64_t ldq, ldk, ldv, ldo;  // row strides of q, k, v and ctx (and of dq, dk, dv, dctx)
};

// C[mr × nr] (row stride ldc) = A·B over k steps, A read in place (a[i·lda + p]), B a packed
// sliver (k steps of NR); k cut into slices of at most kc, the first one storing. k = 0 stores
// zeros.
void product_direct(const Ctx& c, int64_t k, const float* a, int64_t lda, const float* pb, float* out, int64_t ldc,
                    int mr, int nr) {
  int64_t pc = 0;
  do {
    const int64_t kc = std::min(c.kc, k - pc);
    c.t->gemm_micro_direct(kc, a + pc, lda, pb + pc * c.NR, out, ldc, pc > 0, mr, nr);
    pc += kc;
  } while (pc < k);
}

// The same with A packed (k steps of MR) and `accumulate` for the first slice too.
void product_packed(const Ctx& c, int64_t k, const float* pa, const float* pb, float* out, int64_t ldc, bool accumulate,
                    int mr, int nr) {
  int64_t pc = 0;
  do {
    const int64_t kc = std::min(c.kc, k - pc);
    c.t->gemm_micro(kc, pa + pc * c.MR, pb + pc * c.NR, out, ldc, accumulate || pc > 0, mr, nr);
    pc += kc;
  } while (pc < k);
}

// Packs the [k, n] operand B(p, j) = b[p·rs + j·cs] as NR-wide slivers of k steps each.
void pack_slivers(const Ctx& c, const float* b, int64_t rs, int64_t cs, int64_t n, int64_t k, float* out) {
  for (int64_t s = 0; s * c.NR < n; s++)
    c.t->gemm_pack_b(b + s * c.NR * cs, rs, cs, int(std::min<int64_t>(c.NR, n - s * c.NR)), k, out + s * c.NR * k);
}

// One past the last nonzero byte of m[0, n) (0 when none), eight bytes at a time.
int64_t last_allowed(const uint8_t* m, int64_t n) {
  int64_t j = n;
  for (; j >= 8; j -= 8) {
    uint64_t word;
    std::memcpy(&word, m + j - 8, 8);
    if (word != 0) break;
  }
  while (j > 0 && !m[j - 1]) j--;
  return j;
}

// For each MR-row sliver r of one head's queries, the number of leading key columns computed:
// past the last position any of its rows may attend to (whole NR slivers, at most S), S when a
// row may attend to nothing or there is no mask. Heads that share a mask share the answer.
void sliver_columns(const Ctx& c, const uint8_t* mask, const uint8_t*& cached, std::vector<int64_t>& cols) {
  const int64_t T = c.d.t, S = c.d.s;
  if (mask == cached && !cols.empty()) return;
  cached = mask;
  cols.assign(size_t(ceil_div(T, c.MR)), S);
  if (mask == nullptr) return;
  for (int64_t r = 0; r * c.MR < T; r++) {
    int64_t reach = 0;
    for (int64_t i = r * c.MR; i < std::min(T, (r + 1) * c.MR) && reach < S; i++) {
      const int64_t j = last_allowed(mask + i * S, S);
      reach = std::max(reach, j == 0 ? S : j);
    }
    cols[size_t(r)] = std::min(S, ceil_div(reach, c.NR) * c.NR);
  }
}

// The softmax of one row's first `cols` logits in place, the rest of the row (all masked) 0.
void softmax_row(const Ctx& c, float* y, const uint8_t* m, int64_t cols) {
  c.t->attention_softmax_row(y, m, cols, float(c.d.scale));
  std::fill(y + cols, y + c.d.s, 0.0f);
}

// dS of one row in place over dP's first `cols`, the rest 0.
void softmax_grad_row(const Ctx& c, const float* p, float* ds, const uint8_t* m, int64_t cols) {
  c.t->attention_softmax_grad_row(p, ds, m, cols, float(c.d.scale));
  std::fill(ds + cols, ds + c.d.s, 0.0f);
}

const uint8_t* head_mask(const AttentionDims& d, const uint8_t* mask, int64_t b, int64_t n) {
  return mask == nullptr ? nullptr : mask + b * d.mask_batch_stride + n * d.mask_head_stride;
}

int64_t round_up(int64_t n, int64_t to) { return ceil_div(n, to) * to; }

Ctx make_ctx(const AttentionDims& d) {
  const simd::Table* t = simd::active();
  return Ctx{d, t, t->gemm_mr, t->gemm_nr, gemm_plan(1).kc, d.heads * d.key_dim, d.kv_heads * d.key_dim,
             d.kv_heads * d.value_dim, d.heads * d.value_dim};
}

bool threaded(const AttentionDims& d) {
  return d.batch * d.kv_heads > 1 &&
         d.batch * d.heads * d.t * d.s * (d.key_dim + d.value_dim) >= kMatmulMinFlops;
}

}  // namespace

void attention_run(const AttentionDims& d, const float* q, const float* k, const float* v, const uint8_t* mask,
                   float* out, float* probs) {
  const Ctx c = make_ctx(d);
  const int64_t T = d.t, S = d.s, H = d.key_dim, Hv = d.value_dim, group = d.heads / d.kv_heads;
  // No queries, or no heads: nothing to write. No keys: every output is an empty sum. Past these
  // the probabilities [B, N, T, S] are non-empty and bound the work (never a loop over empty heads).
  if (T == 0 || d.heads == 0) return;
  if (S == 0) {
    std::fill(out, out + d.batch * T * c.ldo, 0.0f);
    return;
  }
  const int64_t pk_size = round_up(S, c.NR) * H, pv_size = round_up(Hv, c.NR) * S;
  run_tasks(d.batch * d.kv_heads, threaded(d), [&](int64_t task) {
    const int64_t b = task / d.kv_heads, g = task % d.kv_heads;
    float* pk = thread_scratch(3, pk_size + pv_size);
    float* pv = pk + pk_size;
    const float* kb = k + b * S * c.ldk + g * H;
    const float* vb = v + b * S * c.ldv + g * Hv;
    pack_slivers(c, kb, 1, c.ldk, S, H, pk);  // Kᵀ as B [H, S]
    pack_slivers(c, vb, c.ldv, 1, Hv, S, pv);  // V as B [S, Hv]
    std::vector<int64_t> cols;
    const uint8_t* cached = nullptr;
    for (int64_t n = g * group; n < (g + 1) * group; n++) {
      const float* qb = q + b * T * c.ldq + n * H;
      float* ob = out + b * T * c.ldo + n * Hv;
      float* pb = probs + (b * d.heads + n) * T * S;
      const uint8_t* mb = head_mask(d, mask, b, n);
      sliver_columns(c, mb, cached, cols);
      for (int64_t i0 = 0; i0 < T; i0 += c.MR) {
        const int mr = int(std::min<int64_t>(c.MR, T - i0));
        const int64_t L = cols[size_t(i0 / c.MR)];
        float* prow = pb + i0 * S;
        for (int64_t j0 = 0; j0 < L; j0 += c.NR)
          product_direct(c, H, qb + i0 * c.ldq, c.ldq, pk + j0 * H, prow + j0, S, mr, int(std::min<int64_t>(c.NR, L - j0)));
        if (L > 0)
          for (int i = 0; i < mr; i++) softmax_row(c, prow + i * S, mb == nullptr ? nullptr : mb + (i0 + i) * S, L);
        for (int64_t h0 = 0; h0 < Hv; h0 += c.NR)
          product_direct(c, L, prow, S, pv + h0 * S, ob + i0 * c.ldo + h0, c.ldo, mr, int(std::min<int64_t>(c.NR, Hv - h0)));
      }
    }
  });
}

void attention_grad_run(const AttentionDims& d, const float* q, const float* k, const float* v, const float* probs,
                        const float* dout, const uint8_t* mask, float* dq, float* dk, float* dv) {
  const Ctx c = make_ctx(d);
  const int64_t T = d.t, S = d.s, H = d.key_dim, Hv = d.value_dim, group = d.heads / d.kv_heads;
  // Per task: Vᵀ [Hv, S] and K [S, H] packed as B once; per head Q [T, H] and dctx [T, Hv]
  // packed as B, dS [T, S], one packed MR-key sliver of Pᵀ or dSᵀ [MR, T].
  const int64_t pvt_size = round_up(S, c.NR) * Hv, pk_size = round_up(H, c.NR) * S;
  const int64_t pq_size = round_up(H, c.NR) * T, pd_size = round_up(Hv, c.NR) * T;
  const int64_t ds_size = T * S, pa_size = int64_t(c.MR) * T;
  // As in attention_run: without queries, heads or keys the gradients are zeros (empty sums), and
  // past these cases the probabilities bound the work.
  if (T == 0 || S == 0 || d.heads == 0) {
    std::fill(dq, dq + d.batch * T * c.ldq, 0.0f);
    std::fill(dk, dk + d.batch * S * c.ldk, 0.0f);
    std::fill(dv, dv + d.batch * S * c.ldv, 0.0f);
    return;
  }
  run_tasks(d.batch * d.kv_heads, threaded(d), [&](int64_t task) {
    const int64_t b = task / d.kv_heads, g = task % d.kv_heads;
    float* pvt = thread_scratch(3, pvt_size + pk_size + pq_size + pd_size + ds_size + pa_size);
    float* pk = pvt + pvt_size;
    float* pq = pk + pk_size;
    float* pd = pq + pq_size;
    float* ds = pd + pd_size;
    float* pa = ds + ds_size;
    const float* kb = k + b * S * c.ldk + g * H;
    const float* vb = v + b * S * c.ldv + g * Hv;
    float* dkb = dk + b * S * c.ldk + g * H;
    float* dvb = dv + b * S * c.ldv + g * Hv;
    pack_slivers(c, vb, 1, c.ldv, S, Hv, pvt);  // Vᵀ as B [Hv, S]
    pack_slivers(c, kb, c.ldk, 1, H, S, pk);    // K as B [S, H]
    std::vector<int64_t> cols;
    const uint8_t* cached = nullptr;
    for (int64_t n = g * group; n < (g + 1) * group; n++) {
      const bool first = n == g * group;
      const float* qb = q + b * T * c.ldq + n * H;
      const float* db = dout + b * T * c.ldo + n * Hv;
      const float* pb = probs + (b * d.heads + n) * T * S;
      float* dqb = dq + b * T * c.ldq + n * H;
      const uint8_t* mb = head_mask(d, mask, b, n);
      sliver_columns(c, mb, cached, cols);
      pack_slivers(c, qb, c.ldq, 1, H, T, pq);  // Q as B [T, H]
      pack_slivers(c, db, c.ldo, 1, Hv, T, pd);  // dctx as B [T, Hv]
      for (int64_t i0 = 0; i0 < T; i0 += c.MR) {
        const int mr = int(std::min<int64_t>(c.MR, T - i0));
        const int64_t L = cols[size_t(i0 / c.MR)];
        float* drow = ds + i0 * S;
        for (int64_t j0 = 0; j0 < L; j0 += c.NR)  // dP = dctx·Vᵀ
          product_direct(c, Hv, db + i0 * c.ldo, c.ldo, pvt + j0 * Hv, drow + j0, S, mr, int(std::min<int64_t>(c.NR, L - j0)));
        for (int i = 0; i < mr; i++)
          softmax_grad_row(c, pb + (i0 + i) * S, drow + i * S, mb == nullptr ? nullptr : mb + (i0 + i) * S, L);
        for (int64_t h0 = 0; h0 < H; h0 += c.NR)  // dQ = dS·K
          product_direct(c, L, drow, S, pk + h0 * S, dqb + i0 * c.ldq + h0, c.ldq, mr, int(std::min<int64_t>(c.NR, H - h0)));
      }
      // dV = Pᵀ·dctx and dK = dSᵀ·Q, MR keys at a time, from the first query sliver that reaches them.
      for (int64_t j0 = 0; j0 < S; j0 += c.MR) {
        const int mr = int(std::min<int64_t>(c.MR, S - j0));
        int64_t i0 = 0;
        while (i0 < T && cols[size_t(i0 / c.MR)] <= j0) i0 += c.MR;
        if (i0 >= T) {  // no query reaches these keys
          if (first)
            for (int i = 0; i < mr; i++) {
              std::fill(dvb + (j0 + i) * c.ldv, dvb + (j0 + i) * c.ldv + Hv, 0.0f);
              std::fill(dkb + (j0 + i) * c.ldk, dkb + (j0 + i) * c.ldk + H, 0.0f);
            }
          continue;
        }
        const int64_t rows = T - i0;
        c.t->gemm_pack_a(pb + i0 * S + j0, 1, S, mr, rows, pa);
        for (int64_t h0 = 0; h0 < Hv; h0 += c.NR)
          product_packed(c, rows, pa, pd + h0 * T + i0 * c.NR, dvb + j0 * c.ldv + h0, c.ldv, !first, mr,
                         int(std::min<int64_t>(c.NR, Hv - h0)));
        c.t->gemm_pack_a(ds + i0 * S + j0, 1, S, mr, rows, pa);
        for (int64_t h0 = 0; h0 < H; h0 += c.NR)
          product_packed(c, rows, pa, pq + h0 * T + i0 * c.NR, dkb + j0 * c.ldk + h0, c.ldk, !first, mr,
                         int(std::min<int64_t>(c.NR, H - h0)));
      }
    }
  });
}

}  // namespace tapeflow
