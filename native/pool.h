// The native backend's thread pool (see Pool).
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define NEURITE_PAUSE() _mm_pause()
#else
#define NEURITE_PAUSE() std::this_thread::yield()
#endif

namespace neurite {

/**
 * Worker threads made once and kept: a job is a function of the part index, run on parts
 * 1..parts−1 by the workers and part 0 by the caller. Workers spin a little after each job
 * (a step calls several products back to back) before sleeping on a condition variable.
 */
class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  /** Runs fn(0..parts−1), growing the pool to parts−1 workers. Returns after every part ends. */
  template <typename Fn>
  void run(int parts, Fn& fn) {
    if (parts <= 1) {
      fn(0);
      return;
    }
    // Two JavaScript threads (worker_threads) calling at once: the second runs on its own thread.
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) {
      for (int p = 0; p < parts; p++) fn(p);
      return;
    }
    while (static_cast<int>(workers_.size()) < parts - 1) {
      const int index = static_cast<int>(workers_.size()) + 1;
      workers_.emplace_back([this, index] { loop(index); });
    }
    job_ = [](void* f, int part) { (*static_cast<Fn*>(f))(part); };
    ctx_ = &fn;
    parts_ = parts;
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mu_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    fn(0);
    while (pending_.load(std::memory_order_acquire) > 0) NEURITE_PAUSE();
  }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

 private:
  static constexpr int SPIN_US = 300;

  void loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      // Spin for up to SPIN_US after a job: the next product of a step usually follows within it.
      uint64_t now = generation_.load(std::memory_order_acquire);
      if (now == seen) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(SPIN_US);
        for (int spin = 1; now == seen; spin++) {
          NEURITE_PAUSE();
          now = generation_.load(std::memory_order_acquire);
          if ((spin & 63) == 0 && std::chrono::steady_clock::now() > until) break;
        }
      }
      if (now == seen) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        now = generation_.load(std::memory_order_acquire);
      }
      seen = now;
      if (stop_) return;
      if (index < parts_) job_(ctx_, index);
      pending_.fetch_sub(1, std::memory_order_release);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::mutex busy_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  void (*job_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  int parts_ = 0;
  bool stop_ = false;
};

/** The process's pool, made on first use. */
Pool& pool();

/** Work below this size stays on the calling thread: waking a worker would cost more. */
template <typename Fn>
void parallel(int parts, Fn& fn) {
  if (parts <= 1) fn(0);
  else pool().run(parts, fn);
}

}  // namespace neurite
