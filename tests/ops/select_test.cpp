// Select-1 against values worked out by hand, including the spec's example and broadcasting.
#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

std::vector<Case> cases() {
  std::vector<Case> c;
  // The spec's example.
  c.push_back({"spec_example", "Select", "opset1", {},
               {boolean({3, 2}, {0, 0, 1, 0, 1, 1}), make(E::i32, {3, 2}, {-1, 0, 1, 2, 3, 4}),
                make(E::i32, {3, 2}, {11, 10, 9, 8, 7, 6})},
               make(E::i32, {3, 2}, {11, 10, 1, 8, 3, 4})});
  // cond [2,1], then [3], else scalar -> [2,3].
  c.push_back({"broadcast_cond_column", "Select", "opset1", {},
               {boolean({2, 1}, {1, 0}), make(E::f32, {3}, {1, 2, 3}), make(E::f32, {}, {0})},
               make(E::f32, {2, 3}, {1, 2, 3, 0, 0, 0})});
  // cond [3] broadcasts against then [2,1] and else [1] -> [2,3].
  c.push_back({"broadcast_all_three", "Select", "opset1", {},
               {boolean({3}, {1, 0, 1}), make(E::i64, {2, 1}, {10, 20}), make(E::i64, {1}, {-1})},
               make(E::i64, {2, 3}, {10, -1, 10, 20, -1, 20})});
  // A mask [1,1,2,3] selecting between a [1,1,1,1] constant and scores [1,2,2,3].
  c.push_back({"attention_mask_shape", "Select", "opset1", {},
               {boolean({1, 1, 2, 3}, {1, 0, 0, 1, 1, 0}), make(E::f32, {1, 1, 1, 1}, {-100}),
                make(E::f32, {1, 2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})},
               make(E::f32, {1, 2, 2, 3}, {-100, 2, 3, -100, -100, 6, -100, 8, 9, -100, -100, 12})});
  c.push_back({"none_equal_shapes", "Select", "opset1", {{"auto_broadcast", "none"}},
               {boolean({2}, {0, 1}), make(E::u8, {2}, {1, 2}), make(E::u8, {2}, {3, 4})}, make(E::u8, {2}, {3, 2})});
  c.push_back({"empty", "Select", "opset1", {},
               {boolean({0, 2}, {}), make(E::f32, {2}, {1, 2}), make(E::f32, {2}, {3, 4})}, make(E::f32, {0, 2}, {})});
  std::vector<ElementType> types = numeric_types();
  types.push_back(E::boolean);
  for (ElementType t : types) {
    c.push_back({"type_" + std::string(to_string(t)), "Select", "opset1", {},
                 {boolean({2}, {1, 0}), make(t, {2}, {1, 0}), make(t, {2}, {0, 1})}, make(t, {2}, {1, 1})});
  }
  return c;
}

class Select : public ::testing::TestWithParam<Case> {};
TEST_P(Select, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, Select, ::testing::ValuesIn(cases()), case_name);

TEST(SelectErrors, CondMustBeBooleanAndBranchesOneType) {
  expect_error([] { run_op("Select", "opset1", {}, {make(E::u8, {1}, {1}), make(E::f32, {1}, {1}), make(E::f32, {1}, {2})}); },
               "boolean");
  expect_error([] { run_op("Select", "opset1", {}, {boolean({1}, {1}), make(E::f32, {1}, {1}), make(E::f16, {1}, {2})}); },
               "same element type");
  expect_error([] { run_op("Select", "opset1", {}, {boolean({2}, {1, 0}), make(E::f32, {3}, {1, 2, 3}), make(E::f32, {1}, {2})}); },
               "do not broadcast");
  expect_error([] {
    run_op("Select", "opset1", {{"auto_broadcast", "none"}}, {boolean({1}, {1}), make(E::f32, {2}, {1, 2}), make(E::f32, {2}, {2, 3})});
  }, "equal shapes");
}

TEST(SelectInfer, DynamicDims) {
  std::vector<OutputInfo> o = infer_op("Select", "opset1", {},
                                       {{E::boolean, parse_partial_shape("?,1"), nullptr},
                                        {E::f32, parse_partial_shape("1,4"), nullptr},
                                        {E::f32, parse_partial_shape("3,1"), nullptr}});
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].type, E::f32);
  EXPECT_EQ(o[0].shape.to_string(), "[3,4]");
  o = infer_op("Select", "opset1", {},
               {{E::boolean, PartialShape::dynamic_rank(), nullptr}, {E::i64, parse_partial_shape("2"), nullptr},
                {E::i64, parse_partial_shape("2"), nullptr}});
  EXPECT_TRUE(o[0].shape.rank_is_dynamic());
}

}  // namespace
}  // namespace openarc::ops::testing
