// Convert-1 and ConvertLike-1 across every element type, against values worked out by hand
// (rounding, saturation, wrapping and sub-byte packing as convert.cpp's header defines them).
#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

Case conv(std::string name, Tensor in, Tensor want) {
  std::string dst(to_string(want.type()));
  return {std::move(name), "Convert", "opset1", {{"destination_type", dst}}, {std::move(in)}, std::move(want)};
}

Tensor raw(ElementType t, const Shape& shape, std::vector<uint8_t> bytes) {
  Tensor x(t, shape);
  EXPECT_EQ(x.byte_size(), bytes.size());
  std::memcpy(x.data(), bytes.data(), bytes.size());
  return x;
}

std::vector<Case> convert_cases() {
  std::vector<Case> c;
  // Float -> integer truncates toward zero and saturates; NaN -> 0.
  c.push_back(conv("f32_to_i32_truncates", make(E::f32, {4}, {3.7, -3.7, 2.5, -0.5}), make(E::i32, {4}, {3, -3, 2, 0})));
  c.push_back(conv("f32_to_u8_saturates", make(E::f32, {5}, {300, -5.5, 255.9, NAN, 1e30}),
                   make(E::u8, {5}, {255, 0, 255, 0, 255})));
  c.push_back(conv("f32_to_i8_saturates", make(E::f32, {3}, {200, -200, -5.5}), make(E::i8, {3}, {127, -128, -5})));
  c.push_back(conv("f64_to_i64_saturates", make(E::f64, {2}, {1e19, -1e19}),
                   Tensor::from<int64_t>({2}, {INT64_MAX, INT64_MIN})));
  c.push_back(conv("f32_to_boolean", make(E::f32, {5}, {0, -0.0, 0.5, NAN, -2}), boolean({5}, {0, 0, 1, 1, 1})));
  c.push_back(conv("i32_to_boolean", make(E::i32, {3}, {0, -1, 256}), boolean({3}, {0, 1, 1})));
  // f32 -> f16, round to nearest even: 1 + 2^-11 ties to 1; 1 + 3*2^-11 ties to 1 + 2^-9 (even);
  // 65504 is the largest f16; 65520 rounds up to inf; 1e-8 is below half the least subnormal.
  c.push_back(conv("f32_to_f16_rounding", make(E::f32, {6}, {1.00048828125, 1.00146484375, 65504, 65520, 1e-8, -70000}),
                   make(E::f16, {6}, {1, 1.001953125, 65504, INFINITY, 0, -INFINITY})));
  // f16 subnormal: 2^-24 is the least; 3 * 2^-25 ties between 2^-24 and 2^-23, even: 2^-23.
  c.push_back(conv("f32_to_f16_subnormal", make(E::f32, {2}, {5.960464477539063e-08, 8.940696716308594e-08}),
                   make(E::f16, {2}, {5.960464477539063e-08, 1.1920928955078125e-07})));
  // f32 -> bf16: 1 + 2^-8 ties to 1; 1 + 3*2^-8 ties to 1 + 2^-6 (even).
  c.push_back(conv("f32_to_bf16_rounding", make(E::f32, {3}, {1.00390625, 1.01171875, -2.5}),
                   make(E::bf16, {3}, {1, 1.015625, -2.5})));
  c.push_back(conv("f16_bits_to_f32", raw(E::f16, {3}, {0x00, 0x3c, 0x00, 0xc0, 0x00, 0x7c}),
                   make(E::f32, {3}, {1, -2, INFINITY})));
  // bf16 0x4049 = 0x40490000 as f32 = 3.140625.
  c.push_back(conv("bf16_bits_to_f32", raw(E::bf16, {2}, {0x80, 0x3f, 0x49, 0x40}), make(E::f32, {2}, {1, 3.140625})));
  c.push_back(conv("bf16_to_f16", make(E::bf16, {2}, {0.5, -3}), make(E::f16, {2}, {0.5, -3})));
  // Integer -> integer wraps modulo 2^N; the spec's example: i32 -1 -> u32 4294967295.
  c.push_back(conv("i32_to_u32_spec_example", make(E::i32, {1}, {-1}), make(E::u32, {1}, {4294967295.0})));
  c.push_back(conv("i32_to_u8_wraps", make(E::i32, {3}, {-1, 256, 257}), make(E::u8, {3}, {255, 0, 1})));
  c.push_back(conv("i64_to_i32_wraps", make(E::i64, {1}, {4294967301.0}), make(E::i32, {1}, {5})));
  c.push_back(conv("boolean_to_f32", boolean({2}, {1, 0}), make(E::f32, {2}, {1, 0})));
  c.push_back(conv("boolean_to_i64", boolean({2}, {0, 1}), make(E::i64, {2}, {0, 1})));
  c.push_back(conv("u64_to_f64", make(E::u64, {1}, {4096}), make(E::f64, {1}, {4096})));
  // u4: element 0 in the low nibble. Bytes 0xA3 0x0F hold 3, 10, 15 (and a padding 0).
  c.push_back(conv("u4_unpacks", raw(E::u4, {3}, {0xA3, 0x0F}), make(E::f32, {3}, {3, 10, 15})));
  // i4: 0x8F holds low nibble 0xF = -1, high nibble 0x8 = -8; 0x07 holds 7.
  c.push_back(conv("i4_unpacks", raw(E::i4, {3}, {0x8F, 0x07}), make(E::f16, {3}, {-1, -8, 7})));
  // u1: element 0 in the most significant bit. 0b10100000 holds 1, 0, 1.
  c.push_back(conv("u1_unpacks", raw(E::u1, {3}, {0xA0}), make(E::f32, {3}, {1, 0, 1})));
  c.push_back(conv("u1_to_boolean", raw(E::u1, {3}, {0x60}), boolean({3}, {0, 1, 1})));
  // Float -> sub-byte saturates to the sub-byte range: u4 [0, 15], i4 [-8, 7], u1 [0, 1].
  c.push_back(conv("f32_to_u4_packs", make(E::f32, {5}, {3, 10, 15.9, -1, 20}), raw(E::u4, {5}, {0xA3, 0x0F, 0x0F})));
  c.push_back(conv("f32_to_i4_saturates", make(E::f32, {2}, {-9.5, 7.9}), raw(E::i4, {2}, {0x78})));
  c.push_back(conv("f32_to_u1_saturates", make(E::f32, {4}, {0, 1, 2.5, -1}), raw(E::u1, {4}, {0x60})));
  // Integer -> sub-byte wraps: i4 keeps the low nibble (-1 -> 0xF, 8 -> 0x8 = -8, -9 -> 0x7).
  c.push_back(conv("i32_to_i4_wraps", make(E::i32, {4}, {-1, 7, 8, -9}), make(E::i4, {4}, {-1, 7, -8, 7})));
  c.push_back(conv("i32_to_u1_low_bit", make(E::i32, {2}, {2, 3}), make(E::u1, {2}, {0, 1})));
  c.push_back(conv("u4_to_i4_wraps", make(E::u4, {2}, {15, 7}), make(E::i4, {2}, {-1, 7})));
  c.push_back(conv("empty", make(E::f32, {0, 4}, {}), make(E::u4, {0, 4}, {})));
  // Every type to every type: 1 and 0 survive every conversion.
  const ElementType all[] = {E::f64, E::f32, E::f16, E::bf16, E::i64, E::i32, E::i16, E::i8, E::u64,
                             E::u32, E::u16, E::u8,  E::boolean, E::i4, E::u4, E::u1};
  for (ElementType s : all)
    for (ElementType d : all)
      c.push_back(conv("all_" + std::string(to_string(s)) + "_to_" + std::string(to_string(d)), make(s, {2}, {1, 0}),
                       make(d, {2}, {1, 0})));
  // ConvertLike takes the type of input 1 and the shape of input 0.
  c.push_back({"ConvertLike_f32_like_i64", "ConvertLike", "opset1", {}, {make(E::f32, {2}, {2.9, -2.9}), make(E::i64, {3}, {0, 0, 0})},
               make(E::i64, {2}, {2, -2})});
  c.push_back({"ConvertLike_u4_like_f16", "ConvertLike", "opset1", {}, {raw(E::u4, {2}, {0x21}), make(E::f16, {}, {0})},
               make(E::f16, {2}, {1, 2})});
  return c;
}

class Convert : public ::testing::TestWithParam<Case> {};
TEST_P(Convert, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, Convert, ::testing::ValuesIn(convert_cases()), case_name);

// Sub-byte tensors longer than one conversion chunk (4096 elements), both directions.
TEST(ConvertChunks, LongSubByteTensors) {
  const int64_t n = 10001;
  Tensor u4(E::u4, {n});
  for (int64_t i = 0; i < n; ++i) u4.set_i64(i, i % 16);
  Tensor f = run_op("Convert", "opset1", {{"destination_type", "f32"}}, {u4})[0];
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(f.data<float>()[i], static_cast<float>(i % 16)) << i;
  Tensor back = run_op("Convert", "opset1", {{"destination_type", "u1"}}, {f})[0];
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(back.get_i64(i), i % 16 == 0 ? 0 : 1) << i;
}

TEST(ConvertErrors, DestinationTypeMustBeKnown) {
  expect_error([] { OpRegistry::instance().create("Convert", "opset1", {{"destination_type", "f24"}}); }, "f24");
  expect_error([] { OpRegistry::instance().create("Convert", "opset1", {}); }, "destination_type");
}

TEST(ConvertInfer, DynamicShapes) {
  std::vector<OutputInfo> o =
      infer_op("Convert", "opset1", {{"destination_type", "f16"}}, {{E::u4, parse_partial_shape("?,8,128"), nullptr}});
  EXPECT_EQ(o[0].type, E::f16);
  EXPECT_EQ(o[0].shape.to_string(), "[?,8,128]");
  o = infer_op("ConvertLike", "opset1", {},
               {{E::f32, PartialShape::dynamic_rank(), nullptr}, {E::bf16, parse_partial_shape("1"), nullptr}});
  EXPECT_EQ(o[0].type, E::bf16);
  EXPECT_TRUE(o[0].shape.rank_is_dynamic());
}

}  // namespace
}  // namespace openarc::ops::testing
