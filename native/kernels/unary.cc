// Unary elementwise kernels: out[i] = f(x[i]) over contiguous arrays of one dtype.
//
// To add an op: one line in TAPEFLOW_UNARY_OPS below (and a SIMD slot in simd/ if it is worth
// vectorising). float32 and float64 always have a kernel; int32 where the line gives one.
#include <cmath>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

double softplus(double x) { return (x > 0 || x != x ? x : 0.0) + std::log1p(std::exp(-std::fabs(x))); }  // max(x,0) + log1p(e^-|x|)

// The table: one line per op, UNARY(name, SIMD slot, cost, double expression in x and alpha)
// or UNARY_INT(…, int32 expression on uint32 bits, wrapping). The name is the op's name in
// src/backend/ts/unary.ts. A SIMD slot (simd::kName, or none) gives float32 a vector loop;
// without one float32 evaluates the double expression and rounds, exactly as the TS kernel.
// `heavy` marks transcendentals, worth threads from a smaller size.
#define TAPEFLOW_UNARY_OPS(UNARY, UNARY_INT)                                                                    \
  UNARY_INT(neg, simd::kNeg, light, -x, 0u - x)                                                                 \
  UNARY_INT(square, simd::kSquare, light, x * x, x * x)                                                         \
  UNARY(sqrt, simd::kSqrt, light, std::sqrt(x))                                                                 \
  UNARY(rsqrt, simd::kRsqrt, light, 1 / std::sqrt(x))                                                           \
  UNARY(exp, simd::kExp, heavy, std::exp(x))                                                                    \
  UNARY(log, simd::kLog, heavy, std::log(x))                                                                    \
  UNARY(log1p, simd::kLog1p, heavy, std::log1p(x))                                                                      \
  UNARY_INT(abs, simd::kAbs, light, std::fabs(x), int32_t(x) < 0 ? 0u - x : x)                                  \
  UNARY_INT(sign, simd::kSign, light, x > 0 ? 1.0 : x < 0 ? -1.0 : x == 0 ? 0.0 : x,                            \
            int32_t(x) > 0 ? 1u : int32_t(x) < 0 ? ~0u : 0u)                                                   \
  UNARY_INT(relu, simd::kRelu, light, x > 0 || x != x ? x : 0.0, int32_t(x) > 0 ? x : 0u)                       \
  UNARY(sigmoid, simd::kSigmoid, heavy, sigmoid(x))                                                             \
  UNARY(tanh, simd::kTanh, heavy, std::tanh(x))                                                                 \
  UNARY(softplus, simd::kSoftplus, heavy, softplus(x))                                                                     \
  UNARY(elu, simd::kElu, heavy, x > 0 ? x : std::expm1(x))                                                            \
  UNARY(leakyRelu, none, light, x > 0 ? x : alpha * x)                                                          \
  UNARY(reciprocal, simd::kReciprocal, light, 1 / x)                                                            \
  UNARY(floor, simd::kFloor, light, std::floor(x))                                                       \
  UNARY(ceil, simd::kCeil, light, std::ceil(x))                                                          \
  UNARY_INT(round, simd::kRound, light, std::nearbyint(x), x) /* half to even (default rounding mode) */    \
  UNARY(sin, simd::kSin, heavy, std::sin(x))                                                                          \
  UNARY(cos, simd::kCos, heavy, std::cos(x))                                                                          \
  UNARY(tan, simd::kTan, heavy, std::tan(x))                                                                          \
  UNARY(asin, simd::kAsin, heavy, std::asin(x))                                                                        \
  UNARY(acos, simd::kAcos, heavy, std::acos(x))                                                                        \
  UNARY(atan, simd::kAtan, heavy, std::atan(x))                                                                        \
  UNARY(sinh, simd::kSinh, heavy, std::sinh(x))                                                                        \
  UNARY(cosh, simd::kCosh, heavy, std::cosh(x))                                                                        \
  UNARY(asinh, simd::kAsinh, heavy, std::asinh(x))                                                                      \
  UNARY(acosh, simd::kAcosh, heavy, std::acosh(x))                                                                      \
  UNARY(atanh, simd::kAtanh, heavy, std::atanh(x))                                                                      \
  UNARY(erf, simd::kErf, heavy, std::erf(x))                                                                          \
  UNARY(expm1, simd::kExpm1, heavy, std::expm1(x))                                                                      \
  UNARY(log2, simd::kLog2, heavy, std::log2(x))                                                                        \
  UNARY(gelu, simd::kGelu, heavy, 0.5 * x * std::erfc(-x * 0.70710678118654752)) /* x·Φ(x) */                         \
  UNARY(silu, simd::kSilu, heavy, x * sigmoid(x))                                                                      \
  UNARY_INT(relu6, simd::kRelu6, light, x > 0 ? (x < 6 ? x : 6.0) : x != x ? x : 0.0,                                  \
            int32_t(x) > 0 ? (int32_t(x) < 6 ? x : 6u) : 0u)                                                   \
  UNARY(selu, simd::kSelu, heavy, x > 0 ? 1.0507009873554805 * x : 1.7580993408473766 * std::expm1(x))                \
  UNARY(softsign, simd::kSoftsign, light, x / (1 + std::fabs(x)))                                                          \
  UNARY(logSigmoid, simd::kLogSigmoid, heavy, -softplus(-x))                                                                 \
  UNARY(hardSigmoid, simd::kHardSigmoid, light, x <= -3 ? 0.0 : x >= 3 ? 1.0 : (x + 3) / 6) /* Keras 3: relu6(x + 3) / 6 */

constexpr int none = -1;
constexpr bool light = false, heavy = true;

// Each line becomes a functor: f(x, alpha) in double, and i(x) on int32 bits where int32 has one.
#define UNARY_FUNCTOR(name, slot, cost, expr) \
  struct Op_##name { static double f(double x, double alpha) { (void)alpha; return (expr); } };
#define UNARY_INT_FUNCTOR(name, slot, cost, expr, iexpr) \
  struct Op_##name { static double f(double x, double alpha) { (void)alpha; return (expr); } static uint32_t i(uint32_t x) { return (iexpr); } };
TAPEFLOW_UNARY_OPS(UNARY_FUNCTOR, UNARY_INT_FUNCTOR)
#undef UNARY_FUNCTOR
#undef UNARY_INT_FUNCTOR

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

const UnaryRow kUnary[] = {
#define UNARY_ROW(name, slot, cost, expr) {#name, slot, cost, &loop_f32<Op_##name>, &loop_f64<Op_##name>, nullptr},
#define UNARY_INT_ROW(name, slot, cost, expr, iexpr) \
  {#name, slot, cost, &loop_f32<Op_##name>, &loop_f64<Op_##name>, &loop_i32<Op_##name>},
    TAPEFLOW_UNARY_OPS(UNARY_ROW, UNARY_INT_ROW)
#undef UNARY_ROW
#undef UNARY_INT_ROW
};
constexpr int kUnaryRows = int(sizeof(kUnary) / sizeof(kUnary[0]));

}  // namespace

int unary_find(const std::string& name) {
  for (int i = 0; i < kUnaryRows; i++)
    if (name == kUnary[i].name) return i;
  return -1;
}

std::vector<OpDTypes> unary_catalog() {
  std::vector<OpDTypes> c;
  for (const UnaryRow& r : kUnary) c.push_back({r.name, {true, true, r.i32 != nullptr, false}});
  return c;
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
