// Dtypes as the kernels see them, shared by args.h (the N-API side) and kernels/ (pure C++).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tapeflow {

enum class DType : int { f32 = 0, f64 = 1, i32 = 2, u8 = 3 };  // u8 is 'bool'

inline const char* dtype_name(DType d) {
  switch (d) {
    case DType::f32: return "float32";
    case DType::f64: return "float64";
    case DType::i32: return "int32";
    default: return "bool";
  }
}
inline int dtype_size(DType d) { return d == DType::f64 ? 8 : d == DType::u8 ? 1 : 4; }

// Largest size or |stride| accepted: 2^53 (exact in a double); products are checked in 128 bits.
constexpr int64_t kMaxExtent = int64_t(1) << 53;
constexpr size_t kMaxRank = 64;

}  // namespace tapeflow
