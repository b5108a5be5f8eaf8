// Counters for GET /metrics (Prometheus text exposition, names prefixed openarc_).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace openarc::server {

class ModelRegistry;

class Metrics {
 public:
  void request(const std::string& route, int status);
  // One finished generation.
  void generation(const std::string& model, int64_t prompt_tokens, int64_t output_tokens, double ttft_ms,
                  double decode_tokens_per_second);
  std::string exposition(const ModelRegistry& registry) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  struct PerModel {
    int64_t generations = 0, prompt_tokens = 0, output_tokens = 0;
    double ttft_ms_sum = 0, last_decode_tps = 0;
  };
  std::map<std::string, PerModel> models_;
};

}  // namespace openarc::server
