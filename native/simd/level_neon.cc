// NEON level (AArch64, where NEON is baseline): the 128-bit vector layer.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../platform.h"
#include "simd.h"

#if TAPEFLOW_AARCH64
#include <arm_neon.h>
namespace tapeflow::simd::neon_level {
#define GEMM_MR 8
#define GEMM_NV 3
#include "vec_neon.h"
#include "impl.h"
#undef GEMM_MR
#undef GEMM_NV
constexpr Table table = make_table("neon");
}  // namespace tapeflow::simd::neon_level
const tapeflow::simd::Table* tapeflow::simd::table_neon() { return &neon_level::table; }
#else
const tapeflow::simd::Table* tapeflow::simd::table_neon() { return nullptr; }
#endif
