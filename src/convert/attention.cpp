// Attention: the shared additive mask (2025+ style: Range / LessEqual / BitwiseAnd / Select, with
// few ShapeOf), the KV cache in ReadValue/Assign variables named as optimum names them, GQA
// repeat_kv and ScaledDotProductAttention-13 with an explicit scale (ir-inventory.md 3.6, 3.7).
#include <limits>

#include "convert/layers.h"
#include "core/error.h"

namespace openarc::convert {

namespace {

// The cache of one layer: ReadValue with a [B, Hkv, 0, D] zero initializer, reordered by beam_idx.
OutputRef read_cache(GraphContext& ctx, int64_t layer, const std::string& kind) {
  const std::string past = cat("past_key_values.", layer, ".", kind), present = cat("present.", layer, ".", kind);
  auto shape = ctx.b.op("Concat", "opset1",
                        {ctx.batch, ctx.i64s({ctx.cfg.num_kv_heads}), ctx.i64s({0}), ctx.i64s({ctx.cfg.head_dim})},
                        {{"axis", "0"}});
  auto init = ctx.b.op("Broadcast", "opset3", {ctx.f32(0.0f), shape}, {{"mode", "numpy"}});
  const std::string variable_shape = cat("?,", ctx.cfg.num_kv_heads, ",?,", ctx.cfg.head_dim);
  auto rv = ctx.b.op("ReadValue", "opset6", {init},
                     {{"variable_id", past + present}, {"variable_type", "f32"}, {"variable_shape", variable_shape}});
  ctx.b.add_names(rv, {past});
  return ctx.b.op("Gather", "opset8", {rv, ctx.beam_idx, ctx.i64(0)}, {{"batch_dims", "0"}});
}

// Concat(past, new) along the sequence axis, stored back by Assign for the next step.
OutputRef append_cache(GraphContext& ctx, int64_t layer, const std::string& kind, OutputRef past, OutputRef fresh,
                       const std::string& module) {
  auto all = ctx.b.op("Concat", "opset1", {past, fresh}, {{"axis", "-2"}}, module + "/aten::cat/Concat_" + kind);
  ctx.b.add_names(all, {cat("present.", layer, ".", kind)});
  const std::string id = cat("past_key_values.", layer, ".", kind, "present.", layer, ".", kind);
  ctx.b.add("Assign", "opset6", {all}, {{"variable_id", id}}, "", 1);
  return all;
}

// repeat_kv: [B, Hkv, T, D] -> [B, H, T, D] by Unsqueeze / Broadcast / Reshape.
OutputRef repeat_kv(GraphContext& ctx, OutputRef x, const std::string& module, const std::string& kind) {
  const int64_t groups = ctx.cfg.num_heads / ctx.cfg.num_kv_heads;
  if (groups == 1) return x;
  auto u = ctx.b.op("Unsqueeze", "opset1", {x, ctx.i64(2)}, {}, module + "/aten::unsqueeze/Unsqueeze_" + kind);
  auto shape = ctx.b.op("ShapeOf", "opset3", {x}, {{"output_type", "i64"}});
  auto bh = ctx.b.op("Gather", "opset8", {shape, ctx.i64s({0, 1}), ctx.i64(0)}, {{"batch_dims", "0"}});
  auto target = ctx.b.op("Concat", "opset1", {bh, ctx.i64s({groups}), ctx.total_len, ctx.i64s({ctx.cfg.head_dim})},
                         {{"axis", "0"}});
  auto e = ctx.b.op("Broadcast", "opset3", {u, target}, {{"mode", "bidirectional"}},
                    module + "/aten::expand/Broadcast_" + kind);
  return ctx.b.op("Reshape", "opset1", {e, ctx.i64s({0, ctx.cfg.num_heads, -1, ctx.cfg.head_dim})},
                  {{"special_zero", "true"}}, module + "/aten::reshape/Reshape_" + kind);
}

// [B, S, heads*D] -> [B, heads, S, D], with Qwen3's per-head RMSNorm between the two steps.
OutputRef split_heads(GraphContext& ctx, OutputRef x, int64_t heads, const std::string& module,
                      const std::string& norm_prefix) {
  auto r = ctx.b.op("Reshape", "opset1", {x, ctx.i64s({0, 0, heads, ctx.cfg.head_dim})}, {{"special_zero", "true"}},
                    module + "/aten::view/Reshape");
  if (!norm_prefix.empty()) r = rms_norm(ctx, r, norm_prefix, {1, 1, 1, ctx.cfg.head_dim});
  return ctx.b.op("Transpose", "opset1", {r, ctx.i32s({0, 2, 1, 3})}, {}, module + "/aten::transpose/Transpose");
}

// softmax(q k^T * scale, capped, + mask) v spelled out, for Gemma2's attention soft-capping,
// which ScaledDotProductAttention cannot express.
OutputRef capped_attention(GraphContext& ctx, OutputRef q, OutputRef k, OutputRef v, OutputRef mask,
                           const std::string& module) {
  const std::string m = module + "/aten::";
  auto s = ctx.b.op("MatMul", "opset1", {q, k}, {{"transpose_a", "false"}, {"transpose_b", "true"}}, m + "matmul/MatMul");
  s = ctx.binary("Multiply", s, ctx.f32(static_cast<float>(ctx.cfg.attention_scale)), m + "mul/Multiply_scale");
  const float cap = static_cast<float>(ctx.cfg.attn_logit_softcapping);
  s = ctx.binary("Divide", s, ctx.f32(cap), m + "div/Divide_softcap");
  s = ctx.b.op("Tanh", "opset1", {s}, {}, m + "tanh/Tanh");
  s = ctx.binary("Multiply", s, ctx.f32(cap), m + "mul/Multiply_softcap");
  s = ctx.binary("Add", s, mask, m + "add/Add_mask");
  auto p = ctx.b.op("SoftMax", "opset8", {s}, {{"axis", "-1"}}, m + "softmax/Softmax");
  return ctx.b.op("MatMul", "opset1", {p, v}, {{"transpose_a", "false"}, {"transpose_b", "false"}}, m + "matmul/MatMul_1");
}

}  // namespace

OutputRef attention_mask(GraphContext& ctx, int64_t window) {
  auto it = ctx.masks.find(window);
  if (it != ctx.masks.end()) return it->second;
  const std::string m = module_path("model") + (window ? cat("/sliding_window_", window) : std::string()) + "/aten::";
  // kv_idx [1,1,1,T] = 0..T-1; q_idx [1,1,S,1] = P..T-1 (this step's absolute positions).
  auto total = ctx.b.op("Squeeze", "opset1", {ctx.total_len, ctx.i64(0)});
  auto kv_idx = ctx.b.op("Range", "opset4", {ctx.i64(0), total, ctx.i64(1)}, {{"output_type", "i64"}}, m + "arange/Range_1");
  kv_idx = ctx.b.op("Reshape", "opset1", {kv_idx, ctx.i64s({1, 1, 1, -1})}, {{"special_zero", "false"}}, m + "view/kv_idx");
  auto q_idx = ctx.b.op("Range", "opset4", {ctx.past_len, total, ctx.i64(1)}, {{"output_type", "i64"}}, m + "arange/Range");
  q_idx = ctx.b.op("Reshape", "opset1", {q_idx, ctx.i64s({1, 1, -1, 1})}, {{"special_zero", "false"}}, m + "view/q_idx");
  auto keep = ctx.b.op("LessEqual", "opset1", {kv_idx, q_idx}, {{"auto_broadcast", "numpy"}}, m + "le/LessEqual");
  if (window > 0) {
    // Sliding window: key j visible to query i only when i - j < window.
    auto lo = ctx.binary("Subtract", q_idx, ctx.i64(window), m + "sub/Subtract_window");
    auto band = ctx.b.op("Greater", "opset1", {kv_idx, lo}, {{"auto_broadcast", "numpy"}}, m + "gt/Greater_window");
    keep = ctx.b.op("BitwiseAnd", "opset13", {keep, band}, {{"auto_broadcast", "numpy"}}, m + "__and__/BitwiseAnd_window");
  }
  // Padding: attention_mask [B, T] -> boolean [B, 1, 1, T].
  auto pad = ctx.b.op("Convert", "opset1", {ctx.attention_mask}, {{"destination_type", "boolean"}}, m + "to/Convert_1");
  pad = ctx.b.op("Unsqueeze", "opset1", {pad, ctx.i64s({1, 2})}, {}, m + "unsqueeze/Unsqueeze_padding");
  keep = ctx.b.op("BitwiseAnd", "opset13", {keep, pad}, {{"auto_broadcast", "numpy"}}, m + "__and__/BitwiseAnd");
  auto mask = ctx.b.op("Select", "opset1", {keep, ctx.f32(0.0f), ctx.f32(std::numeric_limits<float>::lowest())},
                       {{"auto_broadcast", "numpy"}}, m + "where/Select");
  return ctx.masks[window] = mask;
}

OutputRef attention(GraphContext& ctx, int64_t layer, OutputRef q, OutputRef k, OutputRef v) {
  const ModelConfig& cfg = ctx.cfg;
  const std::string prefix = cat("model.layers.", layer, ".self_attn");
  const std::string m = module_path(prefix);
  q = split_heads(ctx, q, cfg.num_heads, m, cfg.qk_norm ? prefix + ".q_norm" : "");
  k = split_heads(ctx, k, cfg.num_kv_heads, m, cfg.qk_norm ? prefix + ".k_norm" : "");
  v = split_heads(ctx, v, cfg.num_kv_heads, m, "");
  q = apply_rope(ctx, q, m, "_q");
  k = apply_rope(ctx, k, m, "_k");

  auto past_k = read_cache(ctx, layer, "key");
  if (layer == 0) {
    // P and T for the masks and the GQA shapes, from the first layer's cache.
    auto shape = ctx.b.op("ShapeOf", "opset3", {past_k}, {{"output_type", "i64"}});
    ctx.past_len = ctx.b.op("Gather", "opset8", {shape, ctx.i64(2), ctx.i64(0)}, {{"batch_dims", "0"}});
    auto ids_shape = ctx.b.op("ShapeOf", "opset3", {ctx.input_ids}, {{"output_type", "i64"}});
    auto s = ctx.b.op("Gather", "opset8", {ids_shape, ctx.i64s({1}), ctx.i64(0)}, {{"batch_dims", "0"}});
    auto p = ctx.b.op("Reshape", "opset1", {ctx.past_len, ctx.i64s({1})}, {{"special_zero", "false"}});
    ctx.total_len = ctx.binary("Add", p, s, module_path("model") + "/aten::add/kv_length");
  }
  auto k_all = append_cache(ctx, layer, "key", past_k, k, m);
  auto past_v = read_cache(ctx, layer, "value");
  auto v_all = append_cache(ctx, layer, "value", past_v, v, m);
  auto k_rep = repeat_kv(ctx, k_all, m, "key");
  auto v_rep = repeat_kv(ctx, v_all, m, "value");

  auto mask = attention_mask(ctx, cfg.sliding_window[static_cast<size_t>(layer)]);
  mask = ctx.b.op("Slice", "opset8", {mask, ctx.i64s({0}), ctx.total_len, ctx.i64s({1}), ctx.i64s({3})}, {},
                  m + "/aten::slice/Slice_mask");
  OutputRef out;
  if (cfg.attn_logit_softcapping > 0) {
    out = capped_attention(ctx, q, k_rep, v_rep, mask, m);
  } else {
    auto scale = ctx.f32(static_cast<float>(cfg.attention_scale));
    out = ctx.b.op("ScaledDotProductAttention", "opset13", {q, k_rep, v_rep, mask, scale}, {{"causal", "false"}},
                   m + "/aten::scaled_dot_product_attention/ScaledDotProductAttention");
  }
  out = ctx.b.op("Transpose", "opset1", {out, ctx.i32s({0, 2, 1, 3})}, {}, m + "/aten::transpose/Transpose_out");
  return ctx.b.op("Reshape", "opset1", {out, ctx.i64s({0, 0, cfg.num_heads * cfg.head_dim})}, {{"special_zero", "true"}},
                  m + "/aten::reshape/Reshape_out");
}

}  // namespace openarc::convert
