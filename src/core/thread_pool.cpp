#include "core/thread_pool.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>

namespace openarc {
namespace {

thread_local bool t_in_task = false;
thread_local ThreadPool* t_current = nullptr;

// Marks the thread as running a chunk, so that a parallel_for inside it runs inline.
struct TaskScope {
  bool previous = t_in_task;
  TaskScope() { t_in_task = true; }
  ~TaskScope() { t_in_task = previous; }
};

}  // namespace

// One parallel_for in flight: chunk c covers [begin + c*n/chunks, begin + (c+1)*n/chunks).
struct ThreadPool::Job {
  ChunkFn fn;
  void* ctx;
  int64_t begin, end, chunks;
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mu;
  std::exception_ptr error;
};

ThreadPool::ThreadPool(int threads) {
  int workers = std::max(threads, 1) - 1;
  workers_.reserve(static_cast<size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    workers_.emplace_back([this] { worker_loop(); });
    ++threads_started_;
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

bool ThreadPool::in_task() { return t_in_task; }

int64_t ThreadPool::chunk_count(int64_t n, int64_t grain) const {
  if (size() == 1) return 1;
  grain = std::max<int64_t>(grain, 1);
  int64_t by_grain = n / grain + (n % grain != 0);
  // A few chunks per thread: a thread slowed by the rest of the machine holds up less work.
  return std::min<int64_t>(by_grain, int64_t{4} * size());
}

void ThreadPool::work_on(Job& job) {
  TaskScope scope;
  const int64_t n = job.end - job.begin;
  for (int64_t c; (c = job.next.fetch_add(1, std::memory_order_relaxed)) < job.chunks;) {
    if (job.failed.load(std::memory_order_relaxed)) continue;  // skip the rest after an error
    int64_t lo = job.begin + c * n / job.chunks, hi = job.begin + (c + 1) * n / job.chunks;
    try {
      job.fn(job.ctx, lo, hi);
    } catch (...) {
      std::lock_guard<std::mutex> lock(job.error_mu);
      if (!job.error) job.error = std::current_exception();
      job.failed.store(true, std::memory_order_relaxed);
    }
  }
}

void ThreadPool::run(int64_t begin, int64_t end, int64_t chunks, ChunkFn fn, void* ctx) {
  std::lock_guard<std::mutex> submit(submit_mu_);
  Job job{fn, ctx, begin, end, chunks};
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &job;
    ++generation_;
    published_.store(generation_, std::memory_order_release);
  }
  wake_.notify_all();
  work_on(job);  // the caller takes chunks too; when it finds none left, each is taken
  // The workers' last chunks end within microseconds at decode: watch rather than sleep.
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
  for (int i = 0; running_.load(std::memory_order_acquire) > 0; ++i) {
    _mm_pause();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
  }
  {
    // No worker may join from now on; wait for those inside to finish their chunks.
    std::unique_lock<std::mutex> lock(mu_);
    job_ = nullptr;
    idle_.wait(lock, [&] { return active_ == 0; });
  }
  if (job.error) std::rethrow_exception(job.error);
}

void ThreadPool::worker_loop() {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // A decode step submits hundreds of short jobs back to back: a worker that has just finished
    // one watches for the next for a moment before it sleeps, since a futex wake-up costs more
    // than such a job. Idle, it sleeps (no spinning).
    if (!(stop_ || (job_ && generation_ != seen))) {
      lock.unlock();
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
      for (int i = 0; published_.load(std::memory_order_acquire) == seen; ++i) {
        _mm_pause();
        if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
      }
      lock.lock();
    }
    wake_.wait(lock, [&] { return stop_ || (job_ && generation_ != seen); });
    if (stop_) return;
    seen = generation_;
    Job* job = job_;
    ++active_;
    running_.fetch_add(1, std::memory_order_relaxed);
    lock.unlock();
    work_on(*job);
    lock.lock();
    running_.fetch_sub(1, std::memory_order_release);
    if (--active_ == 0) idle_.notify_all();
  }
}

ThreadPool& default_pool() {
  static ThreadPool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return pool;
}

ThreadPool& shared_pool(int threads) {
  if (threads <= 0 || threads == default_pool().size()) return default_pool();
  static std::mutex mu;
  static std::map<int, std::unique_ptr<ThreadPool>>* pools = new std::map<int, std::unique_ptr<ThreadPool>>;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<ThreadPool>& p = (*pools)[threads];
  if (!p) p = std::make_unique<ThreadPool>(threads);
  return *p;
}

ThreadPool& current_pool() { return t_current ? *t_current : default_pool(); }

ScopedPool::ScopedPool(ThreadPool& pool) : previous_(t_current) { t_current = &pool; }
ScopedPool::~ScopedPool() { t_current = previous_; }

}  // namespace openarc
