// NNCF-style quantization, worked out by hand from the formulas: asymmetric scale = (max - min) /
// levels, zp = -round(min / scale), q = round(w / scale) + zp; symmetric i4 maps the element of
// largest magnitude to -8. And the decompression subgraph's layout (ir-inventory.md 3.1).
#include "convert/weight_compression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/float16.h"

namespace openarc::convert {
namespace {

std::vector<int64_t> ints(const Tensor& t) {
  std::vector<int64_t> v;
  for (int64_t i = 0; i < t.size(); ++i) v.push_back(t.get_i64(i));
  return v;
}

TEST(WeightCompression, Int8AsymPerChannel) {
  // Row 0: 0, 0.1, ..., 25.5 -> scale f16(0.1), zp 0, q = i. Row 1: constant 2 -> scale eps.
  Tensor w(ElementType::f32, {2, 256});
  for (int i = 0; i < 256; ++i) {
    w.data<float>()[i] = 0.1f * static_cast<float>(i);
    w.data<float>()[256 + i] = 2.0f;
  }
  QuantizedWeight q = quantize_asym(w, 8, -1);
  EXPECT_EQ(q.q.type(), ElementType::u8);
  EXPECT_EQ(q.q.shape(), (Shape{2, 256}));
  EXPECT_EQ(q.scale.shape(), (Shape{2, 1}));
  EXPECT_EQ(q.zero_point.shape(), (Shape{2, 1}));
  EXPECT_FLOAT_EQ(static_cast<float>(q.scale.get_f64(0)), f16_to_f32(f32_to_f16(0.1f)));
  EXPECT_EQ(q.zero_point.get_i64(0), 0);
  for (int i = 0; i < 256; ++i) ASSERT_EQ(q.q.get_i64(i), i);
  // A constant row of 2: the range [0, 2] gives scale 2 / 255, zp 0 and q = 255.
  EXPECT_EQ(q.zero_point.get_i64(1), 0);
  EXPECT_EQ(q.q.get_i64(256), 255);
}

TEST(WeightCompression, Int4AsymGroups) {
  // Two groups of 4: [-1.5, 0, 1, 6] -> scale 7.5 / 15 = 0.5, zp 3, q [0, 3, 5, 15];
  // [2, 2.5, 3, 7.5]: the range is widened to include 0, [0, 7.5] -> scale 0.5, zp 0, q [4, 5, 6, 15].
  Tensor w = Tensor::from<float>({1, 8}, {-1.5f, 0, 1, 6, 2, 2.5f, 3, 7.5f});
  QuantizedWeight q = quantize_asym(w, 4, 4);
  EXPECT_EQ(q.q.type(), ElementType::u4);
  EXPECT_EQ(q.q.shape(), (Shape{1, 2, 4}));
  EXPECT_EQ(q.scale.shape(), (Shape{1, 2, 1}));
  EXPECT_EQ(ints(q.q), (std::vector<int64_t>{0, 3, 5, 15, 4, 5, 6, 15}));
  EXPECT_EQ(ints(q.zero_point), (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(q.scale.get_f64(0), 0.5);
  Tensor d = dequantize(q, Precision::int4_asym, {1, 8});
  EXPECT_EQ(d.to_f32_vector(), (std::vector<float>{-1.5f, 0, 1, 6, 2, 2.5f, 3, 7.5f}));
}

TEST(WeightCompression, Int4SymMapsLargestMagnitudeToMinus8) {
  // [-4, 2, 1, 0.5]: |min| wins, scale 4 / 8 = 0.5, q [-8, 4, 2, 1].
  // [1, 3.5, -2, 0]: max wins, scale -3.5 / 8 = -0.4375, q [-2, -8, 5, 0].
  Tensor w = Tensor::from<float>({2, 4}, {-4, 2, 1, 0.5f, 1, 3.5f, -2, 0});
  QuantizedWeight q = quantize_sym4(w, 4);
  EXPECT_EQ(q.q.type(), ElementType::i4);
  EXPECT_FALSE(q.zero_point.valid());
  EXPECT_EQ(ints(q.q), (std::vector<int64_t>{-8, 4, 2, 1, -2, -8, 5, 0}));
  EXPECT_EQ(q.scale.get_f64(1), -0.4375);
  Tensor d = dequantize(q, Precision::int4_sym, {2, 4});
  EXPECT_EQ(d.to_f32_vector(), (std::vector<float>{-4, 2, 1, 0.5f, 0.875f, 3.5f, -2.1875f, 0}));
}

TEST(WeightCompression, PlanHonoursBackupGroupSizeAndRatio) {
  // "smooth" quantizes almost exactly at 4 bits, "rough" (an outlier of 100) does not.
  std::map<std::string, Tensor> w;
  Tensor smooth(ElementType::f32, {2, 8}), rough(ElementType::f32, {2, 8}), odd(ElementType::f32, {2, 6});
  for (int i = 0; i < 16; ++i) {
    smooth.data<float>()[i] = 0.5f * static_cast<float>(i % 4);  // groups [0, .5, 1, 1.5]: scale 0.1
    rough.data<float>()[i] = i == 3 ? 100.0f : 0.37f * static_cast<float>(i % 5);
  }
  w["smooth"] = smooth;
  w["rough"] = rough;
  w["odd"] = odd;
  w["emb"] = smooth;
  std::vector<WeightUse> uses{{"smooth", {2, 8}}, {"rough", {2, 8}}, {"odd", {2, 6}}, {"emb", {2, 8}, true}};
  auto load = [&](const std::string& n) { return w.at(n); };

  CompressionOptions opt;
  opt.format = WeightFormat::int4;
  opt.group_size = 4;
  opt.ratio = 0.5;
  CompressionPlan p = plan_compression(uses, opt, load);
  EXPECT_EQ(p.precision["smooth"], Precision::int4_asym);
  EXPECT_EQ(p.precision["rough"], Precision::int8_asym);  // larger error: the one left in backup
  EXPECT_EQ(p.precision["odd"], Precision::int8_asym);    // 6 % 4 != 0
  EXPECT_EQ(p.precision["emb"], Precision::int8_asym);
  EXPECT_THAT(p.note["odd"], ::testing::HasSubstr("not divisible by group size 4"));

  opt.ratio = 1.0;
  opt.sym = true;
  p = plan_compression(uses, opt, load);
  EXPECT_EQ(p.precision["rough"], Precision::int4_sym);
  opt.format = WeightFormat::fp16;
  p = plan_compression(uses, opt, load);
  EXPECT_EQ(p.precision["emb"], Precision::f16);
}

TEST(WeightCompression, DecompressionSubgraphLayout) {
  Tensor w = Tensor::from<float>({2, 8}, {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8});
  ir::GraphBuilder b;
  ir::OutputRef out = decompressed_weight(b, w, Precision::int4_asym, 4, "self.w.weight", "__module.w/ov_ext::linear", false);
  ir::Model m = b.build();
  std::vector<std::string> types;
  for (const auto& n : m.nodes) types.push_back(n.type);
  EXPECT_EQ(types, (std::vector<std::string>{"Const", "Convert", "Const", "Convert", "Subtract", "Const", "Multiply",
                                             "Const", "Reshape", "Convert"}));
  const ir::Node& last = m.nodes[out.node];
  EXPECT_EQ(last.name, "__module.w/ov_ext::linear/Convert");
  EXPECT_EQ(last.attrs.str("destination_type"), "f32");
  ASSERT_EQ(last.rt_info.size(), 1u);
  EXPECT_EQ(last.rt_info[0].attrs.str("name"), "decompression");
  EXPECT_EQ(m.nodes[0].constant.type(), ElementType::u4);
  EXPECT_EQ(m.nodes[0].name, "self.w.weight");
  EXPECT_EQ(m.nodes[6].name, "self.w.weight/fq_weights_1");
  EXPECT_EQ(m.nodes[8].attrs.str("special_zero"), "false");

  ir::GraphBuilder b2;
  decompressed_weight(b2, w, Precision::int8_asym, 4, "self.e.weight", "__module.e/ov_ext::embedding", true);
  ir::Model m2 = b2.build();
  EXPECT_EQ(m2.nodes.size(), 8u);  // no Reshape per channel
  EXPECT_EQ(m2.nodes[0].constant.shape(), (Shape{2, 8}));
  EXPECT_EQ(m2.nodes[6].name, "self.e.weight/fq_weights_0");

  ir::GraphBuilder b3;
  decompressed_weight(b3, w, Precision::f32, 4, "self.f.weight", "m", false);
  EXPECT_EQ(b3.build().nodes.size(), 1u);  // fp32 feeds the MatMul directly
}

TEST(WeightCompression, ParsesFormats) {
  EXPECT_EQ(parse_weight_format("int4"), WeightFormat::int4);
  EXPECT_THAT([] { parse_weight_format("int3"); },
              ::testing::ThrowsMessage<Error>(::testing::HasSubstr("unknown weight format 'int3'")));
}

}  // namespace
}  // namespace openarc::convert
