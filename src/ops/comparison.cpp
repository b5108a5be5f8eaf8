// Comparison, opset1: Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual. Inputs of one
// type (any numeric type or boolean, false < true), output boolean, shapes by auto_broadcast.
// Floats compare as IEEE 754 does: every comparison with NaN is false except NotEqual.
#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

struct EqualFn {
  template <class T>
  bool operator()(T a, T b) const { return a == b; }
};
struct NotEqualFn {
  template <class T>
  bool operator()(T a, T b) const { return a != b; }
};
struct GreaterFn {
  template <class T>
  bool operator()(T a, T b) const { return a > b; }
};
struct GreaterEqualFn {
  template <class T>
  bool operator()(T a, T b) const { return a >= b; }
};
struct LessFn {
  template <class T>
  bool operator()(T a, T b) const { return a < b; }
};
struct LessEqualFn {
  template <class T>
  bool operator()(T a, T b) const { return a <= b; }
};

template <class Fn>
OpFactory comparison() {
  return [](const Attributes& a) { return make_binary_op(a, TypeSet::any, true, binary_kernel<TypeSet::any, Fn>()); };
}

}  // namespace

void register_comparison_ops(OpRegistry& r) {
  r.add("Equal", {"opset1"}, comparison<EqualFn>());
  r.add("NotEqual", {"opset1"}, comparison<NotEqualFn>());
  r.add("Greater", {"opset1"}, comparison<GreaterFn>());
  r.add("GreaterEqual", {"opset1"}, comparison<GreaterEqualFn>());
  r.add("Less", {"opset1"}, comparison<LessFn>());
  r.add("LessEqual", {"opset1"}, comparison<LessEqualFn>());
}

}  // namespace openarc::ops
