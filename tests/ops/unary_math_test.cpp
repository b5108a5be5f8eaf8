// Unary math ops (opset1) against values worked out by hand from the specs.
#include "ops/elementwise.h"

#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

Case unary(std::string name, std::string op, Tensor in, Tensor want, double tol = 0, Attributes attrs = {}) {
  return {std::move(name), std::move(op), "opset1", std::move(attrs), {std::move(in)}, std::move(want), tol};
}
Attributes clamp(const char* lo, const char* hi) { return {{"min", lo}, {"max", hi}}; }

std::vector<Case> cases() {
  std::vector<Case> c;
  c.push_back(unary("Abs_f32", "Abs", make(E::f32, {3}, {-2.5, 0, 3}), make(E::f32, {3}, {2.5, 0, 3})));
  c.push_back(unary("Abs_i32_min_wraps", "Abs", make(E::i32, {3}, {-5, 7, -2147483648.0}),
                    make(E::i32, {3}, {5, 7, -2147483648.0})));
  c.push_back(unary("Abs_u8", "Abs", make(E::u8, {1}, {200}), make(E::u8, {1}, {200})));
  c.push_back(unary("Negative_f32", "Negative", make(E::f32, {2}, {1.5, -2}), make(E::f32, {2}, {-1.5, 2})));
  c.push_back(unary("Negative_i64", "Negative", make(E::i64, {2}, {5, -3}), make(E::i64, {2}, {-5, 3})));
  // The spec's examples: f32 [4, 7, 9, 10] and int [4, 7, 9, 10] -> [2, 3, 3, 3] (half up).
  c.push_back(unary("Sqrt_f32_spec_example", "Sqrt", make(E::f32, {4}, {4, 7, 9, 10}),
                    make(E::f32, {4}, {2.0, 2.6457512, 3.0, 3.1622777}), 1e-6));
  c.push_back(unary("Sqrt_i32_spec_example", "Sqrt", make(E::i32, {4}, {4, 7, 9, 10}), make(E::i32, {4}, {2, 3, 3, 3})));
  c.push_back(unary("Sqrt_i32_negative_is_zero", "Sqrt", make(E::i32, {1}, {-4}), make(E::i32, {1}, {0})));
  c.push_back(unary("Floor_f32", "Floor", make(E::f32, {4}, {-1.5, 1.5, 2, -0.25}), make(E::f32, {4}, {-2, 1, 2, -1})));
  c.push_back(unary("Ceiling_f32", "Ceiling", make(E::f32, {4}, {-1.5, 1.5, 2, 0.25}), make(E::f32, {4}, {-1, 2, 2, 1})));
  c.push_back(unary("Floor_i32_identity", "Floor", make(E::i32, {2}, {-3, 4}), make(E::i32, {2}, {-3, 4})));
  c.push_back(unary("Exp_f32", "Exp", make(E::f32, {3}, {0, 1, -1}), make(E::f32, {3}, {1, 2.7182817, 0.36787945}), 1e-6));
  c.push_back(unary("Log_f32", "Log", make(E::f32, {3}, {1, 2.7182817, 0}), make(E::f32, {3}, {0, 1, -INFINITY}), 1e-6));
  // ln 3 = 1.0986 -> 1; ln 20 = 2.9957 -> 3; ln 0 = -inf saturates.
  c.push_back(unary("Log_i32_rounds", "Log", make(E::i32, {3}, {3, 20, 0}), make(E::i32, {3}, {1, 3, -2147483648.0})));
  c.push_back(unary("Sin_f32", "Sin", make(E::f32, {2}, {0, 1.5707964}), make(E::f32, {2}, {0, 1}), 1e-6));
  c.push_back(unary("Cos_f32", "Cos", make(E::f32, {2}, {0, 3.1415927}), make(E::f32, {2}, {1, -1}), 1e-6));
  c.push_back(unary("Tan_f32", "Tan", make(E::f32, {2}, {0, 0.78539819}), make(E::f32, {2}, {0, 1}), 1e-6));
  // sin 2 = 0.909 -> 1; cos 2 = -0.416 -> 0; sin 4 = -0.757 -> -1.
  c.push_back(unary("Sin_i32_rounds", "Sin", make(E::i32, {2}, {2, 4}), make(E::i32, {2}, {1, -1})));
  c.push_back(unary("Cos_i32_rounds", "Cos", make(E::i32, {1}, {2}), make(E::i32, {1}, {0})));
  c.push_back(unary("Tanh_f32", "Tanh", make(E::f32, {3}, {0, 0.5, -20}), make(E::f32, {3}, {0, 0.46211716, -1}), 1e-6));
  c.push_back(unary("Tanh_i32_rounds", "Tanh", make(E::i32, {3}, {0, 1, -1}), make(E::i32, {3}, {0, 1, -1})));
  c.push_back(unary("Sigmoid_f32", "Sigmoid", make(E::f32, {3}, {0, 2, -100}), make(E::f32, {3}, {0.5, 0.88079708, 0}), 1e-6));
  c.push_back(unary("Relu_f32", "Relu", make(E::f32, {3}, {-1, 0, 2}), make(E::f32, {3}, {0, 0, 2})));
  c.push_back(unary("Relu_i32", "Relu", make(E::i32, {2}, {-5, 5}), make(E::i32, {2}, {0, 5})));
  c.push_back(unary("Erf_f32", "Erf", make(E::f32, {3}, {0, 1, -0.5}), make(E::f32, {3}, {0, 0.84270079, -0.52049988}), 1e-6));
  c.push_back(unary("Sign_f32", "Sign", make(E::f32, {4}, {-2, 0, 3, NAN}), make(E::f32, {4}, {-1, 0, 1, NAN})));
  c.push_back(unary("Sign_i32", "Sign", make(E::i32, {3}, {-7, 0, 9}), make(E::i32, {3}, {-1, 0, 1})));
  c.push_back(unary("Sign_u8", "Sign", make(E::u8, {2}, {0, 5}), make(E::u8, {2}, {0, 1})));
  c.push_back(unary("Clamp_f32", "Clamp", make(E::f32, {3}, {-3, 0, 3}), make(E::f32, {3}, {-1, 0, 2.5}), 0,
                    clamp("-1", "2.5")));
  // Integers: ceil(min) = ceil(-1.5) = -1, floor(max) = floor(2.5) = 2.
  c.push_back(unary("Clamp_i32_rounds_bounds", "Clamp", make(E::i32, {4}, {-3, -1, 0, 3}), make(E::i32, {4}, {-1, -1, 0, 2}),
                    0, clamp("-1.5", "2.5")));
  // Bounds beyond the type saturate: u8 min -5 -> 0, max 300 -> 255.
  c.push_back(unary("Clamp_u8_bounds_saturate", "Clamp", make(E::u8, {3}, {0, 255, 10}), make(E::u8, {3}, {0, 255, 10}), 0,
                    clamp("-5", "300")));
  c.push_back(unary("Clamp_f16", "Clamp", make(E::f16, {2}, {-3, 3}), make(E::f16, {2}, {-0.5, 0.75}), 0,
                    clamp("-0.5", "0.75")));
  c.push_back(unary("Abs_empty", "Abs", make(E::f32, {0}, {}), make(E::f32, {0}, {})));

  // Every type each op takes, on inputs whose results are exact in every type.
  struct Sweep {
    const char* op;
    TypeSet types;
    std::vector<double> in, out;
    Attributes attrs;
  };
  const Sweep sweep[] = {
      {"Abs", TypeSet::numeric, {4, 0}, {4, 0}, {}},
      {"Floor", TypeSet::numeric, {4, 1}, {4, 1}, {}},
      {"Ceiling", TypeSet::numeric, {4, 1}, {4, 1}, {}},
      {"Relu", TypeSet::numeric, {4, 0}, {4, 0}, {}},
      {"Sign", TypeSet::numeric, {4, 0}, {1, 0}, {}},
      {"Sqrt", TypeSet::numeric, {4, 9}, {2, 3}, {}},
      {"Log", TypeSet::numeric, {1}, {0}, {}},
      {"Sin", TypeSet::numeric, {0}, {0}, {}},
      {"Cos", TypeSet::numeric, {0}, {1}, {}},
      {"Tan", TypeSet::numeric, {0}, {0}, {}},
      {"Tanh", TypeSet::numeric, {0}, {0}, {}},
      {"Erf", TypeSet::numeric, {0}, {0}, {}},
      {"Clamp", TypeSet::numeric, {0, 2, 9}, {1, 2, 3}, clamp("1", "3")},
      {"Negative", TypeSet::signed_numeric, {4, -2}, {-4, 2}, {}},
      {"Exp", TypeSet::floating, {0}, {1}, {}},
      {"Sigmoid", TypeSet::floating, {0}, {0.5}, {}},
  };
  for (const Sweep& s : sweep) {
    for (ElementType t : numeric_types()) {
      if (!type_in(t, s.types)) continue;
      Shape shape{static_cast<int64_t>(s.in.size())};
      c.push_back(unary(std::string(s.op) + "_type_" + std::string(to_string(t)), s.op, make(t, shape, s.in),
                        make(t, shape, s.out), 0, s.attrs));
    }
  }
  return c;
}

class UnaryMath : public ::testing::TestWithParam<Case> {};
TEST_P(UnaryMath, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, UnaryMath, ::testing::ValuesIn(cases()), case_name);

TEST(UnaryMathErrors, TypesOutsideTheSpecAreRejected) {
  expect_error([] { run_op("Exp", "opset1", {}, {make(E::i32, {1}, {1})}); }, "i32");
  expect_error([] { run_op("Sigmoid", "opset1", {}, {make(E::u8, {1}, {1})}); }, "u8");
  expect_error([] { run_op("Negative", "opset1", {}, {make(E::u32, {1}, {1})}); }, "u32");
  expect_error([] { run_op("Abs", "opset1", {}, {boolean({1}, {1})}); }, "boolean");
  expect_error([] { run_op("Sqrt", "opset1", {}, {make(E::f32, {1}, {1}), make(E::f32, {1}, {1})}); }, "expects 1 input");
}

TEST(UnaryMathErrors, ClampAttributes) {
  expect_error([] { OpRegistry::instance().create("Clamp", "opset1", {{"min", "2"}, {"max", "1"}}); }, "'min'");
  expect_error([] { OpRegistry::instance().create("Clamp", "opset1", {{"min", "0"}}); }, "max");
}

TEST(UnaryMathInfer, KeepsDynamicShapeAndType) {
  std::vector<OutputInfo> o = infer_op("Sqrt", "opset1", {}, {{E::f16, parse_partial_shape("?,4"), nullptr}});
  EXPECT_EQ(o[0].type, E::f16);
  EXPECT_EQ(o[0].shape.to_string(), "[?,4]");
  o = infer_op("Relu", "opset1", {}, {{E::f32, PartialShape::dynamic_rank(), nullptr}});
  EXPECT_TRUE(o[0].shape.rank_is_dynamic());
}

}  // namespace
}  // namespace openarc::ops::testing
