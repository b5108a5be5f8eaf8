#include "ops/fused_rms_norm.h"

#include <algorithm>
#include <cmath>

#include "core/thread_pool.h"

namespace openarc::ops {
namespace {

// Independent partial sums: a fixed number of them, so the compiler can keep them in vector
// registers without reassociating (no -ffast-math), and the result is the same on every machine
// and for every thread count.
constexpr int kLanes = 16;

float sum_of_squares(const float* x, int64_t n) {
  float acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[j] += x[i + j] * x[i + j];
  for (int j = 0; i < n; ++i, ++j) acc[j] += x[i] * x[i];
  // Pairwise, in a fixed order.
  for (int width = kLanes / 2; width > 0; width /= 2)
    for (int j = 0; j < width; ++j) acc[j] += acc[j + width];
  return acc[0];
}

void rms_norm_row(const float* x, const float* w, float* y, int64_t e, float eps) {
  const float mean = sum_of_squares(x, e) / static_cast<float>(e);
  const float inv = 1.0f / std::sqrt(mean + eps);
  // x * inv first, then * w: the order the decomposed graph multiplies in.
  if (w) {
    for (int64_t i = 0; i < e; ++i) y[i] = x[i] * inv * w[i];
  } else {
    for (int64_t i = 0; i < e; ++i) y[i] = x[i] * inv;
  }
}

class RmsNorm : public Op {
 public:
  RmsNorm(std::optional<float> eps, bool has_weight) : eps_(eps), has_weight_(has_weight) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    const size_t n = has_weight_ ? 2 : 1;
    check_input_count(in, n, n);
    check(in[0].type == ElementType::f32, "the input must be f32, got ", to_string(in[0].type));
    // A dynamic rank is known at run time, when these checks run again on the real shapes.
    const PartialShape& x = in[0].shape;
    check(x.rank_is_dynamic() || x.rank() >= 1, "the input has shape ", x.to_string(), ", expected [..., E]");
    if (has_weight_) {
      check(in[1].type == ElementType::f32, "the weight must be f32, got ", to_string(in[1].type));
      const PartialShape& w = in[1].shape;
      check(!w.rank_is_dynamic() && w.rank() >= 1 && (x.rank_is_dynamic() || w.rank() <= x.rank()),
            "the weight has shape ", w.to_string(), ", expected [1, ..., E] of at most the input's rank ", x.to_string());
      for (int64_t d = 0; d + 1 < w.rank(); ++d)
        check(w[d] == 1, "the weight has shape ", w.to_string(), ", expected [1, ..., E]");
      const int64_t e = x.rank_is_dynamic() ? kDynamic : x.dims().back(), we = w.dims().back();
      check(e == kDynamic || we == kDynamic || e == we, "the weight has shape ", w.to_string(), " but the input is ",
            x.to_string());
    }
    return {{ElementType::f32, x}};
  }

  bool fills_output() const override { return true; }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    check(eps_.has_value(), "the epsilon constant has no data (the weights file is missing)");
    const Tensor& x = in[0];
    const int64_t e = x.shape().back();
    const float* w = nullptr;
    if (has_weight_) {
      check(in[1].size() == e, "the weight has ", in[1].size(), " elements, the rows have ", e);
      w = in[1].data<float>();
    }
    if (e == 0 || x.size() == 0) return;
    rms_norm_rows(x.data<float>(), w, out[0].data<float>(), x.size() / e, e, *eps_);
  }

 private:
  std::optional<float> eps_;
  bool has_weight_;
};

}  // namespace

void rms_norm_rows(const float* x, const float* w, float* y, int64_t rows, int64_t e, float eps) {
  // Chunks of at least ~16K elements: below that a thread costs more than it saves.
  const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 14) / std::max<int64_t>(e, 1));
  parallel_for(0, rows, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) rms_norm_row(x + r * e, w, y + r * e, e, eps);
  });
}

std::shared_ptr<Op> make_rms_norm(std::optional<float> eps, bool has_weight) {
  return std::make_shared<RmsNorm>(eps, has_weight);
}

}  // namespace openarc::ops
