// RMS-14/15 against values worked out by hand.
#include <gtest/gtest.h>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

Tensor rms(const Tensor& x, std::initializer_list<int64_t> axes, const Attributes& attrs, const Tensor* scale = nullptr) {
  std::vector<Tensor> in = {x, Tensor::from<int64_t>({static_cast<int64_t>(axes.size())}, axes)};
  if (scale) in.push_back(*scale);
  return run_op_dirty("RMS", "opset14", attrs, in)[0];
}

TEST(RMS, DividesByRootMeanSquare) {
  // [3,4]: mean of squares 12.5, rms 3.535534
  Tensor x = f32({1, 2}, {3, 4});
  expect_values(rms(x, {-1}, {{"epsilon", "0"}}), {1, 2}, {3 / 3.535534, 4 / 3.535534});
  // eps 1: sqrt(13.5) = 3.674235; the example's spelling "eps" is accepted too
  expect_values(rms(x, {1}, {{"eps", "1"}}), {1, 2}, {3 / 3.674235, 4 / 3.674235});
  Tensor scale = f32({2}, {2, 0.5});
  expect_values(rms(x, {-1}, {{"epsilon", "0"}}, &scale), {1, 2}, {6 / 3.535534, 2 / 3.535534});
  // two rows, axis 0 of [[3,1],[4,1]] -> columns [3,4] and [1,1]
  Tensor y = f32({2, 2}, {3, 1, 4, 1});
  expect_values(rms(y, {0}, {{"epsilon", "0"}}), {2, 2}, {3 / 3.535534, 1, 4 / 3.535534, 1});
}

TEST(RMS, Errors) {
  Tensor x = f32({1, 2}, {3, 4});
  Tensor bad = f32({3}, {1, 2, 3});
  std::string e = error_of([&] { rms(x, {-1}, {{"epsilon", "0"}}, &bad); });
  EXPECT_NE(e.find("broadcast"), std::string::npos) << e;
  Tensor wide = f32({2, 1, 2}, {});
  e = error_of([&] { rms(x, {-1}, {{"epsilon", "0"}}, &wide); });
  EXPECT_NE(e.find("scale"), std::string::npos) << e;
  e = error_of([&] { rms(x, {3}, {{"epsilon", "0"}}); });
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of([] { OpRegistry::instance().create("RMS", "opset14", {}); });
  EXPECT_NE(e.find("epsilon"), std::string::npos) << e;
}

}  // namespace
}  // namespace openarc::ops::testing
