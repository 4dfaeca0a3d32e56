// Softmax over rows of `cols` with an optional per-row boolean mask, and its backward pass
// (src/ops/softmax.ts; the math, the mask semantics and the operation order are
// src/backend/ts/softmax.ts'). float32 runs each row through the SIMD table's own kernels in
// place (max, subtract, exp, double sum, divide), so every step rounds as the unary and binary
// kernels do; float64 one element at a time with libm. Rows are split across the thread pool;
// each row is computed alone, so any split gives the same bits.
#include <cmath>
#include <cstdint>
#include <limits>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

constexpr double kMaskedLogit = -1e9;  // Keras's _large_negative_number (float32 and float64)

// A row costs about one exp per element: split once there are kTranscendentalMin elements, in
// chunks of about kElementwiseGrain / 4 (whole rows).
int64_t min_rows(int64_t cols) { return (kTranscendentalMin + cols - 1) / cols; }
int64_t grain_rows(int64_t cols) {
  const int64_t g = (kElementwiseGrain / 4) / cols;
  return g > 0 ? g : 1;
}

void row_f32(const simd::Table* t, const float* x, const uint8_t* m, float* y, int64_t n) {
  const float* v = x;
  if (m != nullptr) {
    for (int64_t j = 0; j < n; j++) y[j] = m[j] ? x[j] : float(kMaskedLogit);
    v = y;
  }
  const float top = t->max(v, n);
  t->binary_vs[simd::kSub](v, &top, y, n);
  t->unary[simd::kExp](y, y, n);
  const float total = float(t->sum(y, n));
  t->binary_vs[simd::kDiv](y, &total, y, n);
}

void row_grad_f32(const simd::Table* t, const float* y, const float* dy, const uint8_t* m, float* dx, int64_t n) {
  t->binary_vv[simd::kMul](y, dy, dx, n);
  const float dot = float(t->sum(dx, n));
  t->binary_vs[simd::kSub](dy, &dot, dx, n);
  t->binary_vv[simd::kMul](dx, y, dx, n);
  if (m != nullptr)
    for (int64_t j = 0; j < n; j++) dx[j] = m[j] ? dx[j] : 0.0f;
}

void row_f64(const double* x, const uint8_t* m, double* y, int64_t n) {
  double top = -std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < n; j++) {
    const double v = m != nullptr && !m[j] ? kMaskedLogit : x[j];
    y[j] = v;
    if (v > top || std::isnan(v)) top = v;
  }
  double total = 0;
  for (int64_t j = 0; j < n; j++) total += (y[j] = std::exp(y[j] - top));
  for (int64_t j = 0; j < n; j++) y[j] /= total;
}

void row_grad_f64(const double* y, const double* dy, const uint8_t* m, double* dx, int64_t n) {
  double dot = 0;
  for (int64_t j = 0; j < n; j++) dot += y[j] * dy[j];
  for (int64_t j = 0; j < n; j++) dx[j] = m != nullptr && !m[j] ? 0.0 : (dy[j] - dot) * y[j];
}

}  // namespace

bool softmax_supports(DType d) { return d == DType::f32 || d == DType::f64; }

void softmax_run(DType d, const void* x, int64_t rows, int64_t cols, const uint8_t* mask, const int32_t* mask_row,
                 void* y) {
  const simd::Table* t = simd::active();
  parallel_range(rows, grain_rows(cols), min_rows(cols), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const uint8_t* m = mask == nullptr ? nullptr : mask + int64_t(mask_row[r]) * cols;
      if (d == DType::f32)
        row_f32(t, static_cast<const float*>(x) + r * cols, m, static_cast<float*>(y) + r * cols, cols);
      else
        row_f64(static_cast<const double*>(x) + r * cols, m, static_cast<double*>(y) + r * cols, cols);
    }
  });
}

void softmax_grad_run(DType d, const void* y, const void* dy, int64_t rows, int64_t cols, const uint8_t* mask,
                      const int32_t* mask_row, void* dx) {
  const simd::Table* t = simd::active();
  parallel_range(rows, grain_rows(cols), min_rows(cols), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      const uint8_t* m = mask == nullptr ? nullptr : mask + int64_t(mask_row[r]) * cols;
      const int64_t o = r * cols;
      if (d == DType::f32)
        row_grad_f32(t, static_cast<const float*>(y) + o, static_cast<const float*>(dy) + o, m,
                     static_cast<float*>(dx) + o, cols);
      else
        row_grad_f64(static_cast<const double*>(y) + o, static_cast<const double*>(dy) + o, m,
                     static_cast<double*>(dx) + o, cols);
    }
  });
}

}  // namespace tapeflow
