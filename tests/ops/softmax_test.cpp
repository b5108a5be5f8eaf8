// SoftMax-1/8 and LogSoftmax-5 against values worked out from the formula e^x_c / sum_d e^x_d.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

Tensor softmax(const Tensor& x, int64_t axis, const std::string& version = "opset8", const std::string& type = "SoftMax") {
  return run_op_dirty(type, version, {{"axis", std::to_string(axis)}}, {x})[0];
}

// Row [1,2,3]: e^-2 = 0.135335, e^-1 = 0.367879, e^0 = 1, sum 1.503215.
const std::vector<double> kRow123 = {0.135335 / 1.503215, 0.367879 / 1.503215, 1 / 1.503215};

TEST(SoftMax, LastAxisPositiveAndNegative) {
  Tensor x = f32({2, 3}, {1, 2, 3, 0, 0, 0});
  std::vector<double> want = kRow123;
  want.insert(want.end(), {1.0 / 3, 1.0 / 3, 1.0 / 3});
  expect_values(softmax(x, 1, "opset1"), {2, 3}, want);
  expect_values(softmax(x, 1), {2, 3}, want);
  expect_values(softmax(x, -1), {2, 3}, want);
}

TEST(SoftMax, LeadingAxis) {
  // axis 0 of [[0,0],[ln 3,0]]: column 0 -> [1/4, 3/4], column 1 -> [1/2, 1/2]
  Tensor x = f32({2, 2}, {0, 0, std::log(3.0f), 0});
  expect_values(softmax(x, 0), {2, 2}, {0.25, 0.5, 0.75, 0.5});
  expect_values(softmax(x, -2), {2, 2}, {0.25, 0.5, 0.75, 0.5});
  // middle axis of [2,2,2]: pairs (x[a,0,c], x[a,1,c])
  Tensor y = f32({2, 2, 2}, {0, 0, std::log(3.0f), 0, 5, 1, 5, 1});
  expect_values(softmax(y, 1), {2, 2, 2}, {0.25, 0.5, 0.75, 0.5, 0.5, 0.5, 0.5, 0.5});
}

TEST(SoftMax, LargeInputsDoNotOverflow) {
  expect_values(softmax(f32({2}, {1000, 1000}), 0), {2}, {0.5, 0.5});
  expect_values(softmax(f32({3}, {-1000, 0, -1000}), 0), {3}, {0, 1, 0});
}

TEST(SoftMax, InfinitiesFollowTheFormula) {
  float inf = std::numeric_limits<float>::infinity();
  double nan = std::numeric_limits<double>::quiet_NaN();
  expect_values(softmax(f32({3}, {-inf, 0, 0}), 0), {3}, {0, 0.5, 0.5});
  expect_values(softmax(f32({2}, {-inf, -inf}), 0), {2}, {nan, nan});  // 0/0
  expect_values(softmax(f32({2}, {1, std::numeric_limits<float>::quiet_NaN()}), 0), {2}, {nan, nan});
}

TEST(SoftMax, HalfAndDouble) {
  Tensor h(ElementType::f16, {3});
  Tensor d(ElementType::f64, {3});
  for (int i = 0; i < 3; ++i) h.set_f64(i, i + 1), d.set_f64(i, i + 1);
  Tensor yh = softmax(h, 0);
  EXPECT_EQ(yh.type(), ElementType::f16);
  expect_values(yh, {3}, kRow123, 1e-3);
  expect_values(softmax(d, 0), {3}, kRow123, 1e-6);
}

TEST(LogSoftmax, IsXMinusMaxMinusLogSum) {
  // [1,2,3]: t = [-2,-1,0], log(sum e^t) = log(1.503215) = 0.407606
  Tensor y = softmax(f32({1, 3}, {1, 2, 3}), -1, "opset5", "LogSoftmax");
  expect_values(y, {1, 3}, {-2.407606, -1.407606, -0.407606});
  // stays finite where softmax underflows: [0, -200] -> [0 - log(1+e^-200), -200 - ...] = [0, -200]
  expect_values(softmax(f32({2}, {0, -200}), 0, "opset5", "LogSoftmax"), {2}, {0, -200});
}

TEST(SoftMax, ShapeInferenceAndErrors) {
  std::vector<OutputInfo> o = infer_op("SoftMax", "opset8", {{"axis", "-1"}},
                                       {{ElementType::f32, PartialShape({-1, -1, 128}), nullptr}});
  EXPECT_EQ(o[0].shape.to_string(), "[?,?,128]");
  o = infer_op("SoftMax", "opset8", {{"axis", "5"}}, {{ElementType::f32, PartialShape::dynamic_rank(), nullptr}});
  EXPECT_TRUE(o[0].shape.rank_is_dynamic());
  std::string e = error_of([] { OpRegistry::instance().create("SoftMax", "opset1", {{"axis", "-1"}}); });
  EXPECT_NE(e.find("non-negative"), std::string::npos) << e;
  e = error_of([] { softmax(f32({2, 3}, {}), 2); });
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of([] { softmax(f32({2, 3}, {}), -3); });
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of([] { softmax(Tensor::from<int32_t>({2}, {1, 2}), 0); });
  EXPECT_NE(e.find("floating-point"), std::string::npos) << e;
  // default axis is 1
  Tensor y = run_op_dirty("SoftMax", "opset8", {}, {f32({1, 3}, {1, 2, 3})})[0];
  expect_values(y, {1, 3}, kRow123);
}

}  // namespace
}  // namespace openarc::ops::testing
