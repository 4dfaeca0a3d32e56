// The fused LSTM cell step and its backward pass (src/nn/lstm-cell.ts; the math and the
// operation order are src/backend/ts/lstm.ts'): rows of z [batch, 4·units] in Keras 3's gate
// order i, f, c, o. float32 runs the active SIMD level's row kernels (simd/impl.h, `lstm_cell`
// and `lstm_cell_grad`: v_sigmoid and v_tanh as the unary kernels, one rounded operation at a
// time); float64 one element at a time with libm. Rows are split across the thread pool once
// the step is large enough; every element is computed alone, so any split gives the same bits.
#include <cmath>
#include <cstdint>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

// Each element costs four or five transcendentals (forward) or a dozen multiplies (backward):
// split once a step holds kTranscendentalMin gate elements, in chunks of about
// kElementwiseGrain / 4 of them (whole rows).
int64_t min_rows(int64_t units) { return (kTranscendentalMin + 4 * units - 1) / (4 * units); }
int64_t grain_rows(int64_t units) {
  const int64_t g = (kElementwiseGrain / 4) / (4 * units);
  return g > 0 ? g : 1;
}

void cell_f64(const double* z, const double* cp, double* h, double* c, double* act, int64_t u) {
  for (int64_t j = 0; j < u; j++) {
    const double i = sigmoid(z[j]), f = sigmoid(z[u + j]), g = std::tanh(z[2 * u + j]), o = sigmoid(z[3 * u + j]);
    const double cn = f * cp[j] + i * g;
    const double tc = std::tanh(cn);
    c[j] = cn;
    h[j] = o * tc;
    act[j] = i;
    act[u + j] = f;
    act[2 * u + j] = g;
    act[3 * u + j] = o;
    act[4 * u + j] = tc;
  }
}

void cell_grad_f64(const double* dh, const double* dc, const double* cp, const double* act, double* dz, double* dcp,
                   int64_t u) {
  for (int64_t j = 0; j < u; j++) {
    const double i = act[j], f = act[u + j], g = act[2 * u + j], o = act[3 * u + j], tc = act[4 * u + j];
    const double d = dh[j];
    const double dct = dc[j] + (d * o) * (1 - tc * tc);
    dz[j] = (dct * g) * (i * (1 - i));
    dz[u + j] = (dct * cp[j]) * (f * (1 - f));
    dz[2 * u + j] = (dct * i) * (1 - g * g);
    dz[3 * u + j] = (d * tc) * (o * (1 - o));
    dcp[j] = dct * f;
  }
}

}  // namespace

bool lstm_supports(DType d) { return d == DType::f32 || d == DType::f64; }

void lstm_cell_run(DType d, const void* z, const void* cp, void* h, void* c, void* act, int64_t batch, int64_t u) {
  const simd::Table* t = simd::active();
  parallel_range(batch, grain_rows(u), min_rows(u), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      if (d == DType::f32)
        t->lstm_cell(static_cast<const float*>(z) + r * 4 * u, static_cast<const float*>(cp) + r * u,
                     static_cast<float*>(h) + r * u, static_cast<float*>(c) + r * u, static_cast<float*>(act) + r * 5 * u, u);
      else
        cell_f64(static_cast<const double*>(z) + r * 4 * u, static_cast<const double*>(cp) + r * u,
                 static_cast<double*>(h) + r * u, static_cast<double*>(c) + r * u, static_cast<double*>(act) + r * 5 * u, u);
    }
  });
}

void lstm_cell_grad_run(DType d, const void* dh, const void* dc, const void* cp, const void* act, void* dz, void* dcp,
                        int64_t batch, int64_t u) {
  const simd::Table* t = simd::active();
  parallel_range(batch, grain_rows(u), min_rows(u), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; r++) {
      if (d == DType::f32)
        t->lstm_cell_grad(static_cast<const float*>(dh) + r * u, static_cast<const float*>(dc) + r * u,
                          static_cast<const float*>(cp) + r * u, static_cast<const float*>(act) + r * 5 * u,
                          static_cast<float*>(dz) + r * 4 * u, static_cast<float*>(dcp) + r * u, u);
      else
        cell_grad_f64(static_cast<const double*>(dh) + r * u, static_cast<const double*>(dc) + r * u,
                      static_cast<const double*>(cp) + r * u, static_cast<const double*>(act) + r * 5 * u,
                      static_cast<double*>(dz) + r * 4 * u, static_cast<double*>(dcp) + r * u, u);
    }
  });
}

}  // namespace tapeflow
