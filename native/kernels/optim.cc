// Fused optimizer updates: one pass over a variable and its slots per step, in place.
//
// Compiled with -ffp-contract=off (binding.gyp, CMakeLists.txt): each line below is evaluated
// in the array's precision with exactly the written operation order, as the TS reference does,
// so float32 results are bit-identical to it.
//
// HOW TO ADD A KIND (one table entry): write a struct with
//     static constexpr int arrays = …;   // [var, grad, slots…] in the order the optimizer passes
//     static constexpr int scalars = …;  // hyperparameters, already cast to the var's dtype
//     template <class T> static void step(T* const* a, int64_t i, const T* s) { … }
// whose body updates element i (a[0][i] is the variable, a[1][i] the gradient), then add
// `kind<YourStruct>("name")` to kKinds. Name it as FusedUpdateKind in the TS optimizer.
#include <cstdint>
#include <cmath>

#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

// [var, grad]; [lr]: var -= lr·g
struct Sgd {
  static constexpr int arrays = 2, scalars = 1;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    a[0][i] = a[0][i] - s[0] * a[1][i];
  }
};

// [var, grad, m]; [lr, momentum, nesterov (0/1)]:
// m = m·momentum - g·lr; var += nesterov ? m·momentum - g·lr : m
struct SgdMomentum {
  static constexpr int arrays = 3, scalars = 3;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T m = a[2][i] * s[1] - g * s[0];
    a[2][i] = m;
    a[0][i] = a[0][i] + (s[2] != 0 ? m * s[1] - g * s[0] : m);
  }
};

// [var, grad, m, v]; [alpha (bias-corrected step), beta1, beta2, epsilon]:
// m += (g - m)·(1 - beta1); v += (g·g - v)·(1 - beta2); var -= alpha·m / (sqrt(v) + epsilon)
struct Adam {
  static constexpr int arrays = 4, scalars = 4;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T m = a[2][i] + (g - a[2][i]) * (T(1) - s[1]);
    const T v = a[3][i] + (g * g - a[3][i]) * (T(1) - s[2]);
    a[2][i] = m;
    a[3][i] = v;
    a[0][i] = a[0][i] - s[0] * m / (std::sqrt(v) + s[3]);
  }
};

// [var, grad, m, v, vhat]; as adam, then vhat = max(vhat, v) (NaN propagates) in the denominator.
struct AdamAmsgrad {
  static constexpr int arrays = 5, scalars = 4;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T m = a[2][i] + (g - a[2][i]) * (T(1) - s[1]);
    const T v = a[3][i] + (g * g - a[3][i]) * (T(1) - s[2]);
    T h = a[4][i];
    h = v > h || v != v ? v : h;
    a[2][i] = m;
    a[3][i] = v;
    a[4][i] = h;
    a[0][i] = a[0][i] - s[0] * m / (std::sqrt(h) + s[3]);
  }
};

using Loop = void (*)(void* const* arrays, int64_t n, const double* scalars);

template <class K, class T>
void run(void* const* arrays, int64_t n, const double* scalars) {
  T* a[K::arrays];
  T s[K::scalars > 0 ? K::scalars : 1];
  for (int q = 0; q < K::arrays; q++) a[q] = static_cast<T*>(arrays[q]);
  for (int q = 0; q < K::scalars; q++) s[q] = T(scalars[q]);
  parallel_range(n, kElementwiseGrain, kElementwiseMin, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) K::step(a, i, s);
  });
}

struct KindRow {
  OptimKind kind;
  Loop f32, f64;
};

template <class K> constexpr KindRow kind(const char* name) {
  return {{name, K::arrays, K::scalars}, &run<K, float>, &run<K, double>};
}

const KindRow kKinds[] = {
    kind<Sgd>("sgd"),
    kind<SgdMomentum>("sgdMomentum"),
    kind<Adam>("adam"),
    kind<AdamAmsgrad>("adamAmsgrad"),
};

}  // namespace

int optim_find(const std::string& name, OptimKind* out) {
  for (int i = 0; i < int(sizeof(kKinds) / sizeof(kKinds[0])); i++)
    if (name == kKinds[i].kind.name) {
      *out = kKinds[i].kind;
      return i;
    }
  return -1;
}

void optim_run(int kind, DType d, void* const* arrays, int64_t n, const double* scalars) {
  (d == DType::f32 ? kKinds[kind].f32 : kKinds[kind].f64)(arrays, n, scalars);
}

}  // namespace tapeflow
