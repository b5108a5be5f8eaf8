// TopK-1/3/11 against the spec's own example and small hand-sorted slices.
#include <gtest/gtest.h>

#include <limits>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

std::vector<Tensor> topk(const Tensor& x, int64_t k, int64_t axis, const std::string& mode, const std::string& sort,
                         const std::string& version = "opset11", const std::string& index_type = "") {
  Attributes a{{"axis", std::to_string(axis)}, {"mode", mode}, {"sort", sort}};
  if (version == "opset11") a.set("stable", "true");
  if (!index_type.empty()) a.set("index_element_type", index_type);
  return run_op_dirty("TopK", version, a, {x, Tensor::scalar<int64_t>(k)});
}

const Tensor kSpec = f32({6}, {5, 3, 1, 2, 5, 5});  // the spec's TopK-11 example input

TEST(TopK, SpecExampleMinByIndexStable) {
  // mode=min, sort=index, k=4, stable: the only correct result is values [5,3,1,2], indices [0,1,2,3]
  std::vector<Tensor> r = topk(kSpec, 4, 0, "min", "index");
  expect_values(r[0], {4}, {5, 3, 1, 2}, 0);
  expect_values(r[1], {4}, {0, 1, 2, 3}, 0);
  EXPECT_EQ(r[1].type(), ElementType::i32);  // default index_element_type
}

TEST(TopK, ModesAndSortOrders) {
  std::vector<Tensor> r = topk(kSpec, 3, 0, "max", "value");
  expect_values(r[0], {3}, {5, 5, 5}, 0);
  expect_values(r[1], {3}, {0, 4, 5}, 0);  // equal values keep input order
  r = topk(kSpec, 3, -1, "min", "value");
  expect_values(r[0], {3}, {1, 2, 3}, 0);
  expect_values(r[1], {3}, {2, 3, 1}, 0);
  Tensor x = f32({4}, {1, 7, 3, 9});
  r = topk(x, 2, 0, "max", "value", "opset1");
  expect_values(r[0], {2}, {9, 7}, 0);
  expect_values(r[1], {2}, {3, 1}, 0);
  r = topk(x, 2, 0, "max", "index", "opset3");
  expect_values(r[0], {2}, {7, 9}, 0);
  expect_values(r[1], {2}, {1, 3}, 0);
  r = topk(x, 2, 0, "min", "none", "opset3");  // order undefined by the spec: both elements present
  EXPECT_EQ(r[0].get_f64(0) + r[0].get_f64(1), 4);
}

TEST(TopK, LeadingAxisAndIndexType) {
  // [[1,4],[3,2],[2,5]] along axis 0: column 0 -> 3 (row 1), 2 (row 2); column 1 -> 5 (row 2), 4 (row 0)
  Tensor x = f32({3, 2}, {1, 4, 3, 2, 2, 5});
  std::vector<Tensor> r = topk(x, 2, 0, "max", "value", "opset11", "i64");
  expect_values(r[0], {2, 2}, {3, 5, 2, 4}, 0);
  expect_values(r[1], {2, 2}, {1, 2, 2, 0}, 0);
  EXPECT_EQ(r[1].type(), ElementType::i64);
  // the middle axis of [2,3,1]
  Tensor y = f32({2, 3, 1}, {1, 3, 2, 6, 4, 5});
  r = topk(y, 1, 1, "max", "value");
  expect_values(r[0], {2, 1, 1}, {3, 6}, 0);
  expect_values(r[1], {2, 1, 1}, {1, 0}, 0);
}

TEST(TopK, NaNRanksLast) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = f32({3}, {nan, 1, 2});
  std::vector<Tensor> r = topk(x, 2, 0, "max", "value");
  expect_values(r[0], {2}, {2, 1}, 0);
  expect_values(r[1], {2}, {2, 1}, 0);
  r = topk(x, 3, 0, "min", "value");
  expect_values(r[0], {3}, {1, 2, std::numeric_limits<double>::quiet_NaN()}, 0);
  expect_values(r[1], {3}, {1, 2, 0}, 0);
}

TEST(TopK, OtherTypesAndKZero) {
  Tensor h(ElementType::f16, {3});
  h.set_f64(0, 0.1), h.set_f64(1, 0.3), h.set_f64(2, 0.2);
  std::vector<Tensor> r = topk(h, 1, 0, "max", "value");
  EXPECT_EQ(r[0].type(), ElementType::f16);
  EXPECT_EQ(r[0].data<uint16_t>()[0], h.data<uint16_t>()[1]);  // the very same f16 bits
  Tensor i = Tensor::from<int32_t>({4}, {-5, 10, 0, 10});
  r = topk(i, 2, 0, "max", "value");
  expect_values(r[0], {2}, {10, 10}, 0);
  expect_values(r[1], {2}, {1, 3}, 0);
  r = topk(i, 0, 0, "max", "value");
  expect_values(r[0], {0}, {});
}

TEST(TopK, ShapeInference) {
  Attributes a{{"axis", "-1"}, {"mode", "max"}, {"sort", "value"}, {"index_element_type", "i64"}};
  std::vector<OutputInfo> o = infer_op("TopK", "opset11", a,
                                       {{ElementType::f32, PartialShape({-1, 128}), nullptr},
                                        {ElementType::i64, PartialShape(), nullptr}});
  EXPECT_EQ(o[0].shape.to_string(), "[?,?]");
  EXPECT_EQ(o[1].type, ElementType::i64);
  Tensor k = Tensor::scalar<int32_t>(4);
  o = infer_op("TopK", "opset11", a, {{ElementType::f32, PartialShape({-1, 128}), nullptr},
                                      {ElementType::i32, PartialShape(), &k}});
  EXPECT_EQ(o[1].shape.to_string(), "[?,4]");
  EXPECT_EQ(OpRegistry::instance().create("TopK", "opset11", a)->value_inputs(), 2u);
}

TEST(TopK, BadInputsAreErrors) {
  std::string e = error_of([] { topk(kSpec, 7, 0, "max", "value"); });
  EXPECT_NE(e.find("larger than"), std::string::npos) << e;
  e = error_of([] { topk(kSpec, -1, 0, "max", "value"); });
  EXPECT_NE(e.find("negative"), std::string::npos) << e;
  e = error_of([] { topk(kSpec, 1, 1, "max", "value"); });
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of([] { topk(kSpec, 1, 0, "largest", "value"); });
  EXPECT_NE(e.find("mode"), std::string::npos) << e;
  e = error_of([] { topk(kSpec, 1, 0, "max", "value", "opset11", "f32"); });
  EXPECT_NE(e.find("index_element_type"), std::string::npos) << e;
  e = error_of([] {
    run_op_dirty("TopK", "opset11", {{"axis", "0"}, {"mode", "max"}, {"sort", "value"}},
                 {kSpec, Tensor::from<int64_t>({2}, {1, 2})});
  });
  EXPECT_NE(e.find("scalar"), std::string::npos) << e;
  e = error_of([] {
    run_op_dirty("TopK", "opset11", {{"axis", "0"}, {"mode", "max"}, {"sort", "value"}},
                 {kSpec, Tensor::scalar<float>(1)});
  });
  EXPECT_NE(e.find("integer"), std::string::npos) << e;
}

}  // namespace
}  // namespace openarc::ops::testing
