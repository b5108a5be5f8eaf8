// Reshape-1, Squeeze-1, Unsqueeze-1 and ShapeOf-1/3; expected shapes worked out from the specs.
#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<Tensor> reshape(const Tensor& data, const std::vector<int64_t>& target, bool special_zero) {
  return run_op("Reshape", "opset1", {{"special_zero", special_zero ? "true" : "false"}}, {data, vec(target)});
}

TEST(Reshape, SpecialZeroCopiesDimsAndMinusOneTakesTheRest) {
  Tensor data = iota({2, 3, 4});
  std::vector<Tensor> out = reshape(data, {0, -1}, true);  // 0 -> 2, -1 -> 24 / 2
  EXPECT_EQ(out[0].shape(), Shape({2, 12}));
  EXPECT_EQ(reals(out[0]), reals(data));
  EXPECT_EQ(reshape(data, {0, 0, 2, 2}, true)[0].shape(), Shape({2, 3, 2, 2}));
  EXPECT_EQ(reshape(data, {-1}, false)[0].shape(), Shape({24}));
  EXPECT_EQ(reshape(data, {4, 0, -1}, true)[0].shape(), Shape({4, 3, 2}));  // 24 / (4*3)
}

TEST(Reshape, WithoutSpecialZeroAZeroIsAnEmptyDim) {
  Tensor empty(ElementType::f32, {2, 0});
  EXPECT_EQ(reshape(empty, {0, 5}, false)[0].shape(), Shape({0, 5}));
  // Same input with special_zero: 0 copies 2, so [2,5] has 10 elements, not 0.
  EXPECT_THAT(error_of([&] { reshape(empty, {0, 5}, true); }), HasSubstr("cannot reshape"));
}

TEST(Reshape, BadTargetsAreErrors) {
  Tensor data = iota({2, 3});
  EXPECT_THAT(error_of([&] { reshape(data, {-1, -1}, false); }), HasSubstr("more than one -1"));
  EXPECT_THAT(error_of([&] { reshape(data, {5, 5}, false); }), HasSubstr("cannot reshape"));
  EXPECT_THAT(error_of([&] { reshape(data, {4, -1}, false); }), HasSubstr("not a multiple"));
  EXPECT_THAT(error_of([&] { reshape(data, {-2, -3}, false); }), HasSubstr("negative dim -2"));
  EXPECT_THAT(error_of([&] { reshape(data, {1, 1, 0}, true); }), HasSubstr("index 2"));
  EXPECT_THAT(error_of([&] { reshape(data, {INT64_MAX, 4}, false); }), HasSubstr("overflow"));
  EXPECT_THAT(error_of([&] { run_op("Reshape", "opset1", {{"special_zero", "false"}}, {data, f32({1}, {6})}); }),
              HasSubstr("integer"));
}

TEST(Reshape, InfersDynamicDimsAtLoad) {
  Tensor target = vec({0, 0, 2, 64});
  auto out = infer_op("Reshape", "opset1", {{"special_zero", "true"}},
                      {dyn(ElementType::f32, ps({-1, 8, 128})), known(target)});
  EXPECT_EQ(out[0].shape, ps({-1, 8, 2, 64}));
  // Target value unknown: only its length (the output rank) is known.
  out = infer_op("Reshape", "opset1", {{"special_zero", "true"}},
                 {dyn(ElementType::f32, ps({-1, 8})), dyn(ElementType::i64, ps({3}))});
  EXPECT_EQ(out[0].shape, PartialShape::dynamic(3));
  Tensor flat = vec({-1, 1024});
  out = infer_op("Reshape", "opset1", {{"special_zero", "false"}}, {dyn(ElementType::f32, ps({-1, 4, 256})), known(flat)});
  EXPECT_EQ(out[0].shape, ps({-1, 1024}));
  out = infer_op("Reshape", "opset1", {{"special_zero", "true"}},
                 {dyn(ElementType::f32, PartialShape::dynamic_rank()), known(target)});
  EXPECT_EQ(out[0].shape, ps({-1, -1, 2, 64}));
  // Copied dims cancel, so the -1 is known even though they are dynamic: 2048 / 64.
  Tensor heads = vec({0, 0, -1, 64});
  out = infer_op("Reshape", "opset1", {{"special_zero", "true"}}, {dyn(ElementType::f32, ps({-1, -1, 2048})), known(heads)});
  EXPECT_EQ(out[0].shape, ps({-1, -1, 32, 64}));
  out = infer_op("Reshape", "opset1", {{"special_zero", "true"}}, {dyn(ElementType::f32, ps({-1, 7, 2048})), known(heads)});
  EXPECT_EQ(out[0].shape, ps({-1, 7, 32, 64}));
  EXPECT_THAT(error_of([&] {
                infer_op("Reshape", "opset1", {{"special_zero", "true"}}, {dyn(ElementType::f32, ps({-1, -1, 100})), known(heads)});
              }),
              HasSubstr("not a multiple"));
}

TEST(Reshape, SubByteDataKeepsItsPackedBytes) {
  Tensor w = typed(ElementType::u4, {2, 3}, {1, 2, 3, 4, 5, 15});
  std::vector<Tensor> out = reshape(w, {3, 2}, false);
  EXPECT_EQ(out[0].type(), ElementType::u4);
  EXPECT_THAT(ints(out[0]), ElementsAre(1, 2, 3, 4, 5, 15));
}

TEST(Squeeze, RemovesListedAxesIncludingNegative) {
  Tensor data = iota({1, 3, 1, 2});
  std::vector<Tensor> out = run_op("Squeeze", "opset1", {}, {data, vec({-2})});
  EXPECT_EQ(out[0].shape(), Shape({1, 3, 2}));
  EXPECT_EQ(reals(out[0]), reals(data));
  EXPECT_EQ(run_op("Squeeze", "opset1", {}, {data, scalar64(0)})[0].shape(), Shape({3, 1, 2}));
}

TEST(Squeeze, WithoutAxesRemovesEveryOne) {
  EXPECT_EQ(run_op("Squeeze", "opset1", {}, {iota({1, 3, 1, 2})})[0].shape(), Shape({3, 2}));
  EXPECT_EQ(run_op("Squeeze", "opset1", {}, {iota({1, 3, 1, 2}), i64({0}, {})})[0].shape(), Shape({3, 2}));
}

TEST(Squeeze, ANonOneDimStaysAndABadAxisIsAnError) {
  // Squeeze-1 (2024.3 spec): a listed dim that is not 1 is ignored and copied as is.
  EXPECT_EQ(run_op("Squeeze", "opset1", {}, {iota({1, 3}), vec({0, 1})})[0].shape(), Shape({3}));
  EXPECT_THAT(error_of([] { run_op("Squeeze", "opset1", {}, {iota({1, 3}), vec({2})}); }), HasSubstr("out of range"));
}

TEST(Squeeze, InfersDynamicShapes) {
  auto out = infer_op("Squeeze", "opset1", {}, {dyn(ElementType::f32, ps({-1, 1, 4}))});
  EXPECT_TRUE(out[0].shape.rank_is_dynamic());  // which dims are 1 is unknown
  Tensor axes = vec({1});
  out = infer_op("Squeeze", "opset1", {}, {dyn(ElementType::f32, ps({-1, 1, 4})), known(axes)});
  EXPECT_EQ(out[0].shape, ps({-1, 4}));
  // Axes unknown: a listed 4 would stay, so the rank is unknown too.
  out = infer_op("Squeeze", "opset1", {}, {dyn(ElementType::f32, ps({-1, 1, 4})), dyn(ElementType::i64, ps({1}))});
  EXPECT_TRUE(out[0].shape.rank_is_dynamic());
  out = infer_op("Squeeze", "opset1", {}, {dyn(ElementType::f32, ps({1, 1, 1})), dyn(ElementType::i64, ps({2}))});
  EXPECT_EQ(out[0].shape, ps({1}));
}

TEST(Unsqueeze, InsertsOnesAtOutputAxes) {
  Tensor data = iota({3, 2});
  std::vector<Tensor> out = run_op("Unsqueeze", "opset1", {}, {data, vec({0, -1})});  // rank 4: axes 0 and 3
  EXPECT_EQ(out[0].shape(), Shape({1, 3, 2, 1}));
  EXPECT_EQ(reals(out[0]), reals(data));
  EXPECT_EQ(run_op("Unsqueeze", "opset1", {}, {data, scalar64(1)})[0].shape(), Shape({3, 1, 2}));
  EXPECT_THAT(error_of([&] { run_op("Unsqueeze", "opset1", {}, {data, vec({1, 1})}); }), HasSubstr("repeated"));
  EXPECT_THAT(error_of([&] { run_op("Unsqueeze", "opset1", {}, {data, vec({3})}); }), HasSubstr("out of range"));
  auto inf = infer_op("Unsqueeze", "opset1", {}, {dyn(ElementType::f32, ps({-1, 5})), dyn(ElementType::i64, ps({2}))});
  EXPECT_EQ(inf[0].shape, PartialShape::dynamic(4));
}

TEST(ShapeOf, GivesTheShapeInTheRequestedType) {
  Tensor data(ElementType::f32, {2, 3, 0});
  std::vector<Tensor> out = run_op("ShapeOf", "opset1", {}, {data});
  EXPECT_EQ(out[0].type(), ElementType::i64);
  EXPECT_THAT(ints(out[0]), ElementsAre(2, 3, 0));
  out = run_op("ShapeOf", "opset3", {{"output_type", "i32"}}, {typed(ElementType::u4, {5, 7}, std::vector<int64_t>(35, 1))});
  EXPECT_EQ(out[0].type(), ElementType::i32);
  EXPECT_THAT(ints(out[0]), ElementsAre(5, 7));
  EXPECT_EQ(run_op("ShapeOf", "opset3", {}, {scalar64(1)})[0].shape(), Shape({0}));
  EXPECT_THAT(error_of([] { OpRegistry::instance().create("ShapeOf", "opset3", {{"output_type", "f32"}}); }),
              HasSubstr("output_type"));
  EXPECT_EQ(infer_op("ShapeOf", "opset3", {}, {dyn(ElementType::f32, ps({-1, 4}))})[0].shape, ps({2}));
  EXPECT_EQ(infer_op("ShapeOf", "opset3", {}, {dyn(ElementType::f32, PartialShape::dynamic_rank())})[0].shape,
            PartialShape::dynamic(1));
}

}  // namespace
}  // namespace openarc::ops::testing
