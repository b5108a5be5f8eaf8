// Rotary position embeddings: cos/sin computed once per model from position_ids (variant A of
// ir-inventory.md 3.5, as 2025+ exports write it) and the half-split rotation per layer.
#include <cmath>
#include <limits>

#include "convert/layers.h"
#include "core/error.h"

namespace openarc::convert {

std::vector<float> rope_inv_freq(const ModelConfig& cfg) {
  const int64_t d = cfg.head_dim;
  std::vector<float> inv(static_cast<size_t>(d / 2));
  // 1 / theta^(2i / D) in f32, as torch computes the default frequencies.
  const float theta = static_cast<float>(cfg.rope_theta);
  for (int64_t i = 0; i < d / 2; ++i)
    inv[static_cast<size_t>(i)] = 1.0f / std::pow(theta, static_cast<float>(2 * i) / static_cast<float>(d));
  if (!cfg.rope_scaling) return inv;
  const RopeScaling& s = *cfg.rope_scaling;
  const float factor = static_cast<float>(s.factor);
  if (s.type == "linear") {
    for (float& f : inv) f /= factor;
  } else if (s.type == "llama3") {
    // Long wavelengths are divided by factor, short ones kept, the band between interpolated.
    const float old_len = static_cast<float>(s.original_max_position_embeddings);
    const float lo = static_cast<float>(s.low_freq_factor), hi = static_cast<float>(s.high_freq_factor);
    const float low_wavelen = old_len / lo, high_wavelen = old_len / hi;
    for (float& f : inv) {
      float wavelen = 2.0f * static_cast<float>(M_PI) / f;
      float scaled = wavelen > low_wavelen ? f / factor : f;
      float smooth = (old_len / wavelen - lo) / (hi - lo);
      bool medium = !(wavelen < high_wavelen) && !(wavelen > low_wavelen);
      f = medium ? (1.0f - smooth) * scaled / factor + smooth * scaled : scaled;
    }
  }
  // "dynamic" is computed in the graph from the current length (make_rope).
  return inv;
}

namespace {

// Dynamic NTK: theta' = theta * max(1, factor * L / Lmax - (factor - 1))^(D / (D - 2)), with
// L = max(position_ids) + 1, so the frequencies grow with the sequence once it passes Lmax.
OutputRef dynamic_inv_freq(GraphContext& ctx, const std::string& m) {
  const ModelConfig& cfg = ctx.cfg;
  const int64_t d = cfg.head_dim;
  const double factor = cfg.rope_scaling->factor;
  const double max_len = static_cast<double>(cfg.max_position_embeddings);
  auto maxpos = ctx.b.op("ReduceMax", "opset1", {ctx.position_ids, ctx.i64s({0, 1})}, {{"keep_dims", "false"}},
                         m + "/aten::max/ReduceMax");
  auto len = ctx.b.op("Convert", "opset1", {maxpos}, {{"destination_type", "f32"}});
  len = ctx.binary("Add", len, ctx.f32(1.0f));
  auto grow = ctx.binary("Multiply", len, ctx.f32(static_cast<float>(factor / max_len)));
  grow = ctx.binary("Subtract", grow, ctx.f32(static_cast<float>(factor - 1.0)));
  grow = ctx.binary("Maximum", grow, ctx.f32(1.0f));
  auto base = ctx.binary("Power", grow, ctx.f32(static_cast<float>(static_cast<double>(d) / (d - 2))));
  base = ctx.binary("Multiply", base, ctx.f32(static_cast<float>(cfg.rope_theta)));
  Tensor expo(ElementType::f32, {1, d / 2, 1});
  for (int64_t i = 0; i < d / 2; ++i) expo.data<float>()[i] = static_cast<float>(2 * i) / static_cast<float>(d);
  auto pw = ctx.binary("Power", base, ctx.b.constant(std::move(expo)));
  return ctx.binary("Divide", ctx.f32(1.0f, {1, 1, 1}), pw, m + "/inv_freq");
}

}  // namespace

void make_rope(GraphContext& ctx) {
  const std::string m = module_path("model.rotary_emb");
  const int64_t half = ctx.cfg.head_dim / 2;
  OutputRef inv;
  if (ctx.cfg.rope_scaling && ctx.cfg.rope_scaling->type == "dynamic") {
    inv = dynamic_inv_freq(ctx, m);
  } else {
    std::vector<float> f = rope_inv_freq(ctx.cfg);
    Tensor t(ElementType::f32, {1, half, 1});
    for (int64_t i = 0; i < half; ++i) t.data<float>()[i] = f[static_cast<size_t>(i)];
    inv = ctx.b.constant(std::move(t), m + "/aten::to/Convert");
  }
  // inv_freq [1, D/2, 1] expanded to [B, D/2, 1]; positions [B, 1, S]; their product [B, D/2, S].
  auto target = ctx.b.op("Concat", "opset1", {ctx.batch, ctx.i64s({1}), ctx.i64s({1})}, {{"axis", "0"}});
  auto inv_b = ctx.b.op("Broadcast", "opset3", {inv, target}, {{"mode", "bidirectional"}}, m + "/aten::expand/Broadcast");
  auto pos = ctx.b.op("Unsqueeze", "opset1", {ctx.position_ids, ctx.i64(1)}, {}, m + "/aten::unsqueeze/Unsqueeze_2");
  pos = ctx.b.op("Convert", "opset1", {pos}, {{"destination_type", "f32"}}, m + "/aten::to/Convert_3");
  auto freqs = ctx.b.op("MatMul", "opset1", {inv_b, pos}, {{"transpose_a", "false"}, {"transpose_b", "false"}},
                        m + "/aten::matmul/MatMul");
  freqs = ctx.b.op("Transpose", "opset1", {freqs, ctx.i32s({0, 2, 1})}, {}, m + "/aten::transpose/Transpose");
  auto emb = ctx.b.op("Concat", "opset1", {freqs, freqs}, {{"axis", "-1"}}, m + "/aten::cat/Concat");
  auto cos = ctx.b.op("Cos", "opset1", {emb}, {}, m + "/aten::cos/Cos");
  auto sin = ctx.b.op("Sin", "opset1", {emb}, {}, m + "/aten::sin/Sin");
  ctx.cos = ctx.b.op("Unsqueeze", "opset1", {cos, ctx.i64(1)}, {}, m + "/aten::unsqueeze/Unsqueeze");
  ctx.sin = ctx.b.op("Unsqueeze", "opset1", {sin, ctx.i64(1)}, {}, m + "/aten::unsqueeze/Unsqueeze_1");
}

OutputRef apply_rope(GraphContext& ctx, OutputRef x, const std::string& module, const std::string& suffix) {
  const int64_t half = ctx.cfg.head_dim / 2;
  const std::string m = module + "/aten::";
  auto first = ctx.b.op("Slice", "opset8",
                        {x, ctx.i64s({0}), ctx.i64s({half}), ctx.i64s({1}), ctx.i64s({3})}, {}, m + "slice/Slice_x1" + suffix);
  auto second = ctx.b.op("Slice", "opset8",
                         {x, ctx.i64s({half}), ctx.i64s({std::numeric_limits<int64_t>::max()}), ctx.i64s({1}),
                          ctx.i64s({3})},
                         {}, m + "slice/Slice_x2" + suffix);
  auto neg = ctx.binary("Multiply", second, ctx.f32(-1.0f, {1, 1, 1, 1}), m + "neg/Multiply" + suffix);
  auto rot = ctx.b.op("Concat", "opset1", {neg, first}, {{"axis", "-1"}}, m + "cat/Concat" + suffix);
  auto a = ctx.binary("Multiply", x, ctx.cos, m + "mul/Multiply_cos" + suffix);
  auto c = ctx.binary("Multiply", rot, ctx.sin, m + "mul/Multiply_sin" + suffix);
  return ctx.binary("Add", a, c, m + "add/Add" + suffix);
}

}  // namespace openarc::convert
