// Bitwise ops (opset13) on every integer type and boolean, against values worked out by hand.
#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

std::vector<Case> bitwise_cases() {
  std::vector<Case> c;
  // The spec's uint8 example: 21 & 3 = 1, 120 & 37 = 32.
  c.push_back({"BitwiseAnd_spec_example", "BitwiseAnd", "opset13", {},
               {make(E::u8, {2}, {21, 120}), make(E::u8, {2}, {3, 37})}, make(E::u8, {2}, {1, 32})});
  // 0b00010101 | 0b00000011 = 0b00010111; 0b01111000 | 0b00100101 = 0b01111101.
  c.push_back({"BitwiseOr_u8", "BitwiseOr", "opset13", {}, {make(E::u8, {2}, {21, 120}), make(E::u8, {2}, {3, 37})},
               make(E::u8, {2}, {23, 125})});
  c.push_back({"BitwiseXor_u8", "BitwiseXor", "opset13", {}, {make(E::u8, {2}, {21, 120}), make(E::u8, {2}, {3, 37})},
               make(E::u8, {2}, {22, 93})});
  c.push_back({"BitwiseNot_u8", "BitwiseNot", "opset13", {}, {make(E::u8, {2}, {21, 0})}, make(E::u8, {2}, {234, 255})});
  c.push_back({"BitwiseNot_i32", "BitwiseNot", "opset13", {}, {make(E::i32, {3}, {0, -1, 5})},
               make(E::i32, {3}, {-1, 0, -6})});
  c.push_back({"BitwiseAnd_i8_negative", "BitwiseAnd", "opset13", {}, {make(E::i8, {2}, {-1, -128}), make(E::i8, {2}, {15, -1})},
               make(E::i8, {2}, {15, -128})});
  // [2,1] & [2] -> [2,2].
  c.push_back({"BitwiseAnd_broadcast", "BitwiseAnd", "opset13", {}, {make(E::i64, {2, 1}, {12, 3}), make(E::i64, {2}, {10, 6})},
               make(E::i64, {2, 2}, {8, 4, 2, 2})});
  // Boolean: the Logical ops' truth tables.
  const Tensor a = boolean({4}, {0, 0, 1, 1}), b = boolean({4}, {0, 1, 0, 1});
  c.push_back({"BitwiseAnd_boolean", "BitwiseAnd", "opset13", {}, {a, b}, boolean({4}, {0, 0, 0, 1})});
  c.push_back({"BitwiseOr_boolean", "BitwiseOr", "opset13", {}, {a, b}, boolean({4}, {0, 1, 1, 1})});
  c.push_back({"BitwiseXor_boolean", "BitwiseXor", "opset13", {}, {a, b}, boolean({4}, {0, 1, 1, 0})});
  c.push_back({"BitwiseNot_boolean", "BitwiseNot", "opset13", {}, {boolean({2}, {1, 0})}, boolean({2}, {0, 1})});
  // Every integer type: 12 & 10 = 8, 10 & 6 = 2; | = 14, 14; ^ = 6, 12; ~12 = -13, ~10 = -11 (two's
  // complement; for unsigned types the same bits, written as the wrapped negative value).
  for (ElementType t : numeric_types()) {
    if (is_float(t)) continue;
    std::string ts(to_string(t));
    Tensor x = make(t, {2}, {12, 10}), y = make(t, {2}, {10, 6});
    c.push_back({"BitwiseAnd_type_" + ts, "BitwiseAnd", "opset13", {}, {x, y}, make(t, {2}, {8, 2})});
    c.push_back({"BitwiseOr_type_" + ts, "BitwiseOr", "opset13", {}, {x, y}, make(t, {2}, {14, 14})});
    c.push_back({"BitwiseXor_type_" + ts, "BitwiseXor", "opset13", {}, {x, y}, make(t, {2}, {6, 12})});
    c.push_back({"BitwiseNot_type_" + ts, "BitwiseNot", "opset13", {}, {x}, make(t, {2}, {-13, -11})});
  }
  return c;
}

class Bitwise : public ::testing::TestWithParam<Case> {};
TEST_P(Bitwise, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, Bitwise, ::testing::ValuesIn(bitwise_cases()), case_name);

TEST(BitwiseErrors, RejectsFloats) {
  expect_error([] { run_op("BitwiseAnd", "opset13", {}, {make(E::f32, {1}, {1}), make(E::f32, {1}, {1})}); }, "f32");
  expect_error([] { run_op("BitwiseNot", "opset13", {}, {make(E::f16, {1}, {1})}); }, "f16");
}

}  // namespace
}  // namespace openarc::ops::testing
