// Activations on floating-point tensors (f64 f32 f16 bf16; f16/bf16 compute in f32):
// Swish-4 (optional scalar beta input), Gelu-2 and Gelu-7 (approximation_mode erf | tanh),
// HSwish-4, HSigmoid-5, SoftPlus-4, Mish-4.
#include <algorithm>
#include <cmath>

#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

constexpr TypeSet kFloat = TypeSet::floating;
constexpr IntegerPath kExact = IntegerPath::exact;

// Swish-4: x * sigmoid(beta * x).
struct SwishFn {
  double beta;
  template <class T>
  T operator()(T x) const { return x / (T(1) + std::exp(-static_cast<T>(beta) * x)); }
};

// Gelu: x * Phi(x), Phi by erf, or the tanh approximation
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
struct GeluErfFn {
  template <class T>
  T operator()(T x) const { return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440))); }
};
struct GeluTanhFn {
  template <class T>
  T operator()(T x) const {
    return T(0.5) * x * (T(1) + std::tanh(T(0.79788456080286535588) * (x + T(0.044715) * x * x * x)));
  }
};

// HSigmoid-5: min(max(x + 3, 0), 6) / 6; HSwish-4: x times that.
struct HSigmoidFn {
  template <class T>
  T operator()(T x) const { return std::min(std::max(x + T(3), T(0)), T(6)) / T(6); }
};
struct HSwishFn {
  template <class T>
  T operator()(T x) const { return x * HSigmoidFn{}(x); }
};

// SoftPlus-4: log(exp(x) + 1), and x itself from `threshold` on, where the two agree to 1e-6
// in the type (the spec names 20 for f32 and 11 for f16).
struct SoftPlusFn {
  double threshold;
  template <class T>
  T operator()(T x) const { return x >= static_cast<T>(threshold) ? x : std::log1p(std::exp(x)); }
};
double softplus_threshold(ElementType t) { return t == ElementType::f16 ? 11.0 : 20.0; }

// Mish-4: x * tanh(SoftPlus(x)).
struct MishFn {
  template <class T>
  T operator()(T x) const { return x * std::tanh(SoftPlusFn{20.0}(x)); }
};

class Swish : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 2);
    ElementType t = check_same_type(in, 0, in.size(), kFloat);
    if (in.size() == 2) {
      const PartialShape& b = in[1].shape;
      bool one = b.rank_is_dynamic() ||
                 std::all_of(b.dims().begin(), b.dims().end(), [](int64_t d) { return d == 1 || d == kDynamic; });
      check(one, "input 1 (beta) must be a scalar, got shape ", b.to_string());
    }
    return {{t, in[0].shape}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    double beta = 1.0;
    if (in.size() == 2) {
      check(in[1].size() == 1, "input 1 (beta) must hold one value, got ", in[1].size());
      beta = in[1].get_f64(0);
    }
    unary_apply<kFloat, kExact>(in[0], out[0], SwishFn{beta});
  }
};

template <class Fn>
OpFactory activation() {
  return [](const Attributes&) { return make_unary_op(kFloat, unary_kernel<kFloat, kExact, Fn>()); };
}

}  // namespace

void register_activation_ops(OpRegistry& r) {
  r.add("Swish", {"opset4"}, [](const Attributes&) { return std::make_unique<Swish>(); });
  r.add("Gelu", {"opset2"}, activation<GeluErfFn>());
  r.add("Gelu", {"opset7"}, [](const Attributes& a) {
    bool tanh = a.choice("approximation_mode", {"erf", "tanh"}, "erf") == "tanh";
    return make_unary_op(kFloat, tanh ? unary_kernel<kFloat, kExact, GeluTanhFn>()
                                      : unary_kernel<kFloat, kExact, GeluErfFn>());
  });
  r.add("HSwish", {"opset4"}, activation<HSwishFn>());
  r.add("HSigmoid", {"opset5"}, activation<HSigmoidFn>());
  r.add("SoftPlus", {"opset4"}, [](const Attributes&) {
    return make_unary_op(kFloat, [](const Tensor& in, Tensor& out) {
      unary_apply<kFloat, kExact>(in, out, SoftPlusFn{softplus_threshold(in.type())});
    });
  });
  r.add("Mish", {"opset4"}, activation<MishFn>());
}

}  // namespace openarc::ops
