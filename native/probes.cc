// Machine-limit probes for the benchmark (bench/run.ts): memory bandwidth (STREAM-style triad
// and a read-only sum) and peak FP32 FMA throughput, each at the SIMD level in use
// (simd::active(), so TAPEFLOW_SIMD caps it too) on an explicit number of threads.
//
// They are not kernels: nothing in src/ calls them. Each runs its own std::threads (the calling
// thread is thread 0), so the thread count is exactly the one asked for, independent of the pool.
//
//   probeTriad(bytesPerArray, threads) -> GB/s   a[i] = b[i] + s*c[i], STREAM counting (3 arrays
//                                                × bytes per pass; write-allocate not counted)
//   probeSum(bytes, threads)           -> GB/s   sum of one array (bytes per pass)
//   probePeakFma(seconds, threads)     -> GFLOP/s independent FMA chains held in registers
//
// Bandwidth: best pass out of at least 5 (and ~0.3 s), as STREAM reports. Arrays are split into
// one contiguous slice per thread, first touched by the thread that later streams it.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "platform.h"
#include "simd/simd.h"

#if TAPEFLOW_AARCH64
#include <arm_neon.h>
#endif

namespace tapeflow::probes {
namespace {

using Clock = std::chrono::steady_clock;
double now() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

volatile float g_sink;

// ---- kernels, one per SIMD level ----------------------------------------------------------

void triad_generic(float* a, const float* b, const float* c, float s, int64_t n) {
  for (int64_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}
float sum_generic(const float* x, int64_t n) {
  float acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += x[i + j];
  for (; i < n; i++) acc[0] += x[i];
  float t = 0;
  for (float v : acc) t += v;
  return t;
}
// Scalar level has no FMA guarantee: 8 independent multiply-add chains (2 flops each).
double fma_generic(int64_t iters) {
  float acc[8];
  for (int j = 0; j < 8; j++) acc[j] = 1.0f + 0.01f * float(j);
  const float x = g_sink * 0.0f + 0.999999f, y = g_sink * 0.0f + 1e-7f;
  for (int64_t i = 0; i < iters; i++)
    for (int j = 0; j < 8; j++) acc[j] = acc[j] * x + y;
  float t = 0;
  for (float v : acc) t += v;
  g_sink = t;
  return double(iters) * 8 * 2;
}

#if TAPEFLOW_X86_64
TAPEFLOW_TARGET_AVX512 void triad_avx512(float* a, const float* b, const float* c, float s, int64_t n) {
  __m512 vs = _mm512_set1_ps(s);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(a + i, _mm512_fmadd_ps(vs, _mm512_loadu_ps(c + i), _mm512_loadu_ps(b + i)));
  for (; i < n; i++) a[i] = b[i] + s * c[i];
}
TAPEFLOW_TARGET_AVX512 float sum_avx512(const float* x, int64_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_add_ps(a0, _mm512_loadu_ps(x + i));
    a1 = _mm512_add_ps(a1, _mm512_loadu_ps(x + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_loadu_ps(x + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_loadu_ps(x + i + 48));
  }
  float t = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  for (; i < n; i++) t += x[i];
  return t;
}
// 12 independent chains × 16 lanes: covers FMA latency (4) × 2 ports with room to spare.
TAPEFLOW_TARGET_AVX512 double fma_avx512(int64_t iters) {
  __m512 acc[12];
  for (int j = 0; j < 12; j++) acc[j] = _mm512_set1_ps(1.0f + 0.01f * float(j));
  const __m512 x = _mm512_set1_ps(g_sink * 0.0f + 0.999999f), y = _mm512_set1_ps(g_sink * 0.0f + 1e-7f);
  for (int64_t i = 0; i < iters; i++) {
    TAPEFLOW_UNROLL(12)
    for (int j = 0; j < 12; j++) acc[j] = _mm512_fmadd_ps(acc[j], x, y);
  }
  __m512 t = acc[0];
  for (int j = 1; j < 12; j++) t = _mm512_add_ps(t, acc[j]);
  g_sink = _mm512_reduce_add_ps(t);
  return double(iters) * 12 * 16 * 2;
}

TAPEFLOW_TARGET_AVX2 void triad_avx2(float* a, const float* b, const float* c, float s, int64_t n) {
  __m256 vs = _mm256_set1_ps(s);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(a + i, _mm256_fmadd_ps(vs, _mm256_loadu_ps(c + i), _mm256_loadu_ps(b + i)));
  for (; i < n; i++) a[i] = b[i] + s * c[i];
}
TAPEFLOW_TARGET_AVX2 float sum_avx2(const float* x, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + i + 8));
    a2 = _mm256_add_ps(a2, _mm256_loadu_ps(x + i + 16));
    a3 = _mm256_add_ps(a3, _mm256_loadu_ps(x + i + 24));
  }
  float lanes[8];
  _mm256_storeu_ps(lanes, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  float t = 0;
  for (float v : lanes) t += v;
  for (; i < n; i++) t += x[i];
  return t;
}
TAPEFLOW_TARGET_AVX2 double fma_avx2(int64_t iters) {
  __m256 acc[12];
  for (int j = 0; j < 12; j++) acc[j] = _mm256_set1_ps(1.0f + 0.01f * float(j));
  const __m256 x = _mm256_set1_ps(g_sink * 0.0f + 0.999999f), y = _mm256_set1_ps(g_sink * 0.0f + 1e-7f);
  for (int64_t i = 0; i < iters; i++) {
    TAPEFLOW_UNROLL(12)
    for (int j = 0; j < 12; j++) acc[j] = _mm256_fmadd_ps(acc[j], x, y);
  }
  float lanes[8];
  __m256 t = acc[0];
  for (int j = 1; j < 12; j++) t = _mm256_add_ps(t, acc[j]);
  _mm256_storeu_ps(lanes, t);
  g_sink = lanes[0];
  return double(iters) * 12 * 8 * 2;
}
#endif

#if TAPEFLOW_AARCH64
double fma_neon(int64_t iters) {
  float32x4_t acc[12];
  for (int j = 0; j < 12; j++) acc[j] = vdupq_n_f32(1.0f + 0.01f * float(j));
  const float32x4_t x = vdupq_n_f32(g_sink * 0.0f + 0.999999f), y = vdupq_n_f32(g_sink * 0.0f + 1e-7f);
  for (int64_t i = 0; i < iters; i++) {
    TAPEFLOW_UNROLL(12)
    for (int j = 0; j < 12; j++) acc[j] = vfmaq_f32(y, acc[j], x);
  }
  float32x4_t t = acc[0];
  for (int j = 1; j < 12; j++) t = vaddq_f32(t, acc[j]);
  g_sink = vaddvq_f32(t);
  return double(iters) * 12 * 4 * 2;
}
float sum_neon(const float* x, int64_t n) {
  float32x4_t a0 = vdupq_n_f32(0), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = vaddq_f32(a0, vld1q_f32(x + i));
    a1 = vaddq_f32(a1, vld1q_f32(x + i + 4));
    a2 = vaddq_f32(a2, vld1q_f32(x + i + 8));
    a3 = vaddq_f32(a3, vld1q_f32(x + i + 12));
  }
  float t = vaddvq_f32(vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3)));
  for (; i < n; i++) t += x[i];
  return t;
}
#endif

struct Kernels {
  void (*triad)(float*, const float*, const float*, float, int64_t);
  float (*sum)(const float*, int64_t);
  double (*fma)(int64_t);
};

Kernels kernels_for_active_level() {
  std::string level = simd::active()->name;
#if TAPEFLOW_X86_64
  if (level == "avx512") return {triad_avx512, sum_avx512, fma_avx512};
  if (level == "avx2") return {triad_avx2, sum_avx2, fma_avx2};
#elif TAPEFLOW_AARCH64
  if (level == "neon") return {triad_generic, sum_neon, fma_neon};  // triad auto-vectorizes on armv8
#endif
  return {triad_generic, sum_generic, fma_generic};
}

// ---- threads ----------------------------------------------------------------------------

// Sense-reversing spin barrier for a handful of threads.
class Barrier {
 public:
  explicit Barrier(int n) : n_(n) {}
  void wait() {
    int gen = gen_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) + 1 == n_) {
      count_.store(0, std::memory_order_relaxed);
      gen_.fetch_add(1, std::memory_order_acq_rel);
    } else {
      while (gen_.load(std::memory_order_acquire) == gen) std::this_thread::yield();
    }
  }

 private:
  const int n_;
  std::atomic<int> count_{0};
  std::atomic<int> gen_{0};
};

// Runs body(t) on `threads` threads (the caller is thread 0).
template <class F>
void run_threads(int threads, F body) {
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back([&body, t] { body(t); });
  body(0);
  for (auto& th : pool) th.join();
}

struct Buffer {
  float* p = nullptr;
  explicit Buffer(int64_t n) {
    p = static_cast<float*>(platform::aligned_malloc(64, size_t((n * 4 + 63) / 64 * 64)));
    if (!p) throw std::bad_alloc();
  }
  ~Buffer() { platform::aligned_free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

// Best seconds per pass of `pass(t, begin, end)` over n elements split across threads.
template <class Init, class Pass>
double best_pass(int64_t n, int threads, Init init, Pass pass) {
  Barrier barrier(threads);
  std::atomic<bool> stop{false};
  double best = 1e30;
  run_threads(threads, [&](int t) {
    int64_t per = (n / threads + 15) / 16 * 16;
    int64_t begin = std::min(n, per * t), end = t == threads - 1 ? n : std::min(n, per * (t + 1));
    init(begin, end);
    const double start = now();
    for (int rep = 0;; rep++) {
      barrier.wait();
      if (stop.load(std::memory_order_acquire)) break;
      double t0 = now();
      pass(begin, end);
      barrier.wait();
      if (t == 0) {
        best = std::min(best, now() - t0);
        if (rep >= 5 && now() - start > 0.3) stop.store(true, std::memory_order_release);
      }
    }
  });
  return best;
}

int64_t elements_of(double bytes) {
  if (!(bytes >= 4096) || bytes > double(int64_t(1) << 36)) throw std::range_error("bytes must be in [4096, 2^36]");
  return int64_t(bytes / 4) / 16 * 16;
}

int threads_of(double threads) {
  if (!(threads >= 1 && threads <= 256) || threads != double(int(threads))) throw std::range_error("threads must be an integer in [1, 256]");
  return int(threads);
}

double triad_gbs(double bytes, int threads) {
  int64_t n = elements_of(bytes);
  Buffer a(n), b(n), c(n);
  Kernels k = kernels_for_active_level();
  double s = best_pass(n, threads,
      [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; i++) { a.p[i] = 0.0f; b.p[i] = 1.0f; c.p[i] = 2.0f; }
      },
      [&](int64_t lo, int64_t hi) { k.triad(a.p + lo, b.p + lo, c.p + lo, 3.0f, hi - lo); });
  g_sink = a.p[n / 2];
  return 3.0 * 4.0 * double(n) / s / 1e9;
}

double sum_gbs(double bytes, int threads) {
  int64_t n = elements_of(bytes);
  Buffer x(n);
  Kernels k = kernels_for_active_level();
  double s = best_pass(n, threads,
      [&](int64_t lo, int64_t hi) { for (int64_t i = lo; i < hi; i++) x.p[i] = 1.0f; },
      [&](int64_t lo, int64_t hi) { g_sink = k.sum(x.p + lo, hi - lo); });
  return 4.0 * double(n) / s / 1e9;
}

double peak_gflops(double seconds, int threads) {
  if (!(seconds > 0 && seconds <= 60)) throw std::range_error("seconds must be in (0, 60]");
  Kernels k = kernels_for_active_level();
  std::vector<double> rate(size_t(threads), 0.0);
  Barrier barrier(threads);
  run_threads(threads, [&](int t) {
    k.fma(1 << 16);  // warm up (and let the clock settle)
    barrier.wait();
    double flops = 0, t0 = now(), t1 = t0;
    while (t1 - t0 < seconds) {
      flops += k.fma(1 << 20);
      t1 = now();
    }
    rate[size_t(t)] = flops / (t1 - t0);
  });
  double total = 0;
  for (double r : rate) total += r;
  return total / 1e9;
}

template <double (*F)(double, int)>
Napi::Value probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "probe: expected (number, threads)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  try {
    return Napi::Number::New(env, F(info[0].As<Napi::Number>().DoubleValue(), threads_of(info[1].As<Napi::Number>().DoubleValue())));
  } catch (const std::range_error& e) {
    Napi::RangeError::New(env, std::string("probe: ") + e.what()).ThrowAsJavaScriptException();
  } catch (const std::bad_alloc&) {
    Napi::RangeError::New(env, "probe: out of memory").ThrowAsJavaScriptException();
  } catch (const std::system_error& e) {
    Napi::Error::New(env, std::string("probe: ") + e.what()).ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace

Napi::Value probe_triad(const Napi::CallbackInfo& info) { return probe<triad_gbs>(info); }
Napi::Value probe_sum(const Napi::CallbackInfo& info) { return probe<sum_gbs>(info); }
Napi::Value probe_peak_fma(const Napi::CallbackInfo& info) { return probe<peak_gflops>(info); }

}  // namespace tapeflow::probes
