#include "ops/fused_linear.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

namespace openarc::ops {

kernels::LinearWeights StoredWeight::kernel() const {
  check(data.valid() && data.data() != nullptr, "the weight has no data (the weights file is missing)");
  kernels::LinearWeights w;
  w.type = data.type();
  w.n = n;
  w.k = k;
  w.data = data.data();
  if (is_float(data.type())) return w;
  w.group_size = group_size;
  w.scale_type = scale.type();
  w.scale = scale.data();
  if (zero_point.valid()) {
    w.zero_point_type = zero_point.type();
    w.zero_point = zero_point.data();
  }
  return w;
}

std::string StoredWeight::describe() const {
  std::string s(to_string(data.type()));
  if (is_float(data.type())) return s;
  s += group_size == k ? " per-channel" : " g" + std::to_string(group_size);
  return s + (zero_point.valid() ? " asym" : " sym");
}

namespace {

class FullyConnected : public Op {
 public:
  FullyConnected(StoredWeight w, Tensor bias, bool last_positions)
      : w_(std::move(w)), bias_(std::move(bias)), last_only_(last_positions) {}

  bool fills_output() const override { return true; }
  // The number of positions kept decides the output's shape.
  uint64_t value_inputs() const override { return last_only_ ? 2 : 0; }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, last_only_ ? 2 : 1);
    check(in[0].type == ElementType::f32, "the input must be f32, got ", to_string(in[0].type));
    std::optional<int64_t> keep = 1;  // unknown (nullopt) until the keep input's value is
    if (in.size() == 2) {
      check(is_integral(in[1].type) && !in[1].shape.rank_is_dynamic() && in[1].shape.rank() <= 1 &&
                (in[1].shape.rank() == 0 || in[1].shape[0] == 1 || in[1].shape[0] == kDynamic),
            "the positions to keep must be one integer, got ", to_string(in[1].type), " ", in[1].shape.to_string());
      keep = in[1].value ? std::optional<int64_t>(in[1].value->get_i64(0)) : std::nullopt;
      check(!keep || *keep >= 0, "the positions to keep (logits_to_keep) must be >= 0, got ", keep.value_or(0));
    }
    const PartialShape& x = in[0].shape;
    if (x.rank_is_dynamic()) return {{ElementType::f32, PartialShape::dynamic_rank()}};
    check(x.rank() >= (last_only_ ? 2 : 1), "the input has shape ", x.to_string(), ", expected [..., ", w_.k, "]");
    std::vector<int64_t> dims = x.dims();
    check(dims.back() == kDynamic || dims.back() == w_.k, "the input has shape ", x.to_string(), ", expected [..., ",
          w_.k, "]");
    dims.back() = w_.n;
    if (last_only_) {
      int64_t& s = dims[dims.size() - 2];
      if (!keep) s = kDynamic;
      else if (*keep == 1) s = s == kDynamic ? 1 : std::min<int64_t>(s, 1);
      else if (*keep > 0 && s != kDynamic) s = std::min(s, *keep);
      else if (*keep > 0) s = kDynamic;  // min(keep, S) with S unknown
    }
    return {{ElementType::f32, PartialShape(dims)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor& x = in[0];
    Tensor& y = out[0];
    const kernels::LinearWeights w = w_.kernel();
    const float* bias = bias_.valid() ? bias_.data<float>() : nullptr;
    if (!last_only_) {
      kernels::linear(w, x.data<float>(), x.size() / w_.k, y.data<float>(), bias);
      return;
    }
    // Rows x[b, S-r .. S-1, :] of x [B..., S, k], r = y's positions: gathered when there are
    // several batches.
    const int64_t s = x.shape()[x.rank() - 2], batches = s == 0 ? 0 : x.size() / (s * w_.k);
    const int64_t r = y.shape()[y.rank() - 2];
    if (batches == 0 || r == 0) return;
    const float* xd = x.data<float>();
    if (batches == 1) {
      kernels::linear(w, xd + (s - r) * w_.k, r, y.data<float>(), bias);
      return;
    }
    std::vector<float> rows(static_cast<size_t>(batches * r * w_.k));  // [batches, r, k]
    for (int64_t b = 0; b < batches; ++b)
      std::memcpy(rows.data() + b * r * w_.k, xd + (b * s + s - r) * w_.k, sizeof(float) * r * w_.k);
    kernels::linear(w, rows.data(), batches * r, y.data<float>(), bias);
  }

 private:
  StoredWeight w_;
  Tensor bias_;  // [n] f32 or none
  bool last_only_;
};

class GatherRows : public Op {
 public:
  explicit GatherRows(StoredWeight w) : w_(std::move(w)) {}

  bool fills_output() const override { return true; }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    check(is_integral(in[0].type), "the indices must be integers, got ", to_string(in[0].type));
    check(!in[0].shape.rank_is_dynamic(), "the indices must have a static rank");
    std::vector<int64_t> dims = in[0].shape.dims();
    dims.push_back(w_.k);
    return {{ElementType::f32, PartialShape(dims)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor& ids = in[0];
    float* y = out[0].data<float>();
    const kernels::LinearWeights w = w_.kernel();
    for (int64_t i = 0; i < ids.size(); ++i) {
      int64_t id = ids.get_i64(i);
      if (id < 0) id += w_.n;
      float* row = y + i * w_.k;
      if (id < 0 || id >= w_.n) std::memset(row, 0, sizeof(float) * w_.k);
      else kernels::dequantize_row(w, id, row);
    }
  }

 private:
  StoredWeight w_;
};

}  // namespace

std::shared_ptr<Op> make_fully_connected(StoredWeight w, Tensor bias, bool last_positions) {
  return std::make_shared<FullyConnected>(std::move(w), std::move(bias), last_positions);
}

std::shared_ptr<Op> make_gather_rows(StoredWeight w) { return std::make_shared<GatherRows>(std::move(w)); }

}  // namespace openarc::ops
