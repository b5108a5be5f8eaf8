#include "ops/fused_swiglu.h"

#include <cmath>

#include "core/thread_pool.h"

namespace openarc::ops {
namespace {

class SwiGlu : public Op {
 public:
  explicit SwiGlu(std::optional<float> beta) : beta_(beta) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check(in[0].type == ElementType::f32 && in[1].type == ElementType::f32, "gate and up must be f32, got ",
          to_string(in[0].type), " and ", to_string(in[1].type));
    const PartialShape &g = in[0].shape, &u = in[1].shape;
    // A dynamic rank is known at run time, when this runs again on the real shapes.
    if (g.rank_is_dynamic()) return {{ElementType::f32, u}};
    if (u.rank_is_dynamic()) return {{ElementType::f32, g}};
    check(g.rank() == u.rank(), "gate ", g.to_string(), " and up ", u.to_string(), " must have one shape");
    Shape dims = g.dims();
    for (size_t d = 0; d < dims.size(); ++d) {
      check(g[d] == kDynamic || u[d] == kDynamic || g[d] == u[d], "gate ", g.to_string(), " and up ", u.to_string(),
            " must have one shape");
      if (dims[d] == kDynamic) dims[d] = u[d];
    }
    return {{ElementType::f32, PartialShape(dims)}};
  }

  bool fills_output() const override { return true; }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    check(beta_.has_value(), "the Swish beta constant has no data (the weights file is missing)");
    check(in[0].shape() == in[1].shape(), "gate ", to_string(in[0].shape()), " and up ", to_string(in[1].shape()),
          " must have one shape");
    swiglu(in[0].data<float>(), in[1].data<float>(), out[0].data<float>(), in[0].size(), *beta_);
  }

 private:
  std::optional<float> beta_;
};

}  // namespace

void swiglu(const float* gate, const float* up, float* y, int64_t n, float beta) {
  parallel_for(0, n, int64_t{1} << 14, [&](int64_t lo, int64_t hi) {
    // Swish as the reference op computes it (x / (1 + exp(-beta x)) in f32), then times up.
    for (int64_t i = lo; i < hi; ++i) y[i] = gate[i] / (1.0f + std::exp(-beta * gate[i])) * up[i];
  });
}

std::shared_ptr<Op> make_swiglu(std::optional<float> beta) { return std::make_shared<SwiGlu>(beta); }

}  // namespace openarc::ops
