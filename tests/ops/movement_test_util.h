// Small builders for the shape and data-movement op tests: tensors from vectors, values back as
// vectors, and load-time input descriptions.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "op_test_util.h"

namespace openarc::ops::testing {

template <typename T>
Tensor make(Shape shape, const std::vector<T>& values) {
  Tensor t(element_type_of<T>(), std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.size()), values.size()) << "test tensor size";
  for (size_t i = 0; i < values.size() && static_cast<int64_t>(i) < t.size(); ++i) t.data<T>()[i] = values[i];
  return t;
}
inline Tensor i64(Shape shape, const std::vector<int64_t>& v) { return make<int64_t>(std::move(shape), v); }
inline Tensor i32(Shape shape, const std::vector<int32_t>& v) { return make<int32_t>(std::move(shape), v); }
inline Tensor f32(Shape shape, const std::vector<float>& v) { return make<float>(std::move(shape), v); }
inline Tensor vec(const std::vector<int64_t>& v) { return i64({static_cast<int64_t>(v.size())}, v); }
inline Tensor scalar64(int64_t v) { return i64({}, {v}); }

// 0, 1, 2, ... as f32 of `shape`: element values equal their flat index.
inline Tensor iota(Shape shape) {
  Tensor t(ElementType::f32, std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}

// A tensor of any type (sub-byte included) filled through set_i64.
inline Tensor typed(ElementType type, Shape shape, const std::vector<int64_t>& v) {
  Tensor t(type, std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.size()), v.size()) << "test tensor size";
  for (size_t i = 0; i < v.size() && static_cast<int64_t>(i) < t.size(); ++i) t.set_i64(static_cast<int64_t>(i), v[i]);
  return t;
}

inline std::vector<int64_t> ints(const Tensor& t) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < t.size(); ++i) out.push_back(t.get_i64(i));
  return out;
}
inline std::vector<double> reals(const Tensor& t) {
  std::vector<double> out;
  for (int64_t i = 0; i < t.size(); ++i) out.push_back(t.get_f64(i));
  return out;
}

// Load-time input: type and partial shape, value only when given.
inline InputInfo dyn(ElementType t, PartialShape s, const Tensor* v = nullptr) { return {t, std::move(s), v}; }
inline InputInfo known(const Tensor& v) { return {v.type(), PartialShape(v.shape()), &v}; }

inline PartialShape ps(Shape dims) { return PartialShape(std::move(dims)); }

}  // namespace openarc::ops::testing
