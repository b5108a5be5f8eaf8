#include "convert/weight_compression.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/float16.h"

namespace openarc::convert {

namespace {

// The group layout of a [N, K] weight: `groups` groups of `g` elements per row.
struct Groups {
  int64_t n, k, groups, g;
};

Groups groups_of(const Tensor& w, int64_t group_size) {
  check(w.rank() == 2, "weight compression expects a 2-D weight, got ", openarc::to_string(w.shape()));
  int64_t n = w.shape()[0], k = w.shape()[1];
  int64_t g = group_size > 0 ? group_size : k;
  check(k % g == 0, "group size ", g, " does not divide in-features ", k);
  return {n, k, k / g, g};
}

// f32 -> nearest f16 value as float, kept away from 0 so it can divide.
float f16_scale(float s, uint16_t* bits) {
  uint16_t h = f32_to_f16(s);
  if ((h & 0x7fffu) == 0) h = static_cast<uint16_t>((h & 0x8000u) | 1u);  // smallest subnormal
  *bits = h;
  return f16_to_f32(h);
}

Shape q_shape(const Groups& gr, bool grouped) {
  return grouped ? Shape{gr.n, gr.groups, gr.g} : Shape{gr.n, gr.k};
}
Shape s_shape(const Groups& gr, bool grouped) {
  return grouped ? Shape{gr.n, gr.groups, 1} : Shape{gr.n, 1};
}

}  // namespace

WeightFormat parse_weight_format(const std::string& s) {
  if (s == "fp32") return WeightFormat::fp32;
  if (s == "fp16") return WeightFormat::fp16;
  if (s == "int8") return WeightFormat::int8;
  if (s == "int4") return WeightFormat::int4;
  fail("unknown weight format '", s, "' (choose fp32, fp16, int8 or int4)");
}

std::string to_string(WeightFormat f) {
  switch (f) {
    case WeightFormat::fp32: return "fp32";
    case WeightFormat::fp16: return "fp16";
    case WeightFormat::int8: return "int8";
    case WeightFormat::int4: return "int4";
  }
  return "?";
}

std::string to_string(Precision p) {
  switch (p) {
    case Precision::f32: return "f32";
    case Precision::f16: return "f16";
    case Precision::int8_asym: return "int8_asym";
    case Precision::int4_asym: return "int4_asym";
    case Precision::int4_sym: return "int4_sym";
  }
  return "?";
}

QuantizedWeight quantize_asym(const Tensor& w, int bits, int64_t group_size) {
  check(w.type() == ElementType::f32, "quantize_asym expects f32");
  check(bits == 8 || bits == 4, "asymmetric quantization supports 8 or 4 bits");
  Groups gr = groups_of(w, group_size);
  bool grouped = bits == 4 && group_size > 0;
  ElementType qt = bits == 8 ? ElementType::u8 : ElementType::u4;
  const int levels = (1 << bits) - 1;
  QuantizedWeight out{Tensor(qt, q_shape(gr, grouped)), Tensor(qt, s_shape(gr, grouped)),
                      Tensor(ElementType::f16, s_shape(gr, grouped))};
  const float* src = w.data<float>();
  uint16_t* scale = out.scale.data<uint16_t>();
  for (int64_t r = 0; r < gr.n; ++r) {
    for (int64_t c = 0; c < gr.groups; ++c) {
      const float* x = src + r * gr.k + c * gr.g;
      // The range always includes 0, so the zero point needs no clamping and 0 stays exact.
      float lo = std::min(0.0f, *std::min_element(x, x + gr.g)), hi = std::max(0.0f, *std::max_element(x, x + gr.g));
      float s = (hi - lo) / static_cast<float>(levels);
      if (std::fabs(s) < std::numeric_limits<float>::epsilon()) s = std::numeric_limits<float>::epsilon();
      const int64_t gi = r * gr.groups + c;
      float sf = f16_scale(s, &scale[gi]);
      float zp = std::clamp(-std::nearbyint(lo / sf), 0.0f, static_cast<float>(levels));
      out.zero_point.set_i64(gi, static_cast<int64_t>(zp));
      for (int64_t j = 0; j < gr.g; ++j) {
        float q = std::clamp(std::nearbyint(x[j] / sf) + zp, 0.0f, static_cast<float>(levels));
        out.q.set_i64(gi * gr.g + j, static_cast<int64_t>(q));
      }
    }
  }
  return out;
}

QuantizedWeight quantize_sym4(const Tensor& w, int64_t group_size) {
  check(w.type() == ElementType::f32, "quantize_sym4 expects f32");
  Groups gr = groups_of(w, group_size);
  bool grouped = group_size > 0;
  QuantizedWeight out{Tensor(ElementType::i4, q_shape(gr, grouped)), Tensor(),
                      Tensor(ElementType::f16, s_shape(gr, grouped))};
  const float* src = w.data<float>();
  uint16_t* scale = out.scale.data<uint16_t>();
  for (int64_t r = 0; r < gr.n; ++r) {
    for (int64_t c = 0; c < gr.groups; ++c) {
      const float* x = src + r * gr.k + c * gr.g;
      float lo = *std::min_element(x, x + gr.g), hi = *std::max_element(x, x + gr.g);
      // The extreme element maps to -8: a negative scale when it is the maximum.
      float s = (std::fabs(lo) >= std::fabs(hi) ? std::fabs(lo) : -hi) / 8.0f;
      if (std::fabs(s) < std::numeric_limits<float>::epsilon()) s = std::numeric_limits<float>::epsilon();
      const int64_t gi = r * gr.groups + c;
      float sf = f16_scale(s, &scale[gi]);
      for (int64_t j = 0; j < gr.g; ++j)
        out.q.set_i64(gi * gr.g + j, static_cast<int64_t>(std::clamp(std::nearbyint(x[j] / sf), -8.0f, 7.0f)));
    }
  }
  return out;
}

Tensor dequantize(const QuantizedWeight& qw, Precision p, const Shape& shape) {
  Tensor out(ElementType::f32, shape);
  int64_t n = out.size(), groups = qw.scale.size(), g = n / groups;
  float* dst = out.data<float>();
  for (int64_t gi = 0; gi < groups; ++gi) {
    float s = static_cast<float>(qw.scale.get_f64(gi));
    float zp = p == Precision::int4_sym ? 0.0f : static_cast<float>(qw.zero_point.get_i64(gi));
    for (int64_t j = 0; j < g; ++j) {
      // The graph computes (q - zp) * s in f16; q - zp is exact in f16, the product rounds.
      float d = static_cast<float>(qw.q.get_i64(gi * g + j)) - zp;
      dst[gi * g + j] = f16_to_f32(f32_to_f16(d * s));
    }
  }
  return out;
}

double quantization_error(const Tensor& w, Precision p, int64_t group_size) {
  QuantizedWeight q = p == Precision::int4_sym ? quantize_sym4(w, group_size)
                                               : quantize_asym(w, p == Precision::int8_asym ? 8 : 4,
                                                               p == Precision::int8_asym ? -1 : group_size);
  Tensor d = dequantize(q, p, w.shape());
  int64_t n = w.shape()[0], k = w.shape()[1];
  double worst = 0;
  for (int64_t r = 0; r < n; ++r) {
    double e = 0;
    for (int64_t j = 0; j < k; ++j) {
      double diff = static_cast<double>(d.data<float>()[r * k + j]) - w.data<float>()[r * k + j];
      e += diff * diff;
    }
    worst = std::max(worst, e / static_cast<double>(k));
  }
  return worst;
}

ir::OutputRef decompressed_weight(ir::GraphBuilder& b, const Tensor& w, Precision p, int64_t group_size,
                                  const std::string& weight_name, const std::string& module, bool embedding) {
  const ir::RtInfo decompression{"attribute", {{"name", "decompression"}, {"version", "0"}}, {}};
  const std::string last = module + "/Convert";
  if (p == Precision::f32) return b.constant(w, weight_name);
  if (p == Precision::f16) {
    Tensor h(ElementType::f16, w.shape());
    for (int64_t i = 0; i < w.size(); ++i) h.data<uint16_t>()[i] = f32_to_f16(w.data<float>()[i]);
    auto c = b.constant(std::move(h), weight_name);
    auto out = b.op("Convert", "opset1", {c}, {{"destination_type", "f32"}}, last);
    b.add_rt_info(out, decompression);
    return out;
  }
  const int64_t g = p == Precision::int8_asym ? -1 : group_size;
  QuantizedWeight q = p == Precision::int4_sym ? quantize_sym4(w, g)
                                               : quantize_asym(w, p == Precision::int8_asym ? 8 : 4, g);
  const bool grouped = q.q.rank() == 3;
  const std::string fq = weight_name + (embedding ? "/fq_weights_0" : "/fq_weights_1");
  auto qc = b.constant(q.q, weight_name);
  auto qf = b.op("Convert", "opset1", {qc}, {{"destination_type", "f16"}});
  ir::OutputRef centred = qf;
  if (p != Precision::int4_sym) {
    auto zc = b.constant(q.zero_point, weight_name + "/zero_point");
    auto zf = b.op("Convert", "opset1", {zc}, {{"destination_type", "f16"}});
    centred = b.op("Subtract", "opset1", {qf, zf}, {{"auto_broadcast", "numpy"}}, weight_name + "/zero_point/subtract");
  }
  auto sc = b.constant(q.scale, weight_name + "/scale");
  auto scaled = b.op("Multiply", "opset1", {centred, sc}, {{"auto_broadcast", "numpy"}}, fq);
  if (grouped) {
    auto target = b.constant(Tensor::from<int64_t>({2}, {w.shape()[0], w.shape()[1]}));
    scaled = b.op("Reshape", "opset1", {scaled, target}, {{"special_zero", "false"}});
  }
  auto out = b.op("Convert", "opset1", {scaled}, {{"destination_type", "f32"}}, last);
  b.add_rt_info(out, decompression);
  return out;
}

ir::RtInfo compression_rt_info(const CompressionOptions& opt) {
  std::string mode = opt.format == WeightFormat::int8 ? "int8_asym" : opt.sym ? "int4_sym" : "int4_asym";
  auto entry = [](const std::string& tag, const std::string& value) {
    return ir::RtInfo{tag, {{"value", value}}, {}};
  };
  ir::RtInfo wc{"weight_compression", {}, {}};
  wc.children = {entry("all_layers", "False"),
                 entry("awq", "False"),
                 entry("backup_mode", "int8_asym"),
                 entry("gptq", "False"),
                 entry("group_size", std::to_string(opt.format == WeightFormat::int8 ? -1 : opt.group_size)),
                 entry("mode", mode),
                 entry("ratio", cat(opt.format == WeightFormat::int8 ? 1.0 : opt.ratio)),
                 entry("scale_estimation", "False"),
                 entry("sensitivity_metric", "weight_quantization_error")};
  return ir::RtInfo{"nncf", {}, {wc}};
}

}  // namespace openarc::convert
