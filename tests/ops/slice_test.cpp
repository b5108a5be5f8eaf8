// StridedSlice-1 and Slice-8; expected values worked out by hand from Python slicing rules, which
// both specs follow, and from StridedSlice's mask definitions.
#include <limits>

#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Masks {
  const char *begin = "", *end = "", *new_axis = "", *shrink = "", *ellipsis = "";
};

std::vector<Tensor> strided(const Tensor& data, const std::vector<int64_t>& b, const std::vector<int64_t>& e,
                            const std::vector<int64_t>& s, Masks m = {}) {
  Attributes a{{"begin_mask", m.begin}, {"end_mask", m.end}, {"new_axis_mask", m.new_axis},
               {"shrink_axis_mask", m.shrink}, {"ellipsis_mask", m.ellipsis}};
  return run_op("StridedSlice", "opset1", a, {data, vec(b), vec(e), vec(s)});
}

TEST(StridedSlice, BeginEndStridePerAxis) {
  // i in 0:2, j in 1:3, k in 0:4:2 of iota [2,3,4]: i*12 + j*4 + k
  std::vector<Tensor> out = strided(iota({2, 3, 4}), {0, 1, 0}, {2, 3, 4}, {1, 1, 2});
  EXPECT_EQ(out[0].shape(), Shape({2, 2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(4, 6, 8, 10, 16, 18, 20, 22));
}

TEST(StridedSlice, BeginAndEndMasksUseTheWholeDim) {
  // GPT-2's slice: masks "1,1,1,0" take dims 0-2 whole and only slice the last one (0:2).
  std::vector<Tensor> out =
      strided(iota({1, 1, 3, 4}), {0, 0, 0, 0}, {0, 0, 0, 2}, {1, 1, 1, 1}, {.begin = "1,1,1,0", .end = "1,1,1,0"});
  EXPECT_EQ(out[0].shape(), Shape({1, 1, 3, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 1, 4, 5, 8, 9));
  // Masks shorter than begin count as 0 for the missing entries.
  out = strided(iota({2, 3}), {1, 1}, {0, 3}, {1, 1}, {.begin = "0", .end = "1"});
  EXPECT_EQ(out[0].shape(), Shape({1, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(4, 5));
}

TEST(StridedSlice, NegativeStridesWalkBackwards) {
  Tensor data = iota({5});
  EXPECT_THAT(reals(strided(data, {-1}, {0}, {-1})[0]), ElementsAre(4, 3, 2, 1));
  EXPECT_THAT(reals(strided(data, {-1}, {0}, {-1}, {.end = "1"})[0]), ElementsAre(4, 3, 2, 1, 0));
  // end -6 -> -1 after adding 5, which with a negative stride means "past index 0".
  EXPECT_THAT(reals(strided(data, {-2}, {-6}, {-1})[0]), ElementsAre(3, 2, 1, 0));
  EXPECT_THAT(reals(strided(data, {0}, {0}, {-2}, {.begin = "1", .end = "1"})[0]), ElementsAre(4, 2, 0));
  // Out-of-range begin/end clamp.
  EXPECT_THAT(reals(strided(data, {-10}, {10}, {1})[0]), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(strided(data, {3}, {1}, {1})[0].shape(), Shape({0}));
}

TEST(StridedSlice, ShrinkAxisDropsTheDim) {
  std::vector<Tensor> out = strided(iota({2, 3}), {1, 0}, {2, 3}, {1, 1}, {.shrink = "1,0"});
  EXPECT_EQ(out[0].shape(), Shape({3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(3, 4, 5));
  out = strided(iota({2, 3}), {-1, 0}, {0, 3}, {1, 1}, {.shrink = "1,0"});
  EXPECT_THAT(reals(out[0]), ElementsAre(3, 4, 5));
  EXPECT_THAT(error_of([] { strided(iota({2, 3}), {0, 5}, {0, 6}, {1, 1}, {.shrink = "0,1"}); }),
              HasSubstr("out of range"));
}

TEST(StridedSlice, NewAxisInsertsADim) {
  // Entry 0 is a new axis; entry 1 takes dim 0 whole; dim 1 is left over and taken whole.
  std::vector<Tensor> out = strided(iota({2, 3}), {0, 0}, {0, 0}, {1, 1}, {.begin = "0,1", .end = "0,1", .new_axis = "1,0"});
  EXPECT_EQ(out[0].shape(), Shape({1, 2, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 1, 2, 3, 4, 5));
}

TEST(StridedSlice, EllipsisCoversTheDimsOthersLeave) {
  // [..., 1:2] on [2,3,4]: i*12 + j*4 + 1
  std::vector<Tensor> out = strided(iota({2, 3, 4}), {0, 1}, {0, 2}, {1, 1}, {.ellipsis = "1,0"});
  EXPECT_EQ(out[0].shape(), Shape({2, 3, 1}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 5, 9, 13, 17, 21));
  // [..., 2] with shrink: i*12 + j*4 + 2
  out = strided(iota({2, 3, 4}), {0, 2}, {0, 3}, {1, 1}, {.shrink = "0,1", .ellipsis = "1,0"});
  EXPECT_EQ(out[0].shape(), Shape({2, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(2, 6, 10, 14, 18, 22));
  // [..., newaxis]
  out = strided(iota({2, 3}), {0, 0}, {0, 0}, {1, 1}, {.new_axis = "0,1", .ellipsis = "1,0"});
  EXPECT_EQ(out[0].shape(), Shape({2, 3, 1}));
  EXPECT_THAT(error_of([] { strided(iota({2, 3}), {0, 0}, {0, 0}, {1, 1}, {.ellipsis = "1,1"}); }),
              HasSubstr("more than one"));
}

TEST(StridedSlice, ErrorsAndInference) {
  EXPECT_THAT(error_of([] { strided(iota({4}), {0}, {4}, {0}); }), HasSubstr("has a 0"));
  EXPECT_THAT(error_of([] { strided(iota({4}), {0, 0}, {1, 1}, {1, 1}); }), HasSubstr("rank 1"));
  Attributes a{{"begin_mask", "0"}, {"end_mask", "0"}, {"shrink_axis_mask", "1"}};
  // Values unknown: the shrunk dim goes, the rest are whole.
  auto out = infer_op("StridedSlice", "opset1", a,
                      {dyn(ElementType::f32, ps({-1, 4})), dyn(ElementType::i64, ps({1})),
                       dyn(ElementType::i64, ps({1})), dyn(ElementType::i64, ps({1}))});
  EXPECT_EQ(out[0].shape, ps({4}));
  Tensor b = vec({0, 0}), e = vec({0, 4}), s = vec({1, 1});
  out = infer_op("StridedSlice", "opset1", {{"begin_mask", "1,0"}, {"end_mask", "1,0"}},
                 {dyn(ElementType::f32, ps({-1, 8})), known(b), known(e), known(s)});
  EXPECT_EQ(out[0].shape, ps({-1, 4}));
}

std::vector<Tensor> slice(const Tensor& data, const std::vector<int64_t>& start, const std::vector<int64_t>& stop,
                          const std::vector<int64_t>& step, const std::vector<int64_t>* axes = nullptr) {
  std::vector<Tensor> in{data, vec(start), vec(stop), vec(step)};
  if (axes) in.push_back(vec(*axes));
  return run_op("Slice", "opset8", {}, in);
}

TEST(Slice, PythonRulesWithClamping) {
  Tensor data = iota({5});
  EXPECT_THAT(reals(slice(data, {1}, {4}, {1})[0]), ElementsAre(1, 2, 3));
  EXPECT_THAT(reals(slice(data, {-1}, {-6}, {-1})[0]), ElementsAre(4, 3, 2, 1, 0));  // a[-1:-6:-1]
  EXPECT_THAT(reals(slice(data, {10}, {-10}, {-2})[0]), ElementsAre(4, 2, 0));       // a[10:-10:-2]
  EXPECT_THAT(reals(slice(data, {2}, {std::numeric_limits<int64_t>::max()}, {1})[0]), ElementsAre(2, 3, 4));
  EXPECT_THAT(reals(slice(data, {std::numeric_limits<int64_t>::min()}, {2}, {1})[0]), ElementsAre(0, 1));
  EXPECT_EQ(slice(data, {3}, {1}, {1})[0].shape(), Shape({0}));
  EXPECT_THAT(reals(slice(data, {0}, {5}, {3})[0]), ElementsAre(0, 3));
}

TEST(Slice, AxesSelectWhichDims) {
  std::vector<int64_t> last = {-1};
  std::vector<Tensor> out = slice(iota({2, 3, 4}), {1}, {3}, {1}, &last);
  EXPECT_EQ(out[0].shape(), Shape({2, 3, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22));
  // axes in any order: dim 2 takes {0,3}, dim 0 takes {1}: 12 + j*4 + {0,3}
  std::vector<int64_t> two = {2, 0};
  out = slice(iota({2, 3, 4}), {0, 1}, {4, 2}, {3, 1}, &two);
  EXPECT_EQ(out[0].shape(), Shape({1, 3, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(12, 15, 16, 19, 20, 23));
}

TEST(Slice, SubByteData) {
  Tensor w = typed(ElementType::u4, {7}, {1, 2, 3, 4, 5, 6, 7});
  EXPECT_THAT(ints(slice(w, {1}, {7}, {2})[0]), ElementsAre(2, 4, 6));
  EXPECT_THAT(ints(slice(w, {1}, {6}, {1})[0]), ElementsAre(2, 3, 4, 5, 6));
}

TEST(Slice, ErrorsAndInference) {
  std::vector<int64_t> rep = {0, 0}, far = {3};
  EXPECT_THAT(error_of([] { slice(iota({5}), {0}, {5}, {0}); }), HasSubstr("has a 0"));
  EXPECT_THAT(error_of([&] { slice(iota({2, 3}), {0, 0}, {1, 1}, {1, 1}, &rep); }), HasSubstr("repeated"));
  EXPECT_THAT(error_of([&] { slice(iota({2, 3}), {0}, {1}, {1}, &far); }), HasSubstr("out of range"));
  EXPECT_THAT(error_of([] { run_op("Slice", "opset8", {}, {iota({5}), vec({0, 1}), vec({1}), vec({1})}); }),
              HasSubstr("values"));
  Tensor axes = vec({1});
  auto out = infer_op("Slice", "opset8", {},
                      {dyn(ElementType::f32, ps({-1, 10, 4})), dyn(ElementType::i64, ps({1})),
                       dyn(ElementType::i64, ps({1})), dyn(ElementType::i64, ps({1})), known(axes)});
  EXPECT_EQ(out[0].shape, ps({-1, -1, 4}));
  Tensor start = vec({0}), stop = vec({5}), step = vec({1});
  out = infer_op("Slice", "opset8", {},
                 {dyn(ElementType::f32, ps({-1, 10})), known(start), known(stop), known(step), known(axes)});
  EXPECT_EQ(out[0].shape, ps({-1, 5}));
}

}  // namespace
}  // namespace openarc::ops::testing
