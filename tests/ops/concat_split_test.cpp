// Concat-1, Split-1, VariadicSplit-1 and Transpose-1; expected values worked out from the specs.
#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Concat, JoinsAlongANegativeAxis) {
  Tensor a = f32({2, 1}, {1, 2}), b = f32({2, 2}, {3, 4, 5, 6});
  std::vector<Tensor> out = run_op("Concat", "opset1", {{"axis", "-1"}}, {a, b});
  EXPECT_EQ(out[0].shape(), Shape({2, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 3, 4, 2, 5, 6));
  out = run_op("Concat", "opset1", {{"axis", "0"}}, {f32({1, 2}, {1, 2}), b});
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST(Concat, AnEmptyInputAddsNothing) {
  // The KV-cache step: past [.., 0, ..] joined with the new keys.
  Tensor past(ElementType::f32, {2, 0}), now = f32({2, 2}, {3, 4, 5, 6});
  std::vector<Tensor> out = run_op("Concat", "opset1", {{"axis", "1"}}, {past, now});
  EXPECT_EQ(out[0].shape(), Shape({2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(3, 4, 5, 6));
}

TEST(Concat, SubByteInputsAtOddOffsets) {
  Tensor a = typed(ElementType::u4, {3}, {1, 2, 3}), b = typed(ElementType::u4, {2}, {14, 15});
  std::vector<Tensor> out = run_op("Concat", "opset1", {{"axis", "0"}}, {a, b, a});
  EXPECT_THAT(ints(out[0]), ElementsAre(1, 2, 3, 14, 15, 1, 2, 3));
}

TEST(Concat, MismatchesAreErrors) {
  EXPECT_THAT(error_of([] { run_op("Concat", "opset1", {{"axis", "0"}}, {iota({1, 2}), iota({1, 3})}); }),
              HasSubstr("dim 1"));
  EXPECT_THAT(error_of([] { run_op("Concat", "opset1", {{"axis", "0"}}, {iota({1, 2}), i64({1, 2}, {0, 0})}); }),
              HasSubstr("i64"));
  EXPECT_THAT(error_of([] { run_op("Concat", "opset1", {{"axis", "2"}}, {iota({1, 2})}); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { run_op("Concat", "opset1", {{"axis", "0"}}, {iota({2}), iota({1, 2})}); }),
              HasSubstr("rank"));
}

TEST(Concat, InfersDynamicDims) {
  auto out = infer_op("Concat", "opset1", {{"axis", "-2"}},
                      {dyn(ElementType::f32, ps({-1, 8, -1, 128})), dyn(ElementType::f32, ps({-1, 8, 1, 128}))});
  EXPECT_EQ(out[0].shape, ps({-1, 8, -1, 128}));
  out = infer_op("Concat", "opset1", {{"axis", "2"}},
                 {dyn(ElementType::f32, ps({-1, 8, 5, 128})), dyn(ElementType::f32, ps({2, 8, 1, 128}))});
  EXPECT_EQ(out[0].shape, ps({2, 8, 6, 128}));
  out = infer_op("Concat", "opset1", {{"axis", "0"}},
                 {dyn(ElementType::f32, PartialShape::dynamic_rank()), dyn(ElementType::f32, ps({3, 4}))});
  EXPECT_EQ(out[0].shape, ps({-1, 4}));
}

TEST(Split, EqualPartsAlongAxis) {
  std::vector<Tensor> out = run_op("Split", "opset1", {{"num_splits", "3"}}, {f32({6}, {1, 2, 3, 4, 5, 6}), scalar64(0)});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2));
  EXPECT_THAT(reals(out[2]), ElementsAre(5, 6));
  out = run_op("Split", "opset1", {{"num_splits", "2"}}, {iota({2, 4}), scalar64(-1)});
  EXPECT_EQ(out[0].shape(), Shape({2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 1, 4, 5));
  EXPECT_THAT(reals(out[1]), ElementsAre(2, 3, 6, 7));
  EXPECT_THAT(error_of([] { run_op("Split", "opset1", {{"num_splits", "3"}}, {iota({4}), scalar64(0)}); }),
              HasSubstr("equal parts"));
  auto inf = infer_op("Split", "opset1", {{"num_splits", "2"}},
                      {dyn(ElementType::f32, ps({-1, 8})), dyn(ElementType::i64, ps({}))});
  ASSERT_EQ(inf.size(), 2u);
  EXPECT_EQ(inf[1].shape, PartialShape::dynamic(2));  // axis unknown: any dim may be the split one
}

TEST(VariadicSplit, MinusOneTakesTheRest) {
  std::vector<Tensor> out = run_op("VariadicSplit", "opset1", {}, {iota({2, 5}), scalar64(1), vec({1, -1, 2})});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].shape(), Shape({2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 5));
  EXPECT_THAT(reals(out[1]), ElementsAre(1, 2, 6, 7));
  EXPECT_THAT(reals(out[2]), ElementsAre(3, 4, 8, 9));
  out = run_op("VariadicSplit", "opset1", {}, {iota({3}), scalar64(0), vec({0, 3})});
  EXPECT_EQ(out[0].shape(), Shape({0}));
  EXPECT_THAT(reals(out[1]), ElementsAre(0, 1, 2));
}

TEST(VariadicSplit, BadLengthsAreErrors) {
  EXPECT_THAT(error_of([] { run_op("VariadicSplit", "opset1", {}, {iota({5}), scalar64(0), vec({-1, -1})}); }),
              HasSubstr("more than one -1"));
  EXPECT_THAT(error_of([] { run_op("VariadicSplit", "opset1", {}, {iota({5}), scalar64(0), vec({2, 2})}); }),
              HasSubstr("add up to 4"));
  EXPECT_THAT(error_of([] { run_op("VariadicSplit", "opset1", {}, {iota({5}), scalar64(0), vec({7, -1})}); }),
              HasSubstr("more than"));
  EXPECT_THAT(error_of([] { run_op("VariadicSplit", "opset1", {}, {iota({5}), scalar64(0), vec({-2, 7})}); }),
              HasSubstr("negative"));
}

TEST(VariadicSplit, InfersFromWhatIsKnown) {
  Tensor axis = scalar64(-1), lengths = vec({64, -1});
  auto out = infer_op("VariadicSplit", "opset1", {},
                      {dyn(ElementType::f32, ps({-1, -1, 192})), known(axis), known(lengths)});
  EXPECT_EQ(out[1].shape, ps({-1, -1, 128}));
  out = infer_op("VariadicSplit", "opset1", {},
                 {dyn(ElementType::f32, ps({-1, 192})), known(axis), dyn(ElementType::i64, ps({3}))});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].shape, ps({-1, -1}));
}

TEST(Transpose, PermutesDims) {
  std::vector<Tensor> out = run_op("Transpose", "opset1", {}, {iota({2, 3}), vec({1, 0})});
  EXPECT_EQ(out[0].shape(), Shape({3, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 3, 1, 4, 2, 5));
  // [B,S,H,D] -> [B,H,S,D]: out(0,h,s,d) = in(0,s,h,d) = s*6 + h*2 + d
  out = run_op("Transpose", "opset1", {}, {iota({1, 2, 3, 2}), i32({4}, {0, 2, 1, 3})});
  EXPECT_EQ(out[0].shape(), Shape({1, 3, 2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11));
}

TEST(Transpose, EmptyOrderReverses) {
  std::vector<Tensor> out = run_op("Transpose", "opset1", {}, {iota({2, 3, 4}), i64({0}, {})});
  EXPECT_EQ(out[0].shape(), Shape({4, 3, 2}));
  // out(1,2,0) = in(0,2,1) = 2*4 + 1; its flat index in [4,3,2] is 1*6 + 2*2 + 0.
  EXPECT_EQ(out[0].data<float>()[10], 9.0f);
}

TEST(Transpose, SubByteAndErrors) {
  Tensor w = typed(ElementType::u4, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_THAT(ints(run_op("Transpose", "opset1", {}, {w, vec({1, 0})})[0]), ElementsAre(1, 4, 2, 5, 3, 6));
  EXPECT_THAT(error_of([] { run_op("Transpose", "opset1", {}, {iota({2, 3}), vec({0, 0})}); }),
              HasSubstr("not a permutation"));
  EXPECT_THAT(error_of([] { run_op("Transpose", "opset1", {}, {iota({2, 3}), vec({0, 1, 2})}); }),
              HasSubstr("rank 2"));
  auto inf = infer_op("Transpose", "opset1", {}, {dyn(ElementType::f32, ps({-1, 4, 5})), dyn(ElementType::i64, ps({3}))});
  EXPECT_EQ(inf[0].shape, PartialShape::dynamic(3));
}

}  // namespace
}  // namespace openarc::ops::testing

namespace openarc::ops::testing {
namespace {

// The kernels move bytes, so every element width must come out the same.
TEST(Transpose, EveryElementType) {
  for (ElementType t : {ElementType::boolean, ElementType::i8, ElementType::u8, ElementType::f16, ElementType::bf16,
                        ElementType::i32, ElementType::f32, ElementType::i64, ElementType::f64, ElementType::i4,
                        ElementType::u1}) {
    std::vector<int64_t> v = t == ElementType::boolean || t == ElementType::u1 ? std::vector<int64_t>{1, 0, 0, 1, 1, 0}
                                                                               : std::vector<int64_t>{1, 2, 3, 4, 5, 6};
    Tensor data = typed(t, {2, 3}, v);
    std::vector<Tensor> out = run_op("Transpose", "opset1", {}, {data, vec({1, 0})});
    EXPECT_EQ(out[0].type(), t);
    EXPECT_EQ(ints(out[0]), (std::vector<int64_t>{v[0], v[3], v[1], v[4], v[2], v[5]})) << to_string(t);
    out = run_op("Concat", "opset1", {{"axis", "0"}}, {data, data});
    std::vector<int64_t> twice = v;
    twice.insert(twice.end(), v.begin(), v.end());
    EXPECT_EQ(ints(out[0]), twice) << to_string(t);
  }
}

}  // namespace
}  // namespace openarc::ops::testing
