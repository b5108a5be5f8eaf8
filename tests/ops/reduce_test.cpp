// The Reduce* ops against sums, products and norms worked out by hand.
#include <gtest/gtest.h>

#include <limits>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

Tensor reduce(const std::string& type, const Tensor& x, const Tensor& axes, bool keep = false) {
  std::string version = type == "ReduceL1" || type == "ReduceL2" ? "opset4" : "opset1";
  return run_op_dirty(type, version, {{"keep_dims", keep ? "true" : "false"}}, {x, axes})[0];
}

Tensor axes(std::initializer_list<int64_t> v) {
  return Tensor::from<int64_t>({static_cast<int64_t>(v.size())}, v);
}

// [[1,2,3],[4,5,6]]
const Tensor kX = f32({2, 3}, {1, 2, 3, 4, 5, 6});

TEST(Reduce, SumOverEachAxisWithAndWithoutKeepDims) {
  expect_values(reduce("ReduceSum", kX, axes({1})), {2}, {6, 15});
  expect_values(reduce("ReduceSum", kX, axes({1}), true), {2, 1}, {6, 15});
  expect_values(reduce("ReduceSum", kX, axes({0})), {3}, {5, 7, 9});
  expect_values(reduce("ReduceSum", kX, axes({0}), true), {1, 3}, {5, 7, 9});
  expect_values(reduce("ReduceSum", kX, axes({-1})), {2}, {6, 15});
  expect_values(reduce("ReduceSum", kX, axes({-2})), {3}, {5, 7, 9});
  expect_values(reduce("ReduceSum", kX, axes({0, 1})), {}, {21});
  expect_values(reduce("ReduceSum", kX, axes({1, 0}), true), {1, 1}, {21});
  expect_values(reduce("ReduceSum", kX, Tensor::scalar<int32_t>(1)), {2}, {6, 15});  // scalar i32 axes
}

TEST(Reduce, MiddleAndSplitAxesOfRank3) {
  // x[a,b,c] = 6a + 2b + c, shape [2,3,2]
  Tensor x(ElementType::f32, {2, 3, 2});
  for (int i = 0; i < 12; ++i) x.set_f64(i, i);
  expect_values(reduce("ReduceSum", x, axes({1})), {2, 2}, {6, 9, 24, 27});
  expect_values(reduce("ReduceSum", x, axes({0, 2}), true), {1, 3, 1}, {14, 22, 30});
  expect_values(reduce("ReduceMax", x, axes({0, 2})), {3}, {7, 9, 11});
}

TEST(Reduce, EveryKind) {
  expect_values(reduce("ReduceMean", kX, axes({1})), {2}, {2, 5});
  expect_values(reduce("ReduceProd", kX, axes({1})), {2}, {6, 120});
  expect_values(reduce("ReduceMax", kX, axes({0})), {3}, {4, 5, 6});
  expect_values(reduce("ReduceMin", kX, axes({1})), {2}, {1, 4});
  expect_values(reduce("ReduceL1", f32({2, 3}, {1, -2, 3, -4, 5, -6}), axes({1})), {2}, {6, 15});
  expect_values(reduce("ReduceL2", f32({2, 2}, {3, 4, -6, 8}), axes({1})), {2}, {5, 10});
  expect_values(reduce("ReduceMax", f32({3}, {-5, -7, -6}), axes({0})), {}, {-5});
}

TEST(Reduce, EmptyAxesIsTheIdentity) {
  Tensor none = Tensor(ElementType::i64, {0});
  expect_values(reduce("ReduceSum", kX, none), {2, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(reduce("ReduceSum", kX, none, true), {2, 3}, {1, 2, 3, 4, 5, 6});
  expect_values(reduce("ReduceL2", f32({2}, {-3, 4}), none), {2}, {-3, 4});  // identity, not |x|
}

TEST(Reduce, LogicalAndOr) {
  Tensor b(ElementType::boolean, {2, 3});
  const int v[] = {1, 0, 1, 1, 1, 1};
  for (int i = 0; i < 6; ++i) b.set_i64(i, v[i]);
  Tensor r = reduce("ReduceLogicalAnd", b, axes({1}));
  EXPECT_EQ(r.type(), ElementType::boolean);
  expect_values(r, {2}, {0, 1});
  expect_values(reduce("ReduceLogicalOr", b, axes({1})), {2}, {1, 1});
  expect_values(reduce("ReduceLogicalAnd", b, axes({0}), true), {1, 3}, {1, 0, 1});
  Tensor z(ElementType::boolean, {2, 2});  // all false
  expect_values(reduce("ReduceLogicalOr", z, axes({0, 1})), {}, {0});
}

TEST(Reduce, IntegerTypes) {
  Tensor x = Tensor::from<int32_t>({2, 2}, {1, 2, -1, -2});
  Tensor m = reduce("ReduceMean", x, axes({1}));
  EXPECT_EQ(m.type(), ElementType::i32);
  expect_values(m, {2}, {1, -1}, 0);  // 1.5 and -1.5 truncate toward zero
  expect_values(reduce("ReduceSum", x, axes({0})), {2}, {0, 0}, 0);
  expect_values(reduce("ReduceL1", x, axes({1})), {2}, {3, 3}, 0);
  expect_values(reduce("ReduceMin", x, axes({0, 1})), {}, {-2}, 0);
  Tensor big = Tensor::from<int64_t>({2}, {int64_t(1) << 40, int64_t(1) << 40});
  expect_values(reduce("ReduceProd", big, axes({0})), {}, {0}, 0);  // 2^80 wraps to 0 mod 2^64
  Tensor u = Tensor::from<uint8_t>({3}, {200, 100, 7});
  expect_values(reduce("ReduceSum", u, axes({0})), {}, {51}, 0);  // 307 mod 256
}

TEST(Reduce, EmptyReductionSet) {
  Tensor x(ElementType::f32, {2, 0});
  double nan = std::numeric_limits<double>::quiet_NaN();
  expect_values(reduce("ReduceSum", x, axes({1})), {2}, {0, 0});
  expect_values(reduce("ReduceProd", x, axes({1})), {2}, {1, 1});
  expect_values(reduce("ReduceL2", x, axes({1})), {2}, {0, 0});
  expect_values(reduce("ReduceMean", x, axes({1})), {2}, {nan, nan});
  std::string e = error_of([&] { reduce("ReduceMax", x, axes({1})); });
  EXPECT_NE(e.find("empty set"), std::string::npos) << e;
  // reducing the non-empty axis of an empty tensor: empty output, nothing to compute
  expect_values(reduce("ReduceMax", x, axes({0})), {0}, {});
}

TEST(Reduce, HalfAndNaN) {
  Tensor h(ElementType::f16, {4});
  for (int i = 0; i < 4; ++i) h.set_f64(i, 0.5 * (i + 1));
  Tensor s = reduce("ReduceSum", h, axes({0}));
  EXPECT_EQ(s.type(), ElementType::f16);
  expect_values(s, {}, {5}, 0);
  double nan = std::numeric_limits<double>::quiet_NaN();
  float fnan = std::numeric_limits<float>::quiet_NaN();
  expect_values(reduce("ReduceMax", f32({3}, {1, fnan, 2}), axes({0})), {}, {nan});
  expect_values(reduce("ReduceMin", f32({3}, {fnan, 1, 2}), axes({0})), {}, {nan});
}

TEST(Reduce, ShapeInferenceWithUnknownAxes) {
  InputInfo data{ElementType::f32, PartialShape({-1, 4, 5}), nullptr};
  InputInfo ax2{ElementType::i64, PartialShape({2}), nullptr};
  EXPECT_EQ(infer_op("ReduceSum", "opset1", {}, {data, ax2})[0].shape.to_string(), "[?]");
  EXPECT_EQ(infer_op("ReduceSum", "opset1", {{"keep_dims", "true"}}, {data, ax2})[0].shape.to_string(), "[?,?,?]");
  InputInfo ax_dyn{ElementType::i64, PartialShape({-1}), nullptr};
  EXPECT_TRUE(infer_op("ReduceSum", "opset1", {}, {data, ax_dyn})[0].shape.rank_is_dynamic());
  Tensor known = axes({-1});
  InputInfo ax_known{ElementType::i64, PartialShape({1}), &known};
  EXPECT_EQ(infer_op("ReduceMean", "opset1", {{"keep_dims", "true"}}, {data, ax_known})[0].shape.to_string(),
            "[?,4,1]");
  EXPECT_EQ(OpRegistry::instance().create("ReduceMean", "opset1", {})->value_inputs(), 2u);
}

TEST(Reduce, BadInputsAreErrors) {
  std::string e = error_of([] { reduce("ReduceSum", kX, axes({2})); });
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of([] { reduce("ReduceSum", kX, axes({1, -1})); });
  EXPECT_NE(e.find("repeated"), std::string::npos) << e;
  e = error_of([] { reduce("ReduceSum", kX, f32({1}, {1})); });
  EXPECT_NE(e.find("integer"), std::string::npos) << e;
  e = error_of([] { reduce("ReduceSum", kX, Tensor::from<int64_t>({1, 1}, {1})); });
  EXPECT_NE(e.find("scalar or 1-D"), std::string::npos) << e;
  e = error_of([] { reduce("ReduceLogicalAnd", kX, axes({1})); });
  EXPECT_NE(e.find("boolean"), std::string::npos) << e;
  e = error_of([] { reduce("ReduceSum", Tensor(ElementType::boolean, {2}), axes({0})); });
  EXPECT_NE(e.find("numeric"), std::string::npos) << e;
  e = error_of([] { OpRegistry::instance().create("ReduceSum", "opset1", {{"keep_dims", "yes"}}); });
  EXPECT_NE(e.find("keep_dims"), std::string::npos) << e;
}

}  // namespace
}  // namespace openarc::ops::testing
