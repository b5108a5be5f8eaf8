#include "server/metrics.h"

#include <sstream>
#include <vector>

#include "server/http_server.h"
#include "server/model_registry.h"

namespace openarc::server {
namespace {

std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::request(const std::string& route, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, status}];
}

void Metrics::generation(const std::string& model, const llm::PerfMetrics& g) {
  std::lock_guard<std::mutex> lock(mu_);
  PerModel& m = models_[model];
  ++m.generations;
  m.prompt_tokens += g.input_tokens;
  m.output_tokens += g.output_tokens;
  m.draft_tokens += g.draft_tokens;
  m.draft_accepted_tokens += g.draft_accepted_tokens;
  m.ttft_ms_sum += g.ttft_ms;
  for (size_t b = 0; b < kTtftBounds.size(); ++b)
    if (g.ttft_ms / 1000 <= kTtftBounds[b]) {
      ++m.ttft_buckets[b];
      break;
    }
  if (const double tps = g.decode_tokens_per_second(); tps > 0) m.last_decode_tps = tps;
}

std::string Metrics::exposition(const ModelRegistry& registry) const {
  std::ostringstream o;
  std::lock_guard<std::mutex> lock(mu_);
  o << "# HELP openarc_requests_total HTTP requests by route and status.\n# TYPE openarc_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    o << "openarc_requests_total{route=\"" << label(key.first) << "\",status=\"" << key.second << "\"} " << n << "\n";
  o << "# HELP openarc_request_errors_total HTTP requests answered with an error, by status.\n"
       "# TYPE openarc_request_errors_total counter\n";
  std::map<int, int64_t> errors;
  for (const auto& [key, n] : requests_)
    if (key.second >= 400) errors[key.second] += n;
  for (const auto& [status, n] : errors) o << "openarc_request_errors_total{status=\"" << status << "\"} " << n << "\n";
  o << "# HELP openarc_generations_total Finished generations.\n# TYPE openarc_generations_total counter\n";
  for (const auto& [model, m] : models_) o << "openarc_generations_total{model=\"" << label(model) << "\"} " << m.generations << "\n";
  o << "# HELP openarc_prompt_tokens_total Prompt tokens processed.\n# TYPE openarc_prompt_tokens_total counter\n";
  for (const auto& [model, m] : models_) o << "openarc_prompt_tokens_total{model=\"" << label(model) << "\"} " << m.prompt_tokens << "\n";
  o << "# HELP openarc_output_tokens_total Tokens generated.\n# TYPE openarc_output_tokens_total counter\n";
  for (const auto& [model, m] : models_) o << "openarc_output_tokens_total{model=\"" << label(model) << "\"} " << m.output_tokens << "\n";
  o << "# HELP openarc_draft_tokens_total Speculative draft tokens proposed and verified.\n"
       "# TYPE openarc_draft_tokens_total counter\n";
  for (const auto& [model, m] : models_) o << "openarc_draft_tokens_total{model=\"" << label(model) << "\"} " << m.draft_tokens << "\n";
  o << "# HELP openarc_draft_accepted_tokens_total Speculative draft tokens the sampler took.\n"
       "# TYPE openarc_draft_accepted_tokens_total counter\n";
  for (const auto& [model, m] : models_)
    o << "openarc_draft_accepted_tokens_total{model=\"" << label(model) << "\"} " << m.draft_accepted_tokens << "\n";
  o << "# HELP openarc_time_to_first_token_seconds Time to first token (template, tokenizer and prefill).\n"
       "# TYPE openarc_time_to_first_token_seconds histogram\n";
  for (const auto& [model, m] : models_) {
    const std::string l = label(model);
    int64_t below = 0;
    for (size_t b = 0; b < kTtftBounds.size(); ++b) {
      below += m.ttft_buckets[b];
      o << "openarc_time_to_first_token_seconds_bucket{model=\"" << l << "\",le=\"" << kTtftBounds[b] << "\"} " << below << "\n";
    }
    o << "openarc_time_to_first_token_seconds_bucket{model=\"" << l << "\",le=\"+Inf\"} " << m.generations << "\n";
    o << "openarc_time_to_first_token_seconds_sum{model=\"" << l << "\"} " << m.ttft_ms_sum / 1000 << "\n";
    o << "openarc_time_to_first_token_seconds_count{model=\"" << l << "\"} " << m.generations << "\n";
  }
  o << "# HELP openarc_decode_tokens_per_second Decode speed of the last generation.\n# TYPE openarc_decode_tokens_per_second gauge\n";
  for (const auto& [model, m] : models_)
    o << "openarc_decode_tokens_per_second{model=\"" << label(model) << "\"} " << m.last_decode_tps << "\n";
  std::vector<std::shared_ptr<ModelEntry>> loaded;
  for (const auto& e : registry.all())
    if (e->status == "loaded") loaded.push_back(e);
  o << "# HELP openarc_requests_processing Generations running on a model now.\n"
       "# TYPE openarc_requests_processing gauge\n";
  for (const auto& e : loaded) o << "openarc_requests_processing{model=\"" << label(e->name) << "\"} " << (e->busy() ? 1 : 0) << "\n";
  o << "# HELP openarc_requests_deferred Requests waiting for their turn on a model.\n"
       "# TYPE openarc_requests_deferred gauge\n";
  for (const auto& e : loaded) o << "openarc_requests_deferred{model=\"" << label(e->name) << "\"} " << e->queued() << "\n";
  o << "# HELP openarc_model_memory_bytes Weight bytes of each loaded model.\n# TYPE openarc_model_memory_bytes gauge\n";
  for (const auto& e : loaded)
    o << "openarc_model_memory_bytes{model=\"" << label(e->name) << "\"} " << e->pipeline->info().weight_bytes << "\n";
  if (transport) {
    o << "# HELP openarc_requests_in_flight HTTP requests received and not yet answered in full.\n"
         "# TYPE openarc_requests_in_flight gauge\nopenarc_requests_in_flight "
      << transport->requests_in_flight.load() << "\n";
    o << "# HELP openarc_http_connections Open HTTP connections.\n# TYPE openarc_http_connections gauge\n"
         "openarc_http_connections "
      << transport->connections.load() << "\n";
    o << "# HELP openarc_http_connections_refused_total Connections refused over a connection cap.\n"
         "# TYPE openarc_http_connections_refused_total counter\nopenarc_http_connections_refused_total "
      << transport->connections_refused.load() << "\n";
    o << "# HELP openarc_http_timeouts_total Header, body, idle and write deadlines that fired.\n"
         "# TYPE openarc_http_timeouts_total counter\nopenarc_http_timeouts_total "
      << transport->timeouts.load() << "\n";
  }
  o << "# HELP openarc_models_loaded Number of loaded models.\n# TYPE openarc_models_loaded gauge\nopenarc_models_loaded "
    << loaded.size() << "\n";
  return o.str();
}

}  // namespace openarc::server
