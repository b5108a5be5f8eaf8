#include "convert/architecture.h"

namespace openarc::convert {

void add_common_tensors(const ModelConfig& cfg, std::vector<TensorSpec>& out) {
  out.push_back({"model.embed_tokens.weight", {cfg.vocab_size, cfg.hidden_size}, TensorRole::embedding});
  out.push_back({"model.norm.weight", {cfg.hidden_size}, TensorRole::vector});
  if (!cfg.tie_word_embeddings)
    out.push_back({"lm_head.weight", {cfg.vocab_size, cfg.hidden_size}, TensorRole::embedding});
}

void add_attention_tensors(const ModelConfig& cfg, const std::string& p, std::vector<TensorSpec>& out) {
  const int64_t e = cfg.hidden_size, q = cfg.num_heads * cfg.head_dim, kv = cfg.num_kv_heads * cfg.head_dim;
  out.push_back({p + "self_attn.q_proj.weight", {q, e}});
  out.push_back({p + "self_attn.k_proj.weight", {kv, e}});
  out.push_back({p + "self_attn.v_proj.weight", {kv, e}});
  out.push_back({p + "self_attn.o_proj.weight", {e, q}});
  if (cfg.attention_bias) {
    out.push_back({p + "self_attn.q_proj.bias", {q}, TensorRole::vector});
    out.push_back({p + "self_attn.k_proj.bias", {kv}, TensorRole::vector});
    out.push_back({p + "self_attn.v_proj.bias", {kv}, TensorRole::vector});
  }
  if (cfg.o_proj_bias) out.push_back({p + "self_attn.o_proj.bias", {e}, TensorRole::vector});
  if (cfg.qk_norm) {
    out.push_back({p + "self_attn.q_norm.weight", {cfg.head_dim}, TensorRole::vector});
    out.push_back({p + "self_attn.k_norm.weight", {cfg.head_dim}, TensorRole::vector});
  }
}

void add_mlp_tensors(const ModelConfig& cfg, const std::string& p, std::vector<TensorSpec>& out) {
  const int64_t e = cfg.hidden_size, i = cfg.intermediate_size;
  out.push_back({p + "mlp.gate_proj.weight", {i, e}});
  out.push_back({p + "mlp.up_proj.weight", {i, e}});
  out.push_back({p + "mlp.down_proj.weight", {e, i}});
  if (cfg.mlp_bias) {
    out.push_back({p + "mlp.gate_proj.bias", {i}, TensorRole::vector});
    out.push_back({p + "mlp.up_proj.bias", {i}, TensorRole::vector});
    out.push_back({p + "mlp.down_proj.bias", {e}, TensorRole::vector});
  }
}

std::vector<TensorSpec> expected_tensors(const ModelConfig& cfg) {
  switch (cfg.arch) {
    case Arch::phi3: return phi3_tensors(cfg);
    case Arch::gemma:
    case Arch::gemma2: return gemma_tensors(cfg);
    default: return llama_tensors(cfg);
  }
}

void build_decoder(GraphContext& ctx) {
  switch (ctx.cfg.arch) {
    case Arch::phi3: return build_phi3(ctx);
    case Arch::gemma:
    case Arch::gemma2: return build_gemma(ctx);
    default: return build_llama(ctx);
  }
}

}  // namespace openarc::convert
