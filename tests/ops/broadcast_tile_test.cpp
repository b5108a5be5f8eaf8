// Broadcast-1/3 (numpy, explicit, bidirectional) and Tile-1; expected values worked out from the specs.
#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<Tensor> broadcast(const char* version, const char* mode, const std::vector<Tensor>& in) {
  return run_op("Broadcast", version, {{"mode", mode}}, in);
}

TEST(Broadcast, NumpyStretchesToTheTarget) {
  std::vector<Tensor> out = broadcast("opset3", "numpy", {f32({3}, {1, 2, 3}), vec({2, 3})});
  EXPECT_EQ(out[0].shape(), Shape({2, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2, 3, 1, 2, 3));
  out = broadcast("opset1", "numpy", {f32({2, 1}, {7, 8}), vec({2, 3})});
  EXPECT_THAT(reals(out[0]), ElementsAre(7, 7, 7, 8, 8, 8));
  // The KV-cache initializer: a scalar 0 to [B, Hkv, 0, D] is empty.
  out = broadcast("opset3", "numpy", {f32({}, {0}), vec({1, 2, 0, 4})});
  EXPECT_EQ(out[0].shape(), Shape({1, 2, 0, 4}));
  EXPECT_THAT(error_of([] { broadcast("opset3", "numpy", {f32({3}, {1, 2, 3}), vec({2, 4})}); }),
              HasSubstr("does not broadcast"));
  // numpy mode never shrinks: a target dim 1 against data dim 3 is an error.
  EXPECT_THAT(error_of([] { broadcast("opset3", "numpy", {f32({3}, {1, 2, 3}), vec({1})}); }),
              HasSubstr("does not broadcast"));
}

TEST(Broadcast, BidirectionalTakesTheLargerOfEachDim) {
  std::vector<Tensor> out = broadcast("opset3", "bidirectional", {f32({2, 1}, {7, 8}), vec({1, 3})});
  EXPECT_EQ(out[0].shape(), Shape({2, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(7, 7, 7, 8, 8, 8));
  out = broadcast("opset3", "bidirectional", {f32({3}, {1, 2, 3}), vec({2, 1})});
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2, 3, 1, 2, 3));
  // The target may have fewer dims than the data.
  out = broadcast("opset3", "bidirectional", {f32({1, 2, 1}, {4, 5}), vec({3})});
  EXPECT_EQ(out[0].shape(), Shape({1, 2, 3}));
  EXPECT_THAT(reals(out[0]), ElementsAre(4, 4, 4, 5, 5, 5));
  EXPECT_THAT(error_of([] { OpRegistry::instance().create("Broadcast", "opset1", {{"mode", "bidirectional"}}); }),
              HasSubstr("mode"));
}

TEST(Broadcast, ExplicitMapsDataDimsToOutputAxes) {
  // out[i][j][k] = data[j]
  std::vector<Tensor> out = broadcast("opset3", "explicit", {f32({3}, {1, 2, 3}), vec({2, 3, 2}), vec({1})});
  EXPECT_EQ(out[0].shape(), Shape({2, 3, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3));
  // out[i][j] = data[i][0] with data [2,1] mapped to axes 0,1.
  out = broadcast("opset1", "explicit", {f32({2, 1}, {7, 8}), vec({2, 3}), vec({0, 1})});
  EXPECT_THAT(reals(out[0]), ElementsAre(7, 7, 7, 8, 8, 8));
  EXPECT_THAT(error_of([] { broadcast("opset3", "explicit", {iota({2, 3}), vec({3, 2, 4}), vec({1, 0})}); }),
              HasSubstr("not increasing"));
  EXPECT_THAT(error_of([] { broadcast("opset3", "explicit", {iota({3}), vec({2, 4}), vec({1})}); }),
              HasSubstr("does not match"));
  EXPECT_THAT(error_of([] { broadcast("opset3", "explicit", {iota({3}), vec({2, 3}), vec({0, 1})}); }),
              HasSubstr("entries"));
}

TEST(Broadcast, InfersWithUnknownTargets) {
  auto out = infer_op("Broadcast", "opset3", {{"mode", "numpy"}},
                      {dyn(ElementType::f32, ps({})), dyn(ElementType::i64, ps({4}))});
  EXPECT_EQ(out[0].shape, PartialShape::dynamic(4));
  out = infer_op("Broadcast", "opset3", {{"mode", "bidirectional"}},
                 {dyn(ElementType::f32, ps({-1, 8, 1, -1, 128})), dyn(ElementType::i64, ps({5}))});
  EXPECT_EQ(out[0].shape, PartialShape::dynamic(5));
  Tensor target = vec({1, 1, 4, 1, 1});
  out = infer_op("Broadcast", "opset3", {{"mode", "bidirectional"}},
                 {dyn(ElementType::f32, ps({-1, 8, 1, -1, 128})), known(target)});
  EXPECT_EQ(out[0].shape, ps({-1, 8, 4, -1, 128}));
}

TEST(Tile, RepeatsEachDim) {
  EXPECT_THAT(reals(run_op("Tile", "opset1", {}, {f32({2}, {1, 2}), vec({3})})[0]), ElementsAre(1, 2, 1, 2, 1, 2));
  std::vector<Tensor> out = run_op("Tile", "opset1", {}, {f32({2, 1}, {1, 2}), vec({1, 2})});
  EXPECT_EQ(out[0].shape(), Shape({2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 1, 2, 2));
  // [2,2] tiled [2,1]: rows repeat as blocks.
  out = run_op("Tile", "opset1", {}, {f32({2, 2}, {1, 2, 3, 4}), vec({2, 1})});
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2, 3, 4, 1, 2, 3, 4));
}

TEST(Tile, PadsTheShorterWithLeadingOnes) {
  std::vector<Tensor> out = run_op("Tile", "opset1", {}, {f32({2}, {1, 2}), vec({2, 1})});  // data as [1,2]
  EXPECT_EQ(out[0].shape(), Shape({2, 2}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2, 1, 2));
  out = run_op("Tile", "opset1", {}, {f32({1, 2}, {1, 2}), vec({2})});  // repeats as [1,2]
  EXPECT_EQ(out[0].shape(), Shape({1, 4}));
  EXPECT_THAT(reals(out[0]), ElementsAre(1, 2, 1, 2));
  EXPECT_EQ(run_op("Tile", "opset1", {}, {f32({2}, {1, 2}), vec({0})})[0].shape(), Shape({0}));
}

TEST(Tile, ErrorsAndInference) {
  EXPECT_THAT(error_of([] { run_op("Tile", "opset1", {}, {iota({2}), vec({-1})}); }), HasSubstr("negative"));
  auto out = infer_op("Tile", "opset1", {}, {dyn(ElementType::f32, ps({-1, 3})), dyn(ElementType::i64, ps({3}))});
  EXPECT_EQ(out[0].shape, PartialShape::dynamic(3));
  Tensor reps = vec({128, 1});
  out = infer_op("Tile", "opset1", {}, {dyn(ElementType::f32, ps({-1, 64})), known(reps)});
  EXPECT_EQ(out[0].shape, ps({-1, 64}));
}

}  // namespace
}  // namespace openarc::ops::testing
