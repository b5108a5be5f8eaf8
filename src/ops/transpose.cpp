// Transpose-1: output dim i is input dim order[i]; an empty order reverses the dims.
#include <numeric>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

// The permutation for `rank`, checked: every axis of [0, rank) exactly once.
std::vector<int64_t> permutation(const Tensor& order_value, int64_t rank) {
  std::vector<int64_t> order = int_values(order_value, "order (input 1)");
  if (order.empty()) {
    order.resize(static_cast<size_t>(rank));
    std::iota(order.rbegin(), order.rend(), 0);
    return order;
  }
  if (!(static_cast<int64_t>(order.size()) == rank)) fail("order ", values_string(order), " has ", order.size(),
        " entries but the input has rank ", rank);
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t a : order) {
    if (!(a >= 0 && a < rank && !seen[a])) fail("order ", values_string(order), " is not a permutation of 0..", rank - 1);
    seen[a] = true;
  }
  return order;
}

class Transpose : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check_index_type(in[1].type, "order (input 1)");
    if (!(in[1].shape.rank() <= 1)) fail("order (input 1) must be 1-D, got shape ", in[1].shape.to_string());
    const PartialShape& data = in[0].shape;
    const Tensor* v = value_of(in, 1);
    if (data.rank_is_dynamic()) {
      int64_t n = vector_length(in[1].shape);
      return {{in[0].type, n > 0 ? PartialShape::dynamic(static_cast<size_t>(n)) : PartialShape::dynamic_rank()}};
    }
    if (!v) return {{in[0].type, PartialShape::dynamic(static_cast<size_t>(data.rank()))}};
    std::vector<int64_t> order = permutation(*v, data.rank());
    Shape out(order.size());
    for (size_t i = 0; i < order.size(); ++i) out[i] = data[order[i]];
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    std::vector<int64_t> order = permutation(in[1], in[0].rank());
    Shape in_strides = row_major_strides(in[0].shape());
    Shape strides(order.size());
    for (size_t i = 0; i < order.size(); ++i) strides[i] = in_strides[order[i]];
    strided_copy(out[0], in[0], 0, strides);
  }
  uint64_t value_inputs() const override { return 0b10; }
};

}  // namespace

void register_transpose_ops(OpRegistry& r) {
  r.add("Transpose", {"opset1"}, [](const Attributes&) { return std::make_unique<Transpose>(); });
}

}  // namespace openarc::ops
