// PerfMetrics: the figures of one generation, and PerfRecorder, which takes them from clock
// readings (passed in, so tests can drive it with made-up times).
//
// Timeline: start (the prompt begins to be rendered; a wait in a queue after that is not counted)
// -> tokenized (prompt rendered and encoded; prefill begins)
// -> first token -> ... -> last token -> finish.
//   ttft_ms    start -> first token (tokenization + prefill + first sample)
//   prefill_ms tokenized -> first token: the prompt_tokens - cached_tokens tokens actually run
//   decode_ms  first token -> last token: the output_tokens - 1 tokens after the first
//   tpot       the intervals between consecutive output tokens: mean and standard deviation
//              (with speculative decoding, tokens of one verified draft come out together)
#pragma once

#include <chrono>
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "llm/finish_reason.h"

namespace openarc::llm {

// Count, mean and spread of a stream of values (Welford's update: no stored samples).
struct RunningStats {
  int64_t count = 0;
  double mean = 0;
  double m2 = 0;  // sum of squared deviations from the mean

  void add(double x);
  double sum() const { return mean * static_cast<double>(count); }
  double stddev() const;  // population standard deviation; 0 for fewer than 2 values
};

struct PerfMetrics {
  double load_ms = 0;  // the model's load time (set by whoever loaded it)
  double tokenize_ms = 0;
  double ttft_ms = 0;
  double prefill_ms = 0;
  double generation_ms = 0;  // start -> finish
  int64_t input_tokens = 0;
  int64_t cached_tokens = 0;  // prompt tokens whose KV state was reused
  int64_t output_tokens = 0;
  RunningStats token_interval_ms;
  FinishReason finish_reason = FinishReason::none;
  // Speculative decoding (prompt lookup), when the request turned it on.
  bool speculative = false;
  int64_t draft_tokens = 0;           // proposed and verified
  int64_t draft_accepted_tokens = 0;  // of them, the ones the sampler picked

  int64_t prefilled_tokens() const { return input_tokens - cached_tokens; }
  double decode_ms() const { return token_interval_ms.sum(); }
  double tpot_mean_ms() const { return token_interval_ms.mean; }
  double tpot_std_ms() const { return token_interval_ms.stddev(); }
  double prefill_tokens_per_second() const;  // 0 when nothing was timed
  double decode_tokens_per_second() const;

  double draft_acceptance_rate() const;  // 0 when nothing was drafted

  // /v1 `timings` (llama.cpp's names): prompt_n, cache_n, prompt_ms, prompt_per_second,
  // predicted_n, predicted_ms, predicted_per_token_ms, predicted_per_second, ttft_ms; with
  // speculative decoding also draft_n and draft_n_accepted.
  nlohmann::json timings_json() const;
  // /optimum/generate `performance_metrics`.
  nlohmann::json performance_metrics_json() const;
  // OpenAI `usage`.
  nlohmann::json usage_json() const;
};

class PerfRecorder {
 public:
  using Clock = std::chrono::steady_clock;

  explicit PerfRecorder(Clock::time_point start = Clock::now(), double load_ms = 0);

  void tokenized(int64_t input_tokens, int64_t cached_tokens, Clock::time_point now = Clock::now());
  void token(Clock::time_point now = Clock::now());  // one output token is ready
  void drafts(int64_t proposed, int64_t accepted);    // adds one sequence's speculation counts
  const PerfMetrics& finish(FinishReason reason, Clock::time_point now = Clock::now());

  const PerfMetrics& metrics() const { return m_; }

 private:
  Clock::time_point start_, tokenized_, last_token_;
  PerfMetrics m_;
};

}  // namespace openarc::llm
