// MVN-6 (axes input, eps_mode) and MVN-1 (registered as opset2, axes from attributes):
//   o = x - ReduceMean(x, axes)
//   normalize_variance: o /= sqrt(var + eps) (inside_sqrt) or sqrt(var) + eps (outside_sqrt)
// where var = ReduceMean(o^2, axes), the variance the spec's formula means (LayerNorm's). MVN-1
// puts eps inside the sqrt, as its formula shows. Computed in double per slot; f16/bf16 in f32.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "ops/all_ops.h"
#include "ops/float_io.h"
#include "ops/reduce_axes.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

template <typename T>
void mvn_kernel(const Tensor& x, Tensor& y, const std::vector<int64_t>& axes, bool normalize_variance, double eps,
                bool inside_sqrt) {
  const T* xd = x.data<T>();
  T* yd = y.data<T>();
  int64_t n = shape_size(reduced_shape(x.shape(), axes));
  if (n == 0 || x.size() == 0) return;
  double count = static_cast<double>(x.size() / n);
  std::vector<double> mean(static_cast<size_t>(n), 0.0), var(static_cast<size_t>(n), 0.0);
  for_each_reduction_slot(x.shape(), axes, [&](int64_t i, int64_t s) { mean[s] += xd[i]; });
  for (double& m : mean) m /= count;
  if (normalize_variance) {
    for_each_reduction_slot(x.shape(), axes, [&](int64_t i, int64_t s) {
      double d = xd[i] - mean[s];
      var[s] += d * d;
    });
    for (double& v : var) v = inside_sqrt ? std::sqrt(v / count + eps) : std::sqrt(v / count) + eps;
  }
  for_each_reduction_slot(x.shape(), axes, [&](int64_t i, int64_t s) {
    double o = xd[i] - mean[s];
    yd[i] = static_cast<T>(normalize_variance ? o / var[s] : o);
  });
}

void run_mvn(const Tensor& x, Tensor& y, const std::vector<int64_t>& axes, bool nv, double eps, bool inside) {
  if (x.type() == ElementType::f64) {
    mvn_kernel<double>(x, y, axes, nv, eps, inside);
    return;
  }
  Tensor out = f32_scratch_for(y);
  mvn_kernel<float>(widen_to_f32(x), out, axes, nv, eps, inside);
  narrow_from_f32(out, y);
}

void check_float_data(const InputInfo& in) {
  check(is_float(in.type), "data must be floating-point, got ", to_string(in.type));
}

class Mvn6 : public Op {
 public:
  explicit Mvn6(const Attributes& a) : normalize_variance_(a.boolean("normalize_variance")), eps_(a.f64("eps")) {
    // Exports spell the mode upper-case ("INSIDE_SQRT"); the spec lower-case.
    std::string mode = a.str("eps_mode");
    std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::tolower(c); });
    check(mode == "inside_sqrt" || mode == "outside_sqrt",
          "attribute 'eps_mode' must be inside_sqrt or outside_sqrt, got \"", a.str("eps_mode"), "\"");
    inside_sqrt_ = mode == "inside_sqrt";
  }

  uint64_t value_inputs() const override { return 1u << 1; }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check_float_data(in[0]);
    check_axes_input(in[1]);
    if (const Tensor* axes = value_of(in, 1); axes && !in[0].shape.rank_is_dynamic()) read_axes(*axes, in[0].shape.rank());
    return {{in[0].type, in[0].shape}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    run_mvn(in[0], out[0], read_axes(in[1], in[0].rank()), normalize_variance_, eps_, inside_sqrt_);
  }

 private:
  bool normalize_variance_;
  double eps_;
  bool inside_sqrt_ = true;
};

class Mvn1 : public Op {
 public:
  explicit Mvn1(const Attributes& a)
      : normalize_variance_(a.boolean("normalize_variance")),
        eps_(a.f64("eps")),
        across_channels_(a.boolean("across_channels", false)),
        reduction_axes_(a.i64s("reduction_axes", {})) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    check_float_data(in[0]);
    if (!in[0].shape.rank_is_dynamic()) axes(in[0].shape.rank());
    return {{in[0].type, in[0].shape}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    run_mvn(in[0], out[0], axes(in[0].rank()), normalize_variance_, eps_, true);
  }

 private:
  // reduction_axes when given (serialized IRs may carry both attributes), else from across_channels:
  // all dims from 1 (layer norm) or from 2 (instance norm).
  std::vector<int64_t> axes(int64_t rank) const {
    if (!reduction_axes_.empty()) {
      Tensor t = Tensor(ElementType::i64, {static_cast<int64_t>(reduction_axes_.size())});
      std::copy(reduction_axes_.begin(), reduction_axes_.end(), t.data<int64_t>());
      return read_axes(t, rank);
    }
    std::vector<int64_t> out;
    for (int64_t d = across_channels_ ? 1 : 2; d < rank; ++d) out.push_back(d);
    return out;
  }

  bool normalize_variance_;
  double eps_;
  bool across_channels_;
  std::vector<int64_t> reduction_axes_;
};

}  // namespace

void register_mvn_ops(OpRegistry& r) {
  r.add("MVN", {"opset6"}, [](const Attributes& a) { return std::make_unique<Mvn6>(a); });
  r.add("MVN", {"opset2"}, [](const Attributes& a) { return std::make_unique<Mvn1>(a); });
}

}  // namespace openarc::ops
