#include "server/system_metrics.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace openarc::server {
namespace {

struct CpuTimes {
  uint64_t busy = 0, total = 0;
};

// The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal ...
std::optional<CpuTimes> read_cpu_times() {
  std::ifstream in("/proc/stat");
  std::string label;
  if (!(in >> label) || label != "cpu") return std::nullopt;
  uint64_t v[8] = {};
  for (uint64_t& x : v)
    if (!(in >> x)) return std::nullopt;
  CpuTimes t;
  for (uint64_t x : v) t.total += x;
  t.busy = t.total - v[3] - v[4];  // less idle and iowait, as psutil counts
  return t;
}

}  // namespace

std::optional<double> cpu_usage_percent(int sample_ms) {
  auto a = read_cpu_times();
  std::this_thread::sleep_for(std::chrono::milliseconds(sample_ms));
  auto b = read_cpu_times();
  if (!a || !b) return std::nullopt;
  uint64_t total = b->total - a->total;
  if (total == 0) return 0.0;
  return 100.0 * static_cast<double>(b->busy - a->busy) / static_cast<double>(total);
}

std::optional<MemoryUsage> memory_usage() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0, total = -1, available = -1;
  std::string unit;
  while (in >> key >> kib) {
    std::getline(in, unit);
    if (key == "MemTotal:") total = kib;
    else if (key == "MemAvailable:") available = kib;
  }
  if (total < 0 || available < 0) return std::nullopt;
  MemoryUsage m;
  m.total_bytes = total * 1024;
  m.used_bytes = (total - available) * 1024;
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  if (statm >> pages >> resident) m.process_rss_bytes = resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
  return m;
}

}  // namespace openarc::server
