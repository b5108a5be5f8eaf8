// Tile-1: repeats data repeats[i] times along dim i. The shorter of data shape and repeats is
// padded with leading 1s.
#include <algorithm>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class Tile : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check_index_type(in[1].type, "repeats (input 1)");
    if (!(in[1].shape.rank() <= 1)) fail("repeats (input 1) must be 1-D, got shape ", in[1].shape.to_string());
    const PartialShape& data = in[0].shape;
    const Tensor* v = value_of(in, 1);
    if (!v) {
      int64_t n = vector_length(in[1].shape);
      if (n < 0 || data.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
      return {{in[0].type, PartialShape::dynamic(static_cast<size_t>(std::max(n, data.rank())))}};
    }
    std::vector<int64_t> reps = int_values(*v, "repeats (input 1)");
    for (int64_t r : reps) if (!(r >= 0)) fail("repeats ", values_string(reps), " has a negative count");
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    auto [dims, r] = aligned(data.dims(), reps);
    for (size_t i = 0; i < dims.size(); ++i) dims[i] = dims[i] < 0 ? kDynamic : checked_mul(dims[i], r[i]);
    return {{in[0].type, PartialShape(dims)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    auto [dims, reps] = aligned(in[0].shape(), int_values(in[1], "repeats (input 1)"));
    // Output dim i = reps[i] * dims[i] is, row-major, the pair (rep, d): view the output as
    // [r0,d0,r1,d1,...] and read the data with stride 0 over each rep.
    Shape strides_in = row_major_strides(dims);
    Shape view, strides;
    for (size_t i = 0; i < dims.size(); ++i) {
      view.insert(view.end(), {reps[i], dims[i]});
      strides.insert(strides.end(), {0, strides_in[i]});
    }
    Tensor o = out[0].reshaped(view);
    strided_copy(o, in[0], 0, strides);
  }
  uint64_t value_inputs() const override { return 0b10; }

 private:
  // Data shape and repeats padded with leading 1s to the same length.
  static std::pair<Shape, std::vector<int64_t>> aligned(Shape dims, std::vector<int64_t> reps) {
    if (dims.size() < reps.size()) dims.insert(dims.begin(), reps.size() - dims.size(), 1);
    if (reps.size() < dims.size()) reps.insert(reps.begin(), dims.size() - reps.size(), 1);
    return {dims, reps};
  }
};

}  // namespace

void register_tile_ops(OpRegistry& r) {
  r.add("Tile", {"opset1"}, [](const Attributes&) { return std::make_unique<Tile>(); });
}

}  // namespace openarc::ops
