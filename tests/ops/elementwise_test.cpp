// The shared elementwise machinery: shape inference with auto_broadcast (dynamic dims and rank),
// type checks, and the broadcasting loop's fast and general paths against index arithmetic.
#include "ops/elementwise.h"

#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

std::string infer_add(const std::string& a, const std::string& b, const std::string& mode = "numpy") {
  std::vector<OutputInfo> o = infer_op("Add", "opset1", {{"auto_broadcast", mode}},
                                       {{E::f32, parse_partial_shape(a), nullptr}, {E::f32, parse_partial_shape(b), nullptr}});
  EXPECT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].type, E::f32);
  return o[0].shape.to_string();
}

TEST(ElementwiseInfer, NumpyBroadcastWithDynamicDims) {
  EXPECT_EQ(infer_add("2,1,3", "4,1"), "[2,4,3]");
  EXPECT_EQ(infer_add("8,1,6,1", "7,1,5"), "[8,7,6,5]");  // the spec's example
  EXPECT_EQ(infer_add("?,1,4", "3,1"), "[?,3,4]");
  EXPECT_EQ(infer_add("?,4", "2,4"), "[2,4]");  // a dynamic dim against a static one != 1 must equal it
  EXPECT_EQ(infer_add("?", "1"), "[?]");
  EXPECT_EQ(infer_add("?,?", "?"), "[?,?]");
  EXPECT_EQ(infer_add("", "2,3"), "[2,3]");
  EXPECT_EQ(infer_add("0,3", "1"), "[0,3]");
  EXPECT_EQ(infer_add("...", "2,3"), "[...]");
}

TEST(ElementwiseInfer, NoneNeedsEqualShapes) {
  EXPECT_EQ(infer_add("?,4", "2,?", "none"), "[2,4]");
  EXPECT_EQ(infer_add("...", "2,?", "none"), "[2,?]");
  EXPECT_EQ(infer_add("2,3", "2,3", "explicit"), "[2,3]");
  expect_error([] { infer_add("2,3", "3", "none"); }, "equal shapes");
  expect_error([] { infer_add("2,3", "2,1", "none"); }, "equal shapes");
}

TEST(ElementwiseInfer, Errors) {
  expect_error([] { infer_add("2,3", "4"); }, "do not broadcast");
  expect_error([] { infer_add("2,3", "2,3", "pdpd"); }, "pdpd");
  expect_error([] { infer_add("2,3", "2,3", "sideways"); }, "sideways");
  expect_error([] { infer_op("Multiply", "opset1", {}, {{E::f32, parse_partial_shape("2"), nullptr},
                                                      {E::f16, parse_partial_shape("2"), nullptr}}); },
               "same element type, got f32 (input 0) and f16 (input 1)");
  expect_error([] { infer_op("Add", "opset1", {}, {{E::f32, parse_partial_shape("2"), nullptr}}); }, "expects 2 inputs");
  expect_error([] { OpRegistry::instance().create("Add", "opset7", {}); }, "supported: opset1");
}

TEST(ElementwiseInfer, ComparisonAndLogicalOutputsAreBoolean) {
  for (const char* op : {"Equal", "Less", "LogicalAnd", "BitwiseAnd"}) {
    ElementType t = std::string(op).rfind("Logical", 0) == 0 || std::string(op) == "BitwiseAnd" ? E::boolean : E::i32;
    std::vector<OutputInfo> o = infer_op(op, std::string(op) == "BitwiseAnd" ? "opset13" : "opset1", {},
                                         {{t, parse_partial_shape("?,3"), nullptr}, {t, parse_partial_shape("3"), nullptr}});
    EXPECT_EQ(o[0].type, E::boolean) << op;
    EXPECT_EQ(o[0].shape.to_string(), "[?,3]") << op;
  }
}

// out[idx] = a[idx'] + b[idx''] by explicit index arithmetic, over shapes that exercise each path of
// broadcast_binary: same shape, scalar on either side, inner-contiguous, stretched inner dim.
TEST(ElementwiseLoop, EveryBroadcastPathMatchesIndexArithmetic) {
  const std::pair<Shape, Shape> shapes[] = {
      {{2, 3, 4}, {2, 3, 4}}, {{}, {2, 3}},       {{2, 3}, {1}},          {{2, 3, 4}, {1, 3, 1}},
      {{2, 1, 4}, {3, 1}},    {{5, 1}, {1, 7}},   {{1, 1, 6}, {4, 1, 1}}, {{3, 1, 2, 1}, {1, 4, 1, 5}},
      {{1, 5, 64}, {1, 1, 64}}, {{2, 3, 0}, {3, 1}},
  };
  for (const auto& [sa, sb] : shapes) {
    Shape so = broadcast_numpy(PartialShape(sa), PartialShape(sb)).to_shape();
    Tensor a(E::f32, sa), b(E::f32, sb);
    for (int64_t i = 0; i < a.size(); ++i) a.data<float>()[i] = static_cast<float>(i + 1);
    for (int64_t i = 0; i < b.size(); ++i) b.data<float>()[i] = static_cast<float>(1000 * (i + 1));
    Tensor out = run_op("Add", "opset1", {}, {a, b})[0];
    ASSERT_EQ(out.shape(), so);
    Shape idx(so.size(), 0);
    for (int64_t i = 0; i < shape_size(so); ++i) {
      int64_t ia = 0, ib = 0;  // row-major offsets with stretched dims pinned to 0
      for (size_t d = 0; d < so.size(); ++d) {
        size_t da = d + sa.size() - so.size(), db = d + sb.size() - so.size();
        if (d >= so.size() - sa.size()) ia = ia * sa[da] + (sa[da] == 1 ? 0 : idx[d]);
        if (d >= so.size() - sb.size()) ib = ib * sb[db] + (sb[db] == 1 ? 0 : idx[d]);
      }
      ASSERT_EQ(out.data<float>()[i], a.data<float>()[ia] + b.data<float>()[ib])
          << to_string(sa) << " + " << to_string(sb) << " at " << i;
      for (size_t d = so.size(); d-- > 0;) {
        if (++idx[d] < so[d]) break;
        idx[d] = 0;
      }
    }
  }
}

TEST(ElementwiseLoop, PlanMergesContiguousDims) {
  const Shape in[2] = {{1, 5, 64}, {1, 1, 64}};
  BroadcastPlan<2> p = plan_broadcast(in, {1, 5, 64});
  EXPECT_EQ(p.inner, 64);
  EXPECT_EQ(p.inner_stride[0], 1);
  EXPECT_EQ(p.inner_stride[1], 1);
  EXPECT_EQ(p.outer, (Shape{5}));
  EXPECT_EQ(p.outer_strides[1], (Shape{0}));
  const Shape same[2] = {{2, 3, 4}, {2, 3, 4}};
  p = plan_broadcast(same, {2, 3, 4});
  EXPECT_EQ(p.inner, 24);
  EXPECT_TRUE(p.outer.empty());
}

}  // namespace
}  // namespace openarc::ops::testing
