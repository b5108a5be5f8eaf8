// The converter's progress bar on the terminal: tensors and bytes done, rate and time left,
// redrawn in place on a TTY; elsewhere only the closing summary line. --quiet: nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace openarc::convert {

class Progress {
 public:
  Progress(size_t total_tensors, size_t total_bytes, bool quiet, std::FILE* out = stderr);
  void step(const std::string& name, size_t bytes);
  void finish(const std::string& summary);

  // "[#######.......]  12/50 tensors  3.1/10.0 MB  25.3 MB/s  ETA 0:03" (for tests).
  static std::string render(size_t done_tensors, size_t total_tensors, size_t done_bytes, size_t total_bytes,
                            double seconds, size_t width = 30);

 private:
  size_t total_tensors_, total_bytes_, done_tensors_ = 0, done_bytes_ = 0;
  bool quiet_, tty_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace openarc::convert
