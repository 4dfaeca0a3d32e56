#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "platform.h"

namespace tapeflow {
namespace {

// A job is published as `claim_` = (generation << 32) | next task index; a thread takes a task
// by a compare-exchange that also checks the generation, so a worker that wakes late can never
// take a task of a later job. The caller returns once `done_` reaches the task count: every
// task it counts was claimed in this generation, so `job_` stays valid while any task runs.
//
// Failures. A task that throws (std::bad_alloc from a kernel's scratch, say) is counted done
// like any other; the first exception of the job is kept and rethrown by the caller once every
// task has finished, so an exception never leaves a worker thread (which would call
// std::terminate). A worker that cannot be created (std::system_error: the OS is out of threads
// or address space) ends the growth: the pool keeps the threads it has, and `size()` says how
// many that is.
class Pool {
 public:
  explicit Pool(int threads) { start(threads); }

  int size() { return size_; }

  void resize(int threads) {
    std::lock_guard<std::mutex> busy(run_mutex_);
    stop();
    start(threads);
  }

  void run(int64_t n_tasks, const std::function<void(int64_t)>& fn) {
    if (n_tasks <= 0) return;
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (n_tasks == 1 || size_ <= 1 || !busy.owns_lock() || n_tasks >= (int64_t(1) << 31)) {
      for (int64_t t = 0; t < n_tasks; t++) fn(t);
      return;
    }
    const uint64_t gen = (claim_.load(std::memory_order_relaxed) >> 32) + 1;
    job_.store(&fn, std::memory_order_relaxed);
    total_.store(n_tasks, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    claim_.store(gen << 32, std::memory_order_seq_cst);  // publishes job_, total_, done_
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_all();
    }
    work(gen);
    // Wait for tasks other threads are still running: spin ~100 µs, then yield the core.
    // (work() never throws: a task's exception is kept in error_ and rethrown below.)
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    bool spin = true;
    for (int i = 0; done_.load(std::memory_order_acquire) < n_tasks; i++) {
      if (spin) {
        TAPEFLOW_PAUSE();
        if ((i & 63) == 63) spin = std::chrono::steady_clock::now() < until;
      } else {
        std::this_thread::yield();
      }
    }
    if (failed_.load(std::memory_order_acquire)) {
      std::exception_ptr e;
      {
        std::lock_guard<std::mutex> lock(error_mutex_);
        e = error_;
        error_ = nullptr;
      }
      failed_.store(false, std::memory_order_relaxed);
      std::rethrow_exception(e);
    }
  }

 private:
  // Runs tasks of generation `gen` until none is left.
  void work(uint64_t gen) {
    uint64_t c = claim_.load(std::memory_order_acquire);
    for (;;) {
      if ((c >> 32) != gen) return;
      const int64_t t = int64_t(c & 0xffffffffu);
      if (t >= total_.load(std::memory_order_relaxed)) return;
      if (!claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      try {
        (*job_.load(std::memory_order_relaxed))(t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
        failed_.store(true, std::memory_order_release);
      }
      done_.fetch_add(1, std::memory_order_release);
      c = claim_.load(std::memory_order_acquire);
    }
  }

  void loop() {
    uint64_t seen = claim_.load(std::memory_order_acquire) >> 32;
    for (;;) {
      // Spin ~50 µs for the next job, then sleep.
      uint64_t gen = claim_.load(std::memory_order_acquire) >> 32;
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
      for (int i = 0; gen == seen && !quit_.load(std::memory_order_relaxed); i++) {
        TAPEFLOW_PAUSE();
        gen = claim_.load(std::memory_order_acquire) >> 32;
        if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
      }
      if (gen == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        wake_.wait(lock, [&] {
          return quit_.load(std::memory_order_relaxed) || (claim_.load(std::memory_order_seq_cst) >> 32) != seen;
        });
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
        gen = claim_.load(std::memory_order_acquire) >> 32;
      }
      if (quit_.load(std::memory_order_relaxed)) return;
      seen = gen;
      work(gen);
    }
  }

  // Starts threads - 1 workers, or as many as the system allows (at least none: the caller
  // alone is a pool of one). Never throws.
  void start(int threads) {
    quit_ = false;
    const int wanted = threads < 1 ? 0 : threads - 1;
    try {
      workers_.reserve(size_t(wanted));
      for (int i = 0; i < wanted; i++) workers_.emplace_back([this] { loop(); });
    } catch (...) {
      // std::system_error (no more threads) or std::bad_alloc: keep the workers started so far
    }
    size_ = 1 + int(workers_.size());
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex run_mutex_;  // held by the one caller using the pool
  std::mutex mutex_;      // guards sleeping only
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  std::atomic<const std::function<void(int64_t)>*> job_{nullptr};
  std::atomic<int64_t> total_{0};
  std::atomic<uint64_t> claim_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> quit_{false};
  std::mutex error_mutex_;      // guards error_
  std::exception_ptr error_;    // the current job's first exception
  std::atomic<bool> failed_{false};
  int size_ = 1;
};

int default_threads() {
  if (const char* env = std::getenv("TAPEFLOW_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 1024) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? int(hw) : 1;
}

// Deliberately never destroyed: idle workers simply end with the process.
Pool& pool() {
  static Pool* p = new Pool(default_threads());
  return *p;
}

}  // namespace

int num_threads() { return pool().size(); }
void set_num_threads(int n) { pool().resize(n); }
void parallel_for(int64_t n_tasks, const std::function<void(int64_t)>& fn) { pool().run(n_tasks, fn); }

void parallel_range(int64_t n, int64_t grain, int64_t min_parallel, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (n < min_parallel || num_threads() <= 1) {
    fn(0, n);
    return;
  }
  int64_t tasks = (n + grain - 1) / grain;
  parallel_for(tasks, [&](int64_t t) {
    int64_t b = t * grain, e = b + grain < n ? b + grain : n;
    fn(b, e);
  });
}

float* thread_scratch(int slot, int64_t n) {
  struct Buf {
    std::unique_ptr<float[]> p;
    int64_t cap = 0;
  };
  thread_local Buf bufs[kScratchSlots];
  Buf& b = bufs[slot];
  if (b.cap < n) {
    b.p.reset(new float[size_t(n + 16)]);
    b.cap = n;
  }
  uintptr_t p = reinterpret_cast<uintptr_t>(b.p.get());
  return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
}

}  // namespace tapeflow
