// MVN-6 and MVN-1 (opset2) against values worked out by hand.
#include <gtest/gtest.h>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

Tensor mvn6(const Tensor& x, std::initializer_list<int64_t> axes, bool nv, const std::string& eps,
            const std::string& mode) {
  Tensor a = Tensor::from<int64_t>({static_cast<int64_t>(axes.size())}, axes);
  return run_op_dirty("MVN", "opset6", {{"normalize_variance", nv ? "true" : "false"}, {"eps", eps}, {"eps_mode", mode}},
                      {x, a})[0];
}

// [1,2,3,4]: mean 2.5, deviations [-1.5,-.5,.5,1.5], variance (2.25+.25+.25+2.25)/4 = 1.25.
const Tensor kX = f32({1, 4}, {1, 2, 3, 4});

TEST(MVN, InsideSqrt) {
  // eps 1: sqrt(1.25 + 1) = 1.5
  expect_values(mvn6(kX, {-1}, true, "1", "inside_sqrt"), {1, 4}, {-1, -1.0 / 3, 1.0 / 3, 1});
  // exports spell it upper-case; eps ~0: divide by sqrt(1.25) = 1.118034
  expect_values(mvn6(kX, {1}, true, "1e-12", "INSIDE_SQRT"), {1, 4}, {-1.341641, -0.447214, 0.447214, 1.341641});
}

TEST(MVN, OutsideSqrt) {
  // eps 1: sqrt(1.25) + 1 = 2.118034
  double d = 2.118034;
  expect_values(mvn6(kX, {-1}, true, "1", "outside_sqrt"), {1, 4}, {-1.5 / d, -0.5 / d, 0.5 / d, 1.5 / d});
}

TEST(MVN, MeanOnlyAndOtherAxes) {
  expect_values(mvn6(kX, {-1}, false, "1", "inside_sqrt"), {1, 4}, {-1.5, -0.5, 0.5, 1.5});
  // [[1,3],[5,7]] over axis 0: column means [3,5], deviations +-2, variance 4 -> +-1
  Tensor x = f32({2, 2}, {1, 3, 5, 7});
  expect_values(mvn6(x, {0}, true, "1e-12", "inside_sqrt"), {2, 2}, {-1, -1, 1, 1});
  // over both axes: mean 4, deviations [-3,-1,1,3], variance 5
  double s = std::sqrt(5.0);
  expect_values(mvn6(x, {0, 1}, true, "1e-12", "inside_sqrt"), {2, 2}, {-3 / s, -1 / s, 1 / s, 3 / s});
  // no axes: each element is its own mean -> zeros
  expect_values(mvn6(x, {}, false, "1", "inside_sqrt"), {2, 2}, {0, 0, 0, 0});
}

TEST(MVN, HalfPrecision) {
  Tensor h(ElementType::f16, {1, 4});
  for (int i = 0; i < 4; ++i) h.set_f64(i, i + 1);
  Tensor y = mvn6(h, {-1}, true, "1", "inside_sqrt");
  EXPECT_EQ(y.type(), ElementType::f16);
  expect_values(y, {1, 4}, {-1, -1.0 / 3, 1.0 / 3, 1}, 1e-3);
}

TEST(MVN, Version1AcrossChannelsAndReductionAxes) {
  Tensor x = f32({1, 2, 2}, {1, 2, 3, 4});
  Attributes a{{"across_channels", "true"}, {"normalize_variance", "true"}, {"eps", "1"}};
  expect_values(run_op_dirty("MVN", "opset2", a, {x})[0], {1, 2, 2}, {-1, -1.0 / 3, 1.0 / 3, 1});
  // per channel (axes {2}): rows [1,2] and [3,4], deviations +-0.5, variance .25, eps ~0 -> +-1
  a = {{"across_channels", "false"}, {"normalize_variance", "true"}, {"eps", "1e-12"}};
  expect_values(run_op_dirty("MVN", "opset2", a, {x})[0], {1, 2, 2}, {-1, 1, -1, 1});
  a = {{"reduction_axes", "1"}, {"normalize_variance", "false"}, {"eps", "1e-9"}};
  expect_values(run_op_dirty("MVN", "opset2", a, {x})[0], {1, 2, 2}, {-1, -1, 1, 1});
}

TEST(MVN, ShapeInferenceAndErrors) {
  Tensor axes = Tensor::from<int64_t>({1}, {-1});
  Attributes a{{"normalize_variance", "true"}, {"eps", "1e-5"}, {"eps_mode", "inside_sqrt"}};
  std::vector<OutputInfo> o = infer_op("MVN", "opset6", a,
                                       {{ElementType::f32, PartialShape({-1, -1, 768}), nullptr},
                                        {ElementType::i64, PartialShape({1}), &axes}});
  EXPECT_EQ(o[0].shape.to_string(), "[?,?,768]");
  EXPECT_EQ(OpRegistry::instance().create("MVN", "opset6", a)->value_inputs(), 2u);
  std::string e = error_of([] { mvn6(kX, {2}, true, "1", "inside_sqrt"); });
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of([] { mvn6(kX, {1}, true, "1", "middle"); });
  EXPECT_NE(e.find("eps_mode"), std::string::npos) << e;
  e = error_of([] { mvn6(Tensor::from<int32_t>({1, 2}, {1, 2}), {1}, true, "1", "inside_sqrt"); });
  EXPECT_NE(e.find("floating-point"), std::string::npos) << e;
  e = error_of([] { OpRegistry::instance().create("MVN", "opset6", {{"normalize_variance", "true"}, {"eps_mode", "inside_sqrt"}}); });
  EXPECT_NE(e.find("eps"), std::string::npos) << e;
}

}  // namespace
}  // namespace openarc::ops::testing
