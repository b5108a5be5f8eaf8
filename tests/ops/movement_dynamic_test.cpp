// Load-time robustness: every shape/data-movement op, given inputs of unknown value and dynamic
// or odd shapes, either infers something or throws openarc::Error; nothing else escapes.
#include "movement_test_util.h"

namespace openarc::ops::testing {
namespace {

struct Case {
  const char* type;
  const char* version;
  Attributes attrs;
  size_t inputs;
};

TEST(MovementOps, UnknownValuesAndDynamicShapesNeverCrashInference) {
  const std::vector<Case> cases = {
      {"Reshape", "opset1", {{"special_zero", "true"}}, 2},
      {"Squeeze", "opset1", {}, 1},
      {"Squeeze", "opset1", {}, 2},
      {"Unsqueeze", "opset1", {}, 2},
      {"ShapeOf", "opset3", {}, 1},
      {"Concat", "opset1", {{"axis", "-1"}}, 3},
      {"Split", "opset1", {{"num_splits", "2"}}, 2},
      {"VariadicSplit", "opset1", {}, 3},
      {"Transpose", "opset1", {}, 2},
      {"Gather", "opset8", {{"batch_dims", "0"}}, 3},
      {"Gather", "opset8", {{"batch_dims", "-1"}}, 3},
      {"Broadcast", "opset3", {{"mode", "bidirectional"}}, 2},
      {"Broadcast", "opset3", {{"mode", "explicit"}}, 3},
      {"Tile", "opset1", {}, 2},
      {"StridedSlice", "opset1", {{"begin_mask", "1"}, {"end_mask", "0"}, {"ellipsis_mask", "0,1"}}, 4},
      {"Slice", "opset8", {}, 5},
      {"ScatterUpdate", "opset3", {}, 4},
      {"ScatterNDUpdate", "opset4", {}, 3},
      {"ScatterElementsUpdate", "opset12", {{"reduction", "mean"}}, 4},
      {"Range", "opset4", {{"output_type", "f32"}}, 3},
      {"Pad", "opset12", {{"pad_mode", "reflect"}}, 3},
      {"NonZero", "opset3", {}, 1},
  };
  const std::vector<PartialShape> data_shapes = {PartialShape::dynamic_rank(), ps({}), ps({-1}), ps({-1, -1, 4}),
                                                 ps({2, 0, 3})};
  const std::vector<PartialShape> aux_shapes = {PartialShape::dynamic_rank(), ps({}), ps({-1}), ps({2}), ps({0}),
                                                ps({2, 2})};
  int inferred = 0;
  for (const Case& c : cases) {
    for (const PartialShape& d : data_shapes) {
      for (const PartialShape& a : aux_shapes) {
        std::vector<InputInfo> in{dyn(ElementType::f32, d)};
        for (size_t k = 1; k < c.inputs; ++k) {
          // Scatter updates and Pad values share the data type; the rest are integer inputs.
          bool same_type = (std::string(c.type).rfind("Scatter", 0) == 0 && k == 2);
          in.push_back(dyn(same_type ? ElementType::f32 : ElementType::i64, a));
        }
        try {
          std::vector<OutputInfo> out = infer_op(c.type, c.version, c.attrs, in);
          EXPECT_FALSE(out.empty()) << c.type;
          ++inferred;
        } catch (const Error&) {
          // A clear refusal is fine.
        }
      }
    }
  }
  EXPECT_GT(inferred, 0);
}

}  // namespace
}  // namespace openarc::ops::testing
