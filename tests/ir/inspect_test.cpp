// `openarc inspect` on the real samples and on broken models: what it reports and its exit code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir_test_util.h"
#include "run_openarc.h"

namespace openarc::ir {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

class InspectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(OPENARC_BINARY)) GTEST_SKIP() << "build the openarc binary first: " << OPENARC_BINARY;
  }
  static std::string sample(const std::string& f) { return testing::shared_dir() + "/ir-samples/" + f; }
  void need_samples() {
    if (!testing::have_samples()) GTEST_SKIP() << "no " << testing::shared_dir() << "/ir-samples";
  }
};

// TinyLlama-1.1B, from its config.json (vocab 32000, hidden 2048, 22 layers, 32 q / 4 kv heads of
// 64, intermediate 5632): embedding + lm_head + per layer q,k,v,o + gate,up,down + two norms,
// plus the final norm.
constexpr int64_t kTinyLlamaParameters =
    2LL * 32000 * 2048 + 22LL * (2048 * 2048 * 2 + 2048 * 256 * 2 + 3LL * 2048 * 5632 + 2 * 2048) + 2048;

TEST_F(InspectTest, TinyLlamaInt8) {
  need_samples();
  CliOutput r = run_openarc("inspect " + sample("llama-int8.xml") + " --json", false);
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["ir_version"], 11);
  EXPECT_EQ(j["weights_found"], false);
  std::vector<std::string> inputs;
  for (const json& p : j["inputs"]) inputs.push_back(p["name"]);
  EXPECT_THAT(inputs, ::testing::ElementsAre("input_ids", "attention_mask", "position_ids", "beam_idx"));
  EXPECT_EQ(j["inputs"][0]["type"], "i64");
  EXPECT_EQ(j["inputs"][0]["shape"], "[?,?]");
  EXPECT_EQ(j["inputs"][3]["type"], "i32");
  ASSERT_EQ(j["outputs"].size(), 1u);
  EXPECT_EQ(j["outputs"][0]["name"], "logits");
  EXPECT_EQ(j["outputs"][0]["type"], "f32");
  ASSERT_EQ(j["variables"].size(), 44u);
  EXPECT_EQ(j["variables"][0]["shape"], "[?,4,?,64]");
  int64_t layers = 0;
  for (auto& [op, count] : j["ops"].items()) layers += count.get<int64_t>();
  EXPECT_EQ(layers, j["layers"].get<int64_t>());
  EXPECT_EQ(j["ops"]["ReadValue-opset6"], 44);
  // int8_asym: every Linear and the embedding are u8 (1 byte per parameter).
  int64_t u8_elements_bytes = 0;
  for (const json& c : j["constants"])
    if (c["element_type"] == "u8") u8_elements_bytes = c["weight_bytes"];
  EXPECT_GT(u8_elements_bytes, kTinyLlamaParameters - 22 * 2 * 2048 - 2048);
  // Scales and zero points are not parameters; rank-1 leftovers (rope) make a few hundred more.
  int64_t p = j["parameters"];
  EXPECT_GE(p, kTinyLlamaParameters);
  EXPECT_LT(p, kTinyLlamaParameters + 10000);
  EXPECT_EQ(j["bound"], true);
}

TEST_F(InspectTest, Int4PackingCountsElementsNotBytes) {
  need_samples();
  CliOutput r = run_openarc("inspect " + sample("llama-int4asym.xml") + " --json", false);
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  int64_t p = j["parameters"];
  EXPECT_GE(p, kTinyLlamaParameters);
  EXPECT_LT(p, kTinyLlamaParameters + 10000);
}

TEST_F(InspectTest, Gpt2) {
  need_samples();
  CliOutput r = run_openarc("inspect " + sample("gpt2-fp32.xml") + " --json", false);
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  // GPT-2 small: wte 50257x768, wpe 1024x768, 12 blocks of (ln 2x2x768, qkv 768x2304+2304,
  // proj 768x768+768, fc 768x3072+3072, proj 3072x768+768), ln_f 2x768 = 124,439,808.
  constexpr int64_t kGpt2 = 50257LL * 768 + 1024 * 768 +
                            12LL * (4 * 768 + 768 * 2304 + 2304 + 768 * 768 + 768 + 768 * 3072 + 3072 + 3072 * 768 + 768) +
                            2 * 768;
  int64_t p = j["parameters"];
  EXPECT_GE(p, kGpt2 - 2 * 768 * 13);  // LayerNorm vectors may stay rank-1
  EXPECT_LT(p, kGpt2 + 1000);
  EXPECT_EQ(j["variables"].size(), 24u);
}

TEST_F(InspectTest, TextReportOfEverySample) {
  need_samples();
  for (const char* f : {"gpt2-fp32.xml", "llama-int4asym.xml", "qwen2-int4asym.xml", "qwen3-int4asym.xml"}) {
    CliOutput r = run_openarc("inspect " + sample(f), false);
    EXPECT_EQ(r.status, 0) << f << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr("weights: not found (.bin absent)"));
    EXPECT_THAT(r.out, HasSubstr("  logits  f32 "));
    EXPECT_THAT(r.out, HasSubstr("  beam_idx  i32 [?]"));
  }
}

TEST_F(InspectTest, MoeExcerptIsRefused) {
  need_samples();
  CliOutput r = run_openarc("inspect " + sample("qwen3moe-int4sym.excerpt.xml"), false);
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.err, HasSubstr("qwen3moe-int4sym.excerpt.xml:18: layer 289"));
  EXPECT_THAT(r.err, HasSubstr("input port 0 has no incoming edge"));
}

TEST_F(InspectTest, UnboundModelStillReportsItsStructure) {
  CliOutput r = run_openarc("inspect " + std::string(OPENARC_SOURCE_DIR) + "/tests/ir/malformed/unknown_op.xml --json", false);
  EXPECT_NE(r.status, 0);
  EXPECT_THAT(r.err, HasSubstr("unsupported operation type 'FooBar'"));
  json j = json::parse(r.out);
  EXPECT_EQ(j["bound"], false);
  EXPECT_EQ(j["inputs"][0]["name"], "x");
  EXPECT_EQ(j["inputs"][0]["shape"], "[2,3]");
  ASSERT_EQ(j["unsupported_ops"].size(), 1u);
  EXPECT_EQ(j["unsupported_ops"][0]["type"], "FooBar");
  EXPECT_EQ(j["unsupported_ops"][0]["count"], 1);
}

TEST_F(InspectTest, WeightsFoundAndFolderPath) {
  testing::ScratchDir dir;
  // A model folder: the Const's 24 bytes in openvino_model.bin.
  std::ifstream src(std::string(OPENARC_SOURCE_DIR) + "/tests/ir/malformed/size_too_small.xml");
  std::stringstream ss;
  ss << src.rdbuf();
  std::string xml = ss.str();
  xml.replace(xml.find("size=\"20\""), 9, "size=\"24\"");
  testing::write_text(dir.file("openvino_model.xml"), xml);
  testing::write_text(dir.file("openvino_model.bin"), std::string(24, '\0'));
  CliOutput r = run_openarc("inspect " + dir.path().string() + " --json", false);
  ASSERT_EQ(r.status, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["weights_found"], true);
  EXPECT_EQ(j["constant_bytes"], 24);
  EXPECT_EQ(j["parameters"], 6);  // one f32 [2,3] constant

  CliOutput missing = run_openarc("inspect " + dir.file("nope"), false);
  EXPECT_NE(missing.status, 0);
  EXPECT_THAT(missing.err, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace openarc::ir
