// One persistent pool of worker threads for the kernels (DESIGN.md: "Threads come from one
// persistent pool sized by INFERENCE_NUM_THREADS").
//
// parallel_for(begin, end, grain, f) cuts [begin, end) into chunks of at least `grain` indices,
// calls f(chunk_begin, chunk_end) for each on the workers and on the calling thread, waits for all
// of them and rethrows the first exception. It runs f(begin, end) inline when the range makes one
// chunk, when the pool has one thread, or when called from inside a chunk (no nested parallelism,
// so no deadlock). Which thread runs a chunk varies; how a kernel splits its work must therefore
// never change what an output element is computed from, or in which order.
//
// Choosing the pool: ops' evaluate() has no context parameter, so the pool a kernel uses is the
// calling thread's "current pool" (a thread_local pointer). InferRequest::infer sets it for the
// duration of the call from CompileOptions::num_threads (shared_pool(n): one persistent pool per
// size, created on first use and kept for the process); everything else (constant folding,
// tests) uses default_pool(), sized to the cores.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace openarc {

class ThreadPool {
 public:
  // `threads` counts the calling thread: a pool of n starts n - 1 workers. n < 1 means 1.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  template <class F>
  void parallel_for(int64_t begin, int64_t end, int64_t grain, F&& f) {
    if (end <= begin) return;
    int64_t chunks = chunk_count(end - begin, grain);
    if (chunks <= 1 || in_task()) {
      f(begin, end);
      return;
    }
    using Fn = std::remove_reference_t<F>;
    run(begin, end, chunks, [](void* ctx, int64_t lo, int64_t hi) { (*static_cast<Fn*>(ctx))(lo, hi); },
        const_cast<void*>(static_cast<const void*>(&f)));
  }

  // True on a thread that is running a chunk of some pool's parallel_for.
  static bool in_task();

  // How many times a worker thread has been started; stays at size() - 1 for the pool's life
  // (tests check that the workers persist across calls).
  int64_t threads_started() const { return threads_started_; }

 private:
  using ChunkFn = void (*)(void* ctx, int64_t lo, int64_t hi);
  struct Job;

  int64_t chunk_count(int64_t n, int64_t grain) const;
  void run(int64_t begin, int64_t end, int64_t chunks, ChunkFn fn, void* ctx);
  void worker_loop();
  static void work_on(Job& job);

  std::vector<std::thread> workers_;
  std::mutex submit_mu_;  // one job at a time; other external callers wait their turn
  std::mutex mu_;         // guards job_, generation_, active_, stop_
  std::condition_variable wake_, idle_;
  Job* job_ = nullptr;
  uint64_t generation_ = 0;
  std::atomic<uint64_t> published_{0};  // generation_, readable without mu_ (the workers' spin)
  std::atomic<int> running_{0};           // active_, readable without mu_ (the caller's spin)
  static constexpr int kSpinMicros = 200;
  int active_ = 0;  // workers inside job_
  bool stop_ = false;
  int64_t threads_started_ = 0;
};

// The process-wide pool sized to the cores.
ThreadPool& default_pool();
// A persistent pool of `threads` threads (0 or less: default_pool()), one per size per process.
ThreadPool& shared_pool(int threads);
// The pool kernels on this thread use: the innermost ScopedPool's, else default_pool().
ThreadPool& current_pool();

// Makes `pool` the current pool of this thread until the scope ends.
class ScopedPool {
 public:
  explicit ScopedPool(ThreadPool& pool);
  ~ScopedPool();
  ScopedPool(const ScopedPool&) = delete;
  ScopedPool& operator=(const ScopedPool&) = delete;

 private:
  ThreadPool* previous_;
};

// parallel_for on the current pool.
template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, F&& f) {
  current_pool().parallel_for(begin, end, grain, std::forward<F>(f));
}

}  // namespace openarc
