// AVX-512F level (x86-64): compiled for that target here only; chosen at load if the CPU has it.
#include <cstdint>
#include <cstring>

#include "simd.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma GCC push_options
#pragma GCC target("avx512f,avx2,fma")
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 avx512fintrin.h _mm512_undefined_ps
namespace tapeflow::simd::avx512_level {
#define GEMM_MR 14
#define GEMM_NV 2
#include "vec_avx512.h"
#include "impl.h"
#undef GEMM_MR
#undef GEMM_NV
constexpr Table table = make_table("avx512");
}  // namespace tapeflow::simd::avx512_level
#pragma GCC pop_options
const tapeflow::simd::Table* tapeflow::simd::table_avx512() { return &avx512_level::table; }
#else
const tapeflow::simd::Table* tapeflow::simd::table_avx512() { return nullptr; }
#endif
