// The machine's load as GET /openarc/metrics reports it: CPU usage over a short sample and RAM,
// read from Linux's /proc (the figures psutil gives OpenArc 2.x).
#pragma once

#include <cstdint>
#include <optional>

namespace openarc::server {

struct MemoryUsage {
  int64_t total_bytes = 0;
  int64_t used_bytes = 0;       // total less what the kernel counts available (MemAvailable)
  int64_t process_rss_bytes = 0;  // this server's resident memory
};

// Percent of all CPUs busy over `sample_ms`; nullopt when /proc/stat cannot be read.
std::optional<double> cpu_usage_percent(int sample_ms = 100);
// nullopt when /proc/meminfo cannot be read.
std::optional<MemoryUsage> memory_usage();

}  // namespace openarc::server
