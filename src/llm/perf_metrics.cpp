#include "llm/perf_metrics.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace openarc::llm {

namespace {

double ms_between(PerfRecorder::Clock::time_point a, PerfRecorder::Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double per_second(double count, double ms) { return ms > 0 ? count * 1000.0 / ms : 0.0; }

}  // namespace

void RunningStats::add(double x) {
  ++count;
  const double delta = x - mean;
  mean += delta / static_cast<double>(count);
  m2 += delta * (x - mean);
}

double RunningStats::stddev() const {
  return count < 2 ? 0.0 : std::sqrt(std::max(0.0, m2 / static_cast<double>(count)));
}

double PerfMetrics::prefill_tokens_per_second() const {
  return per_second(static_cast<double>(prefilled_tokens()), prefill_ms);
}

double PerfMetrics::decode_tokens_per_second() const {
  return per_second(static_cast<double>(token_interval_ms.count), decode_ms());
}

double PerfMetrics::draft_acceptance_rate() const {
  return draft_tokens > 0 ? static_cast<double>(draft_accepted_tokens) / static_cast<double>(draft_tokens) : 0.0;
}

nlohmann::json PerfMetrics::timings_json() const {
  nlohmann::json t = {
      {"prompt_n", prefilled_tokens()},
      {"cache_n", cached_tokens},
      {"prompt_ms", prefill_ms},
      {"prompt_per_second", prefill_tokens_per_second()},
      {"predicted_n", output_tokens},
      {"predicted_ms", decode_ms()},
      {"predicted_per_token_ms", tpot_mean_ms()},
      {"predicted_per_second", decode_tokens_per_second()},
      {"ttft_ms", ttft_ms},
  };
  if (speculative) {
    t["draft_n"] = draft_tokens;
    t["draft_n_accepted"] = draft_accepted_tokens;
  }
  return t;
}

nlohmann::json PerfMetrics::performance_metrics_json() const {
  return {
      {"load_time_ms", load_ms},
      {"tokenization_time_ms", tokenize_ms},
      {"ttft_ms", ttft_ms},
      {"tpot_ms", tpot_mean_ms()},
      {"tpot_std_ms", tpot_std_ms()},
      {"prefill_tokens_per_second", prefill_tokens_per_second()},
      {"decode_tokens_per_second", decode_tokens_per_second()},
      {"input_tokens", input_tokens},
      {"output_tokens", output_tokens},
      {"cached_tokens", cached_tokens},
      {"generation_time_ms", generation_ms},
      {"finish_reason", std::string(to_string(finish_reason))},
      {"draft_tokens", draft_tokens},
      {"draft_accepted_tokens", draft_accepted_tokens},
  };
}

nlohmann::json PerfMetrics::usage_json() const {
  return {
      {"prompt_tokens", input_tokens},
      {"completion_tokens", output_tokens},
      {"total_tokens", input_tokens + output_tokens},
      {"prompt_tokens_details", {{"cached_tokens", cached_tokens}}},
  };
}

PerfRecorder::PerfRecorder(Clock::time_point start, double load_ms) : start_(start), tokenized_(start) {
  m_.load_ms = load_ms;
}

void PerfRecorder::tokenized(int64_t input_tokens, int64_t cached_tokens, Clock::time_point now) {
  tokenized_ = now;
  m_.tokenize_ms = ms_between(start_, now);
  m_.input_tokens = input_tokens;
  m_.cached_tokens = cached_tokens;
}

void PerfRecorder::token(Clock::time_point now) {
  if (m_.output_tokens == 0) {
    m_.ttft_ms = ms_between(start_, now);
    m_.prefill_ms = ms_between(tokenized_, now);
  } else {
    m_.token_interval_ms.add(ms_between(last_token_, now));
  }
  last_token_ = now;
  ++m_.output_tokens;
}

void PerfRecorder::drafts(int64_t proposed, int64_t accepted) {
  m_.speculative = true;
  m_.draft_tokens += proposed;
  m_.draft_accepted_tokens += accepted;
}

const PerfMetrics& PerfRecorder::finish(FinishReason reason, Clock::time_point now) {
  m_.finish_reason = reason;
  m_.generation_ms = ms_between(start_, now);
  return m_;
}

}  // namespace openarc::llm
