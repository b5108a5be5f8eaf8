#include "ops/elementwise.h"

#include <cctype>

namespace openarc::ops {

std::string describe(TypeSet s) {
  static constexpr ElementType kAll[] = {
      ElementType::f64, ElementType::f32, ElementType::f16, ElementType::bf16, ElementType::i64,
      ElementType::i32, ElementType::i16, ElementType::i8,  ElementType::u64,  ElementType::u32,
      ElementType::u16, ElementType::u8,  ElementType::boolean};
  std::string list;
  for (ElementType t : kAll)
    if (type_in(t, s)) {
      if (!list.empty()) list += ' ';
      list += to_string(t);
    }
  return "one of: " + list;
}

void fail_unsupported_type(ElementType t, TypeSet s) {
  fail("element type ", to_string(t), " is not supported (expected ", describe(s), ")");
}

AutoBroadcast parse_auto_broadcast(const Attributes& a) {
  const std::string* v = a.find("auto_broadcast");
  if (!v) return AutoBroadcast::numpy;
  std::string s;
  for (char c : *v) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "numpy") return AutoBroadcast::numpy;
  if (s == "none" || s == "explicit") return AutoBroadcast::none;
  if (s == "pdpd") fail("attribute 'auto_broadcast': \"pdpd\" broadcasting is not supported (use numpy or none)");
  fail("attribute 'auto_broadcast': unknown value \"", *v, "\" (expected numpy or none)");
}

PartialShape infer_broadcast(const PartialShape& a, const PartialShape& b, AutoBroadcast mode) {
  if (mode == AutoBroadcast::numpy) return broadcast_numpy(a, b);
  // none: equal shapes; a dynamic dim takes the other's static dim.
  if (a.rank_is_dynamic()) return b;
  if (b.rank_is_dynamic()) return a;
  check(a.rank() == b.rank(), "auto_broadcast=none needs equal shapes, got ", a.to_string(), " and ", b.to_string());
  Shape out = a.dims();
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t da = a[i], db = b[i];
    check(da == kDynamic || db == kDynamic || da == db, "auto_broadcast=none needs equal shapes, got ", a.to_string(),
          " and ", b.to_string());
    out[i] = da == kDynamic ? db : da;
  }
  return PartialShape(out);
}

ElementType check_same_type(const std::vector<InputInfo>& in, size_t first, size_t count, TypeSet set) {
  ElementType t = ElementType::undefined;
  for (size_t i = first; i < first + count; ++i) {
    ElementType ti = in[i].type;
    if (ti == ElementType::undefined) continue;
    check(type_in(ti, set), "input ", i, " has element type ", to_string(ti), ", expected ", describe(set));
    if (t == ElementType::undefined) t = ti;
    check(ti == t, "inputs must have the same element type, got ", to_string(t), " (input ", first, ") and ",
          to_string(ti), " (input ", i, ")");
  }
  return t;
}

namespace {

class BinaryOp : public Op {
 public:
  BinaryOp(const Attributes& attrs, TypeSet inputs, bool boolean_output, BinaryKernel kernel)
      : mode_(parse_auto_broadcast(attrs)), inputs_(inputs), boolean_output_(boolean_output),
        kernel_(std::move(kernel)) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    ElementType t = check_same_type(in, 0, 2, inputs_);
    return {{boolean_output_ ? ElementType::boolean : t, infer_broadcast(in[0].shape, in[1].shape, mode_)}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    kernel_(in[0], in[1], out[0]);
  }

 private:
  AutoBroadcast mode_;
  TypeSet inputs_;
  bool boolean_output_;
  BinaryKernel kernel_;
};

class UnaryOp : public Op {
 public:
  UnaryOp(TypeSet inputs, UnaryKernel kernel) : inputs_(inputs), kernel_(std::move(kernel)) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    return {{check_same_type(in, 0, 1, inputs_), in[0].shape}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override { kernel_(in[0], out[0]); }

 private:
  TypeSet inputs_;
  UnaryKernel kernel_;
};

}  // namespace

std::unique_ptr<Op> make_binary_op(const Attributes& attrs, TypeSet inputs, bool boolean_output, BinaryKernel kernel) {
  return std::make_unique<BinaryOp>(attrs, inputs, boolean_output, std::move(kernel));
}

std::unique_ptr<Op> make_unary_op(TypeSet inputs, UnaryKernel kernel) {
  return std::make_unique<UnaryOp>(inputs, std::move(kernel));
}

}  // namespace openarc::ops
