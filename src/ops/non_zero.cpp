// NonZero-3: the coordinates of the non-zero elements of data, as a [rank, count] tensor of
// output_type (i64 or i32), elements in row-major order. The output shape depends on the data's
// values, so shape inference needs them (value_inputs) and leaves the count dynamic without.
#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class NonZero : public Op {
 public:
  explicit NonZero(const Attributes& a)
      : type_(parse_element_type(a.choice("output_type", {"i64", "i32"}, "i64"))) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    const PartialShape& s = in[0].shape;
    if (s.rank_is_dynamic()) return {{type_, PartialShape::dynamic(2)}};
    check(s.rank() >= 1, "NonZero of a scalar is not supported: give the data at least one dim");
    const Tensor* v = value_of(in, 0);
    return {{type_, PartialShape(Shape{s.rank(), v ? count(*v) : kDynamic})}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor& data = in[0];
    const Shape& ds = data.shape();
    int64_t n = out[0].shape()[1], rank = data.rank();
    Shape idx(ds.size(), 0);
    int64_t k = 0;
    for (int64_t i = 0; i < data.size(); ++i) {
      if (nonzero(data, i)) {
        check(k < n, "data changed between shape inference and evaluation");
        for (int64_t d = 0; d < rank; ++d) out[0].set_i64(d * n + k, idx[d]);
        ++k;
      }
      for (size_t d = ds.size(); d-- > 0;) {
        if (++idx[d] < ds[d]) break;
        idx[d] = 0;
      }
    }
  }
  uint64_t value_inputs() const override { return 0b1; }

 private:
  // NaN is non-zero; -0.0 is zero.
  static bool nonzero(const Tensor& t, int64_t i) { return is_float(t.type()) ? t.get_f64(i) != 0 : t.get_i64(i) != 0; }
  static int64_t count(const Tensor& t) {
    int64_t n = 0;
    for (int64_t i = 0; i < t.size(); ++i) n += nonzero(t, i);
    return n;
  }

  ElementType type_;
};

}  // namespace

void register_non_zero_ops(OpRegistry& r) {
  r.add("NonZero", {"opset3"}, [](const Attributes& a) { return std::make_unique<NonZero>(a); });
}

}  // namespace openarc::ops
