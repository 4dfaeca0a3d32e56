// The SIMD seam: one table of float32 kernels per instruction-set level, chosen once at load.
//
// Kernels (kernels/*.cc) never use intrinsics; they call through `simd::active()`. Each level
// (level_scalar.cc, level_avx2.cc, level_avx512.cc, level_neon.cc) compiles the same templates in
// impl.h against its vector layer (vec_<level>.h) under its own target attribute, so the base
// flags stay plain x86-64 / armv8. To add a SIMD unary kernel: its name in TAPEFLOW_SIMD_UNARY
// here and its struct in impl.h (other kinds: a slot here, filled in `make_table()` there).
#pragma once

#include <cstdint>

namespace tapeflow::simd {

// float32 unary ops with a vector kernel (the others run scalar loops in kernels/unary.cc): the
// slot k<Name> runs impl.h's U<Name>.
#define TAPEFLOW_SIMD_UNARY(X)                                                                           \
  X(Neg) X(Square) X(Sqrt) X(Rsqrt) X(Exp) X(Log) X(Abs) X(Sign) X(Relu) X(Sigmoid) X(Tanh) X(Reciprocal) \
  X(Floor) X(Ceil) X(Round) X(Log1p) X(Softplus) X(Elu) X(Sin) X(Cos) X(Tan) X(Asin) X(Acos) X(Atan)    \
  X(Sinh) X(Cosh) X(Asinh) X(Acosh) X(Atanh) X(Erf) X(Expm1) X(Log2) X(Gelu) X(Silu) X(Relu6) X(Selu)    \
  X(Softsign) X(LogSigmoid) X(HardSigmoid)
#define TAPEFLOW_UNARY_ENUM(name) k##name,
enum UnaryF32 { TAPEFLOW_SIMD_UNARY(TAPEFLOW_UNARY_ENUM) kUnaryCount };
#undef TAPEFLOW_UNARY_ENUM
// float32 arithmetic binaries with a vector kernel.
enum BinaryF32 { kAdd, kSub, kMul, kDiv, kMaximum, kMinimum, kReluGrad, kBinaryCount };

using UnaryFn = void (*)(const float* x, float* out, int64_t n);
// Fused optimizer update of elements [begin, end) of arrays (kernels/optim_kinds.h).
using OptimLoop = void (*)(void* const* arrays, int64_t begin, int64_t end, const double* scalars);
struct OptimRow {
  const char* name;
  int arrays, scalars;
  OptimLoop f32, f64;  // f32 on the level's vectors; f64 one element at a time
};
// vv: a[i] op b[i]; vs: a[i] op b[0]; sv: a[0] op b[i].
using BinaryFn = void (*)(const float* a, const float* b, float* out, int64_t n);

struct Table {
  const char* name;
  UnaryFn unary[kUnaryCount];
  BinaryFn binary_vv[kBinaryCount];
  BinaryFn binary_vs[kBinaryCount];
  BinaryFn binary_sv[kBinaryCount];
  // Sum of n floats in double, in a fixed order (bit-identical on every level).
  double (*sum)(const float* x, int64_t n);
  // max/min of n >= 1 floats; NaN propagates.
  float (*max)(const float* x, int64_t n);
  float (*min)(const float* x, int64_t n);
  // GEMM (see kernels/matmul.cc): micro-tile of gemm_mr rows × gemm_nr columns.
  // gemm_micro: C[mr×nr] (row stride ldc) = or += packed A sliver (kc steps of gemm_mr values,
  // the first mr used) times packed B sliver (kc steps of gemm_nr values, the first nr used);
  // 1 <= mr <= gemm_mr, 1 <= nr <= gemm_nr. gemm_micro_direct: the same with A(i, p) read in
  // place at a[i·lda + p]. Both give bit-identical results.
  int gemm_mr, gemm_nr;
  void (*gemm_micro)(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, int accumulate, int mr,
                     int nr);
  void (*gemm_micro_direct)(int64_t kc, const float* a, int64_t lda, const float* pb, float* c, int64_t ldc,
                            int accumulate, int mr, int nr);
  // Packing: A(i, p) = a[i·rs + p·cs] (i < mr <= gemm_mr) into kc steps of gemm_mr values;
  // B(p, j) = b[p·rs + j·cs] (j < nr <= gemm_nr) into kc steps of gemm_nr values.
  void (*gemm_pack_a)(const float* a, int64_t rs, int64_t cs, int mr, int64_t kc, float* pa);
  void (*gemm_pack_b)(const float* b, int64_t rs, int64_t cs, int nr, int64_t kc, float* pb);
  // C[i, 0:n] = Σ_p A(i, p)·B[p, 0:n] for i < m rows of A = a[i·rsa + p·csa], B rows contiguous
  // (stride ldb): the GEMM of a few rows, reading B once per row instead of packing it.
  void (*gemm_rows)(int64_t k, const float* a, int64_t rsa, int64_t csa, const float* b, int64_t ldb, float* c,
                    int64_t ldc, int m, int64_t n);
  // acc[i] = fma(a[i], b[i], acc[i]) for i < n: the channel loop of depthwise convolution.
  void (*fma_acc)(float* acc, const float* a, const float* b, int64_t n);
  // Direct convolution of few input channels (kernels/conv.cc): y[p·co + j] = Σ_{q<k}
  // x[p·xstep + xo[q]]·w[wo[q] + j] for p < count pixels, j < co (fmas over q in order), and its
  // filter gradient dw[wo[q] + j] += Σ_{p<count} x[p·xstep + xo[q]]·dy[p·co + j] (fmas over p in
  // order from zero, then one add into dw). Bit-identical for any split of p (forward) or of q
  // (filter gradient).
  void (*conv_taps)(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo, int64_t k, const float* w,
                    int64_t co, float* y, int64_t count);
  void (*conv_taps_filter)(const float* x, int64_t xstep, const int64_t* xo, const int64_t* wo, int64_t k,
                           const float* dy, int64_t co, float* dw, int64_t count);
  // One window position of maxPool's argmax (kernels/conv.cc): where v[c] > best[c] (never for
  // NaN, so the first maximum stays), best[c] = v[c] and at[c] = base + c, for c < n.
  void (*argmax_update)(const float* v, float* best, int32_t* at, int32_t base, int64_t n);
  // Machine-limit probes for bench/ (native/probes.cc; not kernels): probe_triad a = b + s·c;
  // probe_sum a plain sum of n floats; probe_fma `iters` steps of 12 independent FMA chains held
  // in registers, seeded from and folded into *sink (so nothing folds away), returning the FLOPs.
  void (*probe_triad)(float* a, const float* b, const float* c, float s, int64_t n);
  float (*probe_sum)(const float* x, int64_t n);
  double (*probe_fma)(int64_t iters, volatile float* sink);
  // Fused optimizer updates: every kind of optim_kinds.h, in the same order on every level.
  const OptimRow* optim;
  int optim_count;
  // The fused LSTM cell step of one row of `units` (kernels/lstm.cc; the math and operation
  // order: src/backend/ts/lstm.ts): z [4·units] (gates i, f, c, o) and cp [units] in; h, c
  // [units] and act [5·units] (i, f, g, o, tanh c) out. Its backward: dh, dc, cp, act in; dz
  // [4·units] and dcp [units] out. One rounded operation at a time (no fmadd).
  void (*lstm_cell)(const float* z, const float* cp, float* h, float* c, float* act, int64_t units);
  void (*lstm_cell_grad)(const float* dh, const float* dc, const float* cp, const float* act, float* dz, float* dcp,
                         int64_t units);
  // One row of fused attention (kernels/attention.cc), in place over n >= 1 values; m (may be
  // null) marks the positions that may be attended. attention_softmax_row: y ← softmax(scale·y)
  // with logits where !m[j] replaced by −1e9 (Keras's masked softmax; NaN propagates).
  // attention_softmax_grad_row: ds ← scale·p⊙(ds − Σ p⊙ds), 0 where !m[j].
  void (*attention_softmax_row)(float* y, const uint8_t* m, int64_t n, float scale);
  void (*attention_softmax_grad_row)(const float* p, float* ds, const uint8_t* m, int64_t n, float scale);
};

const Table* table_scalar();
const Table* table_avx2();    // nullptr when not compiled for this architecture
const Table* table_avx512();  // nullptr when not compiled for this architecture
const Table* table_neon();    // nullptr when not compiled for this architecture

// The table in use; chosen at first call from the CPU and TAPEFLOW_SIMD.
const Table* active();
// Caps the level at `name` (scalar|avx2|avx512|neon), never above what the CPU has; returns the
// level now in use. Unknown names leave it unchanged.
const char* set_level(const char* name);
// Levels this CPU can run, best first, comma-separated.
const char* available_levels();

}  // namespace tapeflow::simd
