// Counters for GET /metrics (Prometheus text exposition, names prefixed openarc_).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

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
  };
  std::map<std::string, PerModel> models_;
};

}  // namespace openarc::server
