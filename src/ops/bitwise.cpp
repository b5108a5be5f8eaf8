// Bitwise, opset13: BitwiseAnd, BitwiseOr, BitwiseXor (shapes by auto_broadcast) and BitwiseNot.
// Integer types act on their two's complement bits; on boolean they equal the Logical ops.
#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

// T is bool for boolean tensors: &, |, ^ on bools give bools, and NOT must be logical.
struct BitAndFn {
  template <class T>
  T operator()(T a, T b) const { return static_cast<T>(a & b); }
};
struct BitOrFn {
  template <class T>
  T operator()(T a, T b) const { return static_cast<T>(a | b); }
};
struct BitXorFn {
  template <class T>
  T operator()(T a, T b) const { return static_cast<T>(a ^ b); }
};
struct BitNotFn {
  template <class T>
  T operator()(T a) const {
    if constexpr (std::is_same_v<T, bool>) return !a;
    else return static_cast<T>(~a);
  }
};

template <class Fn>
OpFactory bitwise() {
  return [](const Attributes& a) {
    return make_binary_op(a, TypeSet::integral, false, binary_kernel<TypeSet::integral, Fn>());
  };
}

}  // namespace

void register_bitwise_ops(OpRegistry& r) {
  r.add("BitwiseAnd", {"opset13"}, bitwise<BitAndFn>());
  r.add("BitwiseOr", {"opset13"}, bitwise<BitOrFn>());
  r.add("BitwiseXor", {"opset13"}, bitwise<BitXorFn>());
  r.add("BitwiseNot", {"opset13"}, [](const Attributes&) {
    return make_unary_op(TypeSet::integral, unary_kernel<TypeSet::integral, IntegerPath::exact, BitNotFn>());
  });
}

}  // namespace openarc::ops
