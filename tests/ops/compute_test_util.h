// Helpers for the tests of the compute ops (MatMul, SDPA, SoftMax, MVN, reductions, TopK): random
// inputs, evaluation into outputs pre-filled with garbage (so a kernel that forgets to write an
// element fails), and element-wise comparison.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "op_test_util.h"

namespace openarc::ops::testing {

inline Tensor random_tensor(ElementType type, const Shape& shape, uint32_t seed, double lo = -1.0, double hi = 1.0) {
  Tensor t(type, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (int64_t i = 0; i < t.size(); ++i) t.set_f64(i, dist(gen));
  return t;
}

inline Tensor f32(const Shape& shape, std::initializer_list<float> v) { return Tensor::from<float>(shape, v); }

// Like run_op, but every output starts filled with `garbage`.
inline std::vector<Tensor> run_op_dirty(const std::string& type, const std::string& version, const Attributes& attrs,
                                        const std::vector<Tensor>& inputs, double garbage = 777.0) {
  std::unique_ptr<Op> op = OpRegistry::instance().create(type, version, attrs);
  std::vector<InputInfo> info;
  for (const Tensor& t : inputs) info.push_back({t.type(), PartialShape(t.shape()), &t});
  std::vector<Tensor> out;
  for (const OutputInfo& o : op->infer(info)) {
    out.emplace_back(o.type, o.shape.to_shape());
    for (int64_t i = 0; i < out.back().size(); ++i) out.back().set_f64(i, garbage);
  }
  op->evaluate(inputs, out);
  return out;
}

// Every element of `t` (read as double) against `expected`, with shape check.
inline void expect_values(const Tensor& t, const Shape& shape, const std::vector<double>& expected, double tol = 1e-5) {
  ASSERT_EQ(to_string(t.shape()), to_string(shape));
  ASSERT_EQ(t.size(), static_cast<int64_t>(expected.size()));
  for (int64_t i = 0; i < t.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(t.get_f64(i))) << "element " << i;
    } else {
      EXPECT_NEAR(t.get_f64(i), expected[i], tol) << "element " << i;
    }
  }
}

}  // namespace openarc::ops::testing
