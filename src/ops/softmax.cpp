// SoftMax-1 (axis >= 0), SoftMax-8 (negative axis counts from the back) and LogSoftmax-5, along
// one axis. Numerically stable: the slice's maximum is subtracted before exp, which leaves the
// spec's formula unchanged. A slice that is all -inf (or holds +inf or NaN) gives NaN, as the
// formula does (0/0 or inf/inf).
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/all_ops.h"
#include "ops/float_io.h"
#include "ops/registry.h"
#include "ops/softmax_kernel.h"

namespace openarc::ops {
namespace {

class Softmax : public Op {
 public:
  Softmax(const Attributes& a, bool negative_axis, bool log)
      : axis_(a.i64("axis", 1)), negative_axis_(negative_axis), log_(log) {
    check(negative_axis_ || axis_ >= 0, "attribute 'axis' must be non-negative in SoftMax-1, got ", axis_);
  }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    check(is_float(in[0].type), "input must be a floating-point tensor, got ", to_string(in[0].type));
    if (!in[0].shape.rank_is_dynamic()) axis(in[0].shape.rank());
    return {{in[0].type, in[0].shape}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Shape& s = in[0].shape();
    int64_t ax = axis(in[0].rank());
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < ax; ++d) outer *= s[d];
    for (int64_t d = ax + 1; d < in[0].rank(); ++d) inner *= s[d];
    if (in[0].type() == ElementType::f64) {
      softmax_strided(in[0].data<double>(), out[0].data<double>(), outer, s[ax], inner, log_);
      return;
    }
    Tensor x = widen_to_f32(in[0]);
    Tensor y = f32_scratch_for(out[0]);
    softmax_strided(x.data<float>(), y.data<float>(), outer, s[ax], inner, log_);
    narrow_from_f32(y, out[0]);
  }

 private:
  int64_t axis(int64_t rank) const {
    check(axis_ >= -rank && axis_ < rank, "axis ", axis_, " is out of range for an input of rank ", rank);
    return axis_ < 0 ? axis_ + rank : axis_;
  }

  int64_t axis_;
  bool negative_axis_, log_;
};

}  // namespace

void register_softmax_ops(OpRegistry& r) {
  r.add("SoftMax", {"opset1"}, [](const Attributes& a) { return std::make_unique<Softmax>(a, false, false); });
  r.add("SoftMax", {"opset8"}, [](const Attributes& a) { return std::make_unique<Softmax>(a, true, false); });
  r.add("LogSoftmax", {"opset5"}, [](const Attributes& a) { return std::make_unique<Softmax>(a, true, true); });
}

}  // namespace openarc::ops
