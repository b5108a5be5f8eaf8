// ShapeOf-1 (always i64) and ShapeOf-3 (output_type i64 or i32): the input's shape as a 1-D
// tensor. Reads no data, so it works for every element type.
#include "ops/all_ops.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class ShapeOf : public Op {
 public:
  explicit ShapeOf(ElementType type) : type_(type) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    const PartialShape& s = in[0].shape;
    return {{type_, s.rank_is_dynamic() ? PartialShape::dynamic(1) : PartialShape(Shape{s.rank()})}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Shape& s = in[0].shape();
    for (size_t i = 0; i < s.size(); ++i) {
      check(type_ == ElementType::i64 || s[i] <= INT32_MAX, "dim ", s[i], " does not fit output_type i32");
      out[0].set_i64(static_cast<int64_t>(i), s[i]);
    }
  }

 private:
  ElementType type_;
};

}  // namespace

void register_shape_of_ops(OpRegistry& r) {
  r.add("ShapeOf", {"opset1"}, [](const Attributes&) { return std::make_unique<ShapeOf>(ElementType::i64); });
  r.add("ShapeOf", {"opset3"}, [](const Attributes& a) {
    return std::make_unique<ShapeOf>(parse_element_type(a.choice("output_type", {"i64", "i32"}, "i64")));
  });
}

}  // namespace openarc::ops
