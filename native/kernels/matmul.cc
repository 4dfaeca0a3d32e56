// Batched matmul: out[b] = op(a[b]) · op(b[b]), out contiguous [batch, m, n].
//
// float32: a packed, cache-blocked GEMM (the Goto/BLIS loop nest). k is cut into balanced
// slices of at most kKC and n into panels of at most kNC columns. For each (panel, slice), B is
// packed into NR-wide slivers and, when the slice of A is small enough to share (m·kc below
// kSharedA) and not row-major, A into MR-tall slivers, both by parallel packing tasks (a small
// row-major A is read in place by the micro-kernel instead); then tasks of (row block,
// column group) run the SIMD micro-kernel from the active table (14×32 AVX-512, 6×16 AVX2,
// 8×12 NEON, 4×4 scalar), which keeps an MR×NR tile of C in registers and takes any mr <= MR,
// nr <= NR for edge tiles. A larger A is packed per row block by the task using it. When B is a
// single sliver (n <= NR) and rows of A are contiguous, A is always read in place (packing it
// would cost more than the product). Transposes are only different strides in packing.
//
// Every C element is the same sequence of operations (fmas over p within a slice in order,
// then slices added in order) whatever the thread count or task split, so results are
// deterministic. float64 uses a simpler k-blocked row loop.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

constexpr int64_t kKC = 384;             // deepest k slice (256-512 measure the same on 1024²)
constexpr int64_t kMC = 144;            // rows per A block packed by one task (mc·kc floats in L2)
constexpr int64_t kNC = 1536;           // widest B panel (kc·nc floats in L2)
constexpr int64_t kSharedA = 1 << 18;   // pack A once per slice when m·kc floats fit (1 MB)
constexpr int64_t kPackGroup = 4;       // slivers per packing task
constexpr int64_t kRowsMaxM = 2;        // up to this many rows of A, B is streamed, not packed
constexpr int64_t kRowsChunk = 256;     // columns per task when streaming B

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Grow-only 64-byte-aligned scratch of this thread: slot 0 packed B, slot 1 packed A.
float* scratch(int slot, int64_t n) {
  struct Buf {
    std::unique_ptr<float[]> p;
    int64_t cap = 0;
  };
  thread_local Buf bufs[2];
  Buf& b = bufs[slot];
  if (b.cap < n) {
    b.p.reset(new float[size_t(n + 16)]);
    b.cap = n;
  }
  uintptr_t p = reinterpret_cast<uintptr_t>(b.p.get());
  return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
}

void run_tasks(int64_t n, bool threaded, const std::function<void(int64_t)>& fn) {
  if (threaded && n > 1) parallel_for(n, fn);
  else for (int64_t t = 0; t < n; t++) fn(t);
}

void gemm_f32(const float* a, int64_t rsa, int64_t csa, const float* b, int64_t rsb, int64_t csb, float* c,
              int64_t m, int64_t n, int64_t k, bool threaded) {
  if (k == 0) {
    std::fill(c, c + m * n, 0.0f);
    return;
  }
  const simd::Table* t = simd::active();
  const int MR = t->gemm_mr, NR = t->gemm_nr;
  // Compute-bound paths split from kMatmulMinFlops; streaming B is memory-bound and splits earlier.
  const int threads = threaded && m * n * k >= kMatmulMinFlops ? num_threads() : 1;
  const int64_t kcs = ceil_div(k, ceil_div(k, kKC));  // balanced slices
  const int64_t ncs = NR * ceil_div(ceil_div(n, ceil_div(n, kNC)), NR);

  if (m <= kRowsMaxM && csb == 1 && n > NR) {  // a few rows: stream B rows once per row of A
    run_tasks(ceil_div(n, kRowsChunk), threaded && n * k >= kMatmulMinFlops / 8, [&](int64_t task) {
      const int64_t j0 = task * kRowsChunk;
      t->gemm_rows(k, a, rsa, csa, b + j0, rsb, c + j0, n, int(m), std::min(kRowsChunk, n - j0));
    });
    return;
  }

  if (n <= NR && csa == 1) {  // one B sliver: stream rows of A in place
    float* pb = scratch(0, ceil_div(k, 1) * NR);
    t->gemm_pack_b(b, rsb, csb, int(n), k, pb);
    const int64_t row_slivers = ceil_div(m, MR);
    const int streams = threaded && m * k >= kMatmulMinFlops / 8 ? num_threads() : 1;
    const int64_t per_task = streams > 1 ? std::max<int64_t>(1, ceil_div(row_slivers, 4 * streams)) : row_slivers;
    run_tasks(ceil_div(row_slivers, per_task), streams > 1, [&](int64_t task) {
      const int64_t q1 = std::min(row_slivers, (task + 1) * per_task);
      for (int64_t q = task * per_task; q < q1; q++) {
        const int64_t i0 = q * MR;
        const int mr = int(std::min<int64_t>(MR, m - i0));
        for (int64_t pc = 0; pc < k; pc += kcs)
          t->gemm_micro_direct(std::min(kcs, k - pc), a + i0 * rsa + pc, rsa, pb + pc * NR, c + i0 * n, n, pc > 0,
                               mr, int(n));
      }
    });
    return;
  }

  for (int64_t jc = 0; jc < n; jc += ncs) {
    const int64_t nc = std::min(ncs, n - jc);
    const int64_t slivers = ceil_div(nc, NR);
    for (int64_t pc = 0; pc < k; pc += kcs) {
      const int64_t kc = std::min(kcs, k - pc);
      const int accumulate = pc > 0;
      const int64_t row_slivers = ceil_div(m, MR);
      const bool small_a = m * kc <= kSharedA;
      const bool direct_a = small_a && csa == 1;  // rows of A read in place
      const bool shared_a = small_a && !direct_a;
      float* pb = scratch(0, slivers * NR * kc);
      float* pa_shared = shared_a ? scratch(1, row_slivers * MR * kc) : nullptr;

      // Packing: B slivers, then (shared) A slivers, kPackGroup per task.
      const int64_t b_tasks = ceil_div(slivers, kPackGroup);
      const int64_t a_tasks = shared_a ? ceil_div(row_slivers, kPackGroup) : 0;
      run_tasks(b_tasks + a_tasks, threads > 1, [&](int64_t task) {
        if (task < b_tasks) {
          const int64_t s1 = std::min(slivers, (task + 1) * kPackGroup);
          for (int64_t s = task * kPackGroup; s < s1; s++) {
            const int64_t j0 = s * NR;
            t->gemm_pack_b(b + pc * rsb + (jc + j0) * csb, rsb, csb, int(std::min<int64_t>(NR, nc - j0)), kc,
                           pb + s * NR * kc);
          }
        } else {
          task -= b_tasks;
          const int64_t q1 = std::min(row_slivers, (task + 1) * kPackGroup);
          for (int64_t q = task * kPackGroup; q < q1; q++) {
            const int64_t i0 = q * MR;
            t->gemm_pack_a(a + i0 * rsa + pc * csa, rsa, csa, int(std::min<int64_t>(MR, m - i0)), kc,
                           pa_shared + q * MR * kc);
          }
        }
      });

      // Compute: row blocks × column groups; a task packs its own A block unless A is shared.
      const int64_t row_blocks = ceil_div(m, kMC);
      int64_t col_groups = 1;
      if (threads > 1) {
        const int64_t want = shared_a ? 4 * threads : 2 * threads;
        col_groups = std::min(slivers, std::max<int64_t>(1, ceil_div(want, row_blocks)));
      }
      const int64_t block_slivers = ceil_div(row_slivers, row_blocks);
      const int64_t group_slivers = ceil_div(slivers, col_groups);
      run_tasks(row_blocks * col_groups, threads > 1, [&](int64_t task) {
        const int64_t rb = task / col_groups, g = task % col_groups;
        const int64_t q0 = rb * block_slivers, q1 = std::min(row_slivers, q0 + block_slivers);
        const int64_t s0 = g * group_slivers, s1 = std::min(slivers, s0 + group_slivers);
        if (q0 >= q1 || s0 >= s1) return;
        const float* pa = pa_shared ? pa_shared + q0 * MR * kc : nullptr;
        if (direct_a) {
          for (int64_t s = s0; s < s1; s++) {
            const int64_t j0 = s * NR;
            const int nr = int(std::min<int64_t>(NR, nc - j0));
            for (int64_t q = q0; q < q1; q++) {
              const int64_t i0 = q * MR;
              t->gemm_micro_direct(kc, a + i0 * rsa + pc, rsa, pb + s * NR * kc, c + i0 * n + jc + j0, n, accumulate, int(std::min<int64_t>(MR, m - i0)), nr);
            }
          }
          return;
        }
        if (!pa) {
          float* own = scratch(1, (q1 - q0) * MR * kc);
          for (int64_t q = q0; q < q1; q++) {
            const int64_t i0 = q * MR;
            t->gemm_pack_a(a + i0 * rsa + pc * csa, rsa, csa, int(std::min<int64_t>(MR, m - i0)), kc,
                           own + (q - q0) * MR * kc);
          }
          pa = own;
        }
        for (int64_t s = s0; s < s1; s++) {
          const int64_t j0 = s * NR;
          const int nr = int(std::min<int64_t>(NR, nc - j0));
          const float* bs = pb + s * NR * kc;
          for (int64_t q = q0; q < q1; q++) {
            const int64_t i0 = q * MR;
            t->gemm_micro(kc, pa + (q - q0) * MR * kc, bs, c + i0 * n + jc + j0, n, accumulate,
                          int(std::min<int64_t>(MR, m - i0)), nr);
          }
        }
      });
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
  if (threaded && m * n * k >= kMatmulMinFlops) parallel_range(m, 16, 2, rows);
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
  const bool pool = num_threads() > 1;
  const bool big = m * n * k >= kMatmulMinFlops && pool;
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
    for (int64_t i = 0; i < g.batch; i++) one(i, pool);
  }
  return true;
}

}  // namespace tapeflow
