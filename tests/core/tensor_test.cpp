#include "core/tensor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/float16.h"

namespace openarc {
namespace {

TEST(Tensor, OwnedIsZeroedAndSized) {
  Tensor t(ElementType::f32, {2, 3});
  EXPECT_EQ(t.size(), 6);
  EXPECT_EQ(t.byte_size(), 24u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data<float>()[i], 0.0f);
}

TEST(Tensor, SubBytePackingFollowsTheSpec) {
  // u4/i4: element 0 in the low nibble; u1: element 0 in the most significant bit.
  Tensor u4(ElementType::u4, {3});
  EXPECT_EQ(u4.byte_size(), 2u);
  u4.set_i64(0, 0x3);
  u4.set_i64(1, 0xA);
  u4.set_i64(2, 0xF);
  EXPECT_EQ(u4.data<uint8_t>()[0], 0xA3);
  EXPECT_EQ(u4.data<uint8_t>()[1], 0x0F);
  EXPECT_EQ(u4.get_i64(1), 10);

  Tensor i4 = Tensor::view(ElementType::i4, {2}, u4.data(), nullptr);
  EXPECT_EQ(i4.get_i64(0), 3);
  EXPECT_EQ(i4.get_i64(1), -6);  // 0xA sign-extended

  Tensor u1(ElementType::u1, {10});
  EXPECT_EQ(u1.byte_size(), 2u);
  u1.set_i64(0, 1);
  u1.set_i64(9, 1);
  EXPECT_EQ(u1.data<uint8_t>()[0], 0x80);
  EXPECT_EQ(u1.data<uint8_t>()[1], 0x40);
}

TEST(Float16, RoundTripsAndRoundsToNearestEven) {
  EXPECT_EQ(f32_to_f16(1.0f), 0x3c00);
  EXPECT_EQ(f16_to_f32(0x3c00), 1.0f);
  EXPECT_EQ(f32_to_f16(-2.0f), 0xc000);
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);  // rounds up to inf
  EXPECT_EQ(f32_to_f16(5.9604644775390625e-08f), 0x0001);  // smallest subnormal
  EXPECT_EQ(f16_to_f32(0x0001), 5.9604644775390625e-08f);
  EXPECT_EQ(f32_to_f16(1.0f + 1.0f / 2048), 0x3c00);      // tie: to even
  EXPECT_EQ(f32_to_f16(1.0f + 3.0f / 2048), 0x3c02);      // tie: to even (up)
  EXPECT_TRUE(std::isnan(f16_to_f32(f32_to_f16(NAN))));
  for (uint32_t h = 0; h < 0x7c00; ++h) EXPECT_EQ(f32_to_f16(f16_to_f32(h)), h) << h;
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
  EXPECT_EQ(f32_to_bf16(bits_to_f32(0x3f808000)), 0x3f80);  // tie to even
  EXPECT_EQ(f32_to_bf16(bits_to_f32(0x3f818000)), 0x3f82);
}

TEST(PartialShape, ParsesIrShapeStrings) {
  EXPECT_EQ(parse_partial_shape("?,8,-1,128").to_string(), "[?,8,?,128]");
  EXPECT_EQ(parse_partial_shape("1, 1, 2048").to_shape(), (Shape{1, 1, 2048}));
  EXPECT_EQ(parse_partial_shape("").rank(), 0);
  EXPECT_TRUE(parse_partial_shape("...").rank_is_dynamic());
  EXPECT_EQ(parse_partial_shape("[2..2, 1..5]").to_string(), "[2,?]");
  EXPECT_THROW(parse_partial_shape("1,x"), Error);
  EXPECT_THROW(parse_partial_shape("-3"), Error);
}

TEST(Shape, NormalizesNegativeAxes) {
  EXPECT_EQ(normalize_axis(-1, 4), 3);
  EXPECT_EQ(normalize_axis(0, 1), 0);
  EXPECT_THROW(normalize_axis(4, 4), Error);
  EXPECT_THROW(normalize_axis(-5, 4), Error);
}

}  // namespace
}  // namespace openarc
