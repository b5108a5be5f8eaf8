// Binary arithmetic ops against values worked out by hand from the opset1 specs.
#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

Attributes py(bool v) { return {{"m_pythondiv", v ? "true" : "false"}}; }

std::vector<Case> binary_cases() {
  std::vector<Case> c;
  // Broadcast [2,1,3] + [4,1] -> [2,4,3]: out[i,j,k] = a[i,0,k] + b[j,0].
  c.push_back({"Add_f32_broadcast_2x1x3_4x1", "Add", "opset1", {},
               {make(E::f32, {2, 1, 3}, {1, 2, 3, 4, 5, 6}), make(E::f32, {4, 1}, {10, 20, 30, 40})},
               make(E::f32, {2, 4, 3}, {11, 12, 13, 21, 22, 23, 31, 32, 33, 41, 42, 43,
                                        14, 15, 16, 24, 25, 26, 34, 35, 36, 44, 45, 46})});
  c.push_back({"Add_i32_scalar_and_tensor", "Add", "opset1", {},
               {make(E::i32, {}, {5}), make(E::i32, {2, 2}, {1, -2, 3, -4})}, make(E::i32, {2, 2}, {6, 3, 8, 1})});
  c.push_back({"Add_i32_overflow_wraps", "Add", "opset1", {},
               {make(E::i32, {1}, {2147483647}), make(E::i32, {1}, {1})}, make(E::i32, {1}, {-2147483648.0})});
  c.push_back({"Add_empty_dim", "Add", "opset1", {}, {make(E::f32, {2, 0}, {}), make(E::f32, {1}, {1})},
               make(E::f32, {2, 0}, {})});
  c.push_back({"Add_none_equal_shapes", "Add", "opset1", {{"auto_broadcast", "none"}},
               {make(E::i64, {2}, {1, 2}), make(E::i64, {2}, {3, 4})}, make(E::i64, {2}, {4, 6})});
  // f16 computes in f32 and rounds back: 2048 + 1.5 = 2049.5 lies between f16 neighbours 2048 and
  // 2050 (spacing 2), nearer 2050.
  c.push_back({"Add_f16_rounds_back", "Add", "opset1", {},
               {make(E::f16, {2}, {0.5, 1.5}), make(E::f16, {2}, {0.25, 2048})}, make(E::f16, {2}, {0.75, 2050})});
  // bf16 has 8 significant bits: 256 + 1 = 257 is a tie between 256 and 258; even mantissa: 256.
  c.push_back({"Add_bf16_rounds_to_even", "Add", "opset1", {},
               {make(E::bf16, {2}, {1, 256}), make(E::bf16, {2}, {0.5, 1})}, make(E::bf16, {2}, {1.5, 256})});
  c.push_back({"Subtract_f32_row_broadcast", "Subtract", "opset1", {},
               {make(E::f32, {2, 3}, {1, 2, 3, 4, 5, 6}), make(E::f32, {3}, {10, 20, 30})},
               make(E::f32, {2, 3}, {-9, -18, -27, -6, -15, -24})});
  c.push_back({"Subtract_u8_wraps", "Subtract", "opset1", {}, {make(E::u8, {1}, {1}), make(E::u8, {1}, {2})},
               make(E::u8, {1}, {255})});
  // [2,1,2] * [1,3,1] -> [2,3,2]: out[i,j,k] = a[i,0,k] * b[0,j,0].
  c.push_back({"Multiply_middle_broadcast", "Multiply", "opset1", {},
               {make(E::f32, {2, 1, 2}, {1, 2, 3, 4}), make(E::f32, {1, 3, 1}, {1, 10, 100})},
               make(E::f32, {2, 3, 2}, {1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400})});
  c.push_back({"Multiply_u16_wraps", "Multiply", "opset1", {}, {make(E::u16, {1}, {65535}), make(E::u16, {1}, {65535})},
               make(E::u16, {1}, {1})});
  // Divide: floor (m_pythondiv=true, the default) vs truncation.
  c.push_back({"Divide_i32_pythondiv_floors", "Divide", "opset1", py(true),
               {make(E::i32, {4}, {7, -7, 7, -7}), make(E::i32, {4}, {2, 2, -2, -2})}, make(E::i32, {4}, {3, -4, -4, 3})});
  c.push_back({"Divide_i32_default_floors", "Divide", "opset1", {},
               {make(E::i32, {2}, {-1, 1}), make(E::i32, {2}, {2, -3})}, make(E::i32, {2}, {-1, -1})});
  c.push_back({"Divide_i64_truncates", "Divide", "opset1", py(false),
               {make(E::i64, {4}, {7, -7, 7, -7}), make(E::i64, {4}, {2, 2, -2, -2})}, make(E::i64, {4}, {3, -3, -3, 3})});
  c.push_back({"Divide_i8_by_zero_is_zero", "Divide", "opset1", py(true),
               {make(E::i8, {2}, {5, -5}), make(E::i8, {2}, {0, 0})}, make(E::i8, {2}, {0, 0})});
  c.push_back({"Divide_i32_min_by_minus_one_wraps", "Divide", "opset1", py(false),
               {make(E::i32, {1}, {-2147483648.0}), make(E::i32, {1}, {-1})}, make(E::i32, {1}, {-2147483648.0})});
  c.push_back({"Divide_u8_truncates", "Divide", "opset1", py(true), {make(E::u8, {1}, {7}), make(E::u8, {1}, {2})},
               make(E::u8, {1}, {3})});
  // Floats: m_pythondiv has no effect; IEEE division by zero.
  c.push_back({"Divide_f32_pythondiv_no_effect", "Divide", "opset1", py(true),
               {make(E::f32, {4}, {-7, 1, -1, 0}), make(E::f32, {4}, {2, 0, 0, 0})},
               make(E::f32, {4}, {-3.5, INFINITY, -INFINITY, NAN})});
  // FloorMod: sign of the divisor (Python); Mod: sign of the dividend (C).
  c.push_back({"FloorMod_i32_signs", "FloorMod", "opset1", {},
               {make(E::i32, {4}, {7, -7, 7, -7}), make(E::i32, {4}, {3, 3, -3, -3})}, make(E::i32, {4}, {1, 2, -2, -1})});
  c.push_back({"Mod_i32_signs", "Mod", "opset1", {},
               {make(E::i32, {4}, {7, -7, 7, -7}), make(E::i32, {4}, {3, 3, -3, -3})}, make(E::i32, {4}, {1, -1, 1, -1})});
  c.push_back({"FloorMod_f32_signs", "FloorMod", "opset1", {},
               {make(E::f32, {3}, {7.5, -7.5, 7.5}), make(E::f32, {3}, {2, 2, -2})}, make(E::f32, {3}, {1.5, 0.5, -0.5})});
  c.push_back({"Mod_f32_signs", "Mod", "opset1", {},
               {make(E::f32, {3}, {7.5, -7.5, 7.5}), make(E::f32, {3}, {2, 2, -2})}, make(E::f32, {3}, {1.5, -1.5, 1.5})});
  c.push_back({"Mod_i16_by_zero_is_zero", "Mod", "opset1", {}, {make(E::i16, {1}, {9}), make(E::i16, {1}, {0})},
               make(E::i16, {1}, {0})});
  c.push_back({"FloorMod_u32_by_zero_is_zero", "FloorMod", "opset1", {}, {make(E::u32, {1}, {9}), make(E::u32, {1}, {0})},
               make(E::u32, {1}, {0})});
  c.push_back({"Power_f32", "Power", "opset1", {}, {make(E::f32, {3}, {2, 4, 9}), make(E::f32, {3}, {3, 0.5, -1})},
               make(E::f32, {3}, {8, 2, 1.0 / 9}), 1e-6});
  c.push_back({"Power_i32_negative_exponent", "Power", "opset1", {},
               {make(E::i32, {5}, {2, 1, -1, -1, 3}), make(E::i32, {5}, {-1, -5, -3, -2, 4})},
               make(E::i32, {5}, {0, 1, -1, 1, 81})});
  c.push_back({"Maximum_f32", "Maximum", "opset1", {}, {make(E::f32, {2}, {-1, 3}), make(E::f32, {2}, {2, -4})},
               make(E::f32, {2}, {2, 3})});
  c.push_back({"Minimum_i64", "Minimum", "opset1", {}, {make(E::i64, {2}, {-1, 3}), make(E::i64, {2}, {2, -4})},
               make(E::i64, {2}, {-1, -4})});
  c.push_back({"SquaredDifference_f32", "SquaredDifference", "opset1", {},
               {make(E::f32, {2}, {1, -2}), make(E::f32, {2}, {4, 2})}, make(E::f32, {2}, {9, 16})});

  // Every op on every numeric type: a = [7, 5, 4], b = [2, 1, 2]; results fit every type exactly.
  struct Expect {
    const char* op;
    std::vector<double> float_result, int_result;
  };
  const Expect table[] = {
      {"Add", {9, 6, 6}, {9, 6, 6}},
      {"Subtract", {5, 4, 2}, {5, 4, 2}},
      {"Multiply", {14, 5, 8}, {14, 5, 8}},
      {"Divide", {3.5, 5, 2}, {3, 5, 2}},
      {"Power", {49, 5, 16}, {49, 5, 16}},
      {"Maximum", {7, 5, 4}, {7, 5, 4}},
      {"Minimum", {2, 1, 2}, {2, 1, 2}},
      {"SquaredDifference", {25, 16, 4}, {25, 16, 4}},
      {"FloorMod", {1, 0, 0}, {1, 0, 0}},
      {"Mod", {1, 0, 0}, {1, 0, 0}},
  };
  for (const Expect& e : table) {
    for (ElementType t : numeric_types()) {
      c.push_back({std::string(e.op) + "_type_" + std::string(to_string(t)), e.op, "opset1", {},
                   {make(t, {3}, {7, 5, 4}), make(t, {3}, {2, 1, 2})},
                   make(t, {3}, is_float(t) ? e.float_result : e.int_result)});
    }
  }
  return c;
}

class BinaryArithmetic : public ::testing::TestWithParam<Case> {};
TEST_P(BinaryArithmetic, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, BinaryArithmetic, ::testing::ValuesIn(binary_cases()), case_name);

TEST(BinaryArithmeticErrors, RejectsBooleanAndSubByteInputs) {
  expect_error([] { run_op("Add", "opset1", {}, {boolean({1}, {1}), boolean({1}, {0})}); }, "boolean");
  expect_error([] { run_op("Multiply", "opset1", {}, {make(E::u4, {2}, {1, 2}), make(E::u4, {2}, {1, 2})}); }, "u4");
}

TEST(BinaryArithmeticErrors, DivideAttributeMustBeBoolean) {
  expect_error([] { OpRegistry::instance().create("Divide", "opset1", {{"m_pythondiv", "maybe"}}); }, "m_pythondiv");
}

}  // namespace
}  // namespace openarc::ops::testing
