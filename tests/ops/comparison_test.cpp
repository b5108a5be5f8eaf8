// Comparison ops (opset1) against values worked out by hand: boolean output, broadcasting, NaN.
#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

std::vector<Case> comparison_cases() {
  std::vector<Case> c;
  // a = [1, 2, 3] vs b = [2, 2, 2] on every type; boolean a = [0, 1, 1] vs b = [1, 1, 0] gives the
  // same pattern (false < true).
  struct Expect {
    const char* op;
    std::vector<double> result;
  };
  const Expect table[] = {
      {"Equal", {0, 1, 0}},   {"NotEqual", {1, 0, 1}}, {"Greater", {0, 0, 1}},
      {"GreaterEqual", {0, 1, 1}}, {"Less", {1, 0, 0}},     {"LessEqual", {1, 1, 0}},
  };
  std::vector<ElementType> types = numeric_types();
  types.push_back(E::boolean);
  for (const Expect& e : table) {
    for (ElementType t : types) {
      bool b = t == E::boolean;
      c.push_back({std::string(e.op) + "_type_" + std::string(to_string(t)), e.op, "opset1", {},
                   {make(t, {3}, b ? std::vector<double>{0, 1, 1} : std::vector<double>{1, 2, 3}),
                    make(t, {3}, b ? std::vector<double>{1, 1, 0} : std::vector<double>{2, 2, 2})},
                   boolean({3}, e.result)});
    }
  }
  // [2,1] vs [3] -> [2,3]: out[i,j] = a[i] < b[j].
  c.push_back({"Less_broadcast", "Less", "opset1", {}, {make(E::i32, {2, 1}, {-3, 5}), make(E::i32, {3}, {-4, 0, 6})},
               boolean({2, 3}, {0, 1, 1, 0, 0, 1})});
  c.push_back({"Greater_scalar", "Greater", "opset1", {}, {make(E::f32, {3}, {-1, 0.5, 2}), make(E::f32, {}, {0.5})},
               boolean({3}, {0, 0, 1})});
  // IEEE: NaN compares false with everything, itself included; only NotEqual is true.
  c.push_back({"Equal_nan", "Equal", "opset1", {}, {make(E::f32, {2}, {NAN, NAN}), make(E::f32, {2}, {NAN, 1})},
               boolean({2}, {0, 0})});
  c.push_back({"NotEqual_nan", "NotEqual", "opset1", {}, {make(E::f32, {2}, {NAN, NAN}), make(E::f32, {2}, {NAN, 1})},
               boolean({2}, {1, 1})});
  c.push_back({"LessEqual_nan", "LessEqual", "opset1", {}, {make(E::f32, {1}, {NAN}), make(E::f32, {1}, {1})},
               boolean({1}, {0})});
  // u64 compares as unsigned: 2^63 (written as int64 min) > 1.
  c.push_back({"Greater_u64_high_bit", "Greater", "opset1", {},
               {make(E::u64, {1}, {-9223372036854775808.0}), make(E::u64, {1}, {1})}, boolean({1}, {1})});
  c.push_back({"Equal_empty", "Equal", "opset1", {}, {make(E::f32, {0, 3}, {}), make(E::f32, {3}, {1, 2, 3})},
               boolean({0, 3}, {})});
  return c;
}

class Comparison : public ::testing::TestWithParam<Case> {};
TEST_P(Comparison, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, Comparison, ::testing::ValuesIn(comparison_cases()), case_name);

TEST(ComparisonErrors, TypesMustMatch) {
  expect_error([] { run_op("Equal", "opset1", {}, {make(E::f32, {1}, {1}), make(E::i32, {1}, {1})}); },
               "same element type");
}

}  // namespace
}  // namespace openarc::ops::testing
