// config.json of a Hugging Face causal LM, parsed into one typed struct with each
// architecture's defaults filled in (the defaults of transformers' config classes), so the graph
// builders never look at JSON. Unsupported architectures and options are refused here, by name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openarc::convert {

enum class Arch { llama, mistral, qwen2, qwen3, phi3, gemma, gemma2 };

// "LlamaForCausalLM", ... in the order the error messages list them.
const std::vector<std::string>& supported_architectures();

struct RopeScaling {
  std::string type;  // "linear", "dynamic" or "llama3"
  double factor = 1.0;
  double low_freq_factor = 1.0, high_freq_factor = 4.0;     // llama3
  int64_t original_max_position_embeddings = 0;             // llama3
};

struct ModelConfig {
  std::string architecture;  // as config.json names it, e.g. "Qwen2ForCausalLM"
  Arch arch = Arch::llama;
  std::string model_type;
  int64_t hidden_size = 0, intermediate_size = 0, num_layers = 0;
  int64_t num_heads = 0, num_kv_heads = 0, head_dim = 0;
  int64_t vocab_size = 0, max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  std::optional<RopeScaling> rope_scaling;
  std::string hidden_act;  // "silu" or "gelu_pytorch_tanh"
  bool attention_bias = false;  // q/k/v (and o for Llama's attention_bias) projections have biases
  bool o_proj_bias = false;
  bool mlp_bias = false;
  bool qk_norm = false;  // Qwen3: RMSNorm over each head of q and k
  bool tie_word_embeddings = false;
  bool fused_qkv = false;      // Phi3: qkv_proj and gate_up_proj
  bool gemma_norm = false;     // RMSNorm weight applied as (1 + w)
  bool embed_scale = false;    // embeddings multiplied by sqrt(hidden_size)
  bool sandwich_norm = false;  // Gemma2: post-attention and pre/post-feedforward norms
  std::vector<int64_t> sliding_window;  // per layer: window in tokens, 0 = full attention
  double attention_scale = 0;           // multiplier of Q K^T
  double attn_logit_softcapping = 0;    // 0 = none
  double final_logit_softcapping = 0;   // 0 = none
  int64_t bos_token_id = -1, eos_token_id = -1;
};

// `json_text` is config.json's content; `where` names it in errors.
ModelConfig parse_hf_config(const std::string& json_text, const std::string& where);
ModelConfig load_hf_config(const std::string& path);

}  // namespace openarc::convert
