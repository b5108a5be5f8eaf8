// Counters for GET /metrics (Prometheus text exposition, names prefixed openarc_).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "llm/perf_metrics.h"

namespace openarc::server {

class ModelRegistry;
struct TransportStats;

class Metrics {
 public:
  void request(const std::string& route, int status);
  // One finished generation.
  void generation(const std::string& model, const llm::PerfMetrics& metrics);
  std::string exposition(const ModelRegistry& registry) const;
  // The HTTP transport's gauges, when a server runs (set by Server).
  const TransportStats* transport = nullptr;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  struct PerModel {
    int64_t generations = 0, prompt_tokens = 0, output_tokens = 0;
    int64_t draft_tokens = 0, draft_accepted_tokens = 0;  // speculative decoding
    double ttft_ms_sum = 0, last_decode_tps = 0;
    std::vector<int64_t> ttft_buckets = std::vector<int64_t>(kTtftBounds.size());  // cumulative-to-be counts
  };
  // Upper bounds of the time-to-first-token histogram's buckets, in seconds (+Inf is the count).
  static constexpr std::array<double, 10> kTtftBounds = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  std::map<std::string, PerModel> models_;
};

}  // namespace openarc::server
