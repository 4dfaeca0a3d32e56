// Machine-limit probes for the benchmark (bench/run.ts): memory bandwidth (STREAM-style triad
// and a read-only sum) and peak FP32 FMA throughput, each at the SIMD level in use
// (the loops are the active SIMD table's `probe_*`, written once in simd/impl.h, so
// TAPEFLOW_SIMD caps them too) on an explicit number of threads.
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

namespace tapeflow::probes {
namespace {

using Clock = std::chrono::steady_clock;
double now() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

volatile float g_sink;

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

// Runs body(t) on `threads` threads (the caller is thread 0). The threads start the body only
// once all exist (the bodies meet at barriers sized for all of them): if one cannot be created,
// those already started return at once, are joined, and the std::system_error propagates.
template <class F>
void run_threads(int threads, F body) {
  std::atomic<int> state{0};  // 0: starting, 1: run, 2: abandon
  std::vector<std::thread> pool;
  auto join_all = [&] {
    for (auto& th : pool) th.join();
  };
  try {
    pool.reserve(size_t(threads));
    for (int t = 1; t < threads; t++)
      pool.emplace_back([&body, &state, t] {
        int s;
        while ((s = state.load(std::memory_order_acquire)) == 0) std::this_thread::yield();
        if (s == 1) body(t);
      });
  } catch (...) {
    state.store(2, std::memory_order_release);
    join_all();
    throw;
  }
  state.store(1, std::memory_order_release);
  body(0);
  join_all();
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
  const simd::Table* k = simd::active();
  double s = best_pass(n, threads,
      [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; i++) { a.p[i] = 0.0f; b.p[i] = 1.0f; c.p[i] = 2.0f; }
      },
      [&](int64_t lo, int64_t hi) { k->probe_triad(a.p + lo, b.p + lo, c.p + lo, 3.0f, hi - lo); });
  g_sink = a.p[n / 2];
  return 3.0 * 4.0 * double(n) / s / 1e9;
}

double sum_gbs(double bytes, int threads) {
  int64_t n = elements_of(bytes);
  Buffer x(n);
  const simd::Table* k = simd::active();
  double s = best_pass(n, threads,
      [&](int64_t lo, int64_t hi) { for (int64_t i = lo; i < hi; i++) x.p[i] = 1.0f; },
      [&](int64_t lo, int64_t hi) { g_sink = k->probe_sum(x.p + lo, hi - lo); });
  return 4.0 * double(n) / s / 1e9;
}

double peak_gflops(double seconds, int threads) {
  if (!(seconds > 0 && seconds <= 60)) throw std::range_error("seconds must be in (0, 60]");
  const simd::Table* k = simd::active();
  std::vector<double> rate(size_t(threads), 0.0);
  Barrier barrier(threads);
  run_threads(threads, [&](int t) {
    k->probe_fma(1 << 16, &g_sink);  // warm up (and let the clock settle)
    barrier.wait();
    double flops = 0, t0 = now(), t1 = t0;
    while (t1 - t0 < seconds) {
      flops += k->probe_fma(1 << 20, &g_sink);
      t1 = now();
    }
    rate[size_t(t)] = flops / (t1 - t0);
  });
  double total = 0;
  for (double r : rate) total += r;
  return total / 1e9;
}

// The export's name is the function's data (addon.cc's table sets it).
template <double (*F)(double, int)>
Napi::Value probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = info.Data() ? static_cast<const char*>(info.Data()) : "probe";
  if (info.Length() != 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, name + ": expected (number, threads)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  try {
    return Napi::Number::New(env, F(info[0].As<Napi::Number>().DoubleValue(), threads_of(info[1].As<Napi::Number>().DoubleValue())));
  } catch (const std::range_error& e) {
    Napi::RangeError::New(env, name + ": " + e.what()).ThrowAsJavaScriptException();
  } catch (const std::bad_alloc&) {
    Napi::RangeError::New(env, name + ": out of memory").ThrowAsJavaScriptException();
  } catch (const std::system_error& e) {
    Napi::Error::New(env, name + ": " + e.what()).ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace

Napi::Value probe_triad(const Napi::CallbackInfo& info) { return probe<triad_gbs>(info); }
Napi::Value probe_sum(const Napi::CallbackInfo& info) { return probe<sum_gbs>(info); }
Napi::Value probe_peak_fma(const Napi::CallbackInfo& info) { return probe<peak_gflops>(info); }

}  // namespace tapeflow::probes
