// Squeeze-1 and Unsqueeze-1: remove or insert dims of size 1. The elements do not move.
#include <algorithm>
#include <cstring>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

void copy_all(const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  if (in[0].byte_size()) std::memcpy(out[0].data(), in[0].data(), in[0].byte_size());
}

// Squeeze-1: input 1 (optional) lists the axes to remove. Without it (or with an empty list)
// every dim of size 1 goes. Since the 2024.3 spec a listed dim whose size is not 1 is kept as it
// is (earlier releases raised an error); a listed dynamic dim counts as 1.
class Squeeze : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 2);
    const PartialShape& data = in[0].shape;
    std::vector<int64_t> axes;
    bool all_ones = in.size() == 1;
    if (in.size() == 2) {
      check_index_type(in[1].type, "axes (input 1)");
      check_rank_at_most_1(in[1].shape, "axes (input 1)");
      const Tensor* v = value_of(in, 1);
      if (!v) {
        // Only when every dim is 1 does the number of axes tell the output rank.
        int64_t k = vector_length(in[1].shape);
        bool all_one = !data.rank_is_dynamic();
        for (size_t i = 0; all_one && i < data.dims().size(); ++i) all_one = data[i] == 1;
        if (!all_one || k <= 0) return {{in[0].type, PartialShape::dynamic_rank()}};
        check(k <= data.rank(), "axes (input 1) lists ", k, " axes but the input has rank ", data.rank());
        return {{in[0].type, PartialShape(Shape(static_cast<size_t>(data.rank() - k), 1))}};
      }
      axes = int_values(*v, "axes (input 1)");
      all_ones = axes.empty();  // an empty axes list behaves like no axes
    }
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    Shape out;
    if (all_ones) {
      // Which dims are 1 is unknown while some are dynamic, and so is the output rank.
      if (!data.is_static()) return {{in[0].type, PartialShape::dynamic_rank()}};
      for (int64_t d : data.dims())
        if (d != 1) out.push_back(d);
      return {{in[0].type, PartialShape(out)}};
    }
    std::vector<int64_t> norm = normalize_axes(axes, data.rank(), "Squeeze axes");
    std::vector<bool> drop(static_cast<size_t>(data.rank()), false);
    // A listed dim goes if it is 1 or dynamic (it may be 1); any other size stays as it is.
    for (int64_t a : norm) drop[a] = data[a] == 1 || data[a] == kDynamic;
    for (int64_t i = 0; i < data.rank(); ++i)
      if (!drop[i]) out.push_back(data[i]);
    return {{in[0].type, PartialShape(out)}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override { copy_all(in, out); }
  uint64_t value_inputs() const override { return 0b10; }
};

// Unsqueeze-1: inserts a dim of size 1 at each axis of input 1, axes counted in the output rank.
class Unsqueeze : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check_index_type(in[1].type, "axes (input 1)");
    check_rank_at_most_1(in[1].shape, "axes (input 1)");
    const PartialShape& data = in[0].shape;
    const Tensor* v = value_of(in, 1);
    if (!v) {
      int64_t k = vector_length(in[1].shape);
      if (data.rank_is_dynamic() || k < 0) return {{in[0].type, PartialShape::dynamic_rank()}};
      return {{in[0].type, PartialShape::dynamic(static_cast<size_t>(data.rank() + k))}};
    }
    std::vector<int64_t> axes = int_values(*v, "axes (input 1)");
    check(!axes.empty(), "axes (input 1) is empty");
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    int64_t rank = data.rank() + static_cast<int64_t>(axes.size());
    std::vector<int64_t> norm = normalize_axes(axes, rank, "Unsqueeze axes");
    Shape out(static_cast<size_t>(rank), 0);
    std::vector<bool> inserted(static_cast<size_t>(rank), false);
    for (int64_t a : norm) inserted[a] = true;
    size_t j = 0;
    for (int64_t i = 0; i < rank; ++i) out[i] = inserted[i] ? 1 : data[j++];
    return {{in[0].type, PartialShape(out)}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override { copy_all(in, out); }
  uint64_t value_inputs() const override { return 0b10; }
};

}  // namespace

void register_squeeze_unsqueeze_ops(OpRegistry& r) {
  r.add("Squeeze", {"opset1"}, [](const Attributes&) { return std::make_unique<Squeeze>(); });
  r.add("Unsqueeze", {"opset1"}, [](const Attributes&) { return std::make_unique<Unsqueeze>(); });
}

}  // namespace openarc::ops
