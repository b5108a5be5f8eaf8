// StridedSlice-1: per-axis begin/end/stride (inputs 1-3, stride optional = all 1s) with five bit
// masks over the entries of begin:
//   begin_mask[i] / end_mask[i] = 1: ignore begin[i] / end[i], use the whole dim in stride's direction;
//   new_axis_mask[i] = 1:  insert a dim of size 1 here (consumes no input dim);
//   shrink_axis_mask[i] = 1: take the single index begin[i] and drop the dim;
//   ellipsis_mask[i] = 1:  (one bit at most) stands for every input dim the other entries leave out.
// Input dims after the last entry are taken whole. begin/end follow Python slicing: negative
// values count from the end and then clamp to the dim.
#include <optional>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

// One output dim: `size` elements read from input dim `in_dim` (-1: a new axis) from `start` on,
// `step` apart. size kDynamic = unknown at load.
struct OutDim {
  int64_t size, in_dim, start, step;
};

struct Plan {
  std::vector<OutDim> dims;
  std::vector<std::pair<int64_t, int64_t>> fixed;  // shrunk input dims: (in_dim, index)
};

class StridedSlice : public Op {
 public:
  explicit StridedSlice(const Attributes& a)
      : begin_mask_(a.i64s("begin_mask")),
        end_mask_(a.i64s("end_mask")),
        new_axis_mask_(a.i64s("new_axis_mask", {})),
        shrink_axis_mask_(a.i64s("shrink_axis_mask", {})),
        ellipsis_mask_(a.i64s("ellipsis_mask", {})) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 4);
    static const char* names[] = {"", "begin (input 1)", "end (input 2)", "stride (input 3)"};
    int64_t n = -1;
    for (size_t k = 1; k < in.size(); ++k) {
      check_index_type(in[k].type, names[k]);
      if (!(in[k].shape.rank() <= 1)) fail(names[k], " must be 1-D, got shape ", in[k].shape.to_string());
      int64_t len = vector_length(in[k].shape);
      if (len < 0) continue;
      check(n < 0 || len == n, names[k], " has ", len, " values but begin/end have ", n);
      n = len;
    }
    const PartialShape& data = in[0].shape;
    if (data.rank_is_dynamic() || n < 0) return {{in[0].type, PartialShape::dynamic_rank()}};
    std::optional<std::vector<int64_t>> b, e, s;
    if (const Tensor* v = value_of(in, 1)) b = int_values(*v, names[1]);
    if (const Tensor* v = value_of(in, 2)) e = int_values(*v, names[2]);
    if (in.size() == 4) {
      if (const Tensor* v = value_of(in, 3)) s = int_values(*v, names[3]);
    } else {
      s = std::vector<int64_t>(static_cast<size_t>(n), 1);
    }
    Plan p = plan(data, n, b ? &*b : nullptr, e ? &*e : nullptr, s ? &*s : nullptr);
    Shape out;
    for (const OutDim& d : p.dims) out.push_back(d.size);
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    std::vector<int64_t> b = int_values(in[1], "begin (input 1)"), e = int_values(in[2], "end (input 2)");
    std::vector<int64_t> s = in.size() == 4 ? int_values(in[3], "stride (input 3)") : std::vector<int64_t>(b.size(), 1);
    check(e.size() == b.size() && s.size() == b.size(), "begin, end and stride differ in length");
    Plan p = plan(PartialShape(in[0].shape()), static_cast<int64_t>(b.size()), &b, &e, &s);
    Shape in_strides = row_major_strides(in[0].shape());
    int64_t base = 0;
    Shape strides;
    for (const auto& [d, index] : p.fixed) base += index * in_strides[d];
    for (const OutDim& d : p.dims) {
      if (d.in_dim >= 0 && d.size > 0) base += d.start * in_strides[d.in_dim];
      strides.push_back(d.in_dim >= 0 ? d.step * in_strides[d.in_dim] : 0);
    }
    strided_copy(out[0], in[0], base, strides);
  }
  uint64_t value_inputs() const override { return 0b1110; }

 private:
  static bool bit(const std::vector<int64_t>& mask, int64_t i) {
    return i < static_cast<int64_t>(mask.size()) && mask[i] != 0;
  }

  // Walks the n entries of begin/end/stride over the input dims. Unknown values (nullptr) or
  // dynamic input dims give dynamic sizes.
  Plan plan(const PartialShape& data, int64_t n, const std::vector<int64_t>* b, const std::vector<int64_t>* e,
            const std::vector<int64_t>* s) const {
    int64_t rank = data.rank();
    // Entries that consume an input dim; an ellipsis stands for the dims they leave.
    int64_t ellipsis_at = -1, consuming = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (bit(ellipsis_mask_, i)) {
        check(ellipsis_at < 0, "ellipsis_mask has more than one bit set");
        ellipsis_at = i;
      } else if (!bit(new_axis_mask_, i)) {
        ++consuming;
      }
    }
    check(consuming <= rank, "the slice has ", consuming, " entries that index input dims but the input has rank ",
          rank);
    Plan p;
    int64_t d = 0;  // next input dim
    auto whole = [&](int64_t dim) { p.dims.push_back({data[dim], dim, 0, 1}); };
    for (int64_t i = 0; i < n; ++i) {
      if (i == ellipsis_at) {
        for (int64_t k = 0; k < rank - consuming; ++k) whole(d++);
        continue;
      }
      if (bit(new_axis_mask_, i)) {
        p.dims.push_back({1, -1, 0, 0});
        continue;
      }
      int64_t dim = data[d];
      int64_t step = s ? (*s)[i] : 1;
      if (s && step == 0) fail("stride ", values_string(*s), " has a 0 at entry ", i);
      if (bit(shrink_axis_mask_, i)) {
        // The dim disappears; begin[i] picks the one index (negative counts from the end).
        if (b && dim >= 0) {
          int64_t index = (*b)[i] < 0 ? (*b)[i] + dim : (*b)[i];
          check(index >= 0 && index < dim, "shrink_axis_mask entry ", i, ": begin ", (*b)[i],
                " is out of range for dim ", d, " of size ", dim);
          p.fixed.push_back({d, index});
        }
        ++d;
        continue;
      }
      if (!s || dim < 0 || (!b && !bit(begin_mask_, i)) || (!e && !bit(end_mask_, i))) {
        p.dims.push_back({kDynamic, d++, 0, step});
        continue;
      }
      const int64_t* start = bit(begin_mask_, i) ? nullptr : &(*b)[i];
      const int64_t* stop = bit(end_mask_, i) ? nullptr : &(*e)[i];
      SliceRange r = python_slice(dim, start, stop, step);
      p.dims.push_back({r.count, d++, r.start, step});
    }
    while (d < rank) whole(d++);
    return p;
  }

  std::vector<int64_t> begin_mask_, end_mask_, new_axis_mask_, shrink_axis_mask_, ellipsis_mask_;
};

}  // namespace

void register_strided_slice_ops(OpRegistry& r) {
  r.add("StridedSlice", {"opset1"}, [](const Attributes& a) { return std::make_unique<StridedSlice>(a); });
}

}  // namespace openarc::ops
