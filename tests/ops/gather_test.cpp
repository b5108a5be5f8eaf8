// Gather-1/7/8; expected values worked out from the spec's formula
//   out[p_0..p_{axis-1}, i_b..i_{M-1}, p_{axis+1}..] = data[p_0.., indices[p_0..p_{b-1}, i_b..], p_{axis+1}..]
#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<Tensor> gather(const char* version, const Tensor& data, const Tensor& idx, int64_t axis,
                           int64_t batch_dims = 0) {
  Attributes a;
  if (std::string(version) != "opset1") a.set("batch_dims", std::to_string(batch_dims));
  return run_op("Gather", version, a, {data, idx, scalar64(axis)});
}

const Tensor kTable = f32({3, 2}, {1, 2, 3, 4, 5, 6});

TEST(Gather, RowsAlongAxisZero) {
  std::vector<Tensor> out = gather("opset8", kTable, i32({2}, {2, 0}), 0);
  EXPECT_EQ(out[0].shape(), Shape({2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(5, 6, 1, 2));
  // Embedding lookup: indices [B,S] -> [B,S,E].
  out = gather("opset8", kTable, i64({1, 3}, {1, 1, 0}), 0);
  EXPECT_EQ(out[0].shape(), Shape({1, 3, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(3, 4, 3, 4, 1, 2));
  // A scalar index drops the axis.
  out = gather("opset1", kTable, scalar64(1), 0);
  EXPECT_EQ(out[0].shape(), Shape({2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(3, 4));
}

TEST(Gather, NegativeAxisAndIndices) {
  Tensor data = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  std::vector<Tensor> out = gather("opset8", data, vec({2}), -1);
  EXPECT_EQ(out[0].shape(), Shape({2, 1}));
  EXPECT_THAT(reals(out[0]), ElementsAre(3, 6));
  out = gather("opset8", data, vec({-1, -3}), 1);  // -1 -> 2, -3 -> 0
  EXPECT_THAT(reals(out[0]), ElementsAre(3, 1, 6, 4));
}

TEST(Gather, Opset8FillsZerosForOutOfRangeIndices) {
  std::vector<Tensor> out = gather("opset8", kTable, vec({3, 1, -4}), 0);
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 0, 3, 4, 0, 0));
}

TEST(Gather, EarlierVersionsRejectIndicesOutsideTheDim) {
  EXPECT_THAT(error_of([] { gather("opset7", kTable, vec({3}), 0); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { gather("opset1", kTable, vec({-1}), 0); }), HasSubstr("out of range"));
}

TEST(Gather, BatchDims) {
  // batch_dims 1: out[b, i] = data[b, indices[b, i]]
  Tensor data = f32({2, 3}, {1, 2, 3, 4, 5, 6}), idx = i64({2, 2}, {0, 2, 1, 1});
  std::vector<Tensor> out = gather("opset8", data, idx, 1, 1);
  EXPECT_EQ(out[0].shape(), Shape({2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 3, 5, 5));
  // The spec's Example 2 (Gather-7/8): batch_dims 1, axis 1.
  out = gather("opset7", f32({2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), i64({2, 3}, {0, 0, 4, 4, 0, 0}), 1, 1);
  EXPECT_EQ(out[0].shape(), Shape({2, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 1, 5, 10, 6, 6));
  // batch_dims -1 counts from the indices rank: 2 - 1 = 1, the same op.
  EXPECT_THAT(reals(gather("opset7", data, idx, 1, -1)[0]), ElementsAre(1, 3, 5, 5));
  // A rank-3 case with a dim after the axis: data [2,2,2], out[b,i,:] = data[b, idx[b,i], :].
  out = gather("opset8", iota({2, 2, 2}), i64({2, 1}, {1, 0}), 1, 1);
  EXPECT_EQ(out[0].shape(), Shape({2, 1, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(2, 3, 4, 5));
  EXPECT_THAT(error_of([&] { gather("opset8", data, idx, 0, 1); }), HasSubstr("batch_dims"));
  EXPECT_THAT(error_of([&] { gather("opset8", data, i64({3, 1}, {0, 0, 0}), 1, 1); }), HasSubstr("batch dim 0"));
}

TEST(Gather, SubByteRowsAtOddOffsets) {
  Tensor w = typed(ElementType::u4, {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  std::vector<Tensor> out = gather("opset8", w, vec({1, 2, 0}), 0);
  EXPECT_EQ(out[0].type(), ElementType::u4);
  EXPECT_THAT(ints(out[0]), ElementsAre(4, 5, 6, 7, 8, 9, 1, 2, 3));
}

TEST(Gather, InfersDynamicShapes) {
  Tensor axis = scalar64(0);
  auto out = infer_op("Gather", "opset8", {{"batch_dims", "0"}},
                      {dyn(ElementType::f32, ps({32000, 2048})), dyn(ElementType::i32, ps({-1, -1})), known(axis)});
  EXPECT_EQ(out[0].shape, ps({-1, -1, 2048}));
  out = infer_op("Gather", "opset8", {{"batch_dims", "0"}},
                 {dyn(ElementType::f32, ps({4, 5})), dyn(ElementType::i32, ps({-1, -1})), dyn(ElementType::i64, ps({}))});
  EXPECT_EQ(out[0].shape, PartialShape::dynamic(3));
  Tensor one = scalar64(1);
  out = infer_op("Gather", "opset8", {{"batch_dims", "1"}},
                 {dyn(ElementType::f32, ps({-1, 5})), dyn(ElementType::i32, ps({3, 2})), known(one)});
  EXPECT_EQ(out[0].shape, ps({3, 2}));  // the batch dim comes from indices when data's is dynamic
}

}  // namespace
}  // namespace openarc::ops::testing
