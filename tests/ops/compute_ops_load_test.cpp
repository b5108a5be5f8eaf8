// Load-time shape inference of the compute ops with what a loader may know: dynamic ranks,
// dynamic dims, and no values. Each must answer (possibly with dynamic outputs) or throw Error,
// never crash; with every shape static and every value known the outputs must be static.
#include <gtest/gtest.h>

#include "compute_test_util.h"

namespace openarc::ops::testing {
namespace {

struct LoadCase {
  std::string type, version;
  Attributes attrs;
  std::vector<ElementType> types;
};

std::vector<LoadCase> load_cases() {
  using E = ElementType;
  Attributes mvn{{"normalize_variance", "true"}, {"eps", "1e-5"}, {"eps_mode", "inside_sqrt"}};
  Attributes topk{{"axis", "-1"}, {"mode", "max"}, {"sort", "value"}};
  return {
      {"MatMul", "opset1", {{"transpose_b", "true"}}, {E::f32, E::f32}},
      {"ScaledDotProductAttention", "opset13", {{"causal", "false"}}, {E::f32, E::f32, E::f32, E::f32, E::f32}},
      {"ScaledDotProductAttention", "opset13", {{"causal", "true"}}, {E::f32, E::f32, E::f32}},
      {"SoftMax", "opset8", {{"axis", "-1"}}, {E::f32}},
      {"LogSoftmax", "opset5", {{"axis", "-1"}}, {E::f32}},
      {"MVN", "opset6", mvn, {E::f32, E::i64}},
      {"RMS", "opset14", {{"epsilon", "1e-6"}}, {E::f32, E::i64, E::f32}},
      {"ReduceMean", "opset1", {{"keep_dims", "true"}}, {E::f32, E::i64}},
      {"ReduceSum", "opset1", {}, {E::f32, E::i64}},
      {"ReduceL2", "opset4", {}, {E::f32, E::i64}},
      {"TopK", "opset11", topk, {E::f32, E::i64}},
  };
}

TEST(ComputeOpsLoad, DynamicRanksAndUnknownValues) {
  for (const LoadCase& c : load_cases()) {
    std::vector<InputInfo> in;
    for (ElementType t : c.types) in.push_back({t, PartialShape::dynamic_rank(), nullptr});
    std::string e = error_of([&] { infer_op(c.type, c.version, c.attrs, in); });
    EXPECT_EQ(e, "") << c.type << " with dynamic ranks";
  }
}

TEST(ComputeOpsLoad, DynamicDimsAndUnknownValues) {
  for (const LoadCase& c : load_cases()) {
    std::vector<InputInfo> in;
    for (size_t i = 0; i < c.types.size(); ++i) {
      bool small_arg = c.types[i] == ElementType::i64 || (c.type == "ScaledDotProductAttention" && i == 4) ||
                       (c.type == "RMS" && i == 2);
      PartialShape s = small_arg ? (c.type == "TopK" ? PartialShape() : PartialShape({-1}))
                                 : PartialShape({-1, 4, -1, 8});
      in.push_back({c.types[i], s, nullptr});
    }
    std::vector<OutputInfo> out;
    std::string e = error_of([&] { out = infer_op(c.type, c.version, c.attrs, in); });
    EXPECT_EQ(e, "") << c.type << " with dynamic dims";
    for (const OutputInfo& o : out) EXPECT_NE(o.type, ElementType::undefined) << c.type;
  }
}

TEST(ComputeOpsLoad, StaticShapesAndKnownValuesGiveStaticOutputs) {
  Tensor axes = Tensor::from<int64_t>({1}, {-1});
  Tensor k = Tensor::scalar<int64_t>(2);
  Tensor scale = Tensor::scalar<float>(0.5f);
  for (const LoadCase& c : load_cases()) {
    std::vector<InputInfo> in;
    for (size_t i = 0; i < c.types.size(); ++i) {
      if (c.types[i] == ElementType::i64) {
        const Tensor* v = c.type == "TopK" ? &k : &axes;
        in.push_back({ElementType::i64, PartialShape(v->shape()), v});
      } else if ((c.type == "ScaledDotProductAttention" && i == 4)) {
        in.push_back({ElementType::f32, PartialShape(), &scale});
      } else if (c.type == "RMS" && i == 2) {
        in.push_back({ElementType::f32, PartialShape({8}), nullptr});
      } else {
        in.push_back({c.types[i], PartialShape({2, 4, 8, 8}), nullptr});
      }
    }
    std::vector<OutputInfo> out = infer_op(c.type, c.version, c.attrs, in);
    ASSERT_FALSE(out.empty()) << c.type;
    for (const OutputInfo& o : out) EXPECT_TRUE(o.shape.is_static()) << c.type << " gives " << o.shape.to_string();
  }
}

}  // namespace
}  // namespace openarc::ops::testing
