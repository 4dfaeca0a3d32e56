// Float32 elementary functions on the vector layer `Vec` (vec_<level>.h), for the kernels of
// impl.h, which includes this file inside each level's namespace.
//
// Every function runs one path for all lanes (selects, no branches on data), except for rare
// lanes named beside the function (sin/cos/tan beyond kTrigMax, huge arguments of
// sinh/cosh/expm1/asinh/acosh), which a test on the whole vector sends to a second vector path
// or, lane by lane, to the double libm function. Accuracy: below 1e-6 relative error against
// the float64 function over each op's domain, NaN, ±inf, ±0 and overflow as libm
// (test/native/native-vs-ts.test.ts, "float32 transcendental accuracy"). The polynomial
// coefficients are fitted by scripts/fit-simd-polynomials.py, which also prints their error;
// exp's and log's are the classic single-precision minimax sets.

using V = Vec::V;
using M = Vec::M;
using I = Vec::I;
constexpr int W = Vec::W;

inline V k(float x) { return Vec::set1(x); }
inline V sign_bit() { return Vec::from_bits(Vec::iset1(int32_t(0x80000000u))); }
inline V abs_mask() { return Vec::from_bits(Vec::iset1(0x7fffffff)); }
inline V vabs(V x) { return Vec::vand(x, abs_mask()); }
inline V vneg(V x) { return Vec::vxor(x, sign_bit()); }
// y with its sign flipped where x is negative (x's sign applied to an odd function of |x|).
inline V with_sign_of(V y, V x) { return Vec::vxor(y, Vec::vand(x, sign_bit())); }
inline V inf() { return k(std::numeric_limits<float>::infinity()); }
inline V nan() { return k(std::numeric_limits<float>::quiet_NaN()); }
// 2^n for integral n in [-126, 127].
inline V pow2i(V n) { return Vec::from_bits(Vec::sll<23>(Vec::iadd(Vec::f2i(n), Vec::iset1(127)))); }

// c[0]·u^(N-1) + … + c[N-1] (coefficients highest degree first), by Horner's rule.
template <size_t N>
inline V poly(V u, const float (&c)[N]) {
  V p = k(c[0]);
  for (size_t i = 1; i < N; i++) p = Vec::fmadd(p, u, k(c[i]));
  return p;
}

constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;  // ln 2 = kLn2Hi + kLn2Lo
constexpr float kLog2e = 1.44269504088896341f, kLn2 = 0.693147182f;
constexpr float kPio2Hi = 1.5707963705e+00f, kPio2Mid = -4.3711388287e-08f, kPio2Lo = -1.7151245100e-15f;
constexpr float kPiHi = 3.1415927410e+00f, kPiLo = -8.7422776573e-08f;

// ---- exp family -----------------------------------------------------------------------------
// e^r = 1 + r + r²·P(r) on |r| <= ln2/2.
constexpr float kExpP[] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
                           1.6666665459e-1f, 5.0000001201e-1f};
// y·2^n applied in two halves, so that 2^n may leave the normal range (overflow to inf, gradual
// underflow).
inline V scale_pow2(V y, V n) {
  V h = Vec::floor(Vec::mul(n, k(0.5f)));
  return Vec::mul(Vec::mul(y, pow2i(h)), pow2i(Vec::sub(n, h)));
}

// exp(x): n = round(x/ln2), r = x - n·ln2 (two-part ln2), e^r by the polynomial, times 2^n.
// Below -104 the result rounds to 0: those lanes compute e^0 and are zeroed at the end, since
// scaling them down would pass through subnormals, which cost a microcode assist per lane on
// Intel cores (masked softmax logits, −1e9, are all such lanes: 2.5x slower without this).
inline V v_exp(V x) {
  M nan = Vec::unord(x, x);
  M zero = Vec::lt(x, k(-104.0f));
  V xc = Vec::select(Vec::mor(nan, zero), k(0.0f), x);
  xc = Vec::select(Vec::gt(xc, k(89.0f)), k(89.0f), xc);
  V n = Vec::round_even(Vec::mul(xc, k(kLog2e)));
  V r = Vec::fmadd(n, k(-kLn2Hi), xc);
  r = Vec::fmadd(n, k(-kLn2Lo), r);
  V y = Vec::fmadd(poly(r, kExpP), Vec::mul(r, r), Vec::add(r, k(1.0f)));
  return Vec::select(nan, x, Vec::select(zero, k(0.0f), scale_pow2(y, n)));
}

// e^(a + b) for a small b (|b| < 2): b joins after a's reduction, which is exact, so a large a
// (a float sum of rounded terms would lose its low bits) costs no accuracy. The caller keeps
// a + b within [-104, 89.5] (or NaN): no clamping here.
inline V v_exp_sum(V a, V b) {
  V n = Vec::round_even(Vec::mul(Vec::add(a, b), k(kLog2e)));
  V r = Vec::fmadd(n, k(-kLn2Hi), a);
  r = Vec::add(Vec::fmadd(n, k(-kLn2Lo), r), b);
  V y = Vec::fmadd(poly(r, kExpP), Vec::mul(r, r), Vec::add(r, k(1.0f)));
  return scale_pow2(y, n);
}

// expm1(x) = 2^n·(e^r − 1) + (2^n − 1), with e^r − 1 = r + r²·P(r) free of cancellation; one
// fma rounds the sum. Above 88 (where 2^n·… would overflow early) exp itself.
inline V v_expm1(V x) {
  V xc = Vec::select(Vec::gt(x, k(88.0f)), k(88.0f), x);
  xc = Vec::select(Vec::lt(xc, k(-30.0f)), k(-30.0f), xc);  // expm1(-30) is -1 in float
  V n = Vec::round_even(Vec::mul(xc, k(kLog2e)));
  V r = Vec::fmadd(n, k(-kLn2Hi), xc);
  r = Vec::fmadd(n, k(-kLn2Lo), r);
  V em = Vec::fmadd(poly(r, kExpP), Vec::mul(r, r), r);
  V p2 = pow2i(n);
  V y = Vec::fmadd(p2, em, Vec::sub(p2, k(1.0f)));
  M big = Vec::gt(x, k(88.0f));
  if (Vec::any(big)) y = Vec::select(big, v_exp(x), y);
  y = Vec::select(Vec::eq(x, k(0.0f)), x, y);  // keeps the sign of zero
  return Vec::select(Vec::unord(x, x), x, y);
}

// tanh|x|: odd polynomial below 0.625, else 1 − 2/(e^{2|x|} + 1); x's sign applied last.
constexpr float kTanhP[] = {-5.70498872745e-3f, 2.06390887954e-2f, -5.37397155531e-2f, 1.33314422036e-1f,
                            -3.33332819422e-1f};
inline V v_tanh(V x) {
  V ax = vabs(x);
  V small = Vec::fmadd(Vec::mul(poly(Vec::mul(x, x), kTanhP), Vec::mul(x, x)), ax, ax);
  V big = Vec::sub(k(1.0f), Vec::div(k(2.0f), Vec::add(v_exp(Vec::add(ax, ax)), k(1.0f))));
  return with_sign_of(Vec::select(Vec::lt(ax, k(0.625f)), small, big), x);
}

// sigmoid(x) = 1/(1+e^-x) for x >= 0, e^x/(1+e^x) below (as the TS kernel).
inline V v_sigmoid(V x) {
  V e = v_exp(vneg(vabs(x)));  // e^-|x|
  V d = Vec::add(k(1.0f), e);
  return Vec::select(Vec::lt(x, k(0.0f)), Vec::div(e, d), Vec::div(k(1.0f), d));
}

// e^x/2 for x >= 0 as e^(x − ln2), finite up to ln(2·FLT_MAX); x clamped where that overflows anyway.
inline V exp_half(V ax) {
  V y = v_exp_sum(Vec::select(Vec::gt(ax, k(89.5f)), k(89.5f), ax), k(-kLn2));
  return Vec::select(Vec::unord(ax, ax), ax, y);
}

// sinh|x| = (E + E/(E + 1))/2 with E = expm1|x| (no cancellation near 0); cosh|x| = (e + 1/e)/2.
// Above 88, e^|x|/2 by exp_half.
inline V v_sinh(V x) {
  V ax = vabs(x);
  V e = v_expm1(ax);
  V y = Vec::mul(k(0.5f), Vec::add(e, Vec::div(e, Vec::add(e, k(1.0f)))));
  M big = Vec::gt(ax, k(88.0f));
  if (Vec::any(big)) y = Vec::select(big, exp_half(ax), y);
  return with_sign_of(y, x);
}
inline V v_cosh(V x) {
  V ax = vabs(x);
  V e = v_exp(ax);
  V y = Vec::fmadd(e, k(0.5f), Vec::div(k(0.5f), e));
  M big = Vec::gt(ax, k(88.0f));
  if (Vec::any(big)) y = Vec::select(big, exp_half(ax), y);
  return y;
}

// ---- log family -----------------------------------------------------------------------------
// x = 2^e·(1 + f) with 1 + f in [sqrt(.5), sqrt(2)); log(1 + f) = f − f²/2 + f³·P(f).
// Subnormals are scaled by 2^23 first.
constexpr float kLogP[] = {7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f, -1.2420140846e-1f,
                           1.4249322787e-1f, -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f,
                           3.3333331174e-1f};
struct LogParts {
  V e, f, z, y;  // exponent, f, f², f³·P(f)
};
inline LogParts log_parts(V x) {
  M tiny = Vec::lt(x, k(1.17549435e-38f));
  V xs = Vec::select(tiny, Vec::mul(x, k(8388608.0f)), x);
  V eadj = Vec::select(tiny, k(23.0f), k(0.0f));
  I xi = Vec::bits(xs);
  V e = Vec::sub(Vec::i2f(Vec::iand(Vec::srl<23>(xi), Vec::iset1(0xff))), Vec::add(k(126.0f), eadj));
  V m = Vec::from_bits(Vec::ior(Vec::iand(xi, Vec::iset1(0x007fffff)), Vec::iset1(0x3f000000)));  // [0.5, 1)
  M below = Vec::lt(m, k(0.707106781186547524f));
  e = Vec::sub(e, Vec::select(below, k(1.0f), k(0.0f)));
  V f = Vec::sub(Vec::select(below, Vec::add(m, m), m), k(1.0f));
  V z = Vec::mul(f, f);
  return {e, f, z, Vec::mul(Vec::mul(poly(f, kLogP), f), z)};
}
// log's values at 0, negatives, +inf and NaN, over r computed for the finite positives.
inline V log_specials(V x, V r) {
  r = Vec::select(Vec::eq(x, k(0.0f)), vneg(inf()), r);
  r = Vec::select(Vec::lt(x, k(0.0f)), nan(), r);
  r = Vec::select(Vec::eq(x, inf()), x, r);
  return Vec::select(Vec::unord(x, x), x, r);
}
inline V v_log(V x) {
  LogParts p = log_parts(x);
  V y = Vec::fmadd(p.e, k(kLn2Lo), p.y);
  y = Vec::fmadd(p.z, k(-0.5f), y);
  V r = Vec::add(p.f, y);
  return log_specials(x, Vec::fmadd(p.e, k(kLn2Hi), r));
}
// log2(x) = e + log(1 + f)·log2(e): exact at powers of two.
inline V v_log2(V x) {
  LogParts p = log_parts(x);
  V lm = Vec::add(p.f, Vec::fmadd(p.z, k(-0.5f), p.y));
  return log_specials(x, Vec::fmadd(lm, k(kLog2e), p.e));
}
// log1p(x) = log(u) − ((u − 1) − x)/u with u = 1 + x rounded: the quotient restores what the
// rounding of u lost.
inline V v_log1p(V x) {
  V u = Vec::add(x, k(1.0f));
  V lu = v_log(u);
  V r = Vec::sub(lu, Vec::div(Vec::sub(Vec::sub(u, k(1.0f)), x), u));
  r = Vec::select(Vec::mor(Vec::eq(u, k(0.0f)), Vec::eq(x, inf())), lu, r);
  return Vec::select(Vec::eq(x, k(0.0f)), x, r);  // keeps the sign of zero (and NaN via lu)
}

// asinh|x| = log1p(|x| + x²/(1 + sqrt(1 + x²))); acosh(x) = log1p(t + sqrt(2t + t²)), t = x − 1;
// above 4096 both are log(2|x|) to float precision. atanh|x| = log1p(2|x|/(1 − |x|))/2.
inline V v_asinh(V x) {
  V ax = vabs(x), a2 = Vec::mul(ax, ax);
  V y = v_log1p(Vec::add(ax, Vec::div(a2, Vec::add(k(1.0f), Vec::sqrt(Vec::add(k(1.0f), a2))))));
  M big = Vec::gt(ax, k(4096.0f));
  if (Vec::any(big)) y = Vec::select(big, Vec::add(v_log(ax), k(kLn2)), y);
  return with_sign_of(y, x);
}
inline V v_acosh(V x) {
  V t = Vec::sub(x, k(1.0f));
  V y = v_log1p(Vec::add(t, Vec::sqrt(Vec::fmadd(t, t, Vec::add(t, t)))));
  M big = Vec::gt(x, k(4096.0f));
  if (Vec::any(big)) y = Vec::select(big, Vec::add(v_log(x), k(kLn2)), y);
  return Vec::select(Vec::lt(x, k(1.0f)), nan(), y);  // also where t² overflowed
}
inline V v_atanh(V x) {
  V ax = vabs(x);
  V y = Vec::mul(k(0.5f), v_log1p(Vec::div(Vec::add(ax, ax), Vec::sub(k(1.0f), ax))));
  return with_sign_of(y, x);
}

// ---- trigonometric --------------------------------------------------------------------------
// |x| = j·π/2 + r, |r| <= π/4, with π/2 in three parts (each fma exact or rounding a small r).
// Beyond kTrigMax the three parts no longer suffice, and those lanes use the double function.
constexpr float kTrigMax = 8192.0f;
constexpr float kSinP[] = {-1.9543724193e-04f, 8.3324071020e-03f, -1.6666659713e-01f};  // sin r = r + r³·S(r²)
constexpr float kCosP[] = {2.4435852538e-05f, -1.3887342066e-03f, 4.1666645557e-02f};   // cos r = 1 − r²/2 + r⁴·C(r²)
constexpr float kTanP[] = {4.1046254337e-03f, 6.6383765079e-04f, 1.0361743160e-02f, 2.1474348381e-02f,
                           5.4020624608e-02f, 1.3333031535e-01f, 3.3333337307e-01f};  // tan r = r + r³·T(r²)

inline V trig_reduce(V ax, I& quadrant) {
  V j = Vec::round_even(Vec::mul(ax, k(0.636619772f)));
  V r = Vec::fmadd(j, k(-kPio2Hi), ax);
  r = Vec::fmadd(j, k(-kPio2Mid), r);
  r = Vec::fmadd(j, k(-kPio2Lo), r);
  quadrant = Vec::f2i(j);
  return r;
}
inline M is_odd(I q) { return Vec::eq(Vec::i2f(Vec::iand(q, Vec::iset1(1))), k(1.0f)); }

// The lanes of x beyond `limit` in magnitude (and ±inf) recomputed as float(f(double)).
template <double (*F)(double)>
inline V beyond_limit(V x, V y, float limit) {
  if (!Vec::any(Vec::gt(vabs(x), k(limit)))) return y;
  float xs[W], ys[W];
  Vec::store(xs, x);
  Vec::store(ys, y);
  for (int i = 0; i < W; i++)
    if (std::fabs(xs[i]) > limit) ys[i] = float(F(double(xs[i])));
  return Vec::load(ys);
}
inline double libm_sin(double x) { return std::sin(x); }
inline double libm_cos(double x) { return std::cos(x); }
inline double libm_tan(double x) { return std::tan(x); }

// sin|x| or cos|x| (Shift 0 or 1 quadrant): sin r or cos r by the quadrant's parity, its sign by
// the quadrant's second bit.
template <int Shift>
inline V sin_cos_abs(V ax) {
  I q;
  V r = trig_reduce(ax, q);
  q = Vec::iadd(q, Vec::iset1(Shift));
  V z = Vec::mul(r, r);
  V s = Vec::fmadd(Vec::mul(r, z), poly(z, kSinP), r);
  V c = Vec::fmadd(Vec::mul(z, z), poly(z, kCosP), Vec::fmadd(z, k(-0.5f), k(1.0f)));
  V y = Vec::select(is_odd(q), c, s);
  return Vec::vxor(y, Vec::from_bits(Vec::sll<30>(Vec::iand(q, Vec::iset1(2)))));
}
inline V v_sin(V x) { return beyond_limit<libm_sin>(x, with_sign_of(sin_cos_abs<0>(vabs(x)), x), kTrigMax); }
inline V v_cos(V x) { return beyond_limit<libm_cos>(x, sin_cos_abs<1>(vabs(x)), kTrigMax); }
// tan|x| = tan r in even quadrants, −1/tan r in odd ones.
inline V v_tan(V x) {
  I q;
  V r = trig_reduce(vabs(x), q);
  V z = Vec::mul(r, r);
  V t = Vec::fmadd(Vec::mul(r, z), poly(z, kTanP), r);
  t = Vec::select(is_odd(q), Vec::div(k(-1.0f), t), t);
  return beyond_limit<libm_tan>(x, with_sign_of(t, x), kTrigMax);
}

// atan|x| = y0 + atan t: t = |x| below tan(π/8), (|x| − 1)/(|x| + 1) (y0 = π/4) below tan(3π/8),
// −1/|x| (y0 = π/2) above.
constexpr float kAtanP[] = {-6.2370035797e-02f, 1.0660446435e-01f, -1.4253184199e-01f, 1.9999022782e-01f,
                            -3.3333325386e-01f};  // atan t = t + t³·A(t²)
inline V v_atan(V x) {
  V ax = vabs(x);
  M big = Vec::gt(ax, k(2.41421356f)), mid = Vec::gt(ax, k(0.414213562f));
  V t = Vec::select(big, Vec::div(k(-1.0f), ax),
                    Vec::select(mid, Vec::div(Vec::sub(ax, k(1.0f)), Vec::add(ax, k(1.0f))), ax));
  V y0 = Vec::select(big, k(kPio2Hi), Vec::select(mid, k(0.785398185f), k(0.0f)));
  V z = Vec::mul(t, t);
  V y = Vec::add(y0, Vec::fmadd(Vec::mul(t, z), poly(z, kAtanP), t));
  return with_sign_of(y, x);
}

// asin s = s + s³·B(s²) for |s| <= 1/2; above, asin|x| = π/2 − 2·asin(sqrt((1 − |x|)/2)).
constexpr float kAsinP[] = {3.5701163113e-02f, 1.5774650499e-02f, 3.1441994011e-02f, 4.4562388211e-02f,
                            7.5002580881e-02f, 1.6666664183e-01f};
inline V asin_small(V s, V z) { return Vec::fmadd(Vec::mul(s, z), poly(z, kAsinP), s); }
// asin of the reduced argument: asin(sqrt((1 − |x|)/2)) where `big` (|x| > 1/2), else asin(small).
inline V asin_reduced(V ax, M big, V small) {
  V zb = Vec::mul(Vec::sub(k(1.0f), ax), k(0.5f));
  return asin_small(Vec::select(big, Vec::sqrt(zb), small), Vec::select(big, zb, Vec::mul(small, small)));
}
inline V v_asin(V x) {
  V ax = vabs(x);
  M big = Vec::gt(ax, k(0.5f));
  V a = asin_reduced(ax, big, ax);
  V y = Vec::select(big, Vec::add(Vec::fmadd(a, k(-2.0f), k(kPio2Hi)), k(kPio2Mid)), a);
  return with_sign_of(y, x);
}
// acos x = π/2 − asin x for |x| <= 1/2; 2·asin(sqrt((1 − x)/2)) above; π − that for x < −1/2.
inline V v_acos(V x) {
  V ax = vabs(x);
  M big = Vec::gt(ax, k(0.5f));
  V a = asin_reduced(ax, big, x);
  V small = Vec::sub(k(kPio2Hi), Vec::sub(a, k(kPio2Mid)));
  V twice = Vec::add(a, a);
  V neg = Vec::sub(k(kPiHi), Vec::sub(twice, k(kPiLo)));
  return Vec::select(big, Vec::select(Vec::lt(x, k(0.0f)), neg, twice), small);
}

// ---- error function -------------------------------------------------------------------------
// erf x = x·E(x²) for |x| < 1/2. erfc z = t·exp(−z² + R(t)), t = 1/(1 + z/2), for z >= 1/2,
// with z² passed as zz + lost exactly (an fma recovers lost), so the exponent keeps every bit.
constexpr float kErfP[] = {1.0823356570e-04f, -8.5068086628e-04f, 5.2232770249e-03f, -2.6866110042e-02f,
                           1.1283791065e-01f, -3.7612637877e-01f, 1.1283792257e+00f};
constexpr float kErfcR[] = {2.5943005085e-01f, -1.2180494070e+00f, 2.2452611923e+00f, -1.9427112341e+00f,
                            8.0588871241e-01f, -4.0309581161e-01f, 1.5266522765e-01f, 3.6542946100e-01f,
                            1.0007561445e+00f, -1.2655380964e+00f};
inline V erfc_tail(V z, V zz, V lost) {
  M far = Vec::gt(z, k(10.0f));  // erfc(10) = 2e-45, so 0 from there (and for z = inf)
  z = Vec::select(far, k(10.0f), z);
  zz = Vec::select(far, k(100.0f), zz);
  lost = Vec::select(far, k(0.0f), lost);
  V t = Vec::div(k(1.0f), Vec::fmadd(z, k(0.5f), k(1.0f)));
  V y = Vec::mul(t, v_exp_sum(vneg(zz), Vec::sub(poly(t, kErfcR), lost)));
  return Vec::select(far, k(0.0f), y);
}
inline V v_erf(V x) {
  V ax = vabs(x), zz = Vec::mul(ax, ax);
  V small = Vec::mul(ax, poly(zz, kErfP));
  V big = Vec::sub(k(1.0f), erfc_tail(ax, zz, Vec::fmadd(ax, ax, vneg(zz))));
  return with_sign_of(Vec::select(Vec::lt(ax, k(0.5f)), small, big), x);
}
// gelu x = x·Φ(x) = (x/2)·erfc(w), w = −x/√2, w² = x²/2 taken from x (exact halving).
inline V v_gelu(V x) {
  V xx = Vec::mul(x, x), lost = Vec::fmadd(x, x, vneg(xx));
  V w = Vec::mul(x, k(-0.707106769f)), aw = vabs(w), ww = Vec::mul(xx, k(0.5f));
  V small = Vec::fmadd(vneg(w), poly(ww, kErfP), k(1.0f));
  V tail = erfc_tail(aw, ww, Vec::mul(lost, k(0.5f)));
  V big = Vec::select(Vec::lt(w, k(0.0f)), Vec::sub(k(2.0f), tail), tail);
  return Vec::mul(Vec::mul(x, k(0.5f)), Vec::select(Vec::lt(aw, k(0.5f)), small, big));
}

// ---- activations ----------------------------------------------------------------------------
// log1p(e) for e in [0, 1] without a division: u = 1 + e rounds off d = e − (u − 1) (exact),
// and log(1 + e) = log u + d/u to float precision, where 2 − u stands in for 1/u (the error,
// d·(u − 1)²/u, stays below an ulp of the result).
// log u itself on [1, 2] needs neither subnormal scaling nor log's special values (NaN passes
// through the arithmetic).
inline V log1p_unit(V e) {
  V u = Vec::add(k(1.0f), e);
  V d = Vec::sub(e, Vec::sub(u, k(1.0f)));
  M high = Vec::gt(u, k(1.41421356f));  // u = 2·(u/2), u/2 in [sqrt(.5), 1]
  V f = Vec::sub(Vec::select(high, Vec::mul(u, k(0.5f)), u), k(1.0f));
  V ex = Vec::select(high, k(1.0f), k(0.0f));
  V z = Vec::mul(f, f);
  V y = Vec::fmadd(ex, k(kLn2Lo), Vec::mul(Vec::mul(poly(f, kLogP), f), z));
  V lu = Vec::fmadd(ex, k(kLn2Hi), Vec::add(f, Vec::fmadd(z, k(-0.5f), y)));
  return Vec::fmadd(d, Vec::sub(k(2.0f), u), lu);
}
// softplus x = max(x, 0) + log1p(e^−|x|) (NaN kept); logSigmoid x = −softplus(−x).
inline V v_softplus(V x) {
  V l = log1p_unit(v_exp(vneg(vabs(x))));
  return Vec::add(Vec::select(Vec::mor(Vec::gt(x, k(0.0f)), Vec::unord(x, x)), x, k(0.0f)), l);
}
