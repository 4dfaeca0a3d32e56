// The float32 SIMD kernels, written once against the vector layer `Vec` (vec_<level>.h).
//
// Included by each level_<level>.cc inside its own namespace, between its TAPEFLOW_TARGET_*_BEGIN
// and _END (platform.h), so every function here is compiled once per level and no symbol is shared between levels. The
// level file defines GEMM_MR and GEMM_NV (micro-tile rows, and columns in vectors) first.
//
// Vec provides: W, V (vector), M (mask), I (int vector); load store set1 add sub mul div
// fmadd(a,b,c)=a*b+c sqrt; lt gt eq unord (masks) mor select(m,t,f); bits from_bits vand vxor;
// round_even floor ceil; load_part store_part (first n lanes); iset1 iadd iand ior srl<s> sll<s> i2f f2i.
//
// To add a unary op: its name in TAPEFLOW_SIMD_UNARY (simd.h) and a struct U<name> with
// `static V f(V x)` below; the math functions (exp, log, sin, erf …) live in vmath.h.
// The fused optimizer kinds are not added here but in kernels/optim_kinds.h, which this file
// includes and instantiates (float32 on `Lanes`, float64 scalar) into the table's `optim` rows.

#include "vmath.h"

// One struct per slot of TAPEFLOW_SIMD_UNARY (simd.h), named U<slot>; the comment gives the
// scalar meaning where it is not a function of vmath.h.
struct UNeg { static V f(V x) { return vneg(x); } };
struct USquare { static V f(V x) { return Vec::mul(x, x); } };
struct USqrt { static V f(V x) { return Vec::sqrt(x); } };
struct URsqrt { static V f(V x) { return Vec::div(k(1.0f), Vec::sqrt(x)); } };  // 1/sqrt(x)
struct UExp { static V f(V x) { return v_exp(x); } };
struct ULog { static V f(V x) { return v_log(x); } };
struct UAbs { static V f(V x) { return vabs(x); } };
struct USign {  // x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x (NaN)
  static V f(V x) {
    V r = Vec::select(Vec::eq(x, k(0.0f)), k(0.0f), x);
    r = Vec::select(Vec::lt(x, k(0.0f)), k(-1.0f), r);
    return Vec::select(Vec::gt(x, k(0.0f)), k(1.0f), r);
  }
};
struct URelu { static V f(V x) { return Vec::select(Vec::mor(Vec::gt(x, k(0.0f)), Vec::unord(x, x)), x, k(0.0f)); } };  // x > 0 || isnan(x) ? x : 0
struct USigmoid { static V f(V x) { return v_sigmoid(x); } };
struct UTanh { static V f(V x) { return v_tanh(x); } };
struct UReciprocal { static V f(V x) { return Vec::div(k(1.0f), x); } };
struct UFloor { static V f(V x) { return Vec::floor(x); } };
struct UCeil { static V f(V x) { return Vec::ceil(x); } };
struct URound { static V f(V x) { return Vec::round_even(x); } };  // half to even
struct ULog1p { static V f(V x) { return v_log1p(x); } };
struct USoftplus { static V f(V x) { return v_softplus(x); } };
struct UElu { static V f(V x) { return Vec::select(Vec::gt(x, k(0.0f)), x, v_expm1(x)); } };  // x > 0 ? x : expm1(x)
struct USin { static V f(V x) { return v_sin(x); } };
struct UCos { static V f(V x) { return v_cos(x); } };
struct UTan { static V f(V x) { return v_tan(x); } };
struct UAsin { static V f(V x) { return v_asin(x); } };
struct UAcos { static V f(V x) { return v_acos(x); } };
struct UAtan { static V f(V x) { return v_atan(x); } };
struct USinh { static V f(V x) { return v_sinh(x); } };
struct UCosh { static V f(V x) { return v_cosh(x); } };
struct UAsinh { static V f(V x) { return v_asinh(x); } };
struct UAcosh { static V f(V x) { return v_acosh(x); } };
struct UAtanh { static V f(V x) { return v_atanh(x); } };
struct UErf { static V f(V x) { return v_erf(x); } };
struct UExpm1 { static V f(V x) { return v_expm1(x); } };
struct ULog2 { static V f(V x) { return v_log2(x); } };
struct UGelu { static V f(V x) { return v_gelu(x); } };
struct USilu { static V f(V x) { return Vec::mul(x, v_sigmoid(x)); } };
struct URelu6 {  // x > 0 ? min(x, 6) : isnan(x) ? x : 0
  static V f(V x) {
    V low = Vec::select(Vec::unord(x, x), x, k(0.0f));
    return Vec::select(Vec::gt(x, k(0.0f)), Vec::select(Vec::lt(x, k(6.0f)), x, k(6.0f)), low);
  }
};
struct USelu {  // x > 0 ? λx : λα·expm1(x), Keras' λ and α
  static V f(V x) {
    return Vec::select(Vec::gt(x, k(0.0f)), Vec::mul(x, k(1.05070098f)), Vec::mul(v_expm1(x), k(1.75809934f)));
  }
};
struct USoftsign { static V f(V x) { return Vec::div(x, Vec::add(k(1.0f), vabs(x))); } };  // x/(1 + |x|)
struct ULogSigmoid { static V f(V x) { return vneg(v_softplus(vneg(x))); } };
struct UHardSigmoid {  // x <= -3 ? 0 : x >= 3 ? 1 : (x + 3)/6
  static V f(V x) {
    V y = Vec::div(Vec::add(x, k(3.0f)), k(6.0f));
    y = Vec::select(Vec::mor(Vec::gt(x, k(-3.0f)), Vec::unord(x, x)), y, k(0.0f));
    return Vec::select(Vec::lt(x, k(3.0f)), y, Vec::select(Vec::unord(x, x), x, k(1.0f)));
  }
};

struct BAdd { static V f(V a, V b) { return Vec::add(a, b); } };
struct BSub { static V f(V a, V b) { return Vec::sub(a, b); } };
struct BMul { static V f(V a, V b) { return Vec::mul(a, b); } };
struct BDiv { static V f(V a, V b) { return Vec::div(a, b); } };
struct BMaximum { static V f(V a, V b) { return Vec::select(Vec::mor(Vec::gt(a, b), Vec::unord(a, a)), a, b); } };  // a > b || isnan(a) ? a : b
struct BMinimum { static V f(V a, V b) { return Vec::select(Vec::mor(Vec::lt(a, b), Vec::unord(a, a)), a, b); } };  // a < b || isnan(a) ? a : b
struct BReluGrad {  // a · (b > 0 ? 1 : 0): a product, so a NaN or ±inf a where b <= 0 gives NaN
  static V f(V a, V b) { return Vec::mul(a, Vec::select(Vec::gt(b, Vec::set1(0.0f)), Vec::set1(1.0f), Vec::set1(0.0f))); }
};

// The tail (n % W elements) goes through a padded buffer, so it uses the same vector code.
template <class Op>
void unary_kernel(const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + W <= n; i += W) Vec::store(y + i, Op::f(Vec::load(x + i)));
  if (i < n) {
    float bx[W] = {}, by[W];
    std::memcpy(bx, x + i, size_t(n - i) * 4);
    Vec::store(by, Op::f(Vec::load(bx)));
    std::memcpy(y + i, by, size_t(n - i) * 4);
  }
}

// Mode 0: a[i] op b[i]; 1: a[i] op b[0]; 2: a[0] op b[i].
template <class Op, int Mode>
void binary_kernel(const float* a, const float* b, float* y, int64_t n) {
  int64_t i = 0;
  V as = Vec::set1(a[0]), bs = Vec::set1(b[0]);
  for (; i + W <= n; i += W) {
    V va = Mode == 2 ? as : Vec::load(a + i);
    V vb = Mode == 1 ? bs : Vec::load(b + i);
    Vec::store(y + i, Op::f(va, vb));
  }
  if (i < n) {
    float ba[W] = {}, bb[W] = {}, by[W];
    if (Mode != 2) std::memcpy(ba, a + i, size_t(n - i) * 4);
    if (Mode != 1) std::memcpy(bb, b + i, size_t(n - i) * 4);
    V va = Mode == 2 ? as : Vec::load(ba);
    V vb = Mode == 1 ? bs : Vec::load(bb);
    Vec::store(by, Op::f(va, vb));
    std::memcpy(y + i, by, size_t(n - i) * 4);
  }
}

// Sum in double over 16 fixed lanes, combined pairwise: the same order on every level.
inline double sum_kernel(const float* x, int64_t n) {
  double acc[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j++) acc[j] += double(x[i + j]);
  for (int j = 0; i < n; i++, j++) acc[j] += double(x[i]);
  for (int s = 8; s >= 1; s /= 2)
    for (int j = 0; j < s; j++) acc[j] += acc[j + s];
  return acc[0];
}

// m = v > m || isnan(v) ? v : m (max) over lanes, then over the lanes in order; NaN sticks.
template <bool Max>
float extreme_kernel(const float* x, int64_t n) {
  V acc = Vec::set1(x[0]);
  int64_t i = 0;
  for (; i + W <= n; i += W) {
    V v = Vec::load(x + i);
    acc = Vec::select(Vec::mor(Max ? Vec::gt(v, acc) : Vec::lt(v, acc), Vec::unord(v, v)), v, acc);
  }
  float lanes[W];
  Vec::store(lanes, acc);
  float m = lanes[0];
  for (int j = 1; j < W; j++) {
    float v = lanes[j];
    if ((Max ? v > m : v < m) || v != v) m = v;
  }
  for (; i < n; i++) {
    float v = x[i];
    if ((Max ? v > m : v < m) || v != v) m = v;
  }
  return m;
}

// GEMM micro-kernel: C[R × nr] (= or +=) Σ_p A[:, p] ⊗ B[p, :] over kc steps, R·NVU accumulators in
// registers (NVU = ceil(nr / W); the last vector is stored masked when nr < NVU·W). A(i, p) is
// pa[i + p·GEMM_MR] (packed) or, when Direct, pa[i·lda + p] (rows of A read in place); B is
// packed as kc steps of GEMM_NV·W floats. Every C element is the same sequence of fmas over p
// whatever R, NVU or Direct, so edge tiles round exactly as full ones.
template <int R, int NVU, bool Direct>
TAPEFLOW_NOINLINE void gemm_tile(int64_t kc, const float* pa, int64_t lda, const float* pb, float* c,
                                 int64_t ldc, int accumulate, int nr) {
  constexpr int NR = GEMM_NV * W;
  V acc[R][NVU];
  TAPEFLOW_UNROLL(32)
  for (int i = 0; i < R; i++)
    TAPEFLOW_UNROLL(8)
    for (int j = 0; j < NVU; j++) acc[i][j] = Vec::set1(0.0f);
  // Direct rows are addressed from two bases (rows 0-6 and 7-13) as base + {0, 1, 2, 3, 4, 5, 6}·L
  // with L, 3L and 5L (the row stride in bytes) in three registers: x86's [base + index·scale]
  // then reaches every row. One pointer per row spilled 14 of them to the stack and to vector
  // registers, reloaded every step.
  const int64_t L = lda * int64_t(sizeof(float)), L3 = 3 * L, L5 = 5 * L;
  const char* a0 = reinterpret_cast<const char*>(pa);
  const char* a7 = a0 + (Direct && R > 7 ? 7 * L : 0);
  for (int64_t p = 0; p < kc; p++) {
    V b[NVU];
    TAPEFLOW_UNROLL(8)
    for (int j = 0; j < NVU; j++) b[j] = Vec::load(pb + j * W);
    TAPEFLOW_UNROLL(32)
    for (int i = 0; i < R; i++) {
      float ai;
      if (Direct) {
        const char* base = i < 7 ? a0 : a7;
        const int r = i % 7;
        const int64_t off = r == 0 ? 0 : r == 1 ? L : r == 2 ? 2 * L : r == 3 ? L3 : r == 4 ? 4 * L : r == 5 ? L5 : 2 * L3;
        ai = *reinterpret_cast<const float*>(base + off);
      } else {
        ai = pa[i];
      }
      V a = Vec::set1(ai);
      TAPEFLOW_UNROLL(8)
      for (int j = 0; j < NVU; j++) acc[i][j] = Vec::fmadd(a, b[j], acc[i][j]);
    }
    if (Direct) a0 += sizeof(float), a7 += sizeof(float);
    else pa += GEMM_MR;
    pb += NR;
  }
  const int last = nr - (NVU - 1) * W;  // lanes of the last vector, 1..W
  TAPEFLOW_UNROLL(32)
  for (int i = 0; i < R; i++) {
    float* cr = c + i * ldc;
    TAPEFLOW_UNROLL(8)
    for (int j = 0; j + 1 < NVU; j++) {
      V r = acc[i][j];
      if (accumulate) r = Vec::add(r, Vec::load(cr + j * W));
      Vec::store(cr + j * W, r);
    }
    float* cp = cr + (NVU - 1) * W;
    V r = acc[i][NVU - 1];
    if (last == W) {
      if (accumulate) r = Vec::add(r, Vec::load(cp));
      Vec::store(cp, r);
    } else {
      if (accumulate) r = Vec::add(r, Vec::load_part(cp, last));
      Vec::store_part(cp, r, last);
    }
  }
}

// Picks the tile for 1 <= mr <= GEMM_MR rows and 1 <= nr <= GEMM_NV·W columns.
template <bool Direct, int R = GEMM_MR, int NVU = GEMM_NV>
void gemm_dispatch(int64_t kc, const float* pa, int64_t lda, const float* pb, float* c, int64_t ldc, int accumulate,
                   int mr, int nr) {
  if constexpr (R > 1) {
    if (mr < R) return gemm_dispatch<Direct, R - 1, NVU>(kc, pa, lda, pb, c, ldc, accumulate, mr, nr);
  }
  if constexpr (NVU > 1) {
    if (nr <= (NVU - 1) * W) return gemm_dispatch<Direct, R, NVU - 1>(kc, pa, lda, pb, c, ldc, accumulate, mr, nr);
  }
  gemm_tile<R, NVU, Direct>(kc, pa, lda, pb, c, ldc, accumulate, nr);
}

void gemm_micro(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, int accumulate, int mr, int nr) {
  gemm_dispatch<false>(kc, pa, 0, pb, c, ldc, accumulate, mr, nr);
}
void gemm_micro_direct(int64_t kc, const float* a, int64_t lda, const float* pb, float* c, int64_t ldc, int accumulate,
                       int mr, int nr) {
  gemm_dispatch<true>(kc, a, lda, pb, c, ldc, accumulate, mr, nr);
}

// pa[i + p·GEMM_MR] = A(i, p) = a[i·rs + p·cs] for i < mr, p < kc (rows mr.. left unwritten).
void gemm_pack_a(const float* a, int64_t rs, int64_t cs, int mr, int64_t kc, float* pa) {
  if (rs == 1 && mr <= W) {  // columns of A contiguous (transposed A): one masked copy per step
    for (int64_t p = 0; p < kc; p++) Vec::store_part(pa + p * GEMM_MR, Vec::load_part(a + p * cs, mr), mr);
  } else {  // (contiguous rows are never packed: matmul.cc copies them, or reads them in place)
    for (int64_t p = 0; p < kc; p++)
      for (int i = 0; i < mr; i++) pa[i + p * GEMM_MR] = a[i * rs + p * cs];
  }
}

// pb[j + p·GEMM_NV·W] = B(p, j) = b[p·rs + j·cs] for j < nr, p < kc; lanes nr.. of the last
// used vector are zero (the vectors after it are left unwritten).
void gemm_pack_b(const float* b, int64_t rs, int64_t cs, int nr, int64_t kc, float* pb) {
  constexpr int NR = GEMM_NV * W;
  const int full = nr / W, rest = nr - full * W;
  if (cs == 1) {
    for (int64_t p = 0; p < kc; p++) {
      const float* br = b + p * rs;
      float* o = pb + p * NR;
      for (int j = 0; j < full; j++) Vec::store(o + j * W, Vec::load(br + j * W));
      if (rest) Vec::store(o + full * W, Vec::load_part(br + full * W, rest));
    }
    return;
  }
  if (rest)
    for (int64_t p = 0; p < kc; p++) Vec::store(pb + p * NR + full * W, Vec::set1(0.0f));
  if (rs == 1) {  // transposed B: read along its rows, 16 steps at a time (both sides stay in L1)
    for (int64_t p0 = 0; p0 < kc; p0 += 16) {
      const int64_t p1 = p0 + 16 < kc ? p0 + 16 : kc;
      for (int j = 0; j < nr; j++) {
        const float* bc = b + j * cs;
        for (int64_t p = p0; p < p1; p++) pb[j + p * NR] = bc[p];
      }
    }
  } else {
    for (int64_t p = 0; p < kc; p++)
      for (int j = 0; j < nr; j++) pb[j + p * NR] = b[p * rs + j * cs];
  }
}

// C[i, 0:n] = Σ_p A(i, p)·B[p, 0:n] for i < m, A(i, p) = a[i·rsa + p·csa], B rows contiguous
// (row stride ldb): for a few rows of A, where packing B would cost more than the product.
// Columns go in pieces of 4 vectors held in registers down all of k, so each B row is read
// once per row of A; fmas over p in order.
void gemm_rows(int64_t k, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, float* c,
               int64_t ldc, int m, int64_t n) {
  constexpr int U = 4;
  for (int i = 0; i < m; i++) {
    const float* ai = a + i * rsa;
    float* ci = c + i * ldc;
    int64_t j = 0;
    for (; j + U * W <= n; j += U * W) {
      V acc[U];
      TAPEFLOW_UNROLL(4)
      for (int u = 0; u < U; u++) acc[u] = Vec::set1(0.0f);
      for (int64_t p = 0; p < k; p++) {
        const V av = Vec::set1(ai[p * csa]);
        const float* bp = b + p * ldb + j;
        TAPEFLOW_UNROLL(4)
        for (int u = 0; u < U; u++) acc[u] = Vec::fmadd(av, Vec::load(bp + u * W), acc[u]);
      }
      TAPEFLOW_UNROLL(4)
      for (int u = 0; u < U; u++) Vec::store(ci + j + u * W, acc[u]);
    }
    for (; j < n; j += W) {
      const int w = int(std::min<int64_t>(W, n - j));
      V acc = Vec::set1(0.0f);
      for (int64_t p = 0; p < k; p++) acc = Vec::fmadd(Vec::set1(ai[p * csa]), Vec::load_part(b + p * ldb + j, w), acc);
      Vec::store_part(ci + j, acc, w);
    }
  }
}

// ---- direct convolution over a tap list (kernels/conv.cc, few input channels) ----
// Accumulators: at most CONV_ACC vectors (the GEMM tile's), P pixels × NV vectors of outputs.
constexpr int CONV_ACC = GEMM_MR * GEMM_NV;
constexpr int CONV_NV = CONV_ACC / 4 < 4 ? CONV_ACC / 4 : 4;  // vectors of Co per piece
constexpr int conv_rows(int nv) { return CONV_ACC / nv < 14 ? CONV_ACC / nv : 14; }

// y[p·co + j + 0:NV·W] = Σ_q x[p·xstep + xo[q]] · w[wo[q] + j + 0:NV·W] for p < R; the last
// vector has `last` lanes. fmas over q in order for every element, whatever R or NV.
template <int R, int NV>
TAPEFLOW_NOINLINE void conv_taps_tile(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo, int64_t k,
                                      const float* w, int64_t co, float* y, int last) {
  V acc[R][NV];
  TAPEFLOW_UNROLL(14)
  for (int p = 0; p < R; p++)
    TAPEFLOW_UNROLL(4)
    for (int v = 0; v < NV; v++) acc[p][v] = Vec::set1(0.0f);
  for (int64_t q = 0; q < k; q++) {
    const float* wq = w + wo[q];
    const float* xq = x + xo[q];
    V b[NV];
    TAPEFLOW_UNROLL(4)
    for (int v = 0; v + 1 < NV; v++) b[v] = Vec::load(wq + v * W);
    b[NV - 1] = last == W ? Vec::load(wq + (NV - 1) * W) : Vec::load_part(wq + (NV - 1) * W, last);
    TAPEFLOW_UNROLL(14)
    for (int p = 0; p < R; p++) {
      const V a = Vec::set1(xq[p * xstep]);
      TAPEFLOW_UNROLL(4)
      for (int v = 0; v < NV; v++) acc[p][v] = Vec::fmadd(a, b[v], acc[p][v]);
    }
  }
  TAPEFLOW_UNROLL(14)
  for (int p = 0; p < R; p++) {
    float* yp = y + p * co;
    TAPEFLOW_UNROLL(4)
    for (int v = 0; v + 1 < NV; v++) Vec::store(yp + v * W, acc[p][v]);
    if (last == W) Vec::store(yp + (NV - 1) * W, acc[p][NV - 1]);
    else Vec::store_part(yp + (NV - 1) * W, acc[p][NV - 1], last);
  }
}

// Picks the tile for 1 <= rows <= R pixels and 1 <= nv <= NV vectors.
template <int NV, int R = conv_rows(NV)>
void conv_taps_pick(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo, int64_t k, const float* w,
                    int64_t co, float* y, int rows, int nv, int last) {
  if constexpr (NV > 1) {
    if (nv < NV) return conv_taps_pick<NV - 1>(x, xstep, xo, wo, k, w, co, y, rows, nv, last);
  }
  if constexpr (R > 1) {
    if (rows < R) return conv_taps_pick<NV, R - 1>(x, xstep, xo, wo, k, w, co, y, rows, nv, last);
  }
  conv_taps_tile<R, NV>(x, xstep, xo, wo, k, w, co, y, last);
}

// y[p·co + j] = Σ_{q<k} x[p·xstep + xo[q]] · w[wo[q] + j] for p < count, j < co: count output
// pixels of one row, each reading its taps at the same offsets from its own start.
void conv_taps(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo, int64_t k, const float* w,
               int64_t co, float* y, int64_t count) {
  for (int64_t j = 0; j < co; j += CONV_NV * W) {
    const int64_t cols = co - j < CONV_NV * W ? co - j : CONV_NV * W;
    const int nv = int((cols + W - 1) / W), last = int(cols - (nv - 1) * W);
    const int rows = conv_rows(nv);
    for (int64_t p = 0; p < count; p += rows) {
      const int r = int(count - p < rows ? count - p : rows);
      conv_taps_pick<CONV_NV>(x + p * xstep, xstep, xo, wo, k, w + j, co, y + p * co + j, r, nv, last);
    }
  }
}

// dw[wo[q] + j + 0:NV·W] += Σ_{p<count} x[p·xstep + xo[q]] · dy[p·co + j + 0:NV·W] for q < R;
// the sum over p in order (fmas from 0), then one add into dw.
template <int R, int NV>
TAPEFLOW_NOINLINE void conv_taps_filter_tile(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo,
                                             const float* dy, int64_t co, float* dw, int64_t count, int last) {
  V acc[R][NV];
  TAPEFLOW_UNROLL(14)
  for (int q = 0; q < R; q++)
    TAPEFLOW_UNROLL(4)
    for (int v = 0; v < NV; v++) acc[q][v] = Vec::set1(0.0f);
  const float* xq[R];
  for (int q = 0; q < R; q++) xq[q] = x + xo[q];
  for (int64_t p = 0; p < count; p++) {
    const float* d = dy + p * co;
    V b[NV];
    TAPEFLOW_UNROLL(4)
    for (int v = 0; v + 1 < NV; v++) b[v] = Vec::load(d + v * W);
    b[NV - 1] = last == W ? Vec::load(d + (NV - 1) * W) : Vec::load_part(d + (NV - 1) * W, last);
    TAPEFLOW_UNROLL(14)
    for (int q = 0; q < R; q++) {
      const V a = Vec::set1(xq[q][p * xstep]);
      TAPEFLOW_UNROLL(4)
      for (int v = 0; v < NV; v++) acc[q][v] = Vec::fmadd(a, b[v], acc[q][v]);
    }
  }
  TAPEFLOW_UNROLL(14)
  for (int q = 0; q < R; q++) {
    float* o = dw + wo[q];
    TAPEFLOW_UNROLL(4)
    for (int v = 0; v + 1 < NV; v++) Vec::store(o + v * W, Vec::add(Vec::load(o + v * W), acc[q][v]));
    float* t = o + (NV - 1) * W;
    if (last == W) Vec::store(t, Vec::add(Vec::load(t), acc[q][NV - 1]));
    else Vec::store_part(t, Vec::add(Vec::load_part(t, last), acc[q][NV - 1]), last);
  }
}

template <int NV, int R = conv_rows(NV)>
void conv_taps_filter_pick(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo, const float* dy,
                           int64_t co, float* dw, int64_t count, int rows, int nv, int last) {
  if constexpr (NV > 1) {
    if (nv < NV) return conv_taps_filter_pick<NV - 1>(x, xstep, xo, wo, dy, co, dw, count, rows, nv, last);
  }
  if constexpr (R > 1) {
    if (rows < R) return conv_taps_filter_pick<NV, R - 1>(x, xstep, xo, wo, dy, co, dw, count, rows, nv, last);
  }
  conv_taps_filter_tile<R, NV>(x, xstep, xo, wo, dy, co, dw, count, last);
}

// dw[wo[q] + j] += Σ_{p<count} x[p·xstep + xo[q]] · dy[p·co + j] for q < k, j < co: the filter
// gradient of conv_taps' pixels.
void conv_taps_filter(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo, int64_t k,
                      const float* dy, int64_t co, float* dw, int64_t count) {
  for (int64_t j = 0; j < co; j += CONV_NV * W) {
    const int64_t cols = co - j < CONV_NV * W ? co - j : CONV_NV * W;
    const int nv = int((cols + W - 1) / W), last = int(cols - (nv - 1) * W);
    const int rows = conv_rows(nv);
    for (int64_t q = 0; q < k; q += rows) {
      const int r = int(k - q < rows ? k - q : rows);
      conv_taps_filter_pick<CONV_NV>(x, xstep, xo + q, wo + q, dy + j, co, dw + j, count, r, nv, last);
    }
  }
}

// acc[i] = fma(a[i], b[i], acc[i]); the tail through load_part / store_part.
void fma_acc(float* acc, const float* a, const float* b, int64_t n) {
  int64_t i = 0;
  for (; i + W <= n; i += W) Vec::store(acc + i, Vec::fmadd(Vec::load(a + i), Vec::load(b + i), Vec::load(acc + i)));
  if (i < n) {
    const int r = int(n - i);
    Vec::store_part(acc + i, Vec::fmadd(Vec::load_part(a + i, r), Vec::load_part(b + i, r), Vec::load_part(acc + i, r)), r);
  }
}

// ---- machine-limit probes (native/probes.cc) ----

void probe_triad(float* a, const float* b, const float* c, float s, int64_t n) {
  const V vs = Vec::set1(s);
  int64_t i = 0;
  for (; i + W <= n; i += W) Vec::store(a + i, Vec::fmadd(vs, Vec::load(c + i), Vec::load(b + i)));
  for (; i < n; i++) a[i] = b[i] + s * c[i];
}

float probe_sum(const float* x, int64_t n) {
  V acc[4];
  for (int u = 0; u < 4; u++) acc[u] = Vec::set1(0.0f);
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W)
    TAPEFLOW_UNROLL(4)
    for (int u = 0; u < 4; u++) acc[u] = Vec::add(acc[u], Vec::load(x + i + u * W));
  float lanes[W];
  Vec::store(lanes, Vec::add(Vec::add(acc[0], acc[1]), Vec::add(acc[2], acc[3])));
  float t = 0;
  for (float v : lanes) t += v;
  for (; i < n; i++) t += x[i];
  return t;
}

// 12 chains × W lanes cover the FMA latency (4) × 2 ports with room to spare.
double probe_fma(int64_t iters, volatile float* sink) {
  const float seed = *sink * 0.0f;
  V acc[12];
  for (int j = 0; j < 12; j++) acc[j] = Vec::set1(1.0f + 0.01f * float(j) + seed);
  const V x = Vec::set1(0.999999f + seed), y = Vec::set1(1e-7f + seed);
  for (int64_t i = 0; i < iters; i++)
    TAPEFLOW_UNROLL(12)
    for (int j = 0; j < 12; j++) acc[j] = Vec::fmadd(acc[j], x, y);
  V t = acc[0];
  for (int j = 1; j < 12; j++) t = Vec::add(t, acc[j]);
  float lanes[W];
  Vec::store(lanes, t);
  *sink = lanes[0];
  return double(iters) * 12 * W * 2;
}

// ---- fused optimizer updates (the kinds' math: kernels/optim_kinds.h) ----

// W float32 lanes as a number type for the optimizer steps: each operator is one Vec operation
// (never fmadd), so a step rounds lane by lane exactly as its scalar float form.
struct Lanes {
  V v;
  Lanes() = default;
  explicit Lanes(float x) : v(Vec::set1(x)) {}
  static Lanes of(V x) { Lanes r; r.v = x; return r; }
};
struct LaneMask { M m; };
inline Lanes operator+(Lanes a, Lanes b) { return Lanes::of(Vec::add(a.v, b.v)); }
inline Lanes operator-(Lanes a, Lanes b) { return Lanes::of(Vec::sub(a.v, b.v)); }
inline Lanes operator*(Lanes a, Lanes b) { return Lanes::of(Vec::mul(a.v, b.v)); }
inline Lanes operator/(Lanes a, Lanes b) { return Lanes::of(Vec::div(a.v, b.v)); }
inline Lanes operator-(Lanes a) { return Lanes::of(Vec::vxor(a.v, sign_bit())); }
inline LaneMask operator<(Lanes a, Lanes b) { return {Vec::lt(a.v, b.v)}; }
inline LaneMask operator>(Lanes a, Lanes b) { return {Vec::gt(a.v, b.v)}; }
inline LaneMask operator==(Lanes a, Lanes b) { return {Vec::eq(a.v, b.v)}; }
inline Lanes where(LaneMask c, Lanes t, Lanes f) { return Lanes::of(Vec::select(c.m, t.v, f.v)); }
inline Lanes sqrt(Lanes a) { return Lanes::of(Vec::sqrt(a.v)); }
inline Lanes abs(Lanes a) { return Lanes::of(Vec::vand(a.v, abs_mask())); }
// Lane by lane through std::pow in double (ftrl; no vector pow rounds as the reference does).
inline Lanes pow_in_double(Lanes x, Lanes y) {
  float xs[W], ys[W];
  Vec::store(xs, x.v);
  Vec::store(ys, y.v);
  for (int j = 0; j < W; j++) xs[j] = float(std::pow(double(xs[j]), double(ys[j])));
  return Lanes::of(Vec::load(xs));
}

#include "../kernels/optim_kinds.h"

// x = [var, grad, slots…] of W elements, K::step, then all but the gradient stored back; the
// tail (fewer than W elements) through load_part / store_part, so it runs the same vector code.
template <class K>
void optim_f32(void* const* arrays, int64_t begin, int64_t end, const double* scalars) {
  constexpr int A = K::arrays;
  float* p[A];
  Lanes s[K::scalars > 0 ? K::scalars : 1];
  for (int q = 0; q < A; q++) p[q] = static_cast<float*>(arrays[q]);
  for (int q = 0; q < K::scalars; q++) s[q] = Lanes(float(scalars[q]));
  int64_t i = begin;
  for (; i + W <= end; i += W) {
    Lanes x[A];
    for (int q = 0; q < A; q++) x[q] = Lanes::of(Vec::load(p[q] + i));
    K::step(x, s);
    for (int q = 0; q < A; q++)
      if (q != 1) Vec::store(p[q] + i, x[q].v);
  }
  if (i < end) {
    const int n = int(end - i);
    Lanes x[A];
    for (int q = 0; q < A; q++) x[q] = Lanes::of(Vec::load_part(p[q] + i, n));
    K::step(x, s);
    for (int q = 0; q < A; q++)
      if (q != 1) Vec::store_part(p[q] + i, x[q].v, n);
  }
}

// float64: the same step one element at a time (the vector layer is float32 only).
template <class K>
void optim_f64(void* const* arrays, int64_t begin, int64_t end, const double* scalars) {
  constexpr int A = K::arrays;
  double* p[A];
  for (int q = 0; q < A; q++) p[q] = static_cast<double*>(arrays[q]);
  for (int64_t i = begin; i < end; i++) {
    double x[A];
    for (int q = 0; q < A; q++) x[q] = p[q][i];
    K::step(x, scalars);
    for (int q = 0; q < A; q++)
      if (q != 1) p[q][i] = x[q];
  }
}

constexpr auto kOptimRows = optim::kinds([](auto kind, const char* name) {
  using K = decltype(kind);
  return OptimRow{name, K::arrays, K::scalars, &optim_f32<K>, &optim_f64<K>};
});

// ---- the fused LSTM cell (kernels/lstm.cc) ----

// Lanes j.. of a row: all W of them, or the last n < W through load_part / store_part, so the
// tail runs the same vector code.
inline V load_n(const float* p, int n) { return n == W ? Vec::load(p) : Vec::load_part(p, n); }
inline void store_n(float* p, V v, int n) {
  if (n == W) Vec::store(p, v);
  else Vec::store_part(p, v, n);
}

// i, f, o by v_sigmoid and g, tanh c by v_tanh (the unary kernels' functions), then one mul or
// add per operation: the values of the op-by-op path's sigmoid, tanh, mul and add kernels.
void lstm_cell(const float* z, const float* cp, float* h, float* c, float* act, int64_t u) {
  for (int64_t j = 0; j < u; j += W) {
    const int n = int(u - j < W ? u - j : W);
    const V i = v_sigmoid(load_n(z + j, n)), f = v_sigmoid(load_n(z + u + j, n));
    const V g = v_tanh(load_n(z + 2 * u + j, n)), o = v_sigmoid(load_n(z + 3 * u + j, n));
    const V cn = Vec::add(Vec::mul(f, load_n(cp + j, n)), Vec::mul(i, g));
    const V tc = v_tanh(cn);
    store_n(c + j, cn, n);
    store_n(h + j, Vec::mul(o, tc), n);
    store_n(act + j, i, n);
    store_n(act + u + j, f, n);
    store_n(act + 2 * u + j, g, n);
    store_n(act + 3 * u + j, o, n);
    store_n(act + 4 * u + j, tc, n);
  }
}

void lstm_cell_grad(const float* dh, const float* dc, const float* cp, const float* act, float* dz, float* dcp,
                    int64_t u) {
  const V one = k(1.0f);
  for (int64_t j = 0; j < u; j += W) {
    const int n = int(u - j < W ? u - j : W);
    const V i = load_n(act + j, n), f = load_n(act + u + j, n), g = load_n(act + 2 * u + j, n);
    const V o = load_n(act + 3 * u + j, n), tc = load_n(act + 4 * u + j, n), d = load_n(dh + j, n);
    const V dct = Vec::add(load_n(dc + j, n), Vec::mul(Vec::mul(d, o), Vec::sub(one, Vec::mul(tc, tc))));
    store_n(dz + j, Vec::mul(Vec::mul(dct, g), Vec::mul(i, Vec::sub(one, i))), n);
    store_n(dz + u + j, Vec::mul(Vec::mul(dct, load_n(cp + j, n)), Vec::mul(f, Vec::sub(one, f))), n);
    store_n(dz + 2 * u + j, Vec::mul(Vec::mul(dct, i), Vec::sub(one, Vec::mul(g, g))), n);
    store_n(dz + 3 * u + j, Vec::mul(Vec::mul(d, tc), Vec::mul(o, Vec::sub(one, o))), n);
    store_n(dcp + j, Vec::mul(dct, f), n);
  }
}

// ---- fused attention rows (kernels/attention.cc) ----


// Whether bytes m[0, W) are all 1 (the bool tensors' true), all 0, or neither.
enum class Run { allowed, masked, mixed };
inline Run mask_run(const uint8_t* m) {
  constexpr int kWords = (W + 7) / 8;
  uint8_t b[kWords * 8] = {};
  std::memcpy(b, m, W);
  uint64_t ones = 0, any = 0;
  for (int w = 0; w < kWords; w++) {
    uint64_t word;
    std::memcpy(&word, b + 8 * w, 8);
    const uint64_t want = W - 8 * w >= 8 ? 0x0101010101010101ull : (1ull << (8 * (W - 8 * w))) / 255;
    ones |= word ^ want, any |= word;
  }
  return ones == 0 ? Run::allowed : any == 0 ? Run::masked : Run::mixed;
}

// Three passes: scale and mask with the running max (two accumulators), exp(y − max) with the
// running sum, then the product with 1/sum. The tail lanes are padded with −inf (exp gives 0).
void attention_softmax_row(float* y, const uint8_t* m, int64_t n, float scale) {
  const float inf = std::numeric_limits<float>::infinity();
  const V sc = Vec::set1(scale), masked = Vec::set1(-1e9f);
  auto logits = [&](int64_t i) {
    V v = Vec::mul(Vec::load(y + i), sc);
    if (m != nullptr) {
      const Run r = mask_run(m + i);
      if (r == Run::masked) v = masked;
      else if (r == Run::mixed) {
        Vec::store(y + i, v);
        for (int j = 0; j < W; j++) y[i + j] = m[i + j] ? y[i + j] : -1e9f;
        v = Vec::load(y + i);
      }
    }
    Vec::store(y + i, v);
    return v;
  };
  // max(a, v) keeps a when v is NaN, so NaN lanes are caught apart (unord against itself).
  V a0 = Vec::set1(-inf), a1 = a0, odd = Vec::set1(0.0f);
  auto step = [&](V v, V& acc) {
    acc = Vec::select(Vec::gt(v, acc), v, acc);
    odd = Vec::select(Vec::unord(v, v), v, odd);
  };
  int64_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) step(logits(i), a0), step(logits(i + W), a1);
  if (i + W <= n) step(logits(i), a0), i += W;
  float top = Vec::hmax(Vec::select(Vec::gt(a1, a0), a1, a0));
  const float nan_seen = Vec::hsum(odd);
  if (nan_seen != nan_seen) top = nan_seen;
  for (; i < n; i++) {
    y[i] = m != nullptr && !m[i] ? -1e9f : y[i] * scale;
    if (y[i] > top || y[i] != y[i]) top = y[i];
  }
  const V t = Vec::set1(top);
  V s0 = Vec::set1(0.0f), s1 = s0;
  i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    const V e0 = v_exp(Vec::sub(Vec::load(y + i), t)), e1 = v_exp(Vec::sub(Vec::load(y + i + W), t));
    Vec::store(y + i, e0), Vec::store(y + i + W, e1);
    s0 = Vec::add(s0, e0), s1 = Vec::add(s1, e1);
  }
  for (; i < n; i += W) {
    float b[W];
    const int r = int(n - i < W ? n - i : W);
    for (int j = 0; j < W; j++) b[j] = j < r ? y[i + j] : -inf;
    const V e = v_exp(Vec::sub(Vec::load(b), t));
    store_n(y + i, e, r);
    s0 = Vec::add(s0, e);
  }
  const V inv = Vec::set1(1.0f / Vec::hsum(Vec::add(s0, s1)));
  for (i = 0; i < n; i += W) {
    const int r = int(n - i < W ? n - i : W);
    store_n(y + i, Vec::mul(load_n(y + i, r), inv), r);
  }
}

void attention_softmax_grad_row(const float* p, float* ds, const uint8_t* m, int64_t n, float scale) {
  V a0 = Vec::set1(0.0f), a1 = a0;
  int64_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    a0 = Vec::fmadd(Vec::load(p + i), Vec::load(ds + i), a0);
    a1 = Vec::fmadd(Vec::load(p + i + W), Vec::load(ds + i + W), a1);
  }
  for (; i < n; i += W) {
    const int r = int(n - i < W ? n - i : W);
    a0 = Vec::fmadd(load_n(p + i, r), load_n(ds + i, r), a0);
  }
  const V dot = Vec::set1(Vec::hsum(Vec::add(a0, a1))), sc = Vec::set1(scale);
  for (i = 0; i < n; i += W) {
    const int r = int(n - i < W ? n - i : W);
    store_n(ds + i, Vec::mul(Vec::mul(Vec::sub(load_n(ds + i, r), dot), load_n(p + i, r)), sc), r);
  }
  if (m != nullptr)
    for (i = 0; i < n; i += W) {
      const int r = int(n - i < W ? n - i : W);
      if (r < W || mask_run(m + i) != Run::allowed)
        for (int j = 0; j < r; j++) ds[i + j] = m[i + j] ? ds[i + j] : 0.0f;
    }
}

void argmax_update(const float* v, float* best, int32_t* at, int32_t base, int64_t n) {
  alignas(64) static const int32_t kIota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  static_assert(W <= 16, "kIota covers one vector");
  const I iota = Vec::bits(Vec::load(reinterpret_cast<const float*>(kIota)));
  int64_t c = 0;
  for (; c + W <= n; c += W) {
    const V x = Vec::load(v + c), b = Vec::load(best + c);
    const M greater = Vec::gt(x, b);
    Vec::store(best + c, Vec::select(greater, x, b));
    const V index = Vec::from_bits(Vec::iadd(Vec::iset1(base + int32_t(c)), iota));
    float* a = reinterpret_cast<float*>(at + c);
    Vec::store(a, Vec::select(greater, index, Vec::load(a)));
  }
  for (; c < n; c++)
    if (v[c] > best[c]) best[c] = v[c], at[c] = base + int32_t(c);
}

template <class Op> constexpr BinaryFn bvv() { return &binary_kernel<Op, 0>; }
template <class Op> constexpr BinaryFn bvs() { return &binary_kernel<Op, 1>; }
template <class Op> constexpr BinaryFn bsv() { return &binary_kernel<Op, 2>; }

// Constant-initialised (no code runs at load, so a level the CPU lacks is never executed).
constexpr Table make_table(const char* name) {
  return Table{
      name,
      {
#define TAPEFLOW_UNARY_SLOT(name) &unary_kernel<U##name>,
          TAPEFLOW_SIMD_UNARY(TAPEFLOW_UNARY_SLOT)
#undef TAPEFLOW_UNARY_SLOT
      },
      {bvv<BAdd>(), bvv<BSub>(), bvv<BMul>(), bvv<BDiv>(), bvv<BMaximum>(), bvv<BMinimum>(), bvv<BReluGrad>()},
      {bvs<BAdd>(), bvs<BSub>(), bvs<BMul>(), bvs<BDiv>(), bvs<BMaximum>(), bvs<BMinimum>(), bvs<BReluGrad>()},
      {bsv<BAdd>(), bsv<BSub>(), bsv<BMul>(), bsv<BDiv>(), bsv<BMaximum>(), bsv<BMinimum>(), bsv<BReluGrad>()},
      &sum_kernel,
      &extreme_kernel<true>,
      &extreme_kernel<false>,
      GEMM_MR,
      GEMM_NV * W,
      &gemm_micro,
      &gemm_micro_direct,
      &gemm_pack_a,
      &gemm_pack_b,
      &gemm_rows,
      &fma_acc,
      &conv_taps,
      &conv_taps_filter,
      &argmax_update,
      &probe_triad,
      &probe_sum,
      &probe_fma,
      kOptimRows.data(),
      int(kOptimRows.size()),
      &lstm_cell,
      &lstm_cell_grad,
      &attention_softmax_row,
      &attention_softmax_grad_row,
  };
}
