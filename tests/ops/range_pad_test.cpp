// Range-1/4 and Pad-1/12; expected values worked out by hand from the specs.
#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<Tensor> range4(const Tensor& a, const Tensor& b, const Tensor& c, const char* type) {
  return run_op("Range", "opset4", {{"output_type", type}}, {a, b, c});
}

TEST(Range, Integers) {
  std::vector<Tensor> out = range4(scalar64(0), scalar64(5), scalar64(1), "i64");
  EXPECT_EQ(out[0].type(), ElementType::i64);
  EXPECT_THAT(ints(out[0]), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(ints(range4(scalar64(5), scalar64(0), scalar64(-2), "i32")[0]), ElementsAre(5, 3, 1));
  // ceil((10 - 2) / 3) = 3 elements
  EXPECT_THAT(ints(range4(scalar64(2), scalar64(10), scalar64(3), "i64")[0]), ElementsAre(2, 5, 8));
  // cache_position = Range(P, P + S): P from ShapeOf, as a one-element vector.
  EXPECT_THAT(ints(range4(vec({7}), vec({9}), scalar64(1), "i64")[0]), ElementsAre(7, 8));
}

TEST(Range, EmptyWhenStepPointsAway) {
  EXPECT_EQ(range4(scalar64(0), scalar64(0), scalar64(1), "i64")[0].shape(), Shape({0}));
  EXPECT_EQ(range4(scalar64(3), scalar64(1), scalar64(1), "i64")[0].shape(), Shape({0}));
  EXPECT_EQ(range4(f32({}, {0}), f32({}, {1}), f32({}, {-0.5f}), "f32")[0].shape(), Shape({0}));
}

TEST(Range, Floats) {
  std::vector<Tensor> out = range4(f32({}, {0.5f}), f32({}, {2.0f}), f32({}, {0.5f}), "f32");
  EXPECT_THAT(reals(out[0]), ElementsAre(0.5, 1.0, 1.5));
  // ceil(1 / 0.3) = 4 elements
  out = range4(f32({}, {0}), f32({}, {1}), f32({}, {0.3f}), "f32");
  EXPECT_THAT(reals(out[0]), ElementsAre(0, DoubleNear(0.3, 1e-6), DoubleNear(0.6, 1e-6), DoubleNear(0.9, 1e-6)));
  // Range-1: the output has the inputs' type.
  out = run_op("Range", "opset1", {}, {f32({}, {1}), f32({}, {2}), f32({}, {0.25f})});
  EXPECT_EQ(out[0].type(), ElementType::f32);
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 1.25, 1.5, 1.75));
}

TEST(Range, ErrorsAndInference) {
  EXPECT_THAT(error_of([] { range4(scalar64(0), scalar64(5), scalar64(0), "i64"); }), HasSubstr("step must not be 0"));
  EXPECT_THAT(error_of([] { run_op("Range", "opset1", {}, {scalar64(0), f32({}, {5}), scalar64(1)}); }),
              HasSubstr("one type"));
  EXPECT_THAT(error_of([] { range4(vec({0, 1}), scalar64(5), scalar64(1), "i64"); }), HasSubstr("scalar"));
  EXPECT_THAT(error_of([] { OpRegistry::instance().create("Range", "opset4", {{"output_type", "boolean"}}); }),
              HasSubstr("output_type"));
  auto out = infer_op("Range", "opset4", {{"output_type", "i64"}},
                      {dyn(ElementType::i64, ps({})), dyn(ElementType::i64, ps({})), dyn(ElementType::i64, ps({}))});
  EXPECT_EQ(out[0].shape, PartialShape::dynamic(1));
}

std::vector<Tensor> pad(const char* version, const char* mode, const Tensor& data, const std::vector<int64_t>& b,
                        const std::vector<int64_t>& e, const Tensor* value = nullptr) {
  std::vector<Tensor> in{data, vec(b), vec(e)};
  if (value) in.push_back(*value);
  return run_op("Pad", version, {{"pad_mode", mode}}, in);
}

TEST(Pad, Modes) {
  Tensor data = f32({3}, {1, 2, 3}), nine = f32({}, {9});
  EXPECT_THAT(reals(pad("opset1", "constant", data, {2}, {1}, &nine)[0]), ElementsAre(9, 9, 1, 2, 3, 9));
  EXPECT_THAT(reals(pad("opset1", "constant", data, {1}, {0})[0]), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(reals(pad("opset1", "edge", data, {2}, {2})[0]), ElementsAre(1, 1, 1, 2, 3, 3, 3));
  EXPECT_THAT(reals(pad("opset1", "reflect", data, {2}, {2})[0]), ElementsAre(3, 2, 1, 2, 3, 2, 1));
  EXPECT_THAT(reals(pad("opset1", "symmetric", data, {2}, {2})[0]), ElementsAre(2, 1, 1, 2, 3, 3, 2));
}

TEST(Pad, TwoDims) {
  std::vector<Tensor> out = pad("opset12", "constant", f32({2, 2}, {1, 2, 3, 4}), {1, 0}, {0, 1});
  EXPECT_EQ(out[0].shape(), Shape({3, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 0, 0, 1, 2, 0, 3, 4, 0));
  out = pad("opset1", "edge", f32({2, 2}, {1, 2, 3, 4}), {0, 1}, {1, 0});
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 1, 2, 3, 3, 4, 3, 3, 4));
}

TEST(Pad, NegativePadsCropInVersion12Only) {
  Tensor data = f32({4}, {1, 2, 3, 4});
  EXPECT_THAT(reals(pad("opset12", "constant", data, {-1}, {1})[0]), ElementsAre(2, 3, 4, 0));
  EXPECT_THAT(reals(pad("opset12", "edge", data, {-2}, {-1})[0]), ElementsAre(3));
  EXPECT_THAT(error_of([&] { pad("opset1", "constant", data, {-1}, {1}); }), HasSubstr("Pad-12"));
  EXPECT_THAT(error_of([&] { pad("opset12", "constant", data, {-3}, {-2}); }), HasSubstr("cannot be cropped"));
}

TEST(Pad, ErrorsAndInference) {
  Tensor data = f32({3}, {1, 2, 3});
  EXPECT_THAT(error_of([&] { pad("opset1", "reflect", data, {3}, {0}); }), HasSubstr("reflect"));
  EXPECT_THAT(error_of([&] { pad("opset1", "symmetric", data, {0}, {4}); }), HasSubstr("symmetric"));
  EXPECT_THAT(error_of([&] { pad("opset1", "constant", data, {0, 0}, {0}); }), HasSubstr("one value per data dim"));
  Tensor b = vec({0, 1}), e = vec({0, 2});
  auto out = infer_op("Pad", "opset12", {{"pad_mode", "constant"}},
                      {dyn(ElementType::f32, ps({-1, 5})), known(b), known(e)});
  EXPECT_EQ(out[0].shape, ps({-1, 8}));
}

}  // namespace
}  // namespace openarc::ops::testing

namespace openarc::ops::testing {
namespace {

using ::testing::ElementsAre;

TEST(NonZero, CoordinatesOfNonZeroElementsInRowMajorOrder) {
  // [[0, 2], [3, 0], [0, 5]]: non-zeros at (0,1), (1,0), (2,1)
  std::vector<Tensor> out = run_op("NonZero", "opset3", {}, {f32({3, 2}, {0, 2, 3, 0, 0, 5})});
  EXPECT_EQ(out[0].type(), ElementType::i64);
  EXPECT_EQ(out[0].shape(), Shape({2, 3}));
  EXPECT_THAT(ints(out[0]), ElementsAre(0, 1, 2, 1, 0, 1));
  out = run_op("NonZero", "opset3", {{"output_type", "i32"}}, {typed(ElementType::boolean, {4}, {0, 0, 0, 0})});
  EXPECT_EQ(out[0].type(), ElementType::i32);
  EXPECT_EQ(out[0].shape(), Shape({1, 0}));
  EXPECT_EQ(infer_op("NonZero", "opset3", {}, {dyn(ElementType::f32, ps({4, 5}))})[0].shape, ps({2, -1}));
}

}  // namespace
}  // namespace openarc::ops::testing
