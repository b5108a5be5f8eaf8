#include "server/worker_pool.h"

#include <algorithm>

namespace openarc::server {

WorkerPool::WorkerPool(int min_threads, int max_threads, std::chrono::milliseconds linger)
    : min_threads_(std::max(0, min_threads)), max_threads_(std::max(1, max_threads)), linger_(linger) {}

WorkerPool::~WorkerPool() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (std::thread& t : threads) t.join();
}

void WorkerPool::submit(std::function<void()> task) {
  std::vector<std::thread> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    // Join the threads that exited since the last submit, so their handles do not pile up.
    for (std::thread::id id : exited_) {
      auto it = std::find_if(threads_.begin(), threads_.end(), [id](const std::thread& t) { return t.get_id() == id; });
      if (it != threads_.end()) {
        finished.push_back(std::move(*it));
        threads_.erase(it);
      }
    }
    exited_.clear();
    if (idle_ < static_cast<int>(tasks_.size()) && alive_ < max_threads_) {
      ++alive_;
      threads_.emplace_back([this] { run(); });
    }
  }
  cv_.notify_one();
  for (std::thread& t : finished) t.join();
}

int WorkerPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return alive_;
}

void WorkerPool::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    ++idle_;
    bool woke = cv_.wait_for(lock, linger_, [this] { return !tasks_.empty() || closing_; });
    --idle_;
    if (tasks_.empty() && (closing_ || (!woke && alive_ > min_threads_))) break;
    if (tasks_.empty()) continue;
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // destroy what the task captured before taking the lock again
    lock.lock();
  }
  --alive_;
  if (!closing_) exited_.push_back(std::this_thread::get_id());
}

}  // namespace openarc::server
