// Every supported architecture, as a tiny synthetic model: the converted IR's logits over a
// 16-token prompt, run as one prefill and as token-by-token decode through the KV state, must
// agree with tools/reference/hf_forward.py, an independent numpy (float64) implementation of
// the Hugging Face modeling code. The configs exercise GQA / MQA, rope_theta, rope_scaling
// (llama3, linear, dynamic), attention and MLP biases, q/k norms, sliding windows (smaller
// than the prompt, so they matter), Gemma's norm and embedding scale and Gemma2's soft-capping.
//
// Tolerance: |ir - ref| <= 2e-4 * (1 + max|ref|) for every logit. The IR runs in float32 against
// a float64 reference; with hidden sizes of 32-64 and two layers the observed error is ~1e-5,
// while any semantic slip (a wrong mask, rope or norm) moves logits by 1e-2 or more.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "convert/converter.h"
#include "convert/synthetic.h"
#include "core/error.h"
#include "core/npy.h"
#include "run_model.h"
#include "test_dir.h"

namespace openarc::convert {
namespace {

constexpr int kPrompt = 16;
constexpr double kTolerance = 2e-4;

struct ArchCase {
  const char* name;
  const char* config;  // config.json content
};

// Shared: vocab 96, 2 layers (Gemma2 alternates sliding / full), hidden 32 unless stated.
const ArchCase kCases[] = {
    {"llama_gqa_llama3_bias",
     R"({"architectures":["LlamaForCausalLM"],"hidden_size":32,"intermediate_size":48,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":96,"rms_norm_eps":1e-5,"rope_theta":500.0,
        "attention_bias":true,"mlp_bias":true,"tie_word_embeddings":false,
        "rope_scaling":{"rope_type":"llama3","factor":4.0,"low_freq_factor":1.0,"high_freq_factor":4.0,
                        "original_max_position_embeddings":16}})"},
    {"llama_linear_tied",
     R"({"architectures":["LlamaForCausalLM"],"hidden_size":32,"intermediate_size":40,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":4,"vocab_size":96,"rope_theta":10000.0,
        "tie_word_embeddings":true,"rope_scaling":{"type":"linear","factor":2.0}})"},
    {"llama_dynamic",
     R"({"architectures":["LlamaForCausalLM"],"hidden_size":32,"intermediate_size":40,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":1,"vocab_size":96,"rope_theta":100.0,
        "max_position_embeddings":8,"rope_scaling":{"type":"dynamic","factor":3.0}})"},
    {"mistral_sliding",
     R"({"architectures":["MistralForCausalLM"],"hidden_size":32,"intermediate_size":48,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":96,"rope_theta":1000000.0,
        "sliding_window":5})"},
    {"qwen2_bias_sliding_upper_layers",
     R"({"architectures":["Qwen2ForCausalLM"],"hidden_size":32,"intermediate_size":48,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":96,"rope_theta":10000.0,
        "tie_word_embeddings":true,"use_sliding_window":true,"sliding_window":6,"max_window_layers":1})"},
    {"qwen3_qk_norm",
     R"({"architectures":["Qwen3ForCausalLM"],"hidden_size":32,"intermediate_size":48,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":2,"head_dim":16,"vocab_size":96,"rope_theta":1000000.0,
        "rms_norm_eps":1e-6,"tie_word_embeddings":true})"},
    {"phi3_fused_sliding",
     R"({"architectures":["Phi3ForCausalLM"],"hidden_size":32,"intermediate_size":48,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":4,"vocab_size":96,"rope_theta":10000.0,
        "sliding_window":7,"tie_word_embeddings":false})"},
    {"gemma_mqa",
     R"({"architectures":["GemmaForCausalLM"],"hidden_size":32,"intermediate_size":64,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":1,"head_dim":16,"vocab_size":96,"rope_theta":10000.0,
        "hidden_activation":"gelu_pytorch_tanh"})"},
    {"gemma2_softcap_alternating",
     R"({"architectures":["Gemma2ForCausalLM"],"hidden_size":32,"intermediate_size":64,"num_hidden_layers":2,
        "num_attention_heads":4,"num_key_value_heads":2,"head_dim":8,"vocab_size":96,"rope_theta":10000.0,
        "query_pre_attn_scalar":12,"sliding_window":6,"attn_logit_softcapping":2.0,
        "final_logit_softcapping":3.0})"},
};

bool numpy_available() {
  return std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") == 0;
}

Tensor reference(const std::string& model, const std::vector<int64_t>& ids, bool decode, const std::string& out) {
  std::string list;
  for (int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  std::string cmd = "/usr/bin/python3 " OPENARC_SOURCE_DIR "/tools/reference/hf_forward.py " + model + " --ids " +
                    list + " --out " + out + (decode ? " --decode" : "");
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return read_npy(out);
}

// Largest |a - b| over rows of [S, V] references against the IR's rows.
double max_error(const Tensor& ref, const std::vector<std::vector<float>>& rows, double* ref_max) {
  const int64_t v = ref.shape()[1];
  double err = 0;
  *ref_max = 0;
  for (size_t r = 0; r < rows.size(); ++r)
    for (int64_t j = 0; j < v; ++j) {
      double want = ref.data<float>()[static_cast<int64_t>(r) * v + j];
      *ref_max = std::max(*ref_max, std::fabs(want));
      err = std::max(err, std::fabs(want - rows[r][static_cast<size_t>(j)]));
    }
  return err;
}

class Architectures : public ::testing::TestWithParam<ArchCase> {};

TEST_P(Architectures, PrefillAndDecodeMatchTheReference) {
  if (!numpy_available()) GTEST_SKIP() << "/usr/bin/python3 with numpy is needed for the reference forward pass";
  const ArchCase& c = GetParam();
  test::TempDir dir;
  test::write_text(dir.file("config.json"), c.config);
  write_synthetic_checkpoint(dir.file("config.json"), dir.file("hf"), /*seed=*/1234);

  ModelConfig cfg = load_hf_config(dir.file("hf/config.json"));
  ir::Model model = build_model(cfg, Checkpoint::open(dir.file("hf")), CompressionOptions{});
  graph::bind(model);
  auto compiled = test::compile(std::move(model));
  auto req = compiled->create_infer_request();

  std::vector<int64_t> ids;
  for (int i = 0; i < kPrompt; ++i) ids.push_back((i * 37 + 11) % cfg.vocab_size);

  // One prefill of all 16 tokens.
  req.reset_states();
  const Tensor& logits = test::run_step(req, ids, 0);
  ASSERT_EQ(logits.shape(), (Shape{1, kPrompt, cfg.vocab_size}));
  std::vector<std::vector<float>> prefill, decode;
  for (int64_t r = 0; r < kPrompt; ++r) prefill.push_back(test::logits_row(logits, r));
  // The same tokens one at a time through the KV cache.
  req.reset_states();
  for (int64_t t = 0; t < kPrompt; ++t) decode.push_back(test::logits_row(test::run_step(req, {ids[t]}, t), 0));
  EXPECT_EQ(req.state(cat("past_key_values.1.valuepresent.1.value")).shape(),
            (Shape{1, cfg.num_kv_heads, kPrompt, cfg.head_dim}));

  double ref_max = 0;
  double e_pre = max_error(reference(dir.file("hf"), ids, false, dir.file("pre.npy")), prefill, &ref_max);
  double e_dec = max_error(reference(dir.file("hf"), ids, true, dir.file("dec.npy")), decode, &ref_max);
  std::printf("%-32s max |logit| %7.3f  prefill error %.2e  decode error %.2e\n", c.name, ref_max, e_pre, e_dec);
  EXPECT_LE(e_pre, kTolerance * (1 + ref_max)) << c.name << " prefill";
  EXPECT_LE(e_dec, kTolerance * (1 + ref_max)) << c.name << " decode";
  EXPECT_GT(ref_max, 0.5) << "logits too flat to be a meaningful comparison";
}

INSTANTIATE_TEST_SUITE_P(Synthetic, Architectures, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ArchCase>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace openarc::convert
