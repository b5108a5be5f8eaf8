// Phi-3: Llama's block with fused projections, split after the MatMul by VariadicSplit
// (ir-inventory.md 7): qkv_proj -> q, k, v and gate_up_proj -> gate, up (gate first).
#include "convert/architecture.h"
#include "convert/layers.h"
#include "core/error.h"

namespace openarc::convert {

std::vector<TensorSpec> phi3_tensors(const ModelConfig& cfg) {
  std::vector<TensorSpec> t;
  add_common_tensors(cfg, t);
  const int64_t e = cfg.hidden_size, q = cfg.num_heads * cfg.head_dim, kv = cfg.num_kv_heads * cfg.head_dim,
                i = cfg.intermediate_size;
  for (int64_t l = 0; l < cfg.num_layers; ++l) {
    const std::string p = cat("model.layers.", l, ".");
    t.push_back({p + "input_layernorm.weight", {e}, TensorRole::vector});
    t.push_back({p + "post_attention_layernorm.weight", {e}, TensorRole::vector});
    t.push_back({p + "self_attn.qkv_proj.weight", {q + 2 * kv, e}});
    t.push_back({p + "self_attn.o_proj.weight", {e, q}});
    t.push_back({p + "mlp.gate_up_proj.weight", {2 * i, e}});
    t.push_back({p + "mlp.down_proj.weight", {e, i}});
  }
  return t;
}

void build_phi3(GraphContext& ctx) {
  const ModelConfig& cfg = ctx.cfg;
  const int64_t e = cfg.hidden_size, q = cfg.num_heads * cfg.head_dim, kv = cfg.num_kv_heads * cfg.head_dim,
                i = cfg.intermediate_size;
  make_inputs(ctx);
  OutputRef table;
  OutputRef x = embedding(ctx, &table);
  make_rope(ctx);
  for (int64_t l = 0; l < cfg.num_layers; ++l) {
    const std::string p = cat("model.layers.", l);
    const std::string m = module_path(p);
    auto h = rms_norm(ctx, x, p + ".input_layernorm", {1, 1, e});
    auto qkv = linear(ctx, h, p + ".self_attn.qkv_proj", q + 2 * kv, false);
    auto parts = ctx.b.add("VariadicSplit", "opset1", {qkv, ctx.i64(-1), ctx.i64s({q, kv, kv})}, {},
                           m + ".self_attn/aten::split/VariadicSplit", 3);
    auto a = attention(ctx, l, parts[0], parts[1], parts[2]);
    a = linear(ctx, a, p + ".self_attn.o_proj", e, false);
    x = ctx.binary("Add", x, a, m + "/aten::add/Add");
    h = rms_norm(ctx, x, p + ".post_attention_layernorm", {1, 1, e});
    auto gu = linear(ctx, h, p + ".mlp.gate_up_proj", 2 * i, false);
    auto halves = ctx.b.add("VariadicSplit", "opset1", {gu, ctx.i64(-1), ctx.i64s({i, i})}, {},
                            m + ".mlp/aten::chunk/VariadicSplit", 2);
    auto act = gated_activation(ctx, halves[0], halves[1], m + ".mlp");
    auto down = linear(ctx, act, p + ".mlp.down_proj", e, false);
    x = ctx.binary("Add", x, down, m + "/aten::add/Add_1");
  }
  x = rms_norm(ctx, x, "model.norm", {1, 1, e});
  lm_head(ctx, x, table);
}

}  // namespace openarc::convert
