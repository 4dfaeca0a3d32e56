// Fused optimizer updates: one pass over a variable and its slots per step, in place.
//
// The kinds and their math live in optim_kinds.h (HOW TO ADD A KIND is there). simd/impl.h
// compiles them in every SIMD level: float32 on the level's vectors (AVX-512, AVX2, NEON or
// scalar), float64 one element at a time, and bit-identical to the TS reference on every level.
// This file finds a kind by name in the active level's table and splits a large variable across
// the thread pool; the update is elementwise, so any split gives the same bits.
#include <cstdint>
#include <string>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

// A variable is split across the thread pool, in chunks of kOptimGrain elements (a multiple of
// every vector width), once it and its slots hold kOptimMinTouched elements in all (elements ×
// arrays): below that, handing half to a worker costs more than it saves. Measured with 1 vs 2
// threads on the reference machine (2 vCPUs, AVX-512, back-to-back calls): adam (4 arrays)
// gains from 32k elements (26 -> 20 µs at 32k, 65 -> 40 µs at 64k, 195 -> 100 µs at 268k),
// sgd (2 arrays) only from 64k (5 -> 8 µs at 32k, 12-15 -> 11 µs at 64k).
constexpr int64_t kOptimMinTouched = 1 << 17;
constexpr int64_t kOptimGrain = 1 << 14;

}  // namespace

int optim_find(const std::string& name, OptimKind* out) {
  const simd::Table* t = simd::active();
  for (int i = 0; i < t->optim_count; i++)
    if (name == t->optim[i].name) {
      *out = {t->optim[i].name, t->optim[i].arrays, t->optim[i].scalars};
      return i;
    }
  return -1;
}

void optim_run(int kind, DType d, void* const* arrays, int64_t n, const double* scalars) {
  const simd::OptimRow& row = simd::active()->optim[kind];  // same kinds, same order on every level
  const simd::OptimLoop f = d == DType::f32 ? row.f32 : row.f64;
  const int64_t min_parallel = (kOptimMinTouched + row.arrays - 1) / row.arrays;
  parallel_range(n, kOptimGrain, min_parallel, [&](int64_t b, int64_t e) { f(arrays, b, e, scalars); });
}

}  // namespace tapeflow
