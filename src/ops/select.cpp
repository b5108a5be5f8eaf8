// Select-1: out = cond ? then : else, elementwise. cond is boolean; then and else share any
// byte-sized type, which the output takes. auto_broadcast "numpy" broadcasts all three inputs
// together (then with else, the result with cond); "none" needs three equal shapes.
#include "ops/all_ops.h"
#include "ops/elementwise.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

// Select only moves elements, so it works on their bits: one loop per element size.
template <class U>
void select_loop(const Tensor& c, const Tensor& t, const Tensor& e, Tensor& out) {
  const Shape in[3] = {c.shape(), t.shape(), e.shape()};
  const BroadcastPlan<3> p = plan_broadcast(in, out.shape());
  const uint8_t* pc = c.data<uint8_t>();
  const U* pt = t.data<U>();
  const U* pe = e.data<U>();
  U* po = out.data<U>();
  const int64_t len = p.inner, sc = p.inner_stride[0], st = p.inner_stride[1], se = p.inner_stride[2];
  if (out.size() == 0) return;
  for_each_broadcast(p.outer, p.outer_strides, [&](int64_t, int64_t oc, int64_t ot, int64_t oe) {
    for (int64_t j = 0; j < len; ++j) po[j] = pc[oc + j * sc] ? pt[ot + j * st] : pe[oe + j * se];
    po += len;
  });
}

class Select : public Op {
 public:
  explicit Select(const Attributes& a) : mode_(parse_auto_broadcast(a)) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 3);
    check(in[0].type == ElementType::undefined || in[0].type == ElementType::boolean,
          "input 0 (cond) must be boolean, got ", to_string(in[0].type));
    ElementType t = check_same_type(in, 1, 2, TypeSet::any);
    PartialShape shape = infer_broadcast(in[1].shape, in[2].shape, mode_);
    return {{t, infer_broadcast(in[0].shape, shape, mode_)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    switch (bit_width(in[1].type())) {
      case 8: return select_loop<uint8_t>(in[0], in[1], in[2], out[0]);
      case 16: return select_loop<uint16_t>(in[0], in[1], in[2], out[0]);
      case 32: return select_loop<uint32_t>(in[0], in[1], in[2], out[0]);
      case 64: return select_loop<uint64_t>(in[0], in[1], in[2], out[0]);
      default: fail("Select: element type ", to_string(in[1].type()), " is not supported");
    }
  }

 private:
  AutoBroadcast mode_;
};

}  // namespace

void register_select_ops(OpRegistry& r) {
  r.add("Select", {"opset1"}, [](const Attributes& a) { return std::make_unique<Select>(a); });
}

}  // namespace openarc::ops
