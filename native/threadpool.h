// A persistent thread pool shared by every kernel (and every Node worker thread using the addon).
//
// `parallel_for(n, fn)` runs fn(0) … fn(n-1) on the pool and the calling thread, and returns when
// all are done. Kernels split work into tasks whose boundaries depend only on the problem (never
// on the thread count) and combine per-task results in task order, so results are identical for
// any number of threads. If the pool is busy (another JS thread is inside a kernel), the caller
// runs its tasks itself. Size: TAPEFLOW_NUM_THREADS, default the hardware threads.
//
// Waking: a parallel_for publishes its tasks with one atomic store; workers spin for a short
// while after each job (so back-to-back kernels find them awake) before sleeping on a condition
// variable. The caller claims tasks too and waits only for tasks, never for a worker to wake, so
// a descheduled or sleeping worker costs nothing beyond the caller doing all tasks itself.
//
// Thresholds (elements below which a kernel stays on one thread) live here, measured on the
// reference machine (2 vCPUs, AVX-512): a job handed to a spinning worker costs ~1 µs, one that
// must wake a sleeping worker ~5-10 µs, so a task must be bigger.
#pragma once

#include <cstdint>
#include <functional>

namespace tapeflow {

// Elementwise (memory-bound) ops: split above this many elements, in chunks of kElementwiseGrain.
constexpr int64_t kElementwiseMin = 1 << 17;
constexpr int64_t kElementwiseGrain = 1 << 15;
// Transcendental unary ops (exp, tanh, …) cost ~10× more per element.
constexpr int64_t kTranscendentalMin = 1 << 14;
// Reductions: fixed chunk size of the all-axes reduction (also defines the summation order).
constexpr int64_t kReduceChunk = 1 << 15;
// Matmul: thread a product when m·n·k exceeds this (below, one thread is as fast: measured).
constexpr int64_t kMatmulMinFlops = 1 << 21;

int num_threads();
// n >= 1. When the system cannot start that many threads (std::system_error), the pool keeps
// those it could start: num_threads() then says how many it has. Never throws.
void set_num_threads(int n);
void parallel_for(int64_t n_tasks, const std::function<void(int64_t)>& fn);

// fn(0) … fn(n-1): on the pool when `threaded` and there is more than one task, else in order here.
inline void run_tasks(int64_t n, bool threaded, const std::function<void(int64_t)>& fn) {
  if (threaded && n > 1) parallel_for(n, fn);
  else for (int64_t t = 0; t < n; t++) fn(t);
}

// Grow-only, 64-byte-aligned float scratch of the calling thread, one buffer per slot, so that
// nested users never share one: 0 packed B and 1 packed A (matmul.cc), 2 im2col columns (conv.cc),
// 3 one head's packed operands (attention.cc).
constexpr int kScratchSlots = 4;
float* thread_scratch(int slot, int64_t n);

// Splits [0, n) into fixed chunks of `grain` and runs fn(begin, end) for each, in parallel when
// n >= min_parallel.
void parallel_range(int64_t n, int64_t grain, int64_t min_parallel, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace tapeflow
