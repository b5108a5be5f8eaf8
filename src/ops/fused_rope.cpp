#include "ops/fused_rope.h"

#include <algorithm>

#include "core/thread_pool.h"
#include "ops/broadcast_shapes.h"

namespace openarc::ops {
namespace {

// One row of D = 2h values; c and s are the row of cos and sin it pairs with. Each element is
// computed as the decomposed graph does: x * cos + (-x_other) * sin, so the results are the same.
void rope_row(const float* x, const float* c, const float* s, float* y, int64_t h) {
  for (int64_t i = 0; i < h; ++i) y[i] = x[i] * c[i] + (-x[i + h]) * s[i];
  for (int64_t i = h; i < 2 * h; ++i) y[i] = x[i] * c[i] + x[i - h] * s[i];
}

// Checks that t (cos or sin) broadcasts onto x without changing x's shape.
void check_table(const InputInfo& t, const PartialShape& x, const char* what) {
  check(t.type == ElementType::f32, what, " must be f32, got ", to_string(t.type));
  const PartialShape& s = t.shape;
  if (s.rank_is_dynamic()) return;  // checked at run time, on the real shape
  check(s.rank() >= 1 && s.rank() <= x.rank(), what, " has shape ", s.to_string(),
        ", which does not broadcast to the input ", x.to_string());
  const int64_t offset = x.rank() - s.rank();
  for (int64_t d = 0; d < s.rank(); ++d) {
    const int64_t a = s[d], b = x[offset + d];
    const bool last = d + 1 == s.rank();
    check(a == kDynamic || b == kDynamic || a == b || (a == 1 && !last), what, " has shape ", s.to_string(),
          ", which does not broadcast to the input ", x.to_string(), " (its last dim must be the input's)");
  }
}

// The offset of each row of `t` (shape ts) that row r of x (shape xs) reads, for all rows.
std::vector<int64_t> row_offsets(const Shape& ts, const Shape& xs) {
  const Shape strides = broadcast_strides(ts, xs);
  const size_t lead = xs.size() - 1;
  const int64_t rows = shape_size(Shape(xs.begin(), xs.end() - 1));
  std::vector<int64_t> offsets(static_cast<size_t>(rows));
  Shape idx(lead, 0);
  int64_t off = 0;
  for (int64_t r = 0; r < rows; ++r) {
    offsets[static_cast<size_t>(r)] = off;
    for (size_t d = lead; d-- > 0;) {
      if (++idx[d] < xs[d]) {
        off += strides[d];
        break;
      }
      off -= strides[d] * (xs[d] - 1);
      idx[d] = 0;
    }
  }
  return offsets;
}

class Rope : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 3);
    check(in[0].type == ElementType::f32, "the input must be f32, got ", to_string(in[0].type));
    const PartialShape& x = in[0].shape;
    check(!x.rank_is_dynamic() && x.rank() >= 1, "the input has shape ", x.to_string(), ", expected [..., D]");
    const int64_t d = x.dims().back();
    check(d == kDynamic || d % 2 == 0, "the input has shape ", x.to_string(), ": the last dim must be even");
    check_table(in[1], x, "cos");
    check_table(in[2], x, "sin");
    return {{ElementType::f32, x}};
  }

  bool fills_output() const override { return true; }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor &x = in[0], &cos = in[1], &sin = in[2];
    const int64_t d = x.shape().back();
    check(d % 2 == 0, "the last dim of the input is ", d, ", it must be even");
    check(cos.shape().back() == d && sin.shape().back() == d, "cos ", to_string(cos.shape()), " and sin ",
          to_string(sin.shape()), " must end in the input's last dim ", d);
    if (x.size() == 0) return;
    const std::vector<int64_t> co = row_offsets(cos.shape(), x.shape()), so = row_offsets(sin.shape(), x.shape());
    const float *xd = x.data<float>(), *cd = cos.data<float>(), *sd = sin.data<float>();
    float* yd = out[0].data<float>();
    const int64_t rows = x.size() / d;
    const int64_t grain = std::max<int64_t>(1, (int64_t{1} << 14) / d);
    parallel_for(0, rows, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r)
        rope_row(xd + r * d, cd + co[static_cast<size_t>(r)], sd + so[static_cast<size_t>(r)], yd + r * d, d / 2);
    });
  }
};

}  // namespace

std::shared_ptr<Op> make_rope() { return std::make_shared<Rope>(); }

}  // namespace openarc::ops
