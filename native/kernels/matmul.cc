// Batched matmul: out[b] = op(a[b]) · op(b[b]), out contiguous [batch, m, n].
//
// float32: a packed, cache-blocked GEMM (the Goto/BLIS loop nest). k is cut into balanced
// slices of at most kc and n into panels of at most nc columns. For each (panel, slice), one
// task per thread packs its own group of NR-wide B slivers and runs the SIMD micro-kernel from
// the active table (14×32 AVX-512, 6×16 AVX2, 8×12 NEON, 4×4 scalar) over every MR-row sliver
// of A against them; the kernel keeps an MR×NR tile of C in registers and takes any mr <= MR,
// nr <= NR for edge tiles. Splitting by columns keeps each core's B slivers in its own L2
// (splitting by rows made both cores stream all of B: 1024², 2 threads, same run: 256 -> 281-295
// GFLOP/s). Two shapes skip packing B: one or two rows of A stream B rows (gemm_rows), and a
// single B sliver (n <= NR) streams rows of A. A small product over a long k (at most
// kSplitKMaxOutput outputs, k of two kSplitKMinPart or more: weight gradients xᵀ·dy) is cut
// along k instead, one one-thread product per part, partials added in part order, so no thread
// packs what another packs ([256, 2048]·[2048, 256] on 2 threads: 258 → 275 GFLOP/s; [128, 2048]
// ·[2048, 512] 211 → 270; [64, 8192]·[8192, 64] 112 → 188). Transposes are only different strides
// in packing.
//
// The blocking comes from the CPU's caches (`gemm_plan`, the one place that decides it, as BLIS
// and OpenBLAS pick theirs per micro-architecture): the A sliver being multiplied (MR·kc floats)
// stays in half of L1, and each thread's B slivers (kc · nc/threads floats) in half of its L2.
// Rows of A are read in place when contiguous, unless their stride would crowd them into a few
// L1 sets (a power-of-two row length puts all MR rows in one set, more than its ways, so every
// broadcast of A would miss L1): then each MR-row sliver is copied to rows of another stride by
// the task that uses it. A transposed A is packed MR-interleaved beforehand. TAPEFLOW_GEMM
// (e.g. `kc=256,nc=1024,packA=always`) overrides any of the three, and `info().gemm` reports
// the plan in use and where it came from.
//
// Every C element is the same sequence of operations (fmas over p within a slice in order,
// then slices added in order, k parts by shape alone) whatever the thread count or task split, so results are
// deterministic on a given CPU (kc depends only on the L1 size and MR, never on threads).
// float64 uses a simpler k-blocked row loop.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../cpu.h"
#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

constexpr int64_t kPackedA = 1 << 21;   // a transposed A is packed in chunks of at most this many floats
constexpr int64_t kMinSplit = 4;        // slivers per thread below which a tall product splits by rows
constexpr int64_t kPackGroup = 4;       // slivers per packing task
constexpr int64_t kRowsMaxM = 2;        // up to this many rows of A, B is streamed, not packed
constexpr int64_t kRowsChunk = 256;     // columns per task when streaming B
constexpr int64_t kSplitKMaxOutput = 384 * 384;  // products with at most this many outputs …
constexpr int64_t kSplitKMinPart = 1024;         // … split k in parts of at least this many …
constexpr int64_t kSplitKMaxParts = 8;           // … and at most this many parts
// Streaming one operand is memory-bound: it splits over threads from this many elements of it.
constexpr int64_t kStreamMinElements = kMatmulMinFlops / 8;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Caches assumed when the CPU does not report them (the smallest of the CPUs shipped for).
constexpr int64_t kDefaultL1 = 32 << 10, kDefaultL2 = 512 << 10;
constexpr int kDefaultWays = 8;

// TAPEFLOW_GEMM, read once: kc=<int>,nc=<int>,packA=auto|always|never; a field left out or
// malformed keeps the derived value (src/backend/select.ts warns about malformed ones).
struct GemmOverride {
  int64_t kc = 0, nc = 0;
  int pack_a = -1;  // -1 none, else GemmPackA
  bool any = false;
};
const GemmOverride& gemm_override() {
  static const GemmOverride o = [] {
    GemmOverride r;
    const char* env = std::getenv("TAPEFLOW_GEMM");
    if (!env) return r;
    std::string s(env);
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t comma = s.find(',', pos);
      if (comma == std::string::npos) comma = s.size();
      const std::string field = s.substr(pos, comma - pos);
      const size_t eq = field.find('=');
      if (eq != std::string::npos) {
        const std::string key = field.substr(0, eq), value = field.substr(eq + 1);
        char* end = nullptr;
        const long long v = std::strtoll(value.c_str(), &end, 10);
        const bool whole = !value.empty() && end && *end == 0 && v >= 16 && v <= (1 << 16);
        if (key == "kc" && whole) r.kc = v, r.any = true;
        else if (key == "nc" && whole) r.nc = v, r.any = true;
        else if (key == "packA" && (value == "auto" || value == "always" || value == "never")) {
          r.pack_a = value == "auto" ? kPackAuto : value == "always" ? kPackAlways : kPackNever;
          r.any = true;
        }
      }
      pos = comma + 1;
    }
    return r;
  }();
  return o;
}

// Rows of A read in place at row stride `lda` floats crowd L1 when more than half of a set's
// ways would hold the starts of the MR rows.
bool rows_crowd_l1(int64_t lda, int mr) {
  const cpu::Cache& l1 = cpu::info().l1d;
  const int64_t bytes = l1.bytes > 0 ? l1.bytes : kDefaultL1;
  const int ways = l1.ways > 0 ? l1.ways : kDefaultWays;
  const int64_t line = l1.line > 0 ? l1.line : 64;
  const int64_t sets = std::max<int64_t>(1, bytes / (ways * line));
  int64_t set_of_row[32] = {0};
  int worst = 0;
  for (int i = 0; i < mr && i < 32; i++) {
    set_of_row[i] = (int64_t(i) * lda * int64_t(sizeof(float)) / line) % sets;
    int same = 1;
    for (int j = 0; j < i; j++) same += set_of_row[j] == set_of_row[i];
    worst = std::max(worst, same);
  }
  return 2 * worst > ways;
}

}  // namespace

GemmPlan gemm_plan(int threads) {
  const simd::Table* t = simd::active();
  const cpu::Info& c = cpu::info();
  const int64_t l1 = c.l1d.bytes > 0 ? c.l1d.bytes : kDefaultL1;
  const int64_t l2 = c.l2.bytes > 0 ? c.l2.bytes : kDefaultL2;
  GemmPlan p;
  p.mr = t->gemm_mr;
  p.nr = t->gemm_nr;
  // A sliver in half of L1; a multiple of 16 steps in [128, 512].
  p.kc = std::clamp<int64_t>(l1 / 2 / (int64_t(sizeof(float)) * p.mr) / 16 * 16, 128, 512);
  // Each thread's B slivers in half of its L2; whole slivers, at least 4 per thread.
  const int64_t per_thread = std::max<int64_t>(4, l2 / 2 / (int64_t(sizeof(float)) * p.kc * p.nr)) * p.nr;
  p.nc = per_thread * std::max(1, threads);
  p.pack_a = kPackAuto;
  p.source = c.l1d.bytes > 0 && c.l2.bytes > 0 ? "cpu" : "default";
  const GemmOverride& o = gemm_override();
  if (o.any) {
    if (o.kc) p.kc = o.kc;
    if (o.nc) p.nc = std::max<int64_t>(p.nr, o.nc / p.nr * p.nr);
    if (o.pack_a >= 0) p.pack_a = GemmPackA(o.pack_a);
    p.source = "TAPEFLOW_GEMM";
  }
  return p;
}

namespace {

// Parts of k for a small product over a long k (weight gradients xᵀ·dy: [256, 2048]·[2048, 256]),
// from the shape alone.
int64_t k_parts(int64_t m, int64_t n, int64_t k) {
  if (m * n > kSplitKMaxOutput || k < 2 * kSplitKMinPart) return 1;
  return std::min<int64_t>(kSplitKMaxParts, k / kSplitKMinPart);
}

void gemm_f32(const float* a, int64_t rsa, int64_t csa, const float* b, int64_t rsb, int64_t csb, float* c,
              int64_t m, int64_t n, int64_t k, bool threaded, bool split_k = true) {
  if (k == 0) {
    std::fill(c, c + m * n, 0.0f);
    return;
  }
  const simd::Table* t = simd::active();
  const int MR = t->gemm_mr, NR = t->gemm_nr;
  // Splitting m or n here would have every thread pack all of one operand; split k instead:
  // each part is a one-thread product of its own slices of A and B, and the partials are added
  // in part order. The parts depend only on the shape: the same result for any thread count.
  if (const int64_t parts = split_k ? k_parts(m, n, k) : 1; parts > 1) {
    const int64_t kp = ceil_div(k, parts), mn = m * n;
    thread_local std::vector<float> partials;
    if (partials.size() < size_t((parts - 1) * mn)) partials.resize(size_t((parts - 1) * mn));
    float* more = partials.data();
    run_tasks(parts, threaded, [&](int64_t p) {
      const int64_t p0 = p * kp, kc = std::min(kp, k - p0);
      gemm_f32(a + p0 * csa, rsa, csa, b + p0 * rsb, rsb, csb, p == 0 ? c : more + (p - 1) * mn, m, n, kc, false, false);
    });
    for (int64_t p = 1; p < parts; p++) {
      const float* q = more + (p - 1) * mn;
      for (int64_t i = 0; i < mn; i++) c[i] += q[i];
    }
    return;
  }
  // The packed (compute-bound) path splits over threads from kMatmulMinFlops.
  const int threads = threaded && m * n * k >= kMatmulMinFlops ? num_threads() : 1;
  const GemmPlan plan = gemm_plan(threads);
  const int64_t kcs = ceil_div(k, ceil_div(k, plan.kc));  // balanced slices
  const int64_t ncs = NR * ceil_div(ceil_div(n, ceil_div(n, plan.nc)), NR);

  if (m <= kRowsMaxM && csb == 1 && n > NR) {  // a few rows: stream B rows once per row of A
    run_tasks(ceil_div(n, kRowsChunk), threaded && n * k >= kStreamMinElements, [&](int64_t task) {
      const int64_t j0 = task * kRowsChunk;
      t->gemm_rows(k, a, rsa, csa, b + j0, rsb, c + j0, n, int(m), std::min(kRowsChunk, n - j0));
    });
    return;
  }

  if (n <= NR && csa == 1) {  // one B sliver: stream rows of A in place
    float* pb = thread_scratch(0, ceil_div(k, 1) * NR);
    t->gemm_pack_b(b, rsb, csb, int(n), k, pb);
    const int64_t row_slivers = ceil_div(m, MR);
    const int streams = threaded && m * k >= kStreamMinElements ? num_threads() : 1;
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

  // Per (panel, slice): each column group packs its own B slivers (into the L2 of the core that
  // runs it) and runs every row sliver against them, each A sliver staying in L1 across the
  // group's B slivers. Rows of A are read in place when contiguous (or copied a sliver at a
  // time, below); a transposed A is packed first by parallel tasks, in chunks of rows of at
  // most kPackedA floats. A narrow panel over
  // a tall A is split by rows instead (each A sliver then read once), each row part with its
  // own copy of the few slivers.
  const bool direct_a = csa == 1 && plan.pack_a != kPackAlways && (plan.pack_a == kPackNever || !rows_crowd_l1(rsa, MR));
  // Contiguous rows that would crowd L1 are copied one sliver at a time, by the task about to
  // use it, to rows of a stride that does not (a plain copy into L1, then read in place); a
  // transposed A is packed beforehand. (1 thread, 1040x1040x1024: a separate pass packing all
  // of A 0.77-0.79 of peak, this 0.8x, as 1000^3 read in place.)
  const bool copy_rows = !direct_a && csa == 1;
  int64_t lds = ceil_div(kcs, 16) * 16;
  while (copy_rows && rows_crowd_l1(lds, MR)) lds += 16;
  for (int64_t jc = 0; jc < n; jc += ncs) {
    const int64_t nc = std::min(ncs, n - jc);
    const int64_t slivers = ceil_div(nc, NR);
    // By rows also when the whole panel's B fits in each thread's half of L2 (what the plan
    // sized for one thread's share): every thread then packs all of it, but each A sliver is
    // fetched (and copied) by one thread only, and meets twice the B slivers.
    const bool fits = threads > 1 && nc * kcs <= plan.nc / threads * plan.kc;
    const bool by_rows = (slivers < kMinSplit * threads || fits) && ceil_div(m, MR) >= kMinSplit * threads;
    const int64_t groups = by_rows ? 1 : std::min<int64_t>(slivers, threads);
    const int64_t row_parts = threads / groups;
    const int64_t per_group = ceil_div(slivers, groups);
    if (by_rows) {
      // One task per row part runs every k slice itself (packing all of the panel's B, then
      // each of its A slivers just before use), so the threads meet once per panel, not twice
      // per slice (aᵀ·b of [2048,256]ᵀ·[2048,256] on 2 threads of a Sapphire Rapids: 249 → 253–268
      // GFLOP/s, within the machine's noise but never slower).
      const int64_t row_slivers = ceil_div(m, MR), per_part = ceil_div(row_slivers, row_parts);
      run_tasks(row_parts, threads > 1, [&](int64_t r) {
        const int64_t q0 = r * per_part, q1 = std::min(row_slivers, q0 + per_part);
        if (q0 >= q1) return;
        float* own = thread_scratch(0, slivers * NR * kcs);
        float* rows = direct_a ? nullptr : thread_scratch(1, MR * std::max(lds, kcs));
        for (int64_t pc = 0; pc < k; pc += kcs) {
          const int64_t kc = std::min(kcs, k - pc);
          for (int64_t s = 0; s < slivers; s++)
            t->gemm_pack_b(b + pc * rsb + (jc + s * NR) * csb, rsb, csb, int(std::min<int64_t>(NR, nc - s * NR)), kc,
                           own + s * NR * kc);
          for (int64_t q = q0; q < q1; q++) {
            const int64_t i0 = q * MR;
            const int mr = int(std::min<int64_t>(MR, m - i0));
            const float* aq = a + i0 * rsa + pc * csa;
            if (copy_rows)
              for (int i = 0; i < mr; i++) std::memcpy(rows + i * lds, aq + i * rsa, size_t(kc) * sizeof(float));
            else if (!direct_a)
              t->gemm_pack_a(aq, rsa, csa, mr, kc, rows);
            float* cq = c + i0 * n + jc;
            for (int64_t s = 0; s < slivers; s++) {
              const int nr = int(std::min<int64_t>(NR, nc - s * NR));
              if (direct_a)
                t->gemm_micro_direct(kc, aq, rsa, own + s * NR * kc, cq + s * NR, n, pc > 0, mr, nr);
              else if (copy_rows)
                t->gemm_micro_direct(kc, rows, lds, own + s * NR * kc, cq + s * NR, n, pc > 0, mr, nr);
              else
                t->gemm_micro(kc, rows, own + s * NR * kc, cq + s * NR, n, pc > 0, mr, nr);
            }
          }
        }
      });
      continue;
    }
    for (int64_t pc = 0; pc < k; pc += kcs) {
      const int64_t kc = std::min(kcs, k - pc);
      const int accumulate = pc > 0;
      const int64_t chunk = direct_a || copy_rows ? m : std::max<int64_t>(1, kPackedA / (MR * kc)) * MR;
      float* pb = thread_scratch(0, row_parts * slivers * NR * kc);
      for (int64_t ic = 0; ic < m; ic += chunk) {
        const int64_t mc = std::min(chunk, m - ic), row_slivers = ceil_div(mc, MR);
        const int64_t per_part = ceil_div(row_slivers, row_parts);
        const float* ac = a + ic * rsa + pc * csa;
        float* pa = direct_a || copy_rows ? nullptr : thread_scratch(1, row_slivers * MR * kc);
        if (pa) {
          run_tasks(ceil_div(row_slivers, kPackGroup), threads > 1, [&](int64_t task) {
            const int64_t q1 = std::min(row_slivers, (task + 1) * kPackGroup);
            for (int64_t q = task * kPackGroup; q < q1; q++)
              t->gemm_pack_a(ac + q * MR * rsa, rsa, csa, int(std::min<int64_t>(MR, mc - q * MR)), kc, pa + q * MR * kc);
          });
        }
        run_tasks(groups * row_parts, threads > 1, [&](int64_t task) {
          const int64_t g = task / row_parts, r = task % row_parts;
          const int64_t s0 = g * per_group, s1 = std::min(slivers, s0 + per_group);
          const int64_t q0 = r * per_part, q1 = std::min(row_slivers, q0 + per_part);
          float* own = pb + r * slivers * NR * kc;
          for (int64_t s = s0; s < s1; s++)
            t->gemm_pack_b(b + pc * rsb + (jc + s * NR) * csb, rsb, csb, int(std::min<int64_t>(NR, nc - s * NR)), kc,
                           own + s * NR * kc);
          float* rows = copy_rows ? thread_scratch(1, MR * lds) : nullptr;
          for (int64_t q = q0; q < q1; q++) {
            const int64_t i0 = q * MR;
            const int mr = int(std::min<int64_t>(MR, mc - i0));
            float* cq = c + (ic + i0) * n + jc;
            if (copy_rows)
              for (int i = 0; i < mr; i++)
                std::memcpy(rows + i * lds, ac + (i0 + i) * rsa, size_t(kc) * sizeof(float));
            for (int64_t s = s0; s < s1; s++) {
              const int nr = int(std::min<int64_t>(NR, nc - s * NR));
              if (copy_rows)
                t->gemm_micro_direct(kc, rows, lds, own + s * NR * kc, cq + s * NR, n, accumulate, mr, nr);
              else if (direct_a)
                t->gemm_micro_direct(kc, ac + i0 * rsa, rsa, own + s * NR * kc, cq + s * NR, n, accumulate, mr, nr);
              else
                t->gemm_micro(kc, pa + q * MR * kc, own + s * NR * kc, cq + s * NR, n, accumulate, mr, nr);
            }
          }
        });
      }
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

void gemm_f32_run(const float* a, int64_t rsa, int64_t csa, const float* b, int64_t rsb, int64_t csb, float* c,
                  int64_t m, int64_t n, int64_t k, bool threaded) {
  if (m == 0 || n == 0) return;
  gemm_f32(a, rsa, csa, b, rsb, csb, c, m, n, k, threaded && num_threads() > 1);
}

bool matmul_supports(DType d) { return d == DType::f32 || d == DType::f64; }

void matmul_run(DType d, const void* av, const void* bv, void* ov, const MatmulArgs& g) {
  const int64_t m = g.m, n = g.n, k = g.k;
  // a is [m,k] ([k,m] transposed), b is [k,n] ([n,k] transposed).
  const int64_t rsa = g.transpose_a ? 1 : k, csa = g.transpose_a ? m : 1;
  const int64_t rsb = g.transpose_b ? 1 : n, csb = g.transpose_b ? k : 1;
  if (g.batch == 0 || m == 0 || n == 0) return;
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
  // batch·m·n·k >= kMatmulMinFlops without forming the product (m·n·k is at most 2^53, the
  // batch too, so theirs is not bounded).
  if (!big && g.batch > 1 && m * n * k >= (kMatmulMinFlops + g.batch - 1) / g.batch) {
    parallel_for(g.batch, [&](int64_t i) { one(i, false); });
  } else {
    for (int64_t i = 0; i < g.batch; i++) one(i, pool);
  }
}

}  // namespace tapeflow
