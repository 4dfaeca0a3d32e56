#include "threadpool.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace tapeflow {
namespace {

class Pool {
 public:
  explicit Pool(int threads) { start(threads); }

  int size() {
    return size_;
  }

  void resize(int threads) {
    std::lock_guard<std::mutex> busy(run_mutex_);
    stop();
    start(threads);
  }

  void run(int64_t n_tasks, const std::function<void(int64_t)>& fn) {
    if (n_tasks <= 0) return;
    std::unique_lock<std::mutex> busy(run_mutex_, std::try_to_lock);
    if (n_tasks == 1 || size_ <= 1 || !busy.owns_lock()) {
      for (int64_t t = 0; t < n_tasks; t++) fn(t);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn;
      total_ = n_tasks;
      next_.store(0);
      finished_ = 0;
      generation_++;
    }
    wake_.notify_all();
    work();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return finished_ == int(workers_.size()); });
    job_ = nullptr;
  }

 private:
  void work() {
    const std::function<void(int64_t)>& fn = *job_;
    for (int64_t t; (t = next_.fetch_add(1)) < total_;) fn(t);
  }

  void loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
      }
      work();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_++;
      }
      done_.notify_one();
    }
  }

  void start(int threads) {
    size_ = threads < 1 ? 1 : threads;
    quit_ = false;
    for (int i = 1; i < size_; i++) workers_.emplace_back([this] { loop(); });
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
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t total_ = 0;
  std::atomic<int64_t> next_{0};
  int finished_ = 0;
  uint64_t generation_ = 0;
  bool quit_ = false;
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

}  // namespace tapeflow
