// A cancellation token: the caller (an HTTP handler whose client disconnected, a Ctrl-C handler)
// trips it from any thread; the generation loop checks it between tokens. Copies share one flag,
// so the caller keeps a copy and hands another to the pipeline.
#pragma once

#include <atomic>
#include <memory>

namespace openarc::llm {

class CancellationToken {
 public:
  CancellationToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}

  void cancel() const noexcept { flag_->store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return flag_->load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

}  // namespace openarc::llm
