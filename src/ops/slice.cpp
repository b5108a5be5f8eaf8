// Slice-8: data[start:stop:step] per listed axis (input 4, default 0..len-1; negative axes count
// from the end), Python rules: negative start/stop count from the end, out-of-range values clamp,
// a negative step walks backwards. Axes not listed are taken whole.
#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class Slice : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 4, 5);
    static const char* names[] = {"", "start (input 1)", "stop (input 2)", "step (input 3)", "axes (input 4)"};
    int64_t n = -1;
    for (size_t k = 1; k < in.size(); ++k) {
      check_index_type(in[k].type, names[k]);
      if (!(in[k].shape.rank() == 1 || in[k].shape.rank_is_dynamic())) fail(names[k], " must be 1-D, got shape ",
            in[k].shape.to_string());
      int64_t len = vector_length(in[k].shape);
      if (len < 0) continue;
      check(n < 0 || len == n, names[k], " has ", len, " values but the other inputs have ", n);
      n = len;
    }
    const PartialShape& data = in[0].shape;
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    check(data.rank() >= 1, "cannot slice a scalar");
    const Tensor *start = value_of(in, 1), *stop = value_of(in, 2), *step = value_of(in, 3);
    const Tensor* axes = in.size() == 5 ? value_of(in, 4) : nullptr;
    Shape out = data.dims();
    if (in.size() == 5 && !axes) return {{in[0].type, PartialShape::dynamic(out.size())}};
    if (!start || !stop || !step) {
      // Which axes change is known, their sizes are not.
      if (axes) {
        for (int64_t a : normalize_axes(int_values(*axes, names[4]), data.rank(), "axes (input 4)")) out[a] = kDynamic;
        return {{in[0].type, PartialShape(out)}};
      }
      if (n < 0) return {{in[0].type, PartialShape::dynamic(out.size())}};
      check(n <= data.rank(), "start has ", n, " values but the data has rank ", data.rank());
      for (int64_t a = 0; a < n; ++a) out[a] = kDynamic;
      return {{in[0].type, PartialShape(out)}};
    }
    for (const Axis& a : plan(data.rank(), *start, *stop, *step, axes)) {
      int64_t dim = data[a.axis];
      out[a.axis] = dim < 0 ? kDynamic : python_slice(dim, &a.start, &a.stop, a.step).count;
    }
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Shape& ds = in[0].shape();
    Shape in_strides = row_major_strides(ds);
    Shape strides = in_strides;  // unlisted axes: whole, step 1
    int64_t base = 0;
    bool empty = out[0].size() == 0;
    for (const Axis& a : plan(in[0].rank(), in[1], in[2], in[3], in.size() == 5 ? &in[4] : nullptr)) {
      SliceRange r = python_slice(ds[a.axis], &a.start, &a.stop, a.step);
      if (!empty) base += r.start * in_strides[a.axis];
      strides[a.axis] = a.step * in_strides[a.axis];
    }
    strided_copy(out[0], in[0], base, strides);
  }
  uint64_t value_inputs() const override { return 0b11110; }

 private:
  struct Axis {
    int64_t axis, start, stop, step;
  };

  // The (axis, start, stop, step) entries, checked: equal lengths, axes in range and distinct,
  // steps non-zero.
  static std::vector<Axis> plan(int64_t rank, const Tensor& start, const Tensor& stop, const Tensor& step,
                                const Tensor* axes) {
    std::vector<int64_t> b = int_values(start, "start (input 1)"), e = int_values(stop, "stop (input 2)"),
                         s = int_values(step, "step (input 3)");
    check(e.size() == b.size() && s.size() == b.size(), "start, stop and step differ in length (", b.size(), ", ",
          e.size(), ", ", s.size(), ")");
    std::vector<int64_t> ax;
    if (axes) {
      ax = normalize_axes(int_values(*axes, "axes (input 4)"), rank, "axes (input 4)");
      check(ax.size() == b.size(), "axes has ", ax.size(), " values but start has ", b.size());
    } else {
      check(static_cast<int64_t>(b.size()) <= rank, "start has ", b.size(), " values but the data has rank ", rank);
      for (size_t i = 0; i < b.size(); ++i) ax.push_back(static_cast<int64_t>(i));
    }
    std::vector<Axis> out;
    for (size_t i = 0; i < b.size(); ++i) {
      if (!(s[i] != 0)) fail("step ", values_string(s), " has a 0 at entry ", i);
      out.push_back({ax[i], b[i], e[i], s[i]});
    }
    return out;
  }
};

}  // namespace

void register_slice_ops(OpRegistry& r) {
  r.add("Slice", {"opset8"}, [](const Attributes&) { return std::make_unique<Slice>(); });
}

}  // namespace openarc::ops
