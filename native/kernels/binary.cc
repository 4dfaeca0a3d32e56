// Binary elementwise kernels with broadcasting (0-strides), comparisons, and select.
//
// One strided loop (`run`, over the collapsed `Plan`) with four inner loops: both contiguous,
// b fixed (scalar or column broadcast), a fixed, general strides. float32 arithmetic uses the
// SIMD table for the first three. One table row per op: name, SIMD slot, and a functor giving
// the op for double/float (`f`) and int32 (`i`, wrapping, as the TS kernel). To add an op: one
// functor and one row.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

uint32_t ipow(int32_t x, int32_t y) {  // int32 power with wrap-around; negative y as the TS kernel
  if (y < 0) return x == 1 ? 1u : x == -1 ? ((y & 1) == 0 ? 1u : ~0u) : 0u;
  uint32_t r = 1, b = uint32_t(x);
  for (uint32_t e = uint32_t(y); e > 0; e >>= 1) {
    if (e & 1) r *= b;
    b *= b;
  }
  return r;
}
int32_t idiv(int32_t x, int32_t y) {  // truncating, x/0 = 0, INT_MIN/-1 wraps
  if (y == 0) return 0;
  if (y == -1) return int32_t(0u - uint32_t(x));
  return x / y;
}

double floor_mod(double x, double y) {  // sign of the divisor, as TF's FloorMod
  double r = std::fmod(x, y);
  return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
}
int32_t int_floor_mod(int32_t x, int32_t y) {  // x mod 0 = 0 and INT_MIN mod -1 = 0, as the TS kernel
  if (y == 0 || y == -1) return 0;
  int32_t r = x % y;
  return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
}

// f: floats (T is float or double); i: int32. Comparisons return 0/1. Ops that round more than
// once compute in double and round at the end, as the TS kernels do.
struct Add { template <class T> static T f(T x, T y) { return x + y; } static int32_t i(int32_t x, int32_t y) { return int32_t(uint32_t(x) + uint32_t(y)); } };
struct Sub { template <class T> static T f(T x, T y) { return x - y; } static int32_t i(int32_t x, int32_t y) { return int32_t(uint32_t(x) - uint32_t(y)); } };
struct Mul { template <class T> static T f(T x, T y) { return x * y; } static int32_t i(int32_t x, int32_t y) { return int32_t(uint32_t(x) * uint32_t(y)); } };
struct Div { template <class T> static T f(T x, T y) { return x / y; } static int32_t i(int32_t x, int32_t y) { return idiv(x, y); } };
struct Pow { template <class T> static T f(T x, T y) { return T(std::pow(double(x), double(y))); } static int32_t i(int32_t x, int32_t y) { return int32_t(ipow(x, y)); } };
struct Maximum { template <class T> static T f(T x, T y) { return x > y || x != x ? x : y; } static int32_t i(int32_t x, int32_t y) { return x > y ? x : y; } };
struct Minimum { template <class T> static T f(T x, T y) { return x < y || x != x ? x : y; } static int32_t i(int32_t x, int32_t y) { return x < y ? x : y; } };
struct ReluGrad { template <class T> static T f(T x, T y) { return x * T(y > T(0)); } static int32_t i(int32_t x, int32_t y) { return int32_t(uint32_t(x) * uint32_t(y > 0)); } };  // branch-free: signs are random
struct Atan2 { template <class T> static T f(T x, T y) { return T(std::atan2(double(x), double(y))); } };
struct Mod { template <class T> static T f(T x, T y) { return T(floor_mod(double(x), double(y))); } static int32_t i(int32_t x, int32_t y) { return int_floor_mod(x, y); } };
struct FloorDiv { template <class T> static T f(T x, T y) { return T(std::floor(double(x) / double(y))); } static int32_t i(int32_t x, int32_t y) { return y == 0 ? 0 : to_int32(std::floor(double(x) / double(y))); } };
struct LogicalAnd { template <class T> static uint8_t f(T x, T y) { return x != T(0) && y != T(0); } };
struct LogicalOr { template <class T> static uint8_t f(T x, T y) { return x != T(0) || y != T(0); } };
struct LogicalXor { template <class T> static uint8_t f(T x, T y) { return (x != T(0)) != (y != T(0)); } };
struct Equal { template <class T> static uint8_t f(T x, T y) { return x == y; } };
struct NotEqual { template <class T> static uint8_t f(T x, T y) { return x != y; } };
struct Less { template <class T> static uint8_t f(T x, T y) { return x < y; } };
struct LessEqual { template <class T> static uint8_t f(T x, T y) { return x <= y; } };
struct Greater { template <class T> static uint8_t f(T x, T y) { return x > y; } };
struct GreaterEqual { template <class T> static uint8_t f(T x, T y) { return x >= y; } };

// Adapters giving every (op, dtype) one call shape: O apply(T, T).
template <class Op, class T> struct Arith { using Out = T; static T apply(T x, T y) { return Op::template f<T>(x, y); } };
template <class Op> struct Arith<Op, int32_t> { using Out = int32_t; static int32_t apply(int32_t x, int32_t y) { return Op::i(x, y); } };
template <class Op, class T> struct Compare { using Out = uint8_t; static uint8_t apply(T x, T y) { return Op::template f<T>(x, y); } };

using Loop = void (*)(const void* a, const void* b, void* out, const Plan<2>& p, int simd_slot);

template <class F, class T>
void run(const void* av, const void* bv, void* ov, const Plan<2>& p, int simd_slot) {
  using O = typename F::Out;
  const T* a = static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  O* out = static_cast<O*>(ov);
  const simd::Table* s = simd_slot >= 0 ? simd::active() : nullptr;
  parallel_range(p.size, kElementwiseGrain, kElementwiseMin, [&](int64_t begin, int64_t end) {
    for_runs(p, begin, end, [&](const int64_t* off, int64_t pos, int64_t n, const int64_t* st) {
      const T* pa = a + off[0];
      const T* pb = b + off[1];
      O* po = out + pos;
      if (st[0] == 1 && st[1] == 1) {
        if constexpr (std::is_same<T, float>::value && std::is_same<O, float>::value) {
          if (s) return s->binary_vv[simd_slot](pa, pb, po, n);
        }
        for (int64_t i = 0; i < n; i++) po[i] = F::apply(pa[i], pb[i]);
      } else if (st[0] == 1 && st[1] == 0) {
        if constexpr (std::is_same<T, float>::value && std::is_same<O, float>::value) {
          if (s) return s->binary_vs[simd_slot](pa, pb, po, n);
        }
        const T y = *pb;
        for (int64_t i = 0; i < n; i++) po[i] = F::apply(pa[i], y);
      } else if (st[0] == 0 && st[1] == 1) {
        if constexpr (std::is_same<T, float>::value && std::is_same<O, float>::value) {
          if (s) return s->binary_sv[simd_slot](pa, pb, po, n);
        }
        const T x = *pa;
        for (int64_t i = 0; i < n; i++) po[i] = F::apply(x, pb[i]);
      } else {
        const int64_t sa = st[0], sb = st[1];
        for (int64_t i = 0; i < n; i++) po[i] = F::apply(pa[i * sa], pb[i * sb]);
      }
    });
  });
}

struct BinaryRow {
  const char* name;
  int simd;  // simd::BinaryF32 slot or -1
  bool compare;
  Loop f32, f64, i32, u8;  // nullptr: no kernel for that dtype
};

template <class Op> constexpr BinaryRow arith(const char* name, int simd) {
  return {name, simd, false, &run<Arith<Op, float>, float>, &run<Arith<Op, double>, double>,
          &run<Arith<Op, int32_t>, int32_t>, nullptr};
}
template <class Op> constexpr BinaryRow arith_float(const char* name) {  // no int32 form
  return {name, -1, false, &run<Arith<Op, float>, float>, &run<Arith<Op, double>, double>, nullptr, nullptr};
}
template <class Op> constexpr BinaryRow compare(const char* name) {
  return {name, -1, true, &run<Compare<Op, float>, float>, &run<Compare<Op, double>, double>,
          &run<Compare<Op, int32_t>, int32_t>, &run<Compare<Op, uint8_t>, uint8_t>};
}

const BinaryRow kBinary[] = {
    arith<Add>("add", simd::kAdd),
    arith<Sub>("sub", simd::kSub),
    arith<Mul>("mul", simd::kMul),
    arith<Div>("div", simd::kDiv),
    arith<Pow>("pow", -1),
    arith<Maximum>("maximum", simd::kMaximum),
    arith<Minimum>("minimum", simd::kMinimum),
    arith<ReluGrad>("reluGrad", simd::kReluGrad),
    arith_float<Atan2>("atan2"),
    arith<Mod>("mod", -1),
    arith<FloorDiv>("floorDiv", -1),
    compare<Equal>("equal"),
    compare<NotEqual>("notEqual"),
    compare<Less>("less"),
    compare<LessEqual>("lessEqual"),
    compare<Greater>("greater"),
    compare<GreaterEqual>("greaterEqual"),
    compare<LogicalAnd>("logicalAnd"),
    compare<LogicalOr>("logicalOr"),
    compare<LogicalXor>("logicalXor"),
};
constexpr int kBinaryRows = int(sizeof(kBinary) / sizeof(kBinary[0]));

template <class T>
void select_loop(const uint8_t* c, const void* av, const void* bv, void* ov, const Plan<3>& p) {
  const T* a = static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  T* out = static_cast<T*>(ov);
  parallel_range(p.size, kElementwiseGrain, kElementwiseMin, [&](int64_t begin, int64_t end) {
    for_runs(p, begin, end, [&](const int64_t* off, int64_t pos, int64_t n, const int64_t* st) {
      const uint8_t* pc = c + off[0];
      const T* pa = a + off[1];
      const T* pb = b + off[2];
      T* po = out + pos;
      if (st[0] == 1 && st[1] == 1 && st[2] == 1) {
        for (int64_t i = 0; i < n; i++) po[i] = pc[i] ? pa[i] : pb[i];
      } else {
        for (int64_t i = 0; i < n; i++) po[i] = pc[i * st[0]] ? pa[i * st[1]] : pb[i * st[2]];
      }
    });
  });
}

// out = a*b + c, rounding the product before the sum (no FMA) so the result is bit-identical to
// mul then add. Runs in L1-sized pieces: the product is written into `out` and read straight
// back, so memory sees three reads and one write, as one triad.
template <class T>
void mul_add_loop(const T* a, const T* b, const T* c, T* out, int64_t n) {
  constexpr int64_t kPiece = 2048;
  const simd::Table* s = std::is_same<T, float>::value ? simd::active() : nullptr;
  parallel_range(n, kElementwiseGrain, kElementwiseMin, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i += kPiece) {
      const int64_t m = std::min(kPiece, end - i);
      if constexpr (std::is_same<T, float>::value) {
        if (s) {
          s->binary_vv[simd::kMul](a + i, b + i, out + i, m);
          s->binary_vv[simd::kAdd](out + i, c + i, out + i, m);
          continue;
        }
      }
      for (int64_t j = i; j < i + m; j++) out[j] = a[j] * b[j] + c[j];
    }
  });
}

}  // namespace

bool mul_add_supports(DType d) { return d == DType::f32 || d == DType::f64; }

void mul_add_run(DType d, const void* a, const void* b, const void* c, void* out, int64_t n) {
  if (d == DType::f32)
    mul_add_loop(static_cast<const float*>(a), static_cast<const float*>(b), static_cast<const float*>(c), static_cast<float*>(out), n);
  else
    mul_add_loop(static_cast<const double*>(a), static_cast<const double*>(b), static_cast<const double*>(c), static_cast<double*>(out), n);
}

int binary_find(const std::string& name) {
  for (int i = 0; i < kBinaryRows; i++)
    if (name == kBinary[i].name) return i;
  return -1;
}

bool binary_is_compare(int op) { return kBinary[op].compare; }

std::vector<OpDTypes> binary_catalog() {
  std::vector<OpDTypes> c;
  for (const BinaryRow& r : kBinary) c.push_back({r.name, {r.f32 != nullptr, r.f64 != nullptr, r.i32 != nullptr, r.u8 != nullptr}});
  return c;
}

static Loop binary_loop(int op, DType d) {
  const BinaryRow& r = kBinary[op];
  return d == DType::f32 ? r.f32 : d == DType::f64 ? r.f64 : d == DType::i32 ? r.i32 : r.u8;
}

bool binary_supports(int op, DType d) { return binary_loop(op, d) != nullptr; }

void binary_run(int op, DType d, const void* a, const std::vector<int64_t>& sa, const void* b,
                const std::vector<int64_t>& sb, const std::vector<int64_t>& shape, void* out) {
  const std::vector<int64_t>* strides[2] = {&sa, &sb};
  Plan<2> p = make_plan<2>(shape, strides);
  if (p.size == 0) return;
  binary_loop(op, d)(a, b, out, p, d == DType::f32 ? kBinary[op].simd : -1);
}

void select_run(DType d, const uint8_t* cond, const std::vector<int64_t>& sc, const void* a,
                const std::vector<int64_t>& sa, const void* b, const std::vector<int64_t>& sb,
                const std::vector<int64_t>& shape, void* out) {
  const std::vector<int64_t>* strides[3] = {&sc, &sa, &sb};
  Plan<3> p = make_plan<3>(shape, strides);
  if (p.size == 0) return;
  switch (dtype_size(d)) {
    case 1: return select_loop<uint8_t>(cond, a, b, out, p);
    case 4: return select_loop<uint32_t>(cond, a, b, out, p);
    default: return select_loop<uint64_t>(cond, a, b, out, p);
  }
}

}  // namespace tapeflow
