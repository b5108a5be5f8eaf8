#include "convert/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace openarc::convert {

namespace {

std::string megabytes(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / 1e6);
  return buf;
}

std::string clock_time(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

Progress::Progress(size_t total_tensors, size_t total_bytes, bool quiet, std::FILE* out)
    : total_tensors_(total_tensors), total_bytes_(total_bytes), quiet_(quiet), tty_(isatty(fileno(out)) == 1), out_(out),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

std::string Progress::render(size_t done_tensors, size_t total_tensors, size_t done_bytes, size_t total_bytes,
                             double seconds, size_t width) {
  double frac = total_bytes ? static_cast<double>(done_bytes) / static_cast<double>(total_bytes)
                : total_tensors ? static_cast<double>(done_tensors) / static_cast<double>(total_tensors)
                                : 1.0;
  frac = std::clamp(frac, 0.0, 1.0);
  size_t filled = static_cast<size_t>(frac * static_cast<double>(width));
  std::string bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
  double rate = seconds > 0 ? static_cast<double>(done_bytes) / seconds : 0.0;
  std::string eta = rate > 0 && done_bytes < total_bytes
                        ? clock_time(static_cast<double>(total_bytes - done_bytes) / rate)
                        : std::string("0:00");
  return cat(bar, " ", done_tensors, "/", total_tensors, " tensors  ", megabytes(done_bytes), "/",
             megabytes(total_bytes), " MB  ", megabytes(static_cast<size_t>(rate)), " MB/s  ETA ", eta);
}

void Progress::step(const std::string&, size_t bytes) {
  ++done_tensors_;
  done_bytes_ += bytes;
  if (quiet_ || !tty_) return;
  auto now = std::chrono::steady_clock::now();
  // Redraw at most ten times a second, and always for the last tensor.
  if (now - last_draw_ < std::chrono::milliseconds(100) && done_tensors_ < total_tensors_) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  std::fprintf(out_, "\r%s", render(done_tensors_, total_tensors_, done_bytes_, total_bytes_, secs).c_str());
  std::fflush(out_);
}

void Progress::finish(const std::string& summary) {
  if (quiet_) return;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (tty_) std::fprintf(out_, "\r%s\n", render(done_tensors_, total_tensors_, done_bytes_, total_bytes_, secs).c_str());
  std::fprintf(out_, "%s (%.1f s)\n", summary.c_str(), secs);
  std::fflush(out_);
}

}  // namespace openarc::convert
