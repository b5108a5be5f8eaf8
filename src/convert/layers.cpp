// Inputs, embedding, RMSNorm, Linear, gated MLP activation and the head.
#include <cmath>

#include "convert/layers.h"
#include "core/error.h"

namespace openarc::convert {

void make_inputs(GraphContext& ctx) {
  ctx.input_ids = ctx.b.parameter("input_ids", ElementType::i64, PartialShape({-1, -1}));
  ctx.attention_mask = ctx.b.parameter("attention_mask", ElementType::i64, PartialShape({-1, -1}));
  ctx.position_ids = ctx.b.parameter("position_ids", ElementType::i64, PartialShape({-1, -1}));
  ctx.beam_idx = ctx.b.parameter("beam_idx", ElementType::i32, PartialShape({-1}));
  auto shape = ctx.b.op("ShapeOf", "opset3", {ctx.input_ids}, {{"output_type", "i64"}});
  ctx.batch = ctx.b.op("Gather", "opset8", {shape, ctx.i64s({0}), ctx.i64(0)}, {{"batch_dims", "0"}});
}

OutputRef embedding(GraphContext& ctx, OutputRef* table) {
  const std::string module = module_path("model.embed_tokens") + "/ov_ext::embedding";
  OutputRef t = ctx.weight("model.embed_tokens.weight", module, /*embedding=*/true);
  if (table) *table = t;
  auto ids = ctx.b.op("Convert", "opset1", {ctx.input_ids}, {{"destination_type", "i32"}}, module + "/Convert_1");
  auto h = ctx.b.op("Gather", "opset8", {t, ids, ctx.i32(0)}, {{"batch_dims", "0"}}, module + "/Gather");
  ctx.b.add_names(h, {"inputs_embeds"});
  if (ctx.cfg.embed_scale) {
    // Gemma: hidden * sqrt(E), the normalizer rounded to the activations' type (f32).
    float scale = static_cast<float>(std::sqrt(static_cast<double>(ctx.cfg.hidden_size)));
    h = ctx.binary("Multiply", h, ctx.f32(scale, {1, 1, 1}), module_path("model") + "/aten::mul/Multiply");
  }
  return h;
}

OutputRef rms_norm(GraphContext& ctx, OutputRef x, const std::string& hf_prefix, Shape w_shape) {
  const std::string m = module_path(hf_prefix);
  const size_t rank = w_shape.size();
  auto ones = [&](float v) { return ctx.f32(v, Shape(rank, 1)); };
  auto sq = ctx.binary("Power", x, ones(2.0f), m + "/aten::pow/Power");
  auto mean = ctx.b.op("ReduceMean", "opset1", {sq, ctx.i64s({-1})}, {{"keep_dims", "true"}}, m + "/aten::mean/ReduceMean");
  auto var = ctx.binary("Add", mean, ones(static_cast<float>(ctx.cfg.rms_norm_eps)), m + "/aten::add/Add");
  auto root = ctx.b.op("Sqrt", "opset1", {var}, {}, m + "/aten::rsqrt/Sqrt");
  auto inv = ctx.binary("Divide", ones(1.0f), root, m + "/aten::rsqrt/Divide");
  auto normed = ctx.binary("Multiply", x, inv, m + "/aten::mul/Multiply");
  std::function<float(float)> map;
  if (ctx.cfg.gemma_norm) map = [](float w) { return 1.0f + w; };
  auto w = ctx.f32_weight(hf_prefix + ".weight", std::move(w_shape), map);
  return ctx.binary("Multiply", w, normed, m + "/aten::mul/Multiply_1");
}

OutputRef linear(GraphContext& ctx, OutputRef x, const std::string& hf_prefix, int64_t out_features, bool bias) {
  const std::string m = module_path(hf_prefix) + "/ov_ext::linear";
  auto w = ctx.weight(hf_prefix + ".weight", m);
  auto y = ctx.b.op("MatMul", "opset1", {x, w}, {{"transpose_a", "false"}, {"transpose_b", "true"}}, m + "/MatMul");
  if (!bias) return y;
  auto bvec = ctx.f32_weight(hf_prefix + ".bias", {1, 1, out_features});
  return ctx.binary("Add", y, bvec, m + "/Add");
}

OutputRef gated_activation(GraphContext& ctx, OutputRef gate, OutputRef up, const std::string& module) {
  OutputRef act;
  if (ctx.cfg.hidden_act == "silu") {
    act = ctx.b.op("Swish", "opset4", {gate}, {}, module + ".act_fn/aten::silu/Swish");
  } else {
    // gelu_pytorch_tanh: torch's gelu(approximate="tanh"), which the PyTorch frontend maps to Gelu-7.
    act = ctx.b.op("Gelu", "opset7", {gate}, {{"approximation_mode", "tanh"}}, module + ".act_fn/aten::gelu/Gelu");
  }
  return ctx.binary("Multiply", act, up, module + "/aten::mul/Multiply");
}

void lm_head(GraphContext& ctx, OutputRef x, OutputRef tied_table) {
  const std::string m = module_path("lm_head") + "/ov_ext::linear";
  OutputRef w = ctx.cfg.tie_word_embeddings ? tied_table : ctx.weight("lm_head.weight", m);
  auto logits = ctx.b.op("MatMul", "opset1", {x, w}, {{"transpose_a", "false"}, {"transpose_b", "true"}}, m + "/MatMul");
  if (double cap = ctx.cfg.final_logit_softcapping; cap > 0) {
    // Gemma2: tanh(logits / cap) * cap.
    const std::string c = module_path("model") + "/final_logit_softcapping";
    auto capv = ctx.f32(static_cast<float>(cap), {1, 1, 1});
    auto d = ctx.binary("Divide", logits, capv, c + "/aten::div/Divide");
    auto t = ctx.b.op("Tanh", "opset1", {d}, {}, c + "/aten::tanh/Tanh");
    logits = ctx.binary("Multiply", t, capv, c + "/aten::mul/Multiply");
  }
  ctx.b.result(logits, "logits");
}

}  // namespace openarc::convert
