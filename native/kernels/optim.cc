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

// [var, grad, m, v]; [alpha (bias-corrected step), oneMinusBeta1, oneMinusBeta2, epsilon]:
// m += (g - m)·oneMinusBeta1; v += (g·g - v)·oneMinusBeta2; var -= alpha·m / (sqrt(v) + epsilon)
struct Adam {
  static constexpr int arrays = 4, scalars = 4;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T m = a[2][i] + (g - a[2][i]) * s[1];
    const T v = a[3][i] + (g * g - a[3][i]) * s[2];
    a[2][i] = m;
    a[3][i] = v;
    a[0][i] = a[0][i] - s[0] * m / (std::sqrt(v) + s[3]);
  }
};

// [var, grad, m, v, vhat]; as adam, then vhat = vhat < v ? v : vhat, used in the denominator.
struct AdamAmsgrad {
  static constexpr int arrays = 5, scalars = 4;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T m = a[2][i] + (g - a[2][i]) * s[1];
    const T v = a[3][i] + (g * g - a[3][i]) * s[2];
    T h = a[4][i];
    h = h < v ? v : h;
    a[2][i] = m;
    a[3][i] = v;
    a[4][i] = h;
    a[0][i] = a[0][i] - s[0] * m / (std::sqrt(h) + s[3]);
  }
};

// The kinds below take every coefficient precomputed by the optimizer (never derived here).

// [var, grad, velocity]; [lr, rho, oneMinusRho, epsilon, momentum (unused)]:
// v = rho·v + oneMinusRho·g²; var -= lr·g / sqrt(v + epsilon)
struct Rmsprop {
  static constexpr int arrays = 3, scalars = 5;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T v = s[1] * a[2][i] + s[2] * (g * g);
    a[2][i] = v;
    a[0][i] = a[0][i] - (s[0] * g) / std::sqrt(v + s[3]);
  }
};

// [var, grad, velocity, m]; [lr, rho, oneMinusRho, epsilon, momentum]:
// v = rho·v + oneMinusRho·g²; m = momentum·m + lr·g / sqrt(v + epsilon); var -= m
struct RmspropMomentum {
  static constexpr int arrays = 4, scalars = 5;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T v = s[1] * a[2][i] + s[2] * (g * g);
    a[2][i] = v;
    const T m = s[4] * a[3][i] + (s[0] * g) / std::sqrt(v + s[3]);
    a[3][i] = m;
    a[0][i] = a[0][i] - m;
  }
};

// [var, grad, velocity, averageGrad]; [lr, rho, oneMinusRho, epsilon, momentum (unused)]:
// v = rho·v + oneMinusRho·g²; av = rho·av + oneMinusRho·g; var -= lr·g / sqrt((v - av²) + epsilon)
struct RmspropCentered {
  static constexpr int arrays = 4, scalars = 5;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T v = s[1] * a[2][i] + s[2] * (g * g);
    const T av = s[1] * a[3][i] + s[2] * g;
    a[2][i] = v;
    a[3][i] = av;
    a[0][i] = a[0][i] - (s[0] * g) / std::sqrt((v - av * av) + s[3]);
  }
};

// [var, grad, velocity, averageGrad, m]; as rmspropCentered, then
// m = momentum·m + lr·g / sqrt((v - av²) + epsilon); var -= m
struct RmspropCenteredMomentum {
  static constexpr int arrays = 5, scalars = 5;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T v = s[1] * a[2][i] + s[2] * (g * g);
    const T av = s[1] * a[3][i] + s[2] * g;
    a[2][i] = v;
    a[3][i] = av;
    const T m = s[4] * a[4][i] + (s[0] * g) / std::sqrt((v - av * av) + s[3]);
    a[4][i] = m;
    a[0][i] = a[0][i] - m;
  }
};

// [var, grad, accumulator]; [lr, epsilon]: acc += g²; var -= lr·g / sqrt(acc + epsilon)
struct Adagrad {
  static constexpr int arrays = 3, scalars = 2;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i];
    const T acc = a[2][i] + g * g;
    a[2][i] = acc;
    a[0][i] = a[0][i] - (s[0] * g) / std::sqrt(acc + s[1]);
  }
};

// [var, grad, accumulatedGrad, accumulatedDelta]; [lr, rho, oneMinusRho, epsilon]:
// ag = rho·ag + oneMinusRho·g²; delta = -(sqrt(ad + epsilon)·g) / sqrt(ag + epsilon);
// ad = rho·ad + oneMinusRho·delta²; var += lr·delta
struct Adadelta {
  static constexpr int arrays = 4, scalars = 4;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i], d0 = a[3][i];
    const T ag = s[1] * a[2][i] + s[2] * (g * g);
    a[2][i] = ag;
    const T delta = -((std::sqrt(d0 + s[3]) * g) / std::sqrt(ag + s[3]));
    a[3][i] = s[1] * d0 + s[2] * (delta * delta);
    a[0][i] = a[0][i] + s[0] * delta;
  }
};

// [var, grad, m, u]; [lr, oneMinusBeta1, beta2, oneMinusBeta1Power, epsilon]:
// m += (g - m)·oneMinusBeta1; u = max(beta2·u, |g|) as bu < |g| ? |g| : bu;
// var -= lr·m / (oneMinusBeta1Power·(u + epsilon))
struct Adamax {
  static constexpr int arrays = 4, scalars = 5;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i], m0 = a[2][i];
    const T m = m0 + (g - m0) * s[1];
    const T bu = s[2] * a[3][i], ag = std::fabs(g);
    const T u = bu < ag ? ag : bu;
    a[2][i] = m;
    a[3][i] = u;
    a[0][i] = a[0][i] - (s[0] * m) / (s[3] * (u + s[4]));
  }
};

// [var, grad, m, v]; [lr, oneMinusBeta1, oneMinusBeta2, uNext, oneMinusUProductNext, oneMinusU,
// oneMinusUProduct, oneMinusBeta2Power, epsilon]: m += (g - m)·oneMinusBeta1;
// v += (g² - v)·oneMinusBeta2; mHat = (uNext·m)/oneMinusUProductNext + (oneMinusU·g)/oneMinusUProduct;
// vHat = v / oneMinusBeta2Power; var -= (mHat·lr) / (sqrt(vHat) + epsilon)
struct Nadam {
  static constexpr int arrays = 4, scalars = 9;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i], m0 = a[2][i], v0 = a[3][i];
    const T m = m0 + (g - m0) * s[1];
    const T v = v0 + (g * g - v0) * s[2];
    a[2][i] = m;
    a[3][i] = v;
    const T m_hat = (s[3] * m) / s[4] + (s[5] * g) / s[6];
    const T v_hat = v / s[7];
    a[0][i] = a[0][i] - (m_hat * s[0]) / (std::sqrt(v_hat) + s[8]);
  }
};

// [var, grad, accumulator, linear]; [lr, negLrPower, l1, twoL2Shrinkage, twoL2Reg]:
// n = acc + g²; p1 = pow(n, negLrPower); p0 = pow(acc, negLrPower) (in double, rounded);
// linear += (g + twoL2Shrinkage·var) - ((p1 - p0)/lr)·var; quadratic = p1/lr + twoL2Reg;
// var = (clip(linear, -l1, l1) - linear) / quadratic; acc = n
struct Ftrl {
  static constexpr int arrays = 4, scalars = 5;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i], w = a[0][i], a0 = a[2][i];
    const T n = a0 + g * g;
    const T p1 = T(std::pow(double(n), double(s[1]))), p0 = T(std::pow(double(a0), double(s[1])));
    const T gtu = g + s[3] * w;
    const T lin = a[3][i] + (gtu - ((p1 - p0) / s[0]) * w);
    const T quad = p1 / s[0] + s[4];
    const T cl = lin < -s[2] ? -s[2] : s[2] < lin ? s[2] : lin;
    a[3][i] = lin;
    a[0][i] = (cl - lin) / quad;
    a[2][i] = n;
  }
};

// [var, grad, m]; [lr, beta1, oneMinusBeta1, beta2, oneMinusBeta2]:
// var -= lr·sign(m·beta1 + g·oneMinusBeta1); m = m·beta2 + g·oneMinusBeta2
struct Lion {
  static constexpr int arrays = 3, scalars = 5;
  template <class T> static void step(T* const* a, int64_t i, const T* s) {
    const T g = a[1][i], m0 = a[2][i];
    const T c = m0 * s[1] + g * s[2];
    const T sign = c > 0 ? T(1) : c < 0 ? T(-1) : c;
    a[0][i] = a[0][i] - s[0] * sign;
    a[2][i] = m0 * s[3] + g * s[4];
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
    kind<Rmsprop>("rmsprop"),
    kind<RmspropMomentum>("rmspropMomentum"),
    kind<RmspropCentered>("rmspropCentered"),
    kind<RmspropCenteredMomentum>("rmspropCenteredMomentum"),
    kind<Adagrad>("adagrad"),
    kind<Adadelta>("adadelta"),
    kind<Adamax>("adamax"),
    kind<Nadam>("nadam"),
    kind<Ftrl>("ftrl"),
    kind<Lion>("lion"),
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
