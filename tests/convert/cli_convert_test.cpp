// `openarc convert` and `openarc inspect` end to end: what a user types, what a user sees.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_dir.h"
#include "run_openarc.h"

namespace openarc::convert {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string run(const std::string& args, int* status) {
  CliOutput r = run_openarc(args);
  *status = r.status;
  return r.out;
}

class CliConvert : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(OPENARC_BINARY)) GTEST_SKIP() << "the openarc binary is not built";
  }
};

// inspect --json of a converted model: the interface optimum-intel's exports have.
void expect_interface(const nlohmann::json& r, int layers, int kv_heads, int head_dim, int vocab) {
  std::vector<std::string> inputs;
  for (const auto& p : r["inputs"]) inputs.push_back(p["name"]);
  EXPECT_EQ(inputs, (std::vector<std::string>{"input_ids", "attention_mask", "position_ids", "beam_idx"}));
  EXPECT_EQ(r["inputs"][0]["type"], "i64");
  EXPECT_EQ(r["inputs"][3]["type"], "i32");
  ASSERT_EQ(r["outputs"].size(), 1u);
  EXPECT_EQ(r["outputs"][0]["name"], "logits");
  EXPECT_EQ(r["outputs"][0]["type"], "f32");
  EXPECT_EQ(r["outputs"][0]["shape"], "[?,?," + std::to_string(vocab) + "]");
  ASSERT_EQ(r["variables"].size(), static_cast<size_t>(2 * layers));
  EXPECT_EQ(r["variables"][0]["name"], "past_key_values.0.keypresent.0.key");
  EXPECT_EQ(r["variables"][0]["type"], "f32");
  EXPECT_EQ(r["variables"][0]["shape"], "[?," + std::to_string(kv_heads) + ",?," + std::to_string(head_dim) + "]");
  EXPECT_EQ(r["bound"], true);
}

std::map<std::string, int> weights_by_type(const nlohmann::json& r, const char* field = "weights") {
  std::map<std::string, int> m;
  for (const auto& c : r["constants"]) m[c["element_type"]] = c[field];
  return m;
}

TEST_F(CliConvert, Int4Stories260KInspectsAsExpected) {
  test::TempDir dir;
  int st = 0;
  std::string out = run("convert " OPENARC_SOURCE_DIR "/models/stories260K " + dir.file("ir") +
                            " --weight-format int4 --group-size 32 --ratio 0.8 --quiet",
                        &st);
  ASSERT_EQ(st, 0) << out;
  EXPECT_EQ(out, "");  // --quiet
  std::string js = run("inspect " + dir.file("ir") + " --json", &st);
  ASSERT_EQ(st, 0) << js;
  nlohmann::json r = nlohmann::json::parse(js);
  expect_interface(r, 5, 4, 8, 512);
  std::map<std::string, int> w = weights_by_type(r);
  // int4 weights ([N, K/G, G] u4) with their u4 zero points; int8 backups (embedding, down_proj:
  // 172 is no multiple of 32, and what the ratio leaves); f16 scales.
  EXPECT_GT(w["u4"], 0);
  EXPECT_GT(w["u8"], 0);
  EXPECT_GT(w["f16"], 0);
  // What stays f32 is small: norm weights [1,1,64], inv_freq, scalars. One 64 x 64 matrix
  // left in f32 would add 16 KB.
  EXPECT_LT(weights_by_type(r, "weight_bytes")["f32"], 8192) << "a weight matrix stayed f32";

  // Again without --overwrite: refused, the first model untouched.
  out = run("convert " OPENARC_SOURCE_DIR "/models/stories260K " + dir.file("ir") + " --quiet", &st);
  EXPECT_EQ(st, 1);
  EXPECT_THAT(out, HasSubstr("exists (use --overwrite to replace it)"));
  EXPECT_TRUE(fs::exists(dir.file("ir/openvino_model.bin")));
}

TEST_F(CliConvert, SyntheticModelsAndFormats) {
  test::TempDir dir;
  test::write_text(dir.file("cfg.json"),
                   R"({"architectures":["Gemma2ForCausalLM"],"hidden_size":32,"intermediate_size":64,)"
                   R"("num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"head_dim":8,)"
                   R"("vocab_size":64,"sliding_window":4})");
  int st = 0;
  std::string out = run("convert --synthetic " + dir.file("cfg.json") + " " + dir.file("ir") + " --weight-format fp16",
                        &st);
  ASSERT_EQ(st, 0) << out;
  EXPECT_THAT(out, HasSubstr("converted Gemma2ForCausalLM"));  // the summary line after the bar
  nlohmann::json r = nlohmann::json::parse(run("inspect " + dir.file("ir") + " --json", &st));
  expect_interface(r, 2, 2, 8, 64);
  EXPECT_EQ(weights_by_type(r)["f16"], 2 * 7 + 1);  // 7 Linear per layer + the tied embedding
  EXPECT_EQ(fs::exists(dir.file("ir/openvino_config.json")), true);

  out = run("convert --synthetic " + dir.file("cfg.json") + " " + dir.file("hf") + " --hf --seed 3", &st);
  ASSERT_EQ(st, 0) << out;
  EXPECT_TRUE(fs::exists(dir.file("hf/model.safetensors")));
  out = run("convert " + dir.file("hf") + " " + dir.file("ir8") + " --weight-format int8 --quiet", &st);
  ASSERT_EQ(st, 0) << out;

  out = run("convert " + dir.file("hf") + " " + dir.file("bad") + " --weight-format int5", &st);
  EXPECT_EQ(st, 1);
  EXPECT_THAT(out, HasSubstr("unknown weight format 'int5'"));
  out = run("convert " + dir.file("hf") + " " + dir.file("bad") + " --sym", &st);
  EXPECT_EQ(st, 1);
  EXPECT_THAT(out, HasSubstr("apply to --weight-format int4 only"));
  EXPECT_FALSE(fs::exists(dir.file("bad")));
}

}  // namespace
}  // namespace openarc::convert
