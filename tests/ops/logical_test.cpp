// Logical ops (opset1) on boolean tensors, against truth tables.
#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

std::vector<Case> cases() {
  const Tensor a = boolean({4}, {0, 0, 1, 1}), b = boolean({4}, {0, 1, 0, 1});
  return {
      {"LogicalAnd", "LogicalAnd", "opset1", {}, {a, b}, boolean({4}, {0, 0, 0, 1})},
      {"LogicalOr", "LogicalOr", "opset1", {}, {a, b}, boolean({4}, {0, 1, 1, 1})},
      {"LogicalXor", "LogicalXor", "opset1", {}, {a, b}, boolean({4}, {0, 1, 1, 0})},
      {"LogicalNot", "LogicalNot", "opset1", {}, {boolean({2}, {1, 0})}, boolean({2}, {0, 1})},
      // [2,1] with [2] -> [2,2]: out[i,j] = a[i] && b[j].
      {"LogicalAnd_broadcast", "LogicalAnd", "opset1", {}, {boolean({2, 1}, {0, 1}), boolean({2}, {0, 1})},
       boolean({2, 2}, {0, 0, 0, 1})},
      {"LogicalOr_scalar", "LogicalOr", "opset1", {}, {boolean({}, {1}), boolean({3}, {0, 0, 1})},
       boolean({3}, {1, 1, 1})},
      {"LogicalXor_none", "LogicalXor", "opset1", {{"auto_broadcast", "none"}}, {boolean({2}, {1, 1}), boolean({2}, {0, 1})},
       boolean({2}, {1, 0})},
      {"LogicalNot_empty", "LogicalNot", "opset1", {}, {boolean({0}, {})}, boolean({0}, {})},
  };
}

class Logical : public ::testing::TestWithParam<Case> {};
TEST_P(Logical, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, Logical, ::testing::ValuesIn(cases()), case_name);

TEST(LogicalErrors, InputsMustBeBoolean) {
  expect_error([] { run_op("LogicalAnd", "opset1", {}, {make(E::u8, {1}, {1}), make(E::u8, {1}, {1})}); }, "u8");
  expect_error([] { run_op("LogicalNot", "opset1", {}, {make(E::f32, {1}, {1})}); }, "f32");
}

}  // namespace
}  // namespace openarc::ops::testing
