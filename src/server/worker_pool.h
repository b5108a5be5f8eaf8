// The threads route handlers run on, off the event loop. A handler may block for minutes (a
// generation waits for its turn at the model, then streams), so the pool grows a thread whenever
// a task arrives and none is free, up to `max_threads`; a thread idle for `linger` exits, down
// to `min_threads`. Tasks past max_threads wait in arrival order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace openarc::server {

class WorkerPool {
 public:
  WorkerPool(int min_threads, int max_threads, std::chrono::milliseconds linger = std::chrono::seconds(10));
  ~WorkerPool();  // runs the queued tasks, then joins every thread
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> task);
  int threads() const;

 private:
  void run();

  const int min_threads_, max_threads_;
  const std::chrono::milliseconds linger_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;        // every thread started; exited ones are joined later
  std::vector<std::thread::id> exited_;     // threads that left run() and wait to be joined
  int alive_ = 0, idle_ = 0;
  bool closing_ = false;
};

}  // namespace openarc::server
