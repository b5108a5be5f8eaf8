// ScatterUpdate-3, ScatterNDUpdate-3/15 and ScatterElementsUpdate-3/12; expected values worked
// out by hand from the specs' formulas.
#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ScatterUpdate, ReplacesSlicesAlongAxis) {
  Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  std::vector<Tensor> out =
      run_op("ScatterUpdate", "opset3", {}, {data, vec({2, 0}), f32({2, 2}, {10, 11, 12, 13}), scalar64(0)});
  EXPECT_THAT(reals(out[0]), ElementsAre(12, 13, 3, 4, 10, 11));
  // axis 1: updates shape = data[:1] + indices + data[2:] = [2,1]
  out = run_op("ScatterUpdate", "opset3", {}, {Tensor(ElementType::f32, {2, 3}), vec({1}), f32({2, 1}, {7, 8}), scalar64(1)});
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 7, 0, 0, 8, 0));
  // The rotate_half pattern: write one value into an i64 shape vector.
  out = run_op("ScatterUpdate", "opset3", {}, {vec({0, 0, 0, 0}), vec({3}), vec({64}), scalar64(0)});
  EXPECT_THAT(ints(out[0]), ElementsAre(0, 0, 0, 64));
}

TEST(ScatterUpdate, Errors) {
  Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_THAT(error_of([&] {
                run_op("ScatterUpdate", "opset3", {}, {data, vec({3}), f32({1, 2}, {0, 0}), scalar64(0)});
              }),
              HasSubstr("out of range"));
  EXPECT_THAT(error_of([&] {
                run_op("ScatterUpdate", "opset3", {}, {data, vec({1}), f32({1, 3}, {0, 0, 0}), scalar64(0)});
              }),
              HasSubstr("updates has shape"));
}

TEST(ScatterNDUpdate, ElementsAndSlices) {
  std::vector<Tensor> out =
      run_op("ScatterNDUpdate", "opset4", {}, {f32({4}, {1, 2, 3, 4}), i64({2, 1}, {1, 3}), f32({2}, {9, 10})});
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 9, 3, 10));
  // k = 1 < rank 2: the index picks a whole row.
  out = run_op("ScatterNDUpdate", "opset4", {},
               {Tensor(ElementType::f32, {2, 3}), i64({1, 1}, {1}), f32({1, 3}, {1, 2, 3})});
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 0, 0, 1, 2, 3));
  // Full tuples: (0,1) <- 5, (1,2) <- 6
  out = run_op("ScatterNDUpdate", "opset4", {},
               {Tensor(ElementType::f32, {2, 3}), i32({2, 2}, {0, 1, 1, 2}), f32({2}, {5, 6})});
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 5, 0, 0, 0, 6));
}

TEST(ScatterNDUpdate, Version3RejectsNegativeAndOutOfRangeIndices) {
  EXPECT_THAT(error_of([] {
                run_op("ScatterNDUpdate", "opset4", {}, {f32({4}, {1, 2, 3, 4}), i64({1, 1}, {-1}), f32({1}, {9})});
              }),
              HasSubstr("out of range"));
  EXPECT_THAT(error_of([] {
                run_op("ScatterNDUpdate", "opset4", {}, {f32({4}, {1, 2, 3, 4}), i64({1, 1}, {4}), f32({1}, {9})});
              }),
              HasSubstr("out of range"));
  EXPECT_THAT(error_of([] {
                run_op("ScatterNDUpdate", "opset4", {}, {f32({4}, {1, 2, 3, 4}), i64({1, 2}, {0, 0}), f32({1}, {9})});
              }),
              HasSubstr("rank 1"));
}

TEST(ScatterNDUpdate, Version15Reductions) {
  // indices 0, 0, -1 (-> 2) with updates 10, 20, 30 on [1, 2, 3]
  auto run = [](const char* r) {
    return reals(run_op("ScatterNDUpdate", "opset15", {{"reduction", r}},
                        {f32({3}, {1, 2, 3}), i64({3, 1}, {0, 0, -1}), f32({3}, {10, 20, 30})})[0]);
  };
  EXPECT_THAT(run("sum"), ElementsAre(31, 2, 33));
  EXPECT_THAT(run("sub"), ElementsAre(-29, 2, -27));
  EXPECT_THAT(run("prod"), ElementsAre(200, 2, 90));
  EXPECT_THAT(run("min"), ElementsAre(1, 2, 3));
  EXPECT_THAT(run("max"), ElementsAre(20, 2, 30));
  EXPECT_THAT(error_of([] { OpRegistry::instance().create("ScatterNDUpdate", "opset15", {{"reduction", "mean"}}); }),
              HasSubstr("reduction"));
}

TEST(ScatterElementsUpdate, IndicesGiveThePositionAlongTheAxis) {
  // axis 1: out[i][indices[i][j]] = updates[i][j]
  std::vector<Tensor> out = run_op(
      "ScatterElementsUpdate", "opset3", {},
      {Tensor(ElementType::f32, {2, 3}), i64({2, 3}, {1, 0, 2, 0, 2, 1}), f32({2, 3}, {1, 2, 3, 4, 5, 6}), scalar64(1)});
  EXPECT_THAT(reals(out[0]), ElementsAre(2, 1, 3, 4, 6, 5));
  // axis 0 with fewer update rows than data: out[indices[i][j]][j] = updates[i][j]
  out = run_op("ScatterElementsUpdate", "opset12", {},
               {Tensor(ElementType::f32, {3, 2}), i64({1, 2}, {2, 0}), f32({1, 2}, {7, 8}), scalar64(0)});
  EXPECT_THAT(reals(out[0]), ElementsAre(0, 8, 0, 0, 7, 0));
  EXPECT_THAT(error_of([] {
                run_op("ScatterElementsUpdate", "opset3", {},
                       {f32({3}, {1, 2, 3}), vec({-1}), f32({1}, {9}), scalar64(0)});
              }),
              HasSubstr("out of range"));
}

std::vector<double> reduce12(const char* reduction, bool use_init) {
  // indices 0, 0, 2, -1 (-> 3) with updates 10, 20, 30, 40 on [1, 2, 3, 4]
  return reals(run_op("ScatterElementsUpdate", "opset12",
                      {{"reduction", reduction}, {"use_init_val", use_init ? "true" : "false"}},
                      {f32({4}, {1, 2, 3, 4}), vec({0, 0, 2, -1}), f32({4}, {10, 20, 30, 40}), scalar64(0)})[0]);
}

TEST(ScatterElementsUpdate, Version12Reductions) {
  EXPECT_THAT(reduce12("sum", true), ElementsAre(31, 2, 33, 44));
  EXPECT_THAT(reduce12("sum", false), ElementsAre(30, 2, 30, 40));
  EXPECT_THAT(reduce12("prod", true), ElementsAre(200, 2, 90, 160));
  EXPECT_THAT(reduce12("prod", false), ElementsAre(200, 2, 30, 40));
  EXPECT_THAT(reduce12("min", true), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(reduce12("min", false), ElementsAre(10, 2, 30, 40));
  EXPECT_THAT(reduce12("max", true), ElementsAre(20, 2, 30, 40));
  // mean with the data value: (1+10+20)/3, (3+30)/2, (4+40)/2; without: (10+20)/2, 30, 40
  EXPECT_THAT(reduce12("mean", true), ElementsAre(DoubleNear(31.0 / 3, 1e-5), 2, 16.5, 22));
  EXPECT_THAT(reduce12("mean", false), ElementsAre(15, 2, 30, 40));
}

TEST(ScatterElementsUpdate, IntegerReductionsAndTypeChecks) {
  std::vector<Tensor> out = run_op("ScatterElementsUpdate", "opset12", {{"reduction", "sum"}},
                                   {i32({3}, {1, 2, 3}), vec({1, 1}), i32({2}, {5, 6}), scalar64(0)});
  EXPECT_THAT(ints(out[0]), ElementsAre(1, 13, 3));
  Tensor u4 = typed(ElementType::u4, {3}, {1, 2, 3});
  EXPECT_THAT(error_of([&] {
                run_op("ScatterElementsUpdate", "opset12", {{"reduction", "sum"}},
                       {u4, vec({0}), typed(ElementType::u4, {1}, {1}), scalar64(0)});
              }),
              HasSubstr("not defined for u4"));
  // Overwriting works for sub-byte data.
  out = run_op("ScatterElementsUpdate", "opset12", {}, {u4, vec({1}), typed(ElementType::u4, {1}, {9}), scalar64(0)});
  EXPECT_THAT(ints(out[0]), ElementsAre(1, 9, 3));
  EXPECT_THAT(error_of([] {
                run_op("ScatterElementsUpdate", "opset12", {}, {iota({3}), vec({0, 1}), iota({3}), scalar64(0)});
              }),
              HasSubstr("one shape"));
}

}  // namespace
}  // namespace openarc::ops::testing
