// Fused optimizer updates: the math of every kind, written once (kernels/optim.cc runs them).
//
// Each kind is a struct whose `step` updates one element, or one vector of elements, in place:
// x = [var, grad, slots…] (x[0] the variable, x[1] the gradient; the gradient is not stored
// back), s = its hyperparameters, already cast to the variable's dtype. simd/impl.h includes
// this file inside every SIMD level's namespace and target, and instantiates each step twice:
// float32 with T = that level's `Lanes` (W floats, each operator one vector instruction) and
// float64 with T = double, one element at a time. Vector add/sub/mul/div/sqrt round each lane
// exactly as the scalar operation does and nothing is contracted into an FMA (-ffp-contract=off,
// and Lanes has no fused operation), so every level gives the TS reference's bits
// (src/backend/ts/optim.ts), lane by lane, in the written operation order.
//
// So that one text compiles for float, double and Lanes, a step body uses only: + - * / and
// unary -, comparisons < > == fed to where(cond, then, else) (never ?: or if), sqrt, abs,
// pow_in_double, and constants spelled T(1).
//
// HOW TO ADD A KIND (one struct + one line): write
//     struct YourKind {
//       static constexpr int arrays = …;   // [var, grad, slots…] in the order the optimizer passes
//       static constexpr int scalars = …;  // hyperparameters
//       template <class T> static void step(T* x, const T* s) { … }
//     };
// below, then add `row(YourKind{}, "name")` to `kinds()` at the end, named as FusedUpdateKind
// in the TS optimizer. Arrays must not overlap (each is read before any is written).
//
// No include guard: included once per level, inside that level's namespace (the includer has
// included <array> and <cmath>).

namespace optim {

// Scalar forms of the helpers; simd/impl.h gives Lanes its own (found by argument lookup).
template <class T> T where(bool c, T t, T f) { return c ? t : f; }
inline float sqrt(float x) { return std::sqrt(x); }
inline double sqrt(double x) { return std::sqrt(x); }
inline float abs(float x) { return std::fabs(x); }
inline double abs(double x) { return std::fabs(x); }
// pow(x, y) evaluated in double and rounded to the dtype (as the TS reference's Math.pow).
inline float pow_in_double(float x, float y) { return float(std::pow(double(x), double(y))); }
inline double pow_in_double(double x, double y) { return std::pow(x, y); }

// [var, grad]; [lr]: var -= lr·g
struct Sgd {
  static constexpr int arrays = 2, scalars = 1;
  template <class T> static void step(T* x, const T* s) {
    x[0] = x[0] - s[0] * x[1];
  }
};

// [var, grad, m]; [lr, momentum, nesterov (0/1)]:
// m = m·momentum - g·lr; var += nesterov ? m·momentum - g·lr : m
struct SgdMomentum {
  static constexpr int arrays = 3, scalars = 3;
  template <class T> static void step(T* x, const T* s) {
    const T g = x[1];
    const T m = x[2] * s[1] - g * s[0];
    x[2] = m;
    x[0] = x[0] + where(s[2] == T(0), m, m * s[1] - g * s[0]);
  }
};

// [var, grad, m, v]; [alpha (bias-corrected step), oneMinusBeta1, oneMinusBeta2, epsilon]:
// m += (g - m)·oneMinusBeta1; v += (g·g - v)·oneMinusBeta2; var -= alpha·m / (sqrt(v) + epsilon)
struct Adam {
  static constexpr int arrays = 4, scalars = 4;
  // The moment updates, shared with AdamAmsgrad; returns m and v (already stored).
  template <class T> static void moments(T* x, const T* s, T& m, T& v) {
    const T g = x[1];
    m = x[2] + (g - x[2]) * s[1];
    v = x[3] + (g * g - x[3]) * s[2];
    x[2] = m;
    x[3] = v;
  }
  template <class T> static void step(T* x, const T* s) {
    T m, v;
    moments(x, s, m, v);
    x[0] = x[0] - s[0] * m / (sqrt(v) + s[3]);
  }
};

// [var, grad, m, v, vhat]; as adam, then vhat = vhat < v ? v : vhat, used in the denominator.
struct AdamAmsgrad {
  static constexpr int arrays = 5, scalars = 4;
  template <class T> static void step(T* x, const T* s) {
    T m, v;
    Adam::moments(x, s, m, v);
    const T h = where(x[4] < v, v, x[4]);
    x[4] = h;
    x[0] = x[0] - s[0] * m / (sqrt(h) + s[3]);
  }
};

// The kinds below take every coefficient precomputed by the optimizer (never derived here).

// RMSprop, four layouts; scalars are always [lr, rho, oneMinusRho, epsilon, momentum].
// Shared: v = rho·v + oneMinusRho·g² (x[2]); centered also av = rho·av + oneMinusRho·g (x[3]);
// the increment is lr·g / sqrt(v + epsilon), or lr·g / sqrt((v - av²) + epsilon) when centered.
template <bool centered> struct RmspropIncrement {
  template <class T> static T of(T* x, const T* s) {
    const T g = x[1];
    const T v = s[1] * x[2] + s[2] * (g * g);
    x[2] = v;
    if constexpr (centered) {
      const T av = s[1] * x[3] + s[2] * g;
      x[3] = av;
      return (s[0] * g) / sqrt((v - av * av) + s[3]);
    } else {
      return (s[0] * g) / sqrt(v + s[3]);
    }
  }
};

// [var, grad, velocity (, averageGrad when centered) (, m with momentum)]: with momentum
// m = momentum·m + increment, var -= m; without, var -= increment (momentum unused).
template <bool centered, bool momentum>
struct RmspropKind {
  static constexpr int arrays = 3 + centered + momentum, scalars = 5;
  template <class T> static void step(T* x, const T* s) {
    const T inc = RmspropIncrement<centered>::of(x, s);
    if constexpr (momentum) {
      const T m = s[4] * x[arrays - 1] + inc;
      x[arrays - 1] = m;
      x[0] = x[0] - m;
    } else {
      x[0] = x[0] - inc;
    }
  }
};
using Rmsprop = RmspropKind<false, false>;
using RmspropMomentum = RmspropKind<false, true>;
using RmspropCentered = RmspropKind<true, false>;
using RmspropCenteredMomentum = RmspropKind<true, true>;

// [var, grad, accumulator]; [lr, epsilon]: acc += g²; var -= lr·g / sqrt(acc + epsilon)
struct Adagrad {
  static constexpr int arrays = 3, scalars = 2;
  template <class T> static void step(T* x, const T* s) {
    const T g = x[1];
    const T acc = x[2] + g * g;
    x[2] = acc;
    x[0] = x[0] - (s[0] * g) / sqrt(acc + s[1]);
  }
};

// [var, grad, accumulatedGrad, accumulatedDelta]; [lr, rho, oneMinusRho, epsilon]:
// ag = rho·ag + oneMinusRho·g²; delta = -(sqrt(ad + epsilon)·g) / sqrt(ag + epsilon);
// ad = rho·ad + oneMinusRho·delta²; var += lr·delta
struct Adadelta {
  static constexpr int arrays = 4, scalars = 4;
  template <class T> static void step(T* x, const T* s) {
    const T g = x[1], d0 = x[3];
    const T ag = s[1] * x[2] + s[2] * (g * g);
    x[2] = ag;
    const T delta = -((sqrt(d0 + s[3]) * g) / sqrt(ag + s[3]));
    x[3] = s[1] * d0 + s[2] * (delta * delta);
    x[0] = x[0] + s[0] * delta;
  }
};

// [var, grad, m, u]; [lr, oneMinusBeta1, beta2, oneMinusBeta1Power, epsilon]:
// m += (g - m)·oneMinusBeta1; u = max(beta2·u, |g|) as bu < |g| ? |g| : bu;
// var -= lr·m / (oneMinusBeta1Power·(u + epsilon))
struct Adamax {
  static constexpr int arrays = 4, scalars = 5;
  template <class T> static void step(T* x, const T* s) {
    const T g = x[1], m0 = x[2];
    const T m = m0 + (g - m0) * s[1];
    const T bu = s[2] * x[3], ag = abs(g);
    const T u = where(bu < ag, ag, bu);
    x[2] = m;
    x[3] = u;
    x[0] = x[0] - (s[0] * m) / (s[3] * (u + s[4]));
  }
};

// [var, grad, m, v]; [lr, oneMinusBeta1, oneMinusBeta2, uNext, oneMinusUProductNext, oneMinusU,
// oneMinusUProduct, oneMinusBeta2Power, epsilon]: m += (g - m)·oneMinusBeta1;
// v += (g² - v)·oneMinusBeta2; mHat = (uNext·m)/oneMinusUProductNext + (oneMinusU·g)/oneMinusUProduct;
// vHat = v / oneMinusBeta2Power; var -= (mHat·lr) / (sqrt(vHat) + epsilon)
struct Nadam {
  static constexpr int arrays = 4, scalars = 9;
  template <class T> static void step(T* x, const T* s) {
    const T g = x[1], m0 = x[2], v0 = x[3];
    const T m = m0 + (g - m0) * s[1];
    const T v = v0 + (g * g - v0) * s[2];
    x[2] = m;
    x[3] = v;
    const T m_hat = (s[3] * m) / s[4] + (s[5] * g) / s[6];
    const T v_hat = v / s[7];
    x[0] = x[0] - (m_hat * s[0]) / (sqrt(v_hat) + s[8]);
  }
};

// [var, grad, accumulator, linear]; [lr, negLrPower, l1, twoL2Shrinkage, twoL2Reg]:
// n = acc + g²; p1 = pow(n, negLrPower); p0 = pow(acc, negLrPower) (in double, rounded);
// linear += (g + twoL2Shrinkage·var) - ((p1 - p0)/lr)·var; quadratic = p1/lr + twoL2Reg;
// var = (clip(linear, -l1, l1) - linear) / quadratic; acc = n
struct Ftrl {
  static constexpr int arrays = 4, scalars = 5;
  template <class T> static void step(T* x, const T* s) {
    const T g = x[1], w = x[0], a0 = x[2];
    const T n = a0 + g * g;
    const T p1 = pow_in_double(n, s[1]), p0 = pow_in_double(a0, s[1]);
    const T gtu = g + s[3] * w;
    const T lin = x[3] + (gtu - ((p1 - p0) / s[0]) * w);
    const T quad = p1 / s[0] + s[4];
    const T cl = where(lin < -s[2], -s[2], where(s[2] < lin, s[2], lin));
    x[3] = lin;
    x[0] = (cl - lin) / quad;
    x[2] = n;
  }
};

// [var, grad, m]; [lr, beta1, oneMinusBeta1, beta2, oneMinusBeta2]:
// var -= lr·sign(m·beta1 + g·oneMinusBeta1); m = m·beta2 + g·oneMinusBeta2
struct Lion {
  static constexpr int arrays = 3, scalars = 5;
  template <class T> static void step(T* x, const T* s) {
    const T g = x[1], m0 = x[2];
    const T c = m0 * s[1] + g * s[2];
    const T sign = where(c > T(0), T(1), where(c < T(0), T(-1), c));
    x[0] = x[0] - s[0] * sign;
    x[2] = m0 * s[3] + g * s[4];
  }
};

// The kinds by index: row(Kind{}, name) for each (simd/impl.h turns a row into a table entry).
template <class Row> constexpr auto kinds(Row row) {
  return std::array{
      row(Sgd{}, "sgd"),
      row(SgdMomentum{}, "sgdMomentum"),
      row(Adam{}, "adam"),
      row(AdamAmsgrad{}, "adamAmsgrad"),
      row(Rmsprop{}, "rmsprop"),
      row(RmspropMomentum{}, "rmspropMomentum"),
      row(RmspropCentered{}, "rmspropCentered"),
      row(RmspropCenteredMomentum{}, "rmspropCenteredMomentum"),
      row(Adagrad{}, "adagrad"),
      row(Adadelta{}, "adadelta"),
      row(Adamax{}, "adamax"),
      row(Nadam{}, "nadam"),
      row(Ftrl{}, "ftrl"),
      row(Lion{}, "lion"),
  };
}

}  // namespace optim
