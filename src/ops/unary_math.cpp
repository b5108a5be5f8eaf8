// Unary math, opset1: Abs, Negative, Sqrt, Floor, Ceiling, Exp, Log, Sin, Cos, Tan, Tanh,
// Sigmoid, Relu, Erf, Sign, Clamp. Output of the input's type and shape; f16/bf16 compute in f32.
//
// Integer inputs: Abs, Negative, Floor, Ceiling, Relu, Sign and Clamp are exact (Abs and
// Negative of the minimum value wrap). The real-valued functions (Sqrt, Log, Sin, Cos, Tan,
// Tanh, Erf) are computed in f64 and rounded to the nearest integer, halves up, as Sqrt-1 and
// Tanh-1 specify; a result outside the type's range saturates and NaN (Sqrt or Log of a negative
// number) gives 0. Exp and Sigmoid take floating-point types only, as their specs say.
#include <algorithm>
#include <cmath>

#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

struct AbsFn {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>) return x;
    else if constexpr (std::is_integral_v<T>) return x < 0 ? wrap_sub(T(0), x) : x;
    else return std::abs(x);
  }
};
struct NegativeFn {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) return wrap_sub(T(0), x);
    else return -x;
  }
};
struct FloorFn {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) return x;
    else return std::floor(x);
  }
};
struct CeilingFn {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) return x;
    else return std::ceil(x);
  }
};
struct ReluFn {
  template <class T>
  T operator()(T x) const { return x > T(0) ? x : T(0); }
};
// -1, 0 or 1; NaN stays NaN and a zero keeps its sign.
struct SignFn {
  template <class T>
  T operator()(T x) const {
    if (x > T(0)) return T(1);
    if constexpr (std::is_signed_v<T>)
      if (x < T(0)) return T(-1);
    return x;
  }
};

// Real-valued functions: T is float or double.
struct SqrtFn {
  template <class T>
  T operator()(T x) const { return std::sqrt(x); }
};
struct ExpFn {
  template <class T>
  T operator()(T x) const { return std::exp(x); }
};
struct LogFn {
  template <class T>
  T operator()(T x) const { return std::log(x); }
};
struct SinFn {
  template <class T>
  T operator()(T x) const { return std::sin(x); }
};
struct CosFn {
  template <class T>
  T operator()(T x) const { return std::cos(x); }
};
struct TanFn {
  template <class T>
  T operator()(T x) const { return std::tan(x); }
};
struct TanhFn {
  template <class T>
  T operator()(T x) const { return std::tanh(x); }
};
struct ErfFn {
  template <class T>
  T operator()(T x) const { return std::erf(x); }
};
struct SigmoidFn {
  template <class T>
  T operator()(T x) const { return T(1) / (T(1) + std::exp(-x)); }
};

// Clamp-1: min(max(x, min), max). For integer types min is rounded up and max down (the spec's
// note), then both saturate to the type's range.
struct ClampFn {
  double lo, hi;
  template <class T>
  T operator()(T x) const {
    T l, h;
    if constexpr (std::is_integral_v<T>) {
      l = saturate_to_int<T>(std::ceil(lo));
      h = saturate_to_int<T>(std::floor(hi));
    } else {
      l = static_cast<T>(lo);
      h = static_cast<T>(hi);
    }
    return x < l ? l : (h < x ? h : x);
  }
};

template <TypeSet Set, IntegerPath Path, class Fn>
OpFactory unary() {
  return [](const Attributes&) { return make_unary_op(Set, unary_kernel<Set, Path, Fn>()); };
}

constexpr TypeSet kNum = TypeSet::numeric;
constexpr TypeSet kFloat = TypeSet::floating;
constexpr IntegerPath kExact = IntegerPath::exact;
constexpr IntegerPath kReal = IntegerPath::round_real;

}  // namespace

void register_unary_math_ops(OpRegistry& r) {
  r.add("Abs", {"opset1"}, unary<kNum, kExact, AbsFn>());
  r.add("Negative", {"opset1"}, unary<TypeSet::signed_numeric, kExact, NegativeFn>());
  r.add("Floor", {"opset1"}, unary<kNum, kExact, FloorFn>());
  r.add("Ceiling", {"opset1"}, unary<kNum, kExact, CeilingFn>());
  r.add("Relu", {"opset1"}, unary<kNum, kExact, ReluFn>());
  r.add("Sign", {"opset1"}, unary<kNum, kExact, SignFn>());
  r.add("Sqrt", {"opset1"}, unary<kNum, kReal, SqrtFn>());
  r.add("Log", {"opset1"}, unary<kNum, kReal, LogFn>());
  r.add("Sin", {"opset1"}, unary<kNum, kReal, SinFn>());
  r.add("Cos", {"opset1"}, unary<kNum, kReal, CosFn>());
  r.add("Tan", {"opset1"}, unary<kNum, kReal, TanFn>());
  r.add("Tanh", {"opset1"}, unary<kNum, kReal, TanhFn>());
  r.add("Erf", {"opset1"}, unary<kNum, kReal, ErfFn>());
  r.add("Exp", {"opset1"}, unary<kFloat, kReal, ExpFn>());
  r.add("Sigmoid", {"opset1"}, unary<kFloat, kReal, SigmoidFn>());
  r.add("Clamp", {"opset1"}, [](const Attributes& a) {
    double lo = a.f64("min"), hi = a.f64("max");
    check(lo <= hi, "attribute 'min' (", lo, ") must not exceed attribute 'max' (", hi, ")");
    return make_unary_op(kNum, unary_kernel<kNum, kExact>(ClampFn{lo, hi}));
  });
}

}  // namespace openarc::ops
