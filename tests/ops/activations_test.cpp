// Activations (Swish-4, Gelu-2/7, HSwish-4, HSigmoid-5, SoftPlus-4, Mish-4) against the specs'
// formulas evaluated by hand.
#include "elementwise_test_util.h"

namespace openarc::ops::testing {
namespace {

using E = ElementType;

Case act(std::string name, std::string op, std::string version, std::vector<Tensor> in, Tensor want,
         double tol = 1e-6, Attributes attrs = {}) {
  return {std::move(name), std::move(op), std::move(version), std::move(attrs), std::move(in), std::move(want), tol};
}

std::vector<Case> cases() {
  std::vector<Case> c;
  // Swish: x * sigmoid(beta x); sigmoid(1) = 0.7310586, sigmoid(2) = 0.8807971.
  c.push_back(act("Swish_default_beta", "Swish", "opset4", {make(E::f32, {3}, {0, 1, -1})},
                  make(E::f32, {3}, {0, 0.73105858, -0.26894142})));
  c.push_back(act("Swish_beta_2", "Swish", "opset4", {make(E::f32, {2}, {1, -1}), make(E::f32, {}, {2})},
                  make(E::f32, {2}, {0.88079708, -0.11920292})));
  // Gelu erf: x * Phi(x), Phi(1) = 0.8413447; tanh approximation 0.8411920 at 1.
  c.push_back(act("Gelu2_erf", "Gelu", "opset2", {make(E::f32, {4}, {0, 1, -1, 2})},
                  make(E::f32, {4}, {0, 0.84134475, -0.15865525, 1.9544997})));
  c.push_back(act("Gelu7_default_erf", "Gelu", "opset7", {make(E::f32, {3}, {0, 1, -1})},
                  make(E::f32, {3}, {0, 0.84134475, -0.15865525})));
  c.push_back(act("Gelu7_tanh", "Gelu", "opset7", {make(E::f32, {4}, {0, 1, -1, 2})},
                  make(E::f32, {4}, {0, 0.84119199, -0.15880801, 1.9545977}), 1e-6, {{"approximation_mode", "tanh"}}));
  c.push_back(act("Gelu7_erf_f64", "Gelu", "opset7", {make(E::f64, {1}, {1})}, make(E::f64, {1}, {0.8413447460685429}),
                  1e-12, {{"approximation_mode", "erf"}}));
  // HSwish x * min(max(x + 3, 0), 6) / 6 and HSigmoid min(max(x + 3, 0), 6) / 6.
  c.push_back(act("HSwish", "HSwish", "opset4", {make(E::f32, {5}, {-4, -1, 0, 1, 4})},
                  make(E::f32, {5}, {0, -1.0 / 3, 0, 2.0 / 3, 4})));
  c.push_back(act("HSigmoid", "HSigmoid", "opset5", {make(E::f32, {5}, {-4, -1, 0, 1, 4})},
                  make(E::f32, {5}, {0, 1.0 / 3, 0.5, 2.0 / 3, 1})));
  // SoftPlus: ln(1 + e^x); ln 2 = 0.6931472; from the threshold (20 for f32) on, x itself.
  c.push_back(act("SoftPlus", "SoftPlus", "opset4", {make(E::f32, {4}, {0, 1, 25, -30})},
                  make(E::f32, {4}, {0.69314718, 1.3132617, 25, 9.3576e-14})));
  // Mish: x * tanh(ln(1 + e^x)).
  c.push_back(act("Mish", "Mish", "opset4", {make(E::f32, {3}, {0, 1, -1})}, make(E::f32, {3}, {0, 0.86509839, -0.30340146})));

  // Every floating type: at x = 0 and x = 3. 16-bit types round to 8 (bf16) or 11 (f16) bits.
  struct Sweep {
    const char* op;
    const char* version;
    double at0, at3;
  };
  const Sweep sweep[] = {
      {"Swish", "opset4", 0, 2.8577224},   {"Gelu", "opset2", 0, 2.9959502}, {"Gelu", "opset7", 0, 2.9959502},
      {"HSwish", "opset4", 0, 3},          {"HSigmoid", "opset5", 0.5, 1},   {"SoftPlus", "opset4", 0.69314718, 3.0485874},
      {"Mish", "opset4", 0, 2.9865351},
  };
  for (const Sweep& s : sweep) {
    for (ElementType t : {E::f64, E::f32, E::f16, E::bf16}) {
      double tol = t == E::bf16 ? 8e-3 : t == E::f16 ? 1e-3 : 1e-6;
      c.push_back(act(std::string(s.op) + "_" + s.version + "_type_" + std::string(to_string(t)), s.op, s.version,
                      {make(t, {2}, {0, 3})}, make(t, {2}, {s.at0, s.at3}), tol));
    }
  }
  return c;
}

class Activations : public ::testing::TestWithParam<Case> {};
TEST_P(Activations, MatchesSpec) { expect_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, Activations, ::testing::ValuesIn(cases()), case_name);

TEST(ActivationErrors, FloatingTypesOnly) {
  expect_error([] { run_op("Swish", "opset4", {}, {make(E::i32, {1}, {1})}); }, "i32");
  expect_error([] { run_op("Gelu", "opset7", {}, {make(E::i64, {1}, {1})}); }, "i64");
  expect_error([] { run_op("Mish", "opset4", {}, {make(E::u8, {1}, {1})}); }, "u8");
}

TEST(ActivationErrors, SwishBetaMustBeScalarOfTheSameType) {
  expect_error([] { run_op("Swish", "opset4", {}, {make(E::f32, {2}, {1, 2}), make(E::f32, {2}, {1, 2})}); }, "scalar");
  expect_error([] { run_op("Swish", "opset4", {}, {make(E::f32, {2}, {1, 2}), make(E::f16, {}, {1})}); },
               "same element type");
}

TEST(ActivationErrors, GeluModeMustBeKnown) {
  expect_error([] { OpRegistry::instance().create("Gelu", "opset7", {{"approximation_mode", "fast"}}); },
               "approximation_mode");
}

}  // namespace
}  // namespace openarc::ops::testing
