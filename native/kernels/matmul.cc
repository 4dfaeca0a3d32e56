// Batched matmul: out[b] = op(a[b]) · op(b[b]), out contiguous [batch, m, n].
//
// float32: a packed, cache-blocked GEMM (the Goto/BLIS loop nest). For each NC-wide column
// panel and KC-deep slice of k, B is packed once into NR-wide slivers; each MC-row block of A is
// packed into MR-tall slivers by the thread that uses it; the SIMD micro-kernel from the active
// table (14×32 AVX-512, 6×16 AVX2, 8×12 NEON, 4×4 scalar) keeps an MR×NR tile of C in registers.
// Transposes are only different strides in the packing loops. Threads split (row block, column
// group) tiles; every C element is computed by the same sequence of operations whatever the
// thread count, so results are deterministic. float64 uses a simpler k-blocked row loop.
#include <algorithm>
#include <cstring>
#include <vector>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

constexpr int64_t kKC = 256;

float* aligned(std::vector<float>& buf, size_t n) {
  if (buf.size() < n + 16) buf.resize(n + 16);
  uintptr_t p = reinterpret_cast<uintptr_t>(buf.data());
  return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
}

// A(i, p) = a[i·rs + p·cs]; slivers of MR rows, MR values per k step, zero-padded.
void pack_a(const float* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc, int mr_full, float* pa) {
  for (int64_t i0 = 0; i0 < mc; i0 += mr_full) {
    int64_t mr = std::min<int64_t>(mr_full, mc - i0);
    for (int64_t p = 0; p < kc; p++) {
      int64_t i = 0;
      for (; i < mr; i++) pa[i] = a[(i0 + i) * rs + p * cs];
      for (; i < mr_full; i++) pa[i] = 0;
      pa += mr_full;
    }
  }
}

// B(p, j) = b[p·rs + j·cs]; slivers of NR columns, NR values per k step, zero-padded.
void pack_b_sliver(const float* b, int64_t rs, int64_t cs, int64_t nr, int64_t kc, int nr_full, float* pb) {
  for (int64_t p = 0; p < kc; p++) {
    int64_t j = 0;
    if (cs == 1) {
      std::memcpy(pb, b + p * rs, size_t(nr) * 4);
      j = nr;
    } else {
      for (; j < nr; j++) pb[j] = b[p * rs + j * cs];
    }
    for (; j < nr_full; j++) pb[j] = 0;
    pb += nr_full;
  }
}

void gemm_f32(const float* a, int64_t rsa, int64_t csa, const float* b, int64_t rsb, int64_t csb, float* c,
              int64_t m, int64_t n, int64_t k, bool threaded) {
  if (k == 0) {
    std::fill(c, c + m * n, 0.0f);
    return;
  }
  const simd::Table* t = simd::active();
  const int MR = t->gemm_mr, NR = t->gemm_nr;
  const int64_t MC = MR * std::max(1, 120 / MR);
  const int64_t NC = NR * std::max(1, 2048 / NR);
  std::vector<float> bbuf;
  float* pb = aligned(bbuf, size_t(((std::min(n, NC) + NR - 1) / NR) * NR * std::min(k, kKC)));
  const int threads = threaded ? num_threads() : 1;

  for (int64_t jc = 0; jc < n; jc += NC) {
    const int64_t nc = std::min(NC, n - jc);
    const int64_t slivers = (nc + NR - 1) / NR;
    for (int64_t pc = 0; pc < k; pc += kKC) {
      const int64_t kc = std::min(kKC, k - pc);
      const int accumulate = pc > 0;
      auto pack_b = [&](int64_t s) {
        int64_t j0 = s * NR;
        pack_b_sliver(b + pc * rsb + (jc + j0) * csb, rsb, csb, std::min<int64_t>(NR, nc - j0), kc, NR, pb + s * NR * kc);
      };
      if (threads > 1) parallel_for(slivers, pack_b);
      else for (int64_t s = 0; s < slivers; s++) pack_b(s);

      const int64_t mblocks = (m + MC - 1) / MC;
      int64_t groups = 1;
      if (threads > 1 && mblocks < 2 * threads) groups = std::min(slivers, (2 * threads + mblocks - 1) / mblocks);
      const int64_t per_group = (slivers + groups - 1) / groups;
      auto tile = [&](int64_t task) {
        thread_local std::vector<float> abuf;
        const int64_t ib = task / groups, g = task % groups;
        const int64_t ic = ib * MC, mc = std::min(MC, m - ic);
        const int64_t s0 = g * per_group, s1 = std::min(slivers, s0 + per_group);
        if (s0 >= s1) return;
        float* pa = aligned(abuf, size_t(((mc + MR - 1) / MR) * MR * kc));
        pack_a(a + ic * rsa + pc * csa, rsa, csa, mc, kc, MR, pa);
        alignas(64) float tmp[32 * 64];
        for (int64_t s = s0; s < s1; s++) {
          const int64_t j0 = s * NR, nr = std::min<int64_t>(NR, nc - j0);
          const float* bs = pb + s * NR * kc;
          for (int64_t i0 = 0; i0 < mc; i0 += MR) {
            const int64_t mr = std::min<int64_t>(MR, mc - i0);
            const float* as = pa + i0 * kc;
            float* cp = c + (ic + i0) * n + jc + j0;
            if (mr == MR && nr == NR) {
              t->gemm_micro(kc, as, bs, cp, n, accumulate);
            } else {
              t->gemm_micro(kc, as, bs, tmp, NR, 0);
              for (int64_t i = 0; i < mr; i++)
                for (int64_t j = 0; j < nr; j++)
                  cp[i * n + j] = accumulate ? cp[i * n + j] + tmp[i * NR + j] : tmp[i * NR + j];
            }
          }
        }
      };
      const int64_t tasks = mblocks * groups;
      if (threads > 1) parallel_for(tasks, tile);
      else for (int64_t task = 0; task < tasks; task++) tile(task);
    }
  }
}

void gemm_f64(const double* a, int64_t rsa, int64_t csa, const double* b, int64_t rsb, int64_t csb, double* c,
              int64_t m, int64_t n, int64_t k, bool threaded) {
  std::vector<double> packed;
  if (csb != 1 && k > 0 && n > 0) {  // make rows of B contiguous
    packed.resize(size_t(k * n));
    for (int64_t p = 0; p < k; p++)
      for (int64_t j = 0; j < n; j++) packed[size_t(p * n + j)] = b[p * rsb + j * csb];
    b = packed.data();
    rsb = n;
  }
  constexpr int64_t kBlock = 128;
  auto rows = [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) std::fill(c + i * n, c + (i + 1) * n, 0.0);
    for (int64_t p0 = 0; p0 < k; p0 += kBlock) {
      const int64_t p1 = std::min(k, p0 + kBlock);
      for (int64_t i = i0; i < i1; i++) {
        double* cr = c + i * n;
        for (int64_t p = p0; p < p1; p++) {
          const double av = a[i * rsa + p * csa];
          const double* br = b + p * rsb;
          for (int64_t j = 0; j < n; j++) cr[j] += av * br[j];
        }
      }
    }
  };
  if (threaded) parallel_range(m, 16, 2, rows);
  else rows(0, m);
}

}  // namespace

bool matmul_run(DType d, const void* av, const void* bv, void* ov, const MatmulArgs& g) {
  if (d != DType::f32 && d != DType::f64) return false;
  const int64_t m = g.m, n = g.n, k = g.k;
  // a is [m,k] ([k,m] transposed), b is [k,n] ([n,k] transposed).
  const int64_t rsa = g.transpose_a ? 1 : k, csa = g.transpose_a ? m : 1;
  const int64_t rsb = g.transpose_b ? 1 : n, csb = g.transpose_b ? k : 1;
  if (g.batch == 0 || m == 0 || n == 0) return true;
  const bool big = m * n * k >= kMatmulMinFlops && num_threads() > 1;
  auto one = [&](int64_t i, bool threaded) {
    if (d == DType::f32)
      gemm_f32(static_cast<const float*>(av) + i * g.a_batch_stride, rsa, csa,
               static_cast<const float*>(bv) + i * g.b_batch_stride, rsb, csb, static_cast<float*>(ov) + i * m * n,
               m, n, k, threaded);
    else
      gemm_f64(static_cast<const double*>(av) + i * g.a_batch_stride, rsa, csa,
               static_cast<const double*>(bv) + i * g.b_batch_stride, rsb, csb, static_cast<double*>(ov) + i * m * n,
               m, n, k, threaded);
  };
  if (!big && g.batch > 1 && g.batch * m * n * k >= kMatmulMinFlops) {
    parallel_for(g.batch, [&](int64_t i) { one(i, false); });
  } else {
    for (int64_t i = 0; i < g.batch; i++) one(i, big);
  }
  return true;
}

}  // namespace tapeflow
