// `openarc bench` end to end on the demo model: every JSON field present and consistent, the
// table, the bandwidth probe, and clear errors for bad flags. Speed itself is never asserted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "demo_model.h"
#include "run_openarc.h"

namespace openarc::llm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

class CliBench : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(OPENARC_BINARY)) GTEST_SKIP() << "the openarc binary is not built";
    model_ = test::demo_model();
  }
  std::string model_;
};

TEST_F(CliBench, JsonLinesCarryLlamaBenchFieldsAndOurs) {
  CliOutput r = run_openarc("bench --model " + model_ + " -p 16 -n 8 -r 2 -t 1 --json", false);
  ASSERT_EQ(r.status, 0) << r.out;
  std::vector<nlohmann::json> tests = json_lines(r.out);
  ASSERT_EQ(tests.size(), 2u) << r.out;
  const nlohmann::json &pp = tests[0], &tg = tests[1];
  EXPECT_EQ(pp["n_prompt"], 16);
  EXPECT_EQ(pp["n_gen"], 0);
  EXPECT_EQ(tg["n_prompt"], 0);
  EXPECT_EQ(tg["n_gen"], 8);
  for (const nlohmann::json& j : tests) {
    EXPECT_EQ(j["model_filename"], model_);
    EXPECT_THAT(j["model_type"].get<std::string>(), HasSubstr("LlamaForCausalLM"));
    EXPECT_GT(j["model_size"].get<int64_t>(), 0);
    EXPECT_GT(j["model_n_params"].get<int64_t>(), 0);
    EXPECT_EQ(j["n_threads"], 1);
    EXPECT_GT(j["avg_ts"].get<double>(), 0);
    EXPECT_GE(j["stddev_ts"].get<double>(), 0);
    EXPECT_GT(j["avg_ns"].get<int64_t>(), 0);
    EXPECT_GE(j["stddev_ns"].get<int64_t>(), 0);
    ASSERT_EQ(j["samples_ts"].size(), 2u);
    ASSERT_EQ(j["samples_ns"].size(), 2u);
    double mean = (j["samples_ts"][0].get<double>() + j["samples_ts"][1].get<double>()) / 2;
    EXPECT_NEAR(j["avg_ts"].get<double>(), mean, 1e-9 * mean);
    EXPECT_GT(j["bandwidth_gbps"].get<double>(), 0);
    EXPECT_GT(j["load_ms"].get<double>(), 0);
    EXPECT_GT(j["rss_load_bytes"].get<int64_t>(), 0);
    EXPECT_GT(j["rss_bytes"].get<int64_t>(), 0);
    EXPECT_THAT((std::vector<std::string>{"scalar", "avx2", "avx512"}), ::testing::Contains(j["isa"].get<std::string>()));
    // stories260K ties its embedding to the lm_head, which reads it whole: every weight byte counts.
    EXPECT_GT(j["bytes_per_token"].get<int64_t>(), 0);
    EXPECT_LE(j["bytes_per_token"].get<int64_t>(), j["model_size"].get<int64_t>());
  }
  // Bandwidth figures belong to decoding only.
  EXPECT_TRUE(pp["gbps"].is_null());
  EXPECT_TRUE(pp["bound_fraction"].is_null());
  double gbps = tg["gbps"].get<double>();
  EXPECT_NEAR(gbps, tg["bytes_per_token"].get<double>() * tg["avg_ts"].get<double>() / 1e9, 1e-9 * gbps);
  EXPECT_NEAR(tg["bound_fraction"].get<double>(), gbps / tg["bandwidth_gbps"].get<double>(), 1e-9);
}

TEST_F(CliBench, TableHasARowPerTestAndProgressGoesToStderr) {
  CliOutput table = run_openarc("bench --model " + model_ + " -p 16 -n 4 -r 1 -t 1", false);
  ASSERT_EQ(table.status, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr("| model"));
  EXPECT_THAT(table.out, HasSubstr(" t/s |"));
  EXPECT_THAT(table.out, HasSubstr("GB/s"));
  EXPECT_THAT(table.out, HasSubstr("bound"));
  EXPECT_THAT(table.out, HasSubstr(" pp16 |"));
  EXPECT_THAT(table.out, HasSubstr(" tg4 |"));
  EXPECT_THAT(table.out, HasSubstr(" ± "));
  EXPECT_THAT(table.out, HasSubstr("1 thread: load "));
  EXPECT_THAT(table.out, Not(HasSubstr("bench: ")));

  // stderr is not a terminal here: one progress line per test, no carriage returns.
  CliOutput both = run_openarc("bench --model " + model_ + " -p 0 -n 2 -r 1 -t 1", true);
  ASSERT_EQ(both.status, 0) << both.out;
  EXPECT_THAT(both.out, HasSubstr("bench: tg2, 1 thread: 1 warm-up + 1 runs"));
  EXPECT_THAT(both.out, Not(HasSubstr("pp")));
  EXPECT_THAT(both.out, Not(HasSubstr("\r")));
}

TEST_F(CliBench, SeveralThreadCountsAndLengths) {
  CliOutput r = run_openarc("bench --model " + model_ + " -p 8,4 -n 0 -r 1 -t 1,2 --json", false);
  ASSERT_EQ(r.status, 0) << r.out;
  std::vector<nlohmann::json> tests = json_lines(r.out);
  ASSERT_EQ(tests.size(), 4u) << r.out;
  std::vector<std::pair<int, int>> seen;
  for (const nlohmann::json& j : tests) seen.emplace_back(j["n_threads"].get<int>(), j["n_prompt"].get<int>());
  EXPECT_EQ(seen, (std::vector<std::pair<int, int>>{{1, 8}, {1, 4}, {2, 8}, {2, 4}}));
}

// llama-bench's -d: each depth runs every test with that many tokens of context already there.
TEST_F(CliBench, DepthRunsEveryTestAfterThatMuchContext) {
  CliOutput r = run_openarc("bench --model " + model_ + " -p 8 -n 4 -d 0,32 -r 1 -t 1 --json", false);
  ASSERT_EQ(r.status, 0) << r.out;
  std::vector<nlohmann::json> tests = json_lines(r.out);
  ASSERT_EQ(tests.size(), 4u) << r.out;
  std::vector<std::tuple<int, int, int>> seen;  // depth, n_prompt, n_gen
  for (const nlohmann::json& j : tests)
    seen.emplace_back(j["n_depth"].get<int>(), j["n_prompt"].get<int>(), j["n_gen"].get<int>());
  EXPECT_EQ(seen, (std::vector<std::tuple<int, int, int>>{{0, 8, 0}, {0, 0, 4}, {32, 8, 0}, {32, 0, 4}}));
  for (const nlohmann::json& j : tests) EXPECT_GT(j["avg_ts"].get<double>(), 0);

  CliOutput table = run_openarc("bench --model " + model_ + " -p 0 -n 2 -d 16 -r 1 -t 1", false);
  ASSERT_EQ(table.status, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr(" tg2 @ d16 |"));
  // Depth and test together must fit the context window, checked before any run.
  CliOutput deep = run_openarc("bench --model " + model_ + " -p 8 -n 0 -d 510 -r 1 -t 1", true);
  EXPECT_NE(deep.status, 0) << deep.out;
  EXPECT_THAT(deep.out, HasSubstr("512"));
}

TEST_F(CliBench, PerfCountSplitsEachTestsTimeByOpTypeAndTheCachePrecisionIsReported) {
  CliOutput r = run_openarc("bench --model " + model_ + " -p 8 -n 4 -r 1 -t 1 --json --perf-count --kv-cache-precision f16",
                            false);
  ASSERT_EQ(r.status, 0) << r.out;
  std::vector<nlohmann::json> tests = json_lines(r.out);
  ASSERT_EQ(tests.size(), 2u) << r.out;
  for (const nlohmann::json& j : tests) {
    EXPECT_EQ(j["type_k"], "f16");
    EXPECT_EQ(j["type_v"], "f16");
    const nlohmann::json& ops = j["ms_per_token_by_op"];
    ASSERT_TRUE(ops.is_object()) << j.dump();
    // The fused graph of a Llama: its matmuls and its attention over the KV cache.
    EXPECT_TRUE(ops.contains("FullyConnected")) << ops.dump();
    EXPECT_TRUE(ops.contains("KvAttention")) << ops.dump();
    double total = 0;
    for (const auto& [type, ms] : ops.items()) total += ms.get<double>();
    // The ops' time is part of the test's time per token.
    EXPECT_LE(total, j["avg_ns"].get<double>() / 1e6 / (j["n_prompt"].get<int>() + j["n_gen"].get<int>()) * 1.01);
  }
  CliOutput table = run_openarc("bench --model " + model_ + " -p 0 -n 2 -r 1 -t 1 --perf-count", false);
  ASSERT_EQ(table.status, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr("tg2, 1 thread, ms per token by op (last run): FullyConnected"));
  CliOutput plain = run_openarc("bench --model " + model_ + " -p 0 -n 2 -r 1 -t 1 --json", false);
  ASSERT_EQ(plain.status, 0) << plain.out;
  EXPECT_FALSE(json_lines(plain.out).at(0).contains("ms_per_token_by_op"));
  EXPECT_EQ(json_lines(plain.out).at(0)["type_k"], "f32");
}

TEST(CliBenchBandwidth, PrintsGbPerSecondPerThreadCount) {
  if (!fs::exists(OPENARC_BINARY)) GTEST_SKIP() << "the openarc binary is not built";
  CliOutput json = run_openarc("bench --bandwidth -t 1,2 --json", false);
  ASSERT_EQ(json.status, 0) << json.out;
  std::vector<nlohmann::json> lines = json_lines(json.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["n_threads"], 1);
  EXPECT_EQ(lines[1]["n_threads"], 2);
  for (const nlohmann::json& j : lines) {
    EXPECT_GT(j["bandwidth_gbps"].get<double>(), 0);
    EXPECT_GE(j["buffer_bytes"].get<int64_t>(), int64_t{1} << 30);
  }
  CliOutput table = run_openarc("bench --bandwidth -t 1", false);
  ASSERT_EQ(table.status, 0) << table.out;
  EXPECT_THAT(table.out, HasSubstr("read bandwidth"));
  EXPECT_THAT(table.out, HasSubstr("| threads |"));
}

TEST_F(CliBench, BadFlagsNameTheFlagAndTheValue) {
  struct Case {
    std::string args;
    std::vector<std::string> says;
  };
  const std::string m = " --model " + model_;
  for (const Case& c : std::vector<Case>{
           {m + " -p abc", {"--n-prompt", "'abc'"}},
           {m + " -p -3", {"--n-prompt", "'-3'"}},
           {m + " -n 5,x", {"--n-gen", "'x'"}},
           {m + " -r 0", {"--repetitions", "'0'"}},
           {m + " -t 0", {"--threads", "'0'"}},
           {m + " -d 1x", {"--n-depth", "'1x'"}},
           {m + " -t 1,2x", {"--threads", "'2x'"}},
           {m + " --kv-cache-precision u4", {"--kv-cache-precision", "u4"}},
           {m + " -p 0 -n 0", {"nothing to run"}},
           {" --model /nonexistent/model", {"--model", "/nonexistent/model"}},
           {" -p 16", {"--model"}},
           {m + " --bandwidth", {"--bandwidth", "--model"}},
           {m + " --frobnicate", {"--frobnicate"}},
       }) {
    CliOutput r = run_openarc("bench" + c.args, true);
    EXPECT_NE(r.status, 0) << c.args << "\n" << r.out;
    for (const std::string& s : c.says) EXPECT_THAT(r.out, HasSubstr(s)) << c.args;
  }
}

TEST_F(CliBench, APromptLongerThanTheContextIsRefusedBeforeAnyRun) {
  CliOutput r = run_openarc("bench --model " + model_ + " -p 4096 -n 0 -r 1 -t 1", true);
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("512"));  // stories260K's context window
}

}  // namespace
}  // namespace openarc::llm
