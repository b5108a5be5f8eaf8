// RMS-14/15 (RMSNorm):  y = x / sqrt(ReduceMean(x^2, axes) + epsilon) [* scale]
// axes: scalar or 1-D input (RMS-14 says 1-D; a scalar is accepted for both). scale
// numpy-broadcasts to the data shape. The spec names the attribute `epsilon` while its example
// writes `eps`: both are read. compute_type is parsed but the kernel always computes in double
// per slot (f16/bf16 data in f32), at least as precise as any compute_type asks.
#include <cmath>
#include <vector>

#include "ops/all_ops.h"
#include "ops/broadcast_shapes.h"
#include "ops/float_io.h"
#include "ops/reduce_axes.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

template <typename T>
void rms_kernel(const Tensor& x, const Tensor* scale, Tensor& y, const std::vector<int64_t>& axes, double eps) {
  const T* xd = x.data<T>();
  T* yd = y.data<T>();
  int64_t n = shape_size(reduced_shape(x.shape(), axes));
  if (n == 0 || x.size() == 0) return;
  double count = static_cast<double>(x.size() / n);
  std::vector<double> inv(static_cast<size_t>(n), 0.0);  // 1 / rms per slot
  for_each_reduction_slot(x.shape(), axes, [&](int64_t i, int64_t s) { inv[s] += static_cast<double>(xd[i]) * xd[i]; });
  for (double& v : inv) v = 1.0 / std::sqrt(v / count + eps);
  for_each_reduction_slot(x.shape(), axes, [&](int64_t i, int64_t s) { yd[i] = static_cast<T>(xd[i] * inv[s]); });
  if (!scale) return;
  const T* sd = scale->data<T>();
  Shape strides[2] = {row_major_strides(x.shape()), broadcast_strides(scale->shape(), x.shape())};
  for_each_broadcast(x.shape(), strides, [&](int64_t i, int64_t, int64_t si) { yd[i] = static_cast<T>(yd[i] * sd[si]); });
}

class Rms : public Op {
 public:
  explicit Rms(const Attributes& a)
      : eps_(a.has("epsilon") || !a.has("eps") ? a.f64("epsilon") : a.f64("eps")),
        compute_type_(a.str("compute_type", "undefined")) {
    check(compute_type_ == "undefined" || is_float(parse_element_type(compute_type_)),
          "attribute 'compute_type' must be a floating-point type, got \"", compute_type_, "\"");
  }

  uint64_t value_inputs() const override { return 1u << 1; }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 3);
    check(is_float(in[0].type), "data must be floating-point, got ", to_string(in[0].type));
    check_axes_input(in[1]);
    const PartialShape& data = in[0].shape;
    if (const Tensor* axes = value_of(in, 1); axes && !data.rank_is_dynamic()) read_axes(*axes, data.rank());
    if (in.size() > 2) {
      check(in[2].type == in[0].type, "scale is ", to_string(in[2].type), " but data is ", to_string(in[0].type));
      PartialShape b = broadcast_numpy(data, in[2].shape);  // throws naming both shapes
      check(b.rank_is_dynamic() || data.rank_is_dynamic() || b.rank() == data.rank(), "scale ",
            in[2].shape.to_string(), " has more dims than data ", data.to_string());
      if (!b.rank_is_dynamic() && !data.rank_is_dynamic())
        for (int64_t d = 0; d < data.rank(); ++d)
          check(data[d] == kDynamic || b[d] == kDynamic || b[d] == data[d], "scale ", in[2].shape.to_string(),
                " does not broadcast to data ", data.to_string());
    }
    return {{in[0].type, data}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    std::vector<int64_t> axes = read_axes(in[1], in[0].rank());
    if (in[0].type() == ElementType::f64) {
      rms_kernel<double>(in[0], in.size() > 2 ? &in[2] : nullptr, out[0], axes, eps_);
      return;
    }
    Tensor scale = in.size() > 2 ? widen_to_f32(in[2]) : Tensor();
    Tensor y = f32_scratch_for(out[0]);
    rms_kernel<float>(widen_to_f32(in[0]), in.size() > 2 ? &scale : nullptr, y, axes, eps_);
    narrow_from_f32(y, out[0]);
  }

 private:
  double eps_;
  std::string compute_type_;
};

}  // namespace

void register_rms_ops(OpRegistry& r) {
  r.add("RMS", {"opset14", "opset15"}, [](const Attributes& a) { return std::make_unique<Rms>(a); });
}

}  // namespace openarc::ops
