// Every fusion on whole models: the real optimum-intel exports in ../shared/ir-samples (read
// without their .bin, so on structure alone) must give one RMSNorm per norm, one RoPE per q and
// per k, one SwiGLU per MLP, a FullyConnected per Linear, one GatherRows, one KvAttention per
// layer; models written by `openarc convert` the same, and their logits with
// the fusions must equal the reference path's over a prefill and decode steps.
#include <gtest/gtest.h>

#include <cstdio>

#include "convert/converter.h"
#include "convert/run_model.h"
#include "convert/synthetic.h"
#include "convert/test_dir.h"
#include "fusion_test_util.h"
#include "ir/reader.h"

namespace openarc::graph {
namespace {

using testing::count_type;

struct Counts {
  int rms_norm = 0, rope = 0, swiglu = 0;
  // Every decompression (7 Linears per layer + lm_head, the embedding) and attention block too.
  int fully_connected = 0, gather_rows = 0, kv_attention = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << "{RMSNorm " << c.rms_norm << ", RoPE " << c.rope << ", SwiGLU " << c.swiglu << ", FullyConnected "
            << c.fully_connected << ", GatherRows " << c.gather_rows << ", KvAttention " << c.kv_attention << "}";
}

// What the pipeline (graph::optimize, every registered pass in order) leaves of a bound model.
Counts optimized_counts(ir::Model m) {
  optimize(m);
  return {count_type(m, "RMSNorm"),        count_type(m, "RoPE"),       count_type(m, "SwiGLU"),
          count_type(m, "FullyConnected"), count_type(m, "GatherRows"), count_type(m, "KvAttention")};
}

// Only the norm/rope/MLP fusions (the passes run alone).
Counts block_counts(const Counts& c) { return {c.rms_norm, c.rope, c.swiglu}; }

Counts expected(int layers, bool qk_norm) {
  return {2 * layers + 1 + (qk_norm ? 2 * layers : 0), 2 * layers, layers, 7 * layers + 1, 1, layers};
}

struct Sample {
  const char* file;
  int layers;
  bool qk_norm;
};

class SampleFusions : public ::testing::TestWithParam<Sample> {};

TEST_P(SampleFusions, OnePerNormRotationAndMlp) {
  if (!testing::have_samples()) GTEST_SKIP() << "no " << testing::shared_dir() << "/ir-samples";
  const Sample& s = GetParam();
  ir::Model m = ir::read_model(testing::shared_dir() + "/ir-samples/" + s.file, "", {.require_weights = false});
  bind(m);
  // Each pass alone, then the whole pipeline (the passes before them must not hide a pattern).
  ir::Model a = m, b = m, c = m;
  const Counts alone{fuse_rms_norm(a, {}), fuse_rope(b, {}), fuse_swiglu(c, {})};
  EXPECT_EQ(alone, block_counts(expected(s.layers, s.qk_norm))) << s.file;
  const Counts piped = optimized_counts(m);
  EXPECT_EQ(piped, expected(s.layers, s.qk_norm)) << s.file;
  std::printf("%-22s %s\n", s.file, (std::ostringstream() << piped).str().c_str());
}

INSTANTIATE_TEST_SUITE_P(IrSamples, SampleFusions,
                         ::testing::Values(Sample{"llama-int8.xml", 22, false}, Sample{"llama-int4asym.xml", 22, false},
                                           Sample{"qwen2-int4asym.xml", 28, false},
                                           Sample{"qwen3-int4asym.xml", 36, true}),
                         [](const auto& info) {
                           std::string n = info.param.file;
                           n = n.substr(0, n.find('.'));
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

// A converted model's logits over a prompt and decode steps, with or without the three fusions.
std::vector<std::vector<float>> logits(ir::Model m, bool fuse) {
  bind(m);
  if (fuse) {
    fuse_rms_norm(m, {});
    fuse_rope(m, {});
    fuse_swiglu(m, {});
    eliminate_dead_nodes(m);
  }
  runtime::CompileOptions options;
  options.optimize = false;
  auto compiled = runtime::CompiledModel::compile(std::make_shared<ir::Model>(std::move(m)), options);
  std::vector<std::vector<float>> rows;
  // Two prompt lengths, each a prefill and one decode step through the KV state.
  for (int64_t n : {7, 12}) {
    auto req = compiled->create_infer_request();
    std::vector<int64_t> prompt;
    for (int64_t i = 0; i < n; ++i) prompt.push_back((i * 37 + 11) % 90);
    const Tensor& first = convert::test::run_step(req, prompt, 0);
    for (int64_t r = 0; r < first.shape()[1]; ++r) rows.push_back(convert::test::logits_row(first, r));
    rows.push_back(convert::test::logits_row(convert::test::run_step(req, {5}, n), 0));
  }
  return rows;
}

void expect_converted_model_fuses(const ir::Model& model, int layers, bool qk_norm, const char* what) {
  ir::Model bound = model;
  bind(bound);
  const Counts counts = optimized_counts(bound);
  EXPECT_EQ(counts, expected(layers, qk_norm)) << what;
  auto want = logits(model, false), got = logits(model, true);
  ASSERT_EQ(want.size(), got.size());
  double err = 0, scale = 0;
  for (size_t r = 0; r < want.size(); ++r)
    for (size_t j = 0; j < want[r].size(); ++j) {
      err = std::max(err, static_cast<double>(std::abs(want[r][j] - got[r][j])));
      scale = std::max(scale, static_cast<double>(std::abs(want[r][j])));
    }
  std::printf("%-28s %s  max |logit diff| %.2e (max |logit| %.2f)\n", what,
              (std::ostringstream() << counts).str().c_str(), err, scale);
  EXPECT_LE(err, 1e-5 * (1 + scale)) << what;
}

TEST(ConvertedFusions, Stories260K) {
  const std::string dir = OPENARC_SOURCE_DIR "/models/stories260K";
  convert::ModelConfig cfg = convert::load_hf_config(dir + "/config.json");
  ir::Model m = convert::build_model(cfg, convert::Checkpoint::open(dir), convert::CompressionOptions{});
  expect_converted_model_fuses(m, static_cast<int>(cfg.num_layers), false, "stories260K fp32");
}

TEST(ConvertedFusions, SyntheticQwen3WithQkNormInt4) {
  convert::test::TempDir dir;
  convert::test::write_text(dir.file("config.json"),
                            R"({"architectures":["Qwen3ForCausalLM"],"hidden_size":64,"intermediate_size":96,
                                "num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"head_dim":16,
                                "vocab_size":96,"rope_theta":1000000.0,"rms_norm_eps":1e-6,
                                "tie_word_embeddings":true})");
  convert::write_synthetic_checkpoint(dir.file("config.json"), dir.file("hf"), /*seed=*/99);
  convert::ModelConfig cfg = convert::load_hf_config(dir.file("hf/config.json"));
  convert::CompressionOptions opt;
  opt.format = convert::parse_weight_format("int4");
  opt.group_size = 32;
  ir::Model m = convert::build_model(cfg, convert::Checkpoint::open(dir.file("hf")), opt);
  expect_converted_model_fuses(m, static_cast<int>(cfg.num_layers), true, "synthetic Qwen3 int4");
}

}  // namespace
}  // namespace openarc::graph
