// Binary arithmetic, opset1: Add, Subtract, Multiply, Divide, Power, Maximum, Minimum,
// SquaredDifference, FloorMod, Mod. Inputs of one numeric type, output of that type, shapes by
// auto_broadcast. f16/bf16 compute in f32 and round back.
//
// Where the spec leaves integer results undefined we define them, so that nothing traps:
// - integer overflow wraps (two's complement), e.g. i32 max + 1 = i32 min;
// - integer division or modulo by zero gives 0 (Divide, FloorMod, Mod);
// - integer Power with a negative exponent gives the truncated real result: 1 for base 1,
//   +-1 for base -1, 0 otherwise (also for base 0).
// Floats follow IEEE 754 (x/0 = inf, 0/0 = NaN).
#include <algorithm>
#include <cmath>

#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

template <class T>
constexpr bool is_int = std::is_integral_v<T>;

struct AddFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (is_int<T>) return wrap_add(a, b);
    else return a + b;
  }
};

struct SubtractFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (is_int<T>) return wrap_sub(a, b);
    else return a - b;
  }
};

struct MultiplyFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (is_int<T>) return wrap_mul(a, b);
    else return a * b;
  }
};

// Divide-1. m_pythondiv=true: integer quotients floor toward -inf; false: truncate toward 0.
template <bool Floor>
struct DivideFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (is_int<T>) {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) return wrap_sub(T(0), a);  // min / -1 overflows: wrap
        T q = static_cast<T>(a / b);
        if (Floor && static_cast<T>(a % b) != 0 && ((a < 0) != (b < 0))) --q;
        return q;
      } else {
        return static_cast<T>(a / b);
      }
    } else {
      return a / b;
    }
  }
};

// Mod-1: remainder of truncated division, sign of the dividend (C's %, fmod).
struct ModFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (is_int<T>) {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<T>)
        if (b == -1) return 0;
      return static_cast<T>(a % b);
    } else {
      return std::fmod(a, b);
    }
  }
};

// FloorMod-1: remainder of floored division, sign of the divisor (Python's %).
struct FloorModFn {
  template <class T>
  T operator()(T a, T b) const {
    T r = ModFn{}(a, b);
    if constexpr (std::is_signed_v<T> || !is_int<T>) {
      if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
    }
    return r;
  }
};

struct PowerFn {
  template <class T>
  T operator()(T base, T exp) const {
    if constexpr (is_int<T>) {
      if constexpr (std::is_signed_v<T>) {
        if (exp < 0) {
          if (base == 1) return 1;
          if (base == -1) return (exp & 1) ? T(-1) : T(1);
          return 0;
        }
      }
      T r = 1;
      for (uint64_t e = static_cast<uint64_t>(exp); e; e >>= 1) {  // square and multiply, wrapping
        if (e & 1) r = wrap_mul(r, base);
        base = wrap_mul(base, base);
      }
      return r;
    } else {
      return std::pow(base, exp);
    }
  }
};

struct MaximumFn {
  template <class T>
  T operator()(T a, T b) const { return a < b ? b : a; }
};

struct MinimumFn {
  template <class T>
  T operator()(T a, T b) const { return b < a ? b : a; }
};

struct SquaredDifferenceFn {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (is_int<T>) {
      T d = wrap_sub(a, b);
      return wrap_mul(d, d);
    } else {
      T d = a - b;
      return d * d;
    }
  }
};

template <class Fn>
OpFactory arithmetic() {
  return [](const Attributes& a) {
    return make_binary_op(a, TypeSet::numeric, false, binary_kernel<TypeSet::numeric, Fn>());
  };
}

}  // namespace

void register_binary_arithmetic_ops(OpRegistry& r) {
  r.add("Add", {"opset1"}, arithmetic<AddFn>());
  r.add("Subtract", {"opset1"}, arithmetic<SubtractFn>());
  r.add("Multiply", {"opset1"}, arithmetic<MultiplyFn>());
  r.add("Divide", {"opset1"}, [](const Attributes& a) {
    BinaryKernel k = a.boolean("m_pythondiv", true) ? binary_kernel<TypeSet::numeric, DivideFn<true>>()
                                                    : binary_kernel<TypeSet::numeric, DivideFn<false>>();
    return make_binary_op(a, TypeSet::numeric, false, std::move(k));
  });
  r.add("Power", {"opset1"}, arithmetic<PowerFn>());
  r.add("Maximum", {"opset1"}, arithmetic<MaximumFn>());
  r.add("Minimum", {"opset1"}, arithmetic<MinimumFn>());
  r.add("SquaredDifference", {"opset1"}, arithmetic<SquaredDifferenceFn>());
  r.add("FloorMod", {"opset1"}, arithmetic<FloorModFn>());
  r.add("Mod", {"opset1"}, arithmetic<ModFn>());
}

}  // namespace openarc::ops
