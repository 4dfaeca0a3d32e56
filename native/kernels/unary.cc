// Unary elementwise kernels: out[i] = f(x[i]) over contiguous arrays of one dtype.
//
// One table row per op: its name (as in backend.ts), its float32 SIMD slot (or -1: float32 then
// runs the float64 expression and rounds, exactly as the TS kernel), the float64 expression,
// and an int32 expression where int32 has one (wrap-around arithmetic as the TS kernel). To add
// an op: one row here (and a SIMD slot in simd/ if it is worth vectorising).
#include <cmath>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

double sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  double e = std::exp(x);
  return e / (1 + e);
}

// One-line functors: f(x, alpha) in double (float32 without a SIMD slot rounds its result), and
// i(x) on int32 bits (wrapping) where int32 has a kernel.
#define F64(expr) static double f(double x, double alpha) { (void)alpha; return (expr); }
#define I32(expr) static constexpr bool has_i32 = true; static uint32_t i(uint32_t x) { return (expr); }
#define NO_I32 static constexpr bool has_i32 = false; static uint32_t i(uint32_t x) { return x; }
struct Neg { F64(-x) I32(0u - x) };
struct Square { F64(x * x) I32(x * x) };
struct Sqrt { F64(std::sqrt(x)) NO_I32 };
struct Rsqrt { F64(1 / std::sqrt(x)) NO_I32 };
struct Exp { F64(std::exp(x)) NO_I32 };
struct Log { F64(std::log(x)) NO_I32 };
struct Log1p { F64(std::log1p(x)) NO_I32 };
struct Abs { F64(std::fabs(x)) I32(int32_t(x) < 0 ? 0u - x : x) };
struct Sign { F64(x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x) I32(int32_t(x) > 0 ? 1u : int32_t(x) < 0 ? ~0u : 0u) };
struct Relu { F64(x > 0 || x != x ? x : 0.0) I32(int32_t(x) > 0 ? x : 0u) };
struct Sigmoid { F64(sigmoid(x)) NO_I32 };
struct Tanh { F64(std::tanh(x)) NO_I32 };
struct Softplus { F64((x > 0 || x != x ? x : 0.0) + std::log1p(std::exp(-std::fabs(x)))) NO_I32 };  // max(x,0) + log1p(e^-|x|)
struct Elu { F64(x > 0 ? x : std::expm1(x)) NO_I32 };
struct LeakyRelu { F64(x > 0 ? x : alpha * x) NO_I32 };
struct Reciprocal { F64(1 / x) NO_I32 };
struct Floor { F64(std::floor(x)) I32(x) };
struct Ceil { F64(std::ceil(x)) I32(x) };
struct Round { F64(std::nearbyint(x)) I32(x) };  // half to even (default rounding mode)
#undef F64
#undef I32
#undef NO_I32

using Loop = void (*)(const void* x, void* out, int64_t b, int64_t e, double alpha);

template <class Op> void loop_f32(const void* xv, void* ov, int64_t b, int64_t e, double alpha) {
  const float* x = static_cast<const float*>(xv);
  float* out = static_cast<float*>(ov);
  for (int64_t i = b; i < e; i++) out[i] = float(Op::f(double(x[i]), alpha));
}
template <class Op> void loop_f64(const void* xv, void* ov, int64_t b, int64_t e, double alpha) {
  const double* x = static_cast<const double*>(xv);
  double* out = static_cast<double*>(ov);
  for (int64_t i = b; i < e; i++) out[i] = Op::f(x[i], alpha);
}
template <class Op> void loop_i32(const void* xv, void* ov, int64_t b, int64_t e, double) {
  const uint32_t* x = static_cast<const uint32_t*>(xv);
  uint32_t* out = static_cast<uint32_t*>(ov);
  for (int64_t i = b; i < e; i++) out[i] = Op::i(x[i]);
}

struct UnaryRow {
  const char* name;
  int simd;    // simd::UnaryF32 slot, or -1: float32 runs `f32`
  bool heavy;  // transcendental: worth threads from a smaller size
  Loop f32, f64, i32;
};

template <class Op> constexpr UnaryRow row(const char* name, int simd, bool heavy) {
  return {name, simd, heavy, &loop_f32<Op>, &loop_f64<Op>, Op::has_i32 ? &loop_i32<Op> : nullptr};
}

const UnaryRow kUnary[] = {
    row<Neg>("neg", simd::kNeg, false),
    row<Square>("square", simd::kSquare, false),
    row<Sqrt>("sqrt", simd::kSqrt, false),
    row<Rsqrt>("rsqrt", simd::kRsqrt, false),
    row<Exp>("exp", simd::kExp, true),
    row<Log>("log", simd::kLog, true),
    row<Log1p>("log1p", -1, true),
    row<Abs>("abs", simd::kAbs, false),
    row<Sign>("sign", simd::kSign, false),
    row<Relu>("relu", simd::kRelu, false),
    row<Sigmoid>("sigmoid", simd::kSigmoid, true),
    row<Tanh>("tanh", simd::kTanh, true),
    row<Softplus>("softplus", -1, true),
    row<Elu>("elu", -1, true),
    row<LeakyRelu>("leakyRelu", -1, false),
    row<Reciprocal>("reciprocal", simd::kReciprocal, false),
    row<Floor>("floor", simd::kFloor, false),
    row<Ceil>("ceil", simd::kCeil, false),
    row<Round>("round", simd::kRound, false),
};
constexpr int kUnaryRows = int(sizeof(kUnary) / sizeof(kUnary[0]));

}  // namespace

int unary_find(const std::string& name) {
  for (int i = 0; i < kUnaryRows; i++)
    if (name == kUnary[i].name) return i;
  return -1;
}

bool unary_supports(int op, DType d) { return d != DType::u8 && (d != DType::i32 || kUnary[op].i32); }

void unary_run(int op, DType d, const void* x, void* out, int64_t n, double alpha) {
  const UnaryRow& r = kUnary[op];
  int64_t min_parallel = r.heavy ? kTranscendentalMin : kElementwiseMin;
  parallel_range(n, kElementwiseGrain, min_parallel, [&](int64_t b, int64_t e) {
    if (d == DType::f32 && r.simd >= 0)
      simd::active()->unary[r.simd](static_cast<const float*>(x) + b, static_cast<float*>(out) + b, e - b);
    else
      (d == DType::f32 ? r.f32 : d == DType::f64 ? r.f64 : r.i32)(x, out, b, e, alpha);
  });
}

}  // namespace tapeflow
