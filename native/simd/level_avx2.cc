// AVX2+FMA level (x86-64): compiled for that target here only; chosen at load if the CPU has it.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../platform.h"
#include "simd.h"

#if TAPEFLOW_X86_64
TAPEFLOW_TARGET_AVX2_BEGIN
namespace tapeflow::simd::avx2_level {
#define GEMM_MR 6
#define GEMM_NV 2
#include "vec_avx2.h"
#include "impl.h"
#undef GEMM_MR
#undef GEMM_NV
constexpr Table table = make_table("avx2");
}  // namespace tapeflow::simd::avx2_level
TAPEFLOW_TARGET_END
const tapeflow::simd::Table* tapeflow::simd::table_avx2() { return &avx2_level::table; }
#else
const tapeflow::simd::Table* tapeflow::simd::table_avx2() { return nullptr; }
#endif
