// RoPE fusion: the rotate-half forms the exports write (Slice-8 halves; StridedSlice halves whose
// split point comes from a ShapeOf side graph) against their reference graphs, and look-alikes.
#include <gtest/gtest.h>

#include <limits>

#include "fusion_test_util.h"
#include "ir/builder.h"
#include "model_test_util.h"

namespace openarc::graph {
namespace {

using testing::apply;
using testing::count_type;
using testing::expect_same_outputs;
using testing::random_tensor;

enum class Halves { slice8, strided_shape_of, strided_const };

struct RopeForm {
  Halves halves = Halves::slice8;
  bool convert_minus_one = false;
  bool swap_add = false, swap_cos = false, swap_sin = false, swap_neg = false;
  bool concat_wrong_order = false;
  int64_t first_start = 0, first_stop = -1, first_step = 1;  // first_stop -1: D/2
  float minus_one = -1.0f;
  bool cos_three_dims = false;  // cos, sin given as [B, S, D] and unsqueezed, as Qwen2 does
  Shape x{2, 3, 5, 8};          // [B, H, S, D]
};

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// The split point [0, 0, 0, D/2] as 2024 exports compute it from x's shape.
ir::OutputRef split_from_shape(ir::GraphBuilder& b, ir::OutputRef x) {
  auto shape = b.op("ShapeOf", "opset3", {x}, {{"output_type", "i64"}});
  auto d = b.op("Gather", "opset8", {shape, b.constant(Tensor::scalar<int64_t>(3)), b.constant(Tensor::scalar<int32_t>(0))},
                {{"batch_dims", "0"}});
  auto half = b.op("Divide", "opset1", {d, b.constant(Tensor::scalar<int64_t>(2))},
                   {{"auto_broadcast", "numpy"}, {"m_pythondiv", "true"}});
  half = b.op("Floor", "opset1", {half});
  half = b.op("Reshape", "opset1", {half, i64s(b, {1})}, {{"special_zero", "false"}});
  return b.op("ScatterUpdate", "opset3",
              {i64s(b, {0, 0, 0, 0}), i64s(b, {3}), half, b.constant(Tensor::from<int32_t>({1}, {0}))});
}

ir::OutputRef strided(ir::GraphBuilder& b, ir::OutputRef x, ir::OutputRef begin, ir::OutputRef end) {
  return b.op("StridedSlice", "opset1", {x, begin, end, i64s(b, {1, 1, 1, 1})},
              {{"begin_mask", "1, 1, 1, 0"}, {"end_mask", "1, 1, 1, 0"}, {"new_axis_mask", ""},
               {"shrink_axis_mask", ""}, {"ellipsis_mask", ""}});
}

ir::OutputRef mul(ir::GraphBuilder& b, ir::OutputRef a, ir::OutputRef c, bool swap) {
  return swap ? b.op("Multiply", "opset1", {c, a}) : b.op("Multiply", "opset1", {a, c});
}

// Inputs x [B,H,S,D], cos, sin; output out = x * cos + rotate_half(x) * sin.
ir::Model rope_model(const RopeForm& f) {
  ir::GraphBuilder b("rope");
  const int64_t d = f.x[3], half = d / 2;
  auto x = b.parameter("x", ElementType::f32, PartialShape({-1, f.x[1], -1, d}));
  ir::OutputRef cos, sin;
  if (f.cos_three_dims) {
    auto c3 = b.parameter("cos", ElementType::f32, PartialShape({-1, -1, d}));
    auto s3 = b.parameter("sin", ElementType::f32, PartialShape({-1, -1, d}));
    cos = b.op("Unsqueeze", "opset1", {c3, b.constant(Tensor::scalar<int64_t>(1))});
    sin = b.op("Unsqueeze", "opset1", {s3, b.constant(Tensor::scalar<int64_t>(1))});
  } else {
    cos = b.parameter("cos", ElementType::f32, PartialShape({-1, 1, -1, d}));
    sin = b.parameter("sin", ElementType::f32, PartialShape({-1, 1, -1, d}));
  }
  const int64_t first_stop = f.first_stop < 0 ? half : f.first_stop;
  ir::OutputRef x1, x2;
  if (f.halves == Halves::slice8) {
    x1 = b.op("Slice", "opset8", {x, i64s(b, {f.first_start}), i64s(b, {first_stop}), i64s(b, {f.first_step}), i64s(b, {3})});
    x2 = b.op("Slice", "opset8", {x, i64s(b, {half}), i64s(b, {kMax}), i64s(b, {1}), i64s(b, {3})});
  } else {
    auto split = f.halves == Halves::strided_const ? i64s(b, {0, 0, 0, half}) : split_from_shape(b, x);
    x1 = strided(b, x, i64s(b, {0, 0, 0, f.first_start}), f.first_stop < 0 ? split : i64s(b, {0, 0, 0, first_stop}));
    x2 = strided(b, x, split, i64s(b, {0, 0, 0, kMax}));
  }
  ir::OutputRef minus_one;
  if (f.convert_minus_one) {
    minus_one = b.op("Convert", "opset1", {b.constant(Tensor::scalar<int32_t>(static_cast<int32_t>(f.minus_one)))},
                     {{"destination_type", "f32"}});
  } else {
    Tensor t(ElementType::f32, {1, 1, 1, 1});
    t.data<float>()[0] = f.minus_one;
    minus_one = b.constant(t);
  }
  auto neg = mul(b, x2, minus_one, f.swap_neg);
  auto rot = f.concat_wrong_order
                 ? b.op("Concat", "opset1", {x1, neg}, {{"axis", "-1"}})
                 : b.op("Concat", "opset1", {neg, x1}, {{"axis", "-1"}});
  auto a = mul(b, x, cos, f.swap_cos);
  auto c = mul(b, rot, sin, f.swap_sin);
  auto out = f.swap_add ? b.op("Add", "opset1", {c, a}, {}, "rope/Add") : b.op("Add", "opset1", {a, c}, {}, "rope/Add");
  b.result(out, "y");
  return b.build();
}

std::vector<Tensor> rope_inputs(const RopeForm& f) {
  const Shape& x = f.x;
  if (f.cos_three_dims)
    return {random_tensor(x, 1), random_tensor({x[0], x[2], x[3]}, 2), random_tensor({x[0], x[2], x[3]}, 3)};
  return {random_tensor(x, 1), random_tensor({x[0], 1, x[2], x[3]}, 2), random_tensor({x[0], 1, x[2], x[3]}, 3)};
}

void expect_rope_fuses(const RopeForm& f) {
  expect_same_outputs(rope_model(f), fuse_rope, 1, rope_inputs(f), 1e-6);
  testing::Fused fused = apply(rope_model(f), fuse_rope);
  EXPECT_EQ(count_type(fused.model, "RoPE"), 1);
  EXPECT_EQ(count_type(fused.model, "Concat") + count_type(fused.model, "Multiply") + count_type(fused.model, "Slice") +
                count_type(fused.model, "StridedSlice") + count_type(fused.model, "ScatterUpdate"),
            0);
  ASSERT_NE(fused.model.find("rope/Add"), nullptr);  // the pass keeps the root's name
  EXPECT_EQ(fused.model.find("rope/Add")->type, "RoPE");
}

void expect_rope_not_fused(const RopeForm& f) {
  testing::Fused fused = apply(rope_model(f), fuse_rope);
  EXPECT_EQ(fused.fired, 0);
}

TEST(FuseRope, SliceHalves) { expect_rope_fuses(RopeForm{}); }

TEST(FuseRope, StridedSliceHalvesFromShapeOf) {
  RopeForm f;
  f.halves = Halves::strided_shape_of;
  expect_rope_fuses(f);
  f.halves = Halves::strided_const;
  expect_rope_fuses(f);
}

TEST(FuseRope, OperandsInEitherOrderAndConvertedMinusOne) {
  for (int bits = 0; bits < 32; ++bits) {
    RopeForm f;
    f.swap_add = bits & 1;
    f.swap_cos = bits & 2;
    f.swap_sin = bits & 4;
    f.swap_neg = bits & 8;
    f.convert_minus_one = bits & 16;
    f.halves = bits % 3 == 0 ? Halves::strided_shape_of : Halves::slice8;
    SCOPED_TRACE(bits);
    expect_rope_fuses(f);
  }
}

TEST(FuseRope, TablesUnsqueezedFromThreeDims) {
  RopeForm f;
  f.cos_three_dims = true;
  expect_rope_fuses(f);
}

TEST(FuseRope, LongPromptOnThePool) {
  RopeForm f;
  f.x = {1, 8, 300, 64};  // 2400 rows of 64: several chunks
  expect_rope_fuses(f);
}

TEST(FuseRope, MustNotFireOnLookAlikes) {
  RopeForm wrong_order;
  wrong_order.concat_wrong_order = true;
  expect_rope_not_fused(wrong_order);
  RopeForm shifted;  // x1 is x[..., 1:5], as wide as a half but not the first one
  shifted.first_start = 1;
  shifted.first_stop = 5;
  expect_rope_not_fused(shifted);
  RopeForm shifted_strided;
  shifted_strided.halves = Halves::strided_shape_of;
  shifted_strided.first_start = 1;
  shifted_strided.first_stop = 5;
  expect_rope_not_fused(shifted_strided);
  RopeForm minus_two;
  minus_two.minus_one = -2.0f;
  expect_rope_not_fused(minus_two);
  RopeForm minus_two_converted;
  minus_two_converted.minus_one = -2.0f;
  minus_two_converted.convert_minus_one = true;
  expect_rope_not_fused(minus_two_converted);
  RopeForm even_elements;  // x1 = x[..., 0:D:2]: as wide as a half, interleaved
  even_elements.first_stop = 8;
  even_elements.first_step = 2;
  expect_rope_not_fused(even_elements);
}

TEST(FuseRope, HalvesOfAnotherTensorDoNotMatch) {
  // x * cos + rotate_half(z) * sin: the halves are not x's.
  ir::GraphBuilder b("rope");
  auto x = b.parameter("x", ElementType::f32, PartialShape({-1, 2, -1, 8}));
  auto z = b.parameter("z", ElementType::f32, PartialShape({-1, 2, -1, 8}));
  auto cos = b.parameter("cos", ElementType::f32, PartialShape({-1, 1, -1, 8}));
  auto sin = b.parameter("sin", ElementType::f32, PartialShape({-1, 1, -1, 8}));
  auto x1 = b.op("Slice", "opset8", {z, i64s(b, {0}), i64s(b, {4}), i64s(b, {1}), i64s(b, {3})});
  auto x2 = b.op("Slice", "opset8", {z, i64s(b, {4}), i64s(b, {kMax}), i64s(b, {1}), i64s(b, {3})});
  Tensor m1(ElementType::f32, {1, 1, 1, 1});
  m1.data<float>()[0] = -1.0f;
  auto rot = b.op("Concat", "opset1", {b.op("Multiply", "opset1", {x2, b.constant(m1)}), x1}, {{"axis", "-1"}});
  b.result(b.op("Add", "opset1", {b.op("Multiply", "opset1", {x, cos}), b.op("Multiply", "opset1", {rot, sin})}), "y");
  EXPECT_EQ(apply(b.build(), fuse_rope).fired, 0);
}

TEST(FuseRope, WithoutConstantDataMatchesOnStructure) {
  // A model read without its .bin: the slice bounds are unknown, the structure decides.
  for (Halves h : {Halves::slice8, Halves::strided_shape_of}) {
    RopeForm f;
    f.halves = h;
    ir::Model m = rope_model(f);
    bind(m);
    for (ir::Node& n : m.nodes)
      if (n.type == "Const") n.constant = Tensor();
    EXPECT_EQ(fuse_rope(m, PassOptions{}), 1);
  }
}

}  // namespace
}  // namespace openarc::graph
