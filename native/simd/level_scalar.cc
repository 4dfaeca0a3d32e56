// Scalar level: the vector layer holds one float; runs on any CPU.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../platform.h"
#include "simd.h"

namespace tapeflow::simd::scalar_level {
#define GEMM_MR 4
#define GEMM_NV 4
#include "vec_scalar.h"
#include "impl.h"
#undef GEMM_MR
#undef GEMM_NV
constexpr Table table = make_table("scalar");
}  // namespace tapeflow::simd::scalar_level

const tapeflow::simd::Table* tapeflow::simd::table_scalar() { return &scalar_level::table; }
