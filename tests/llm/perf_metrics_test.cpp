#include "llm/perf_metrics.h"

#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace openarc::llm {
namespace {

using Clock = PerfRecorder::Clock;
Clock::time_point at_ms(Clock::time_point t0, double ms) {
  return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}

// start 0; tokenized at 5 ms (10 prompt tokens, 4 cached); tokens at 25, 35, 45, 65; finish 70.
PerfMetrics example() {
  const auto t0 = Clock::time_point{} + std::chrono::seconds(100);
  PerfRecorder r(t0, 1500.0);
  r.tokenized(10, 4, at_ms(t0, 5));
  for (double t : {25.0, 35.0, 45.0, 65.0}) r.token(at_ms(t0, t));
  return r.finish(FinishReason::length, at_ms(t0, 70));
}

TEST(PerfMetrics, Math) {
  const auto m = example();
  EXPECT_DOUBLE_EQ(m.load_ms, 1500.0);
  EXPECT_DOUBLE_EQ(m.tokenize_ms, 5.0);
  EXPECT_DOUBLE_EQ(m.ttft_ms, 25.0);
  EXPECT_DOUBLE_EQ(m.prefill_ms, 20.0);
  EXPECT_DOUBLE_EQ(m.generation_ms, 70.0);
  EXPECT_EQ(m.output_tokens, 4);
  EXPECT_EQ(m.prefilled_tokens(), 6);
  EXPECT_DOUBLE_EQ(m.prefill_tokens_per_second(), 300.0);  // 6 tokens in 20 ms
  // Intervals 10, 10, 20: mean 40/3; population variance ((10/3)^2 * 2 + (20/3)^2) / 3 = 200/9.
  EXPECT_NEAR(m.decode_ms(), 40.0, 1e-9);
  EXPECT_NEAR(m.tpot_mean_ms(), 40.0 / 3, 1e-9);
  EXPECT_NEAR(m.tpot_std_ms(), std::sqrt(200.0 / 9), 1e-9);
  EXPECT_NEAR(m.decode_tokens_per_second(), 75.0, 1e-9);  // 3 tokens in 40 ms
  EXPECT_EQ(m.finish_reason, FinishReason::length);
}

TEST(PerfMetrics, TimingsJson) {
  const auto j = example().timings_json();
  EXPECT_EQ(j.at("prompt_n"), 6);
  EXPECT_EQ(j.at("cache_n"), 4);
  EXPECT_NEAR(j.at("prompt_ms").get<double>(), 20.0, 1e-9);
  EXPECT_NEAR(j.at("prompt_per_second").get<double>(), 300.0, 1e-9);
  EXPECT_EQ(j.at("predicted_n"), 4);
  EXPECT_NEAR(j.at("predicted_ms").get<double>(), 40.0, 1e-9);
  EXPECT_NEAR(j.at("predicted_per_token_ms").get<double>(), 40.0 / 3, 1e-9);
  EXPECT_NEAR(j.at("predicted_per_second").get<double>(), 75.0, 1e-9);
  EXPECT_NEAR(j.at("ttft_ms").get<double>(), 25.0, 1e-9);
  EXPECT_EQ(j.size(), 9u);
}

TEST(PerfMetrics, PerformanceMetricsAndUsageJson) {
  const auto m = example();
  const auto p = m.performance_metrics_json();
  for (const char* key : {"load_time_ms", "ttft_ms", "tpot_ms", "prefill_tokens_per_second",
                          "decode_tokens_per_second", "input_tokens", "output_tokens", "cached_tokens",
                          "generation_time_ms"})
    EXPECT_TRUE(p.contains(key)) << key;
  EXPECT_NEAR(p.at("load_time_ms").get<double>(), 1500.0, 1e-9);
  EXPECT_NEAR(p.at("tpot_ms").get<double>(), 40.0 / 3, 1e-9);
  EXPECT_EQ(p.at("input_tokens"), 10);
  EXPECT_EQ(p.at("finish_reason"), "length");
  const auto u = m.usage_json();
  EXPECT_EQ(u.at("prompt_tokens"), 10);
  EXPECT_EQ(u.at("completion_tokens"), 4);
  EXPECT_EQ(u.at("total_tokens"), 14);
  EXPECT_EQ(u.at("prompt_tokens_details").at("cached_tokens"), 4);
}

TEST(PerfMetrics, SpeculativeDraftCounts) {
  const auto t0 = Clock::time_point{};
  PerfRecorder r(t0);
  r.tokenized(3, 0, at_ms(t0, 1));
  r.drafts(6, 4);  // two sequences of one request
  r.drafts(2, 0);
  const auto m = r.finish(FinishReason::stop, at_ms(t0, 2));
  EXPECT_TRUE(m.speculative);
  EXPECT_DOUBLE_EQ(m.draft_acceptance_rate(), 0.5);
  const auto t = m.timings_json();  // llama.cpp's names
  EXPECT_EQ(t.at("draft_n"), 8);
  EXPECT_EQ(t.at("draft_n_accepted"), 4);
  EXPECT_EQ(m.performance_metrics_json().at("draft_tokens"), 8);
  EXPECT_EQ(m.performance_metrics_json().at("draft_accepted_tokens"), 4);
  // Without speculation timings keep llama.cpp's plain set.
  EXPECT_FALSE(example().timings_json().contains("draft_n"));
  EXPECT_EQ(example().performance_metrics_json().at("draft_tokens"), 0);
  EXPECT_EQ(example().draft_acceptance_rate(), 0.0);
}

TEST(PerfMetrics, NoTokensNoDivisionByZero) {
  const auto t0 = Clock::time_point{};
  PerfRecorder r(t0);
  r.tokenized(3, 0, at_ms(t0, 1));
  const auto m = r.finish(FinishReason::cancelled, at_ms(t0, 2));
  EXPECT_EQ(m.prefill_tokens_per_second(), 0.0);
  EXPECT_EQ(m.decode_tokens_per_second(), 0.0);
  EXPECT_EQ(m.tpot_std_ms(), 0.0);
  EXPECT_EQ(m.performance_metrics_json().at("finish_reason"), "cancelled");
}

TEST(RunningStats, MeanAndSpread) {
  RunningStats s;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) s.add(x);
  EXPECT_NEAR(s.mean, 5.0, 1e-12);
  EXPECT_NEAR(s.stddev(), 2.0, 1e-12);  // the textbook population example
  EXPECT_NEAR(s.sum(), 40.0, 1e-12);
}

}  // namespace
}  // namespace openarc::llm
