// Range-1 and Range-4: the sequence start, start+step, ... up to stop (exclusive) from three
// scalar inputs; max(ceil((stop - start) / step), 0) elements. Range-4 names the output type in
// `output_type`; Range-1's output has the inputs' common type.
#include <cmath>
#include <limits>

#include "ops/all_ops.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class Range : public Op {
 public:
  explicit Range(ElementType out_type) : out_type_(out_type) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 3);
    static const char* names[] = {"start (input 0)", "stop (input 1)", "step (input 2)"};
    for (size_t k = 0; k < 3; ++k) {
      // Scalars; a one-element 1-D tensor is taken as one too.
      const PartialShape& s = in[k].shape;
      if (!(s.rank() <= 0 || (s.rank() == 1 && s[0] <= 1 && s[0] != 0))) fail(names[k], " must be a scalar, got shape ",
            s.to_string());
      if (!(in[k].type == ElementType::undefined || (in[k].type != ElementType::boolean && !is_sub_byte(in[k].type)))) fail(names[k], " must be numeric, got ", to_string(in[k].type));
      if (out_type_ == ElementType::undefined)
        if (!(in[k].type == in[0].type)) fail("Range-1 needs one type for all inputs, got ", to_string(in[0].type), " and ",
              to_string(in[k].type));
    }
    ElementType type = out_type_ == ElementType::undefined ? in[0].type : out_type_;
    if (!in[0].value || !in[1].value || !in[2].value) return {{type, PartialShape::dynamic(1)}};
    return {{type, PartialShape(Shape{count(*in[0].value, *in[1].value, *in[2].value)})}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    int64_t n = out[0].size();
    if (all_integral(in)) {
      // Exact in integers: start + i*step never passes stop, so it stays in range.
      int64_t start = in[0].get_i64(0), step = in[2].get_i64(0);
      for (int64_t i = 0; i < n; ++i) out[0].set_i64(i, start + i * step);
      return;
    }
    double start = in[0].get_f64(0), step = in[2].get_f64(0);
    for (int64_t i = 0; i < n; ++i) out[0].set_f64(i, start + static_cast<double>(i) * step);
  }
  uint64_t value_inputs() const override { return 0b111; }

 private:
  static bool all_integral(const std::vector<Tensor>& in) {
    return is_integral(in[0].type()) && is_integral(in[1].type()) && is_integral(in[2].type());
  }

  static int64_t count(const Tensor& a, const Tensor& b, const Tensor& c) {
    if (is_integral(a.type()) && is_integral(b.type()) && is_integral(c.type())) {
      int64_t start = a.get_i64(0), stop = b.get_i64(0), step = c.get_i64(0);
      check(step != 0, "step must not be 0");
      // ceil((stop - start) / step) in 128-bit-safe form: work with the distance's magnitude.
      __int128 dist = static_cast<__int128>(stop) - start;
      if ((dist > 0) != (step > 0) || dist == 0) return 0;
      __int128 mag = dist < 0 ? -dist : dist, s = step < 0 ? -static_cast<__int128>(step) : step;
      return static_cast<int64_t>((mag + s - 1) / s);
    }
    double start = a.get_f64(0), stop = b.get_f64(0), step = c.get_f64(0);
    check(step != 0, "step must not be 0");
    check(std::isfinite(start) && std::isfinite(stop) && std::isfinite(step), "start ", start, ", stop ", stop,
          " and step ", step, " must be finite");
    double n = std::ceil((stop - start) / step);
    check(n < static_cast<double>(std::numeric_limits<int64_t>::max()), "the range has too many elements (", n, ")");
    return n > 0 ? static_cast<int64_t>(n) : 0;
  }

  ElementType out_type_;  // undefined for Range-1
};

}  // namespace

void register_range_ops(OpRegistry& r) {
  r.add("Range", {"opset1"}, [](const Attributes&) { return std::make_unique<Range>(ElementType::undefined); });
  r.add("Range", {"opset4"}, [](const Attributes& a) {
    std::string name = a.str("output_type");
    ElementType t = parse_element_type(name);
    check(t != ElementType::undefined && t != ElementType::boolean && !is_sub_byte(t),
          "attribute 'output_type': \"", name, "\" is not a numeric element type");
    return std::make_unique<Range>(t);
  });
}

}  // namespace openarc::ops
