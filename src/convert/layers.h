// The building blocks of a decoder-only LLM graph, each writing the op pattern optimum-intel
// exports contain (ir-inventory.md section 3). Shapes: B batch, S new tokens, P past, T = P + S,
// E hidden, H / Hkv heads, D head dim.
#pragma once

#include <string>

#include "convert/graph_context.h"

namespace openarc::convert {

// Parameters input_ids, attention_mask, position_ids [?, ?] i64 and beam_idx [?] i32, in that
// order, and B = Gather(ShapeOf(input_ids), [0]).
void make_inputs(GraphContext& ctx);

// Gather of the (decompressed) embedding table by input_ids: [B, S, E]. `table` receives the
// table's f32 output, which a tied lm_head reuses.
OutputRef embedding(GraphContext& ctx, OutputRef* table);

// RMSNorm over the last axis: x * 1 / sqrt(mean(x^2) + eps) * w, w as a constant of `w_shape`
// (Gemma's (1 + w) is folded into the constant).
OutputRef rms_norm(GraphContext& ctx, OutputRef x, const std::string& hf_prefix, Shape w_shape);

// x [B, S, K] times the weight of `hf_prefix` ("model.layers.0.mlp.up_proj"), plus its bias.
OutputRef linear(GraphContext& ctx, OutputRef x, const std::string& hf_prefix, int64_t out_features, bool bias);

// cos and sin [B, 1, S, D] from position_ids and the config's rotary frequencies (once per model).
void make_rope(GraphContext& ctx);
// The inverse frequencies [D/2] for the config (default, linear, llama3; dynamic at load length).
std::vector<float> rope_inv_freq(const ModelConfig& cfg);
// x * cos + rotate_half(x) * sin for x [B, heads, S, D].
OutputRef apply_rope(GraphContext& ctx, OutputRef x, const std::string& module, const std::string& suffix);

// Additive mask [B, 1, S, T]: 0 where key j is visible to query i (j <= P + i, within the window,
// attention_mask[b, j] != 0), the lowest f32 elsewhere. Built once per distinct window.
OutputRef attention_mask(GraphContext& ctx, int64_t window);

// Attention from the projected q [B, S, H*D], k, v [B, S, Hkv*D] of layer `layer` to the
// output [B, S, H*D] before o_proj: heads reshape, q/k norm (Qwen3), RoPE, KV cache in
// ReadValue/Assign, GQA repeat, ScaledDotProductAttention (or the decomposed form when the
// scores are soft-capped).
OutputRef attention(GraphContext& ctx, int64_t layer, OutputRef q, OutputRef k, OutputRef v);

// act(gate) * up with act = Swish (silu) or Gelu tanh.
OutputRef gated_activation(GraphContext& ctx, OutputRef gate, OutputRef up, const std::string& module);

// The final projection to logits [B, S, V] (tied: the embedding table), soft-capped for Gemma2,
// with the tensor name "logits" and its Result.
void lm_head(GraphContext& ctx, OutputRef x, OutputRef tied_table);

}  // namespace openarc::convert
