// Logical, opset1: LogicalAnd, LogicalOr, LogicalXor (boolean inputs, shapes by auto_broadcast)
// and LogicalNot (one boolean input).
#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

struct AndFn {
  bool operator()(bool a, bool b) const { return a && b; }
};
struct OrFn {
  bool operator()(bool a, bool b) const { return a || b; }
};
struct XorFn {
  bool operator()(bool a, bool b) const { return a != b; }
};
struct NotFn {
  bool operator()(bool a) const { return !a; }
};

template <class Fn>
OpFactory logical() {
  return [](const Attributes& a) {
    return make_binary_op(a, TypeSet::boolean, true, binary_kernel<TypeSet::boolean, Fn>());
  };
}

}  // namespace

void register_logical_ops(OpRegistry& r) {
  r.add("LogicalAnd", {"opset1"}, logical<AndFn>());
  r.add("LogicalOr", {"opset1"}, logical<OrFn>());
  r.add("LogicalXor", {"opset1"}, logical<XorFn>());
  r.add("LogicalNot", {"opset1"}, [](const Attributes&) {
    return make_unary_op(TypeSet::boolean, unary_kernel<TypeSet::boolean, IntegerPath::exact, NotFn>());
  });
}

}  // namespace openarc::ops
