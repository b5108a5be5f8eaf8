// Broadcast-1 and Broadcast-3: stretch data to a target shape (input 1).
//   numpy:         output shape = target; data aligns right, each data dim is 1 or the target's.
//   explicit:      output shape = target; data dim i goes to output axis axes_mapping[i] (input 2).
//   bidirectional: (Broadcast-3) output shape = numpy broadcast of data shape and target.
#include <algorithm>

#include "ops/all_ops.h"
#include "ops/broadcast_shapes.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

enum class Mode { numpy, explicit_axes, bidirectional };

class Broadcast : public Op {
 public:
  Broadcast(int version, const Attributes& a) {
    std::vector<std::string> modes = {"numpy", "explicit"};
    if (version >= 3) modes.push_back("bidirectional");
    std::string m = a.choice("mode", modes, "numpy");
    mode_ = m == "numpy" ? Mode::numpy : m == "explicit" ? Mode::explicit_axes : Mode::bidirectional;
  }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, mode_ == Mode::explicit_axes ? 3 : 2, mode_ == Mode::explicit_axes ? 3 : 2);
    check_index_type(in[1].type, "target_shape (input 1)");
    if (!(in[1].shape.rank() <= 1)) fail("target_shape (input 1) must be 1-D, got shape ", in[1].shape.to_string());
    const PartialShape& data = in[0].shape;
    const Tensor* tv = value_of(in, 1);
    if (!tv) {
      int64_t n = vector_length(in[1].shape);
      if (n < 0 || (mode_ == Mode::bidirectional && data.rank_is_dynamic()))
        return {{in[0].type, PartialShape::dynamic_rank()}};
      if (mode_ == Mode::bidirectional) n = std::max(n, data.rank());
      return {{in[0].type, PartialShape::dynamic(static_cast<size_t>(n))}};
    }
    std::vector<int64_t> target = int_values(*tv, "target_shape (input 1)");
    for (int64_t d : target)
      if (!(d >= 0)) fail("target_shape ", values_string(target), " has a negative dim");
    if (mode_ == Mode::bidirectional) return {{in[0].type, broadcast_numpy(data, PartialShape(target))}};
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape(target)}};
    if (mode_ == Mode::numpy) {
      if (!(data.rank() <= static_cast<int64_t>(target.size()))) fail("data of shape ", data.to_string(),
            " has more dims than target_shape ", values_string(target));
      size_t off = target.size() - static_cast<size_t>(data.rank());
      for (int64_t i = 0; i < data.rank(); ++i)
        if (!(data[i] < 0 || data[i] == 1 || data[i] == target[off + i])) fail("data of shape ", data.to_string(),
              " does not broadcast to ", values_string(target), " (dim ", i, ")");
    } else {
      const Tensor* av = value_of(in, 2);
      if (av) axes_mapping(*av, data.dims(), target);
    }
    return {{in[0].type, PartialShape(target)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Shape& is = in[0].shape();
    const Shape& os = out[0].shape();
    Shape strides;
    if (mode_ == Mode::explicit_axes) {
      std::vector<int64_t> axes = axes_mapping(in[2], is, os);
      Shape in_strides = row_major_strides(is);
      strides.assign(os.size(), 0);
      for (size_t i = 0; i < axes.size(); ++i) strides[axes[i]] = is[i] == 1 ? 0 : in_strides[i];
    } else {
      strides = broadcast_strides(is, os);
    }
    strided_copy(out[0], in[0], 0, strides);
  }
  uint64_t value_inputs() const override { return mode_ == Mode::explicit_axes ? 0b110 : 0b10; }

 private:
  // axes_mapping checked: one increasing output axis per data dim, whose size matches (or is 1).
  static std::vector<int64_t> axes_mapping(const Tensor& v, const Shape& data, const std::vector<int64_t>& target) {
    std::vector<int64_t> axes = int_values(v, "axes_mapping (input 2)");
    if (!(axes.size() == data.size())) fail("axes_mapping ", values_string(axes), " has ", axes.size(),
          " entries but data has rank ", data.size());
    for (size_t i = 0; i < axes.size(); ++i) {
      if (!(axes[i] >= 0 && axes[i] < static_cast<int64_t>(target.size()))) fail("axes_mapping ", values_string(axes),
            " names axis ", axes[i], ", outside target rank ", target.size());
      if (!(i == 0 || axes[i] > axes[i - 1])) fail("axes_mapping ", values_string(axes), " is not increasing");
      check(data[i] < 0 || data[i] == 1 || data[i] == target[axes[i]], "data dim ", i, " (", data[i],
            ") does not match target dim ", axes[i], " (", target[axes[i]], ")");
    }
    return axes;
  }

  Mode mode_;
};

}  // namespace

void register_broadcast_ops(OpRegistry& r) {
  r.add("Broadcast", {"opset1"}, [](const Attributes& a) { return std::make_unique<Broadcast>(1, a); });
  r.add("Broadcast", {"opset3"}, [](const Attributes& a) { return std::make_unique<Broadcast>(3, a); });
}

}  // namespace openarc::ops
