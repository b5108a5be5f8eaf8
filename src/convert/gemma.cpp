// Gemma and Gemma2: embeddings scaled by sqrt(E), RMSNorm weight applied as (1 + w), GeGLU MLP
// (gelu tanh). Gemma2 adds sandwich norms around attention and MLP, alternating sliding-window
// layers, attention-score and final-logit soft-capping (ir-inventory.md 7).
#include "convert/architecture.h"
#include "convert/layers.h"
#include "core/error.h"

namespace openarc::convert {

std::vector<TensorSpec> gemma_tensors(const ModelConfig& cfg) {
  std::vector<TensorSpec> t;
  add_common_tensors(cfg, t);
  const int64_t e = cfg.hidden_size;
  for (int64_t l = 0; l < cfg.num_layers; ++l) {
    const std::string p = cat("model.layers.", l, ".");
    t.push_back({p + "input_layernorm.weight", {e}, TensorRole::vector});
    t.push_back({p + "post_attention_layernorm.weight", {e}, TensorRole::vector});
    if (cfg.sandwich_norm) {
      t.push_back({p + "pre_feedforward_layernorm.weight", {e}, TensorRole::vector});
      t.push_back({p + "post_feedforward_layernorm.weight", {e}, TensorRole::vector});
    }
    add_attention_tensors(cfg, p, t);  // Gemma's attention_bias covers o_proj too (hf_config)
    add_mlp_tensors(cfg, p, t);
  }
  return t;
}

void build_gemma(GraphContext& ctx) {
  const ModelConfig& cfg = ctx.cfg;
  const int64_t e = cfg.hidden_size, q = cfg.num_heads * cfg.head_dim, kv = cfg.num_kv_heads * cfg.head_dim;
  make_inputs(ctx);
  OutputRef table;
  OutputRef x = embedding(ctx, &table);
  make_rope(ctx);
  for (int64_t l = 0; l < cfg.num_layers; ++l) {
    const std::string p = cat("model.layers.", l);
    const std::string m = module_path(p);
    auto h = rms_norm(ctx, x, p + ".input_layernorm", {1, 1, e});
    auto qp = linear(ctx, h, p + ".self_attn.q_proj", q, cfg.attention_bias);
    auto kp = linear(ctx, h, p + ".self_attn.k_proj", kv, cfg.attention_bias);
    auto vp = linear(ctx, h, p + ".self_attn.v_proj", kv, cfg.attention_bias);
    auto a = attention(ctx, l, qp, kp, vp);
    a = linear(ctx, a, p + ".self_attn.o_proj", e, cfg.attention_bias);
    if (cfg.sandwich_norm) a = rms_norm(ctx, a, p + ".post_attention_layernorm", {1, 1, e});
    x = ctx.binary("Add", x, a, m + "/aten::add/Add");
    h = rms_norm(ctx, x, p + (cfg.sandwich_norm ? ".pre_feedforward_layernorm" : ".post_attention_layernorm"), {1, 1, e});
    auto gate = linear(ctx, h, p + ".mlp.gate_proj", cfg.intermediate_size, false);
    auto up = linear(ctx, h, p + ".mlp.up_proj", cfg.intermediate_size, false);
    auto down = linear(ctx, gated_activation(ctx, gate, up, m + ".mlp"), p + ".mlp.down_proj", e, false);
    if (cfg.sandwich_norm) down = rms_norm(ctx, down, p + ".post_feedforward_layernorm", {1, 1, e});
    x = ctx.binary("Add", x, down, m + "/aten::add/Add_1");
  }
  x = rms_norm(ctx, x, "model.norm", {1, 1, e});
  lm_head(ctx, x, table);
}

}  // namespace openarc::convert
