// config.json parsing: each architecture's defaults (from transformers' config classes) and the
// refusal of what is not supported.
#include "convert/hf_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace openarc::convert {
namespace {

using ::testing::HasSubstr;

std::string config(const std::string& arch, const std::string& extra = "") {
  return R"({"architectures":[")" + arch +
         R"("],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":4,"num_attention_heads":8,)"
         R"("vocab_size":100)" +
         (extra.empty() ? "" : "," + extra) + "}";
}

std::string config_error(const std::string& text) {
  try {
    parse_hf_config(text, "config.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(HfConfig, LlamaDefaults) {
  ModelConfig c = parse_hf_config(config("LlamaForCausalLM"), "config.json");
  EXPECT_EQ(c.arch, Arch::llama);
  EXPECT_EQ(c.num_kv_heads, 8);
  EXPECT_EQ(c.head_dim, 8);
  EXPECT_EQ(c.rope_theta, 10000.0);
  EXPECT_EQ(c.rms_norm_eps, 1e-6);
  EXPECT_EQ(c.hidden_act, "silu");
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_EQ(c.sliding_window, (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(c.attention_scale, 1.0 / std::sqrt(8.0));
}

TEST(HfConfig, TheStories260KConfig) {
  ModelConfig c = load_hf_config(OPENARC_SOURCE_DIR "/models/stories260K/config.json");
  EXPECT_EQ(c.num_layers, 5);
  EXPECT_EQ(c.num_kv_heads, 4);
  EXPECT_EQ(c.head_dim, 8);
  EXPECT_EQ(c.intermediate_size, 172);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_FALSE(c.rope_scaling.has_value());
  EXPECT_EQ(c.bos_token_id, 1);
}

TEST(HfConfig, ArchitectureVariations) {
  ModelConfig q2 = parse_hf_config(config("Qwen2ForCausalLM", R"("num_key_value_heads":2,"use_sliding_window":true,)"
                                                              R"("sliding_window":16,"max_window_layers":2)"),
                                   "c");
  EXPECT_TRUE(q2.attention_bias);
  EXPECT_FALSE(q2.o_proj_bias);
  EXPECT_EQ(q2.sliding_window, (std::vector<int64_t>{0, 0, 16, 16}));

  ModelConfig q3 = parse_hf_config(config("Qwen3ForCausalLM"), "c");
  EXPECT_TRUE(q3.qk_norm);
  EXPECT_EQ(q3.head_dim, 128);  // Qwen3Config's default, not hidden / heads

  ModelConfig m = parse_hf_config(config("MistralForCausalLM", R"("sliding_window":32)"), "c");
  EXPECT_EQ(m.sliding_window, (std::vector<int64_t>{32, 32, 32, 32}));
  ModelConfig m2 = parse_hf_config(config("MistralForCausalLM", R"("sliding_window":null)"), "c");
  EXPECT_EQ(m2.sliding_window, (std::vector<int64_t>{0, 0, 0, 0}));

  ModelConfig p = parse_hf_config(config("Phi3ForCausalLM"), "c");
  EXPECT_TRUE(p.fused_qkv);
  EXPECT_EQ(p.rms_norm_eps, 1e-5);

  ModelConfig g = parse_hf_config(config("GemmaForCausalLM", R"("head_dim":16)"), "c");
  EXPECT_TRUE(g.gemma_norm && g.embed_scale && g.tie_word_embeddings);
  EXPECT_EQ(g.hidden_act, "gelu_pytorch_tanh");

  ModelConfig g2 = parse_hf_config(config("Gemma2ForCausalLM", R"("head_dim":16,"query_pre_attn_scalar":64,)"
                                                               R"("sliding_window":8,"final_logit_softcapping":null)"),
                                   "c");
  EXPECT_EQ(g2.sliding_window, (std::vector<int64_t>{8, 0, 8, 0}));  // even layers slide
  EXPECT_DOUBLE_EQ(g2.attention_scale, 0.125);
  EXPECT_EQ(g2.attn_logit_softcapping, 50.0);
  EXPECT_EQ(g2.final_logit_softcapping, 0.0);
  EXPECT_TRUE(g2.sandwich_norm);

  ModelConfig lt = parse_hf_config(
      config("Qwen3ForCausalLM", R"("sliding_window":4,"layer_types":["full_attention","sliding_attention",)"
                                 R"("full_attention","sliding_attention"])"),
      "c");
  EXPECT_EQ(lt.sliding_window, (std::vector<int64_t>{0, 4, 0, 4}));
}

TEST(HfConfig, RopeScaling) {
  ModelConfig l3 = parse_hf_config(
      config("LlamaForCausalLM", R"("rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,)"
                                 R"("high_freq_factor":4.0,"original_max_position_embeddings":8192})"),
      "c");
  ASSERT_TRUE(l3.rope_scaling.has_value());
  EXPECT_EQ(l3.rope_scaling->type, "llama3");
  EXPECT_EQ(l3.rope_scaling->factor, 8.0);
  ModelConfig lin = parse_hf_config(config("LlamaForCausalLM", R"("rope_scaling":{"type":"linear","factor":2})"), "c");
  EXPECT_EQ(lin.rope_scaling->type, "linear");
  EXPECT_THAT(config_error(config("LlamaForCausalLM", R"("rope_scaling":{"type":"yarn","factor":2})")),
              HasSubstr("rope_scaling type 'yarn' is not supported"));
  EXPECT_THAT(config_error(config("Phi3ForCausalLM", R"("rope_scaling":{"type":"longrope","factor":2})")),
              HasSubstr("'longrope'"));
}

TEST(HfConfig, RefusesBadConfigs) {
  EXPECT_THAT(config_error(config("GPTNeoXForCausalLM")),
              HasSubstr("architecture 'GPTNeoXForCausalLM' is not supported (supported: LlamaForCausalLM, "
                        "MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, Phi3ForCausalLM, "
                        "GemmaForCausalLM, Gemma2ForCausalLM)"));
  EXPECT_THAT(config_error("{}"), HasSubstr("missing 'architectures'"));
  EXPECT_THAT(config_error("{"), HasSubstr("malformed JSON"));
  EXPECT_THAT(config_error(R"({"architectures":["LlamaForCausalLM"],"hidden_size":64})"), HasSubstr("'intermediate_size'"));
  EXPECT_THAT(config_error(config("LlamaForCausalLM", R"("num_key_value_heads":3)")), HasSubstr("not a multiple"));
  EXPECT_THAT(config_error(config("LlamaForCausalLM", R"("rope_theta":"big")")), HasSubstr("'rope_theta' must be a number"));
  EXPECT_THAT(config_error(config("LlamaForCausalLM", R"("hidden_act":"relu")")), HasSubstr("'relu' is not supported"));
  EXPECT_THAT(config_error(config("LlamaForCausalLM", R"("vocab_size":0)")), HasSubstr("'vocab_size' must be positive"));
}

}  // namespace
}  // namespace openarc::convert
