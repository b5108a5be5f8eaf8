// ScatterElementsUpdate-3 and -12: a copy of data where each element of updates lands at its own
// index, except along `axis` (input 3), where indices (same shape as updates) gives the position:
//   output[i][indices[i][j]] = reduce(output[i][indices[i][j]], updates[i][j])   (axis = 1)
// Version 3 overwrites and requires indices in [0, dim). Version 12 accepts negative indices
// (from the end) and reduces by `reduction` (none sum prod min max mean); with
// use_init_val=false the data values at updated positions are left out of the reduction.
#include <cstring>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"
#include "ops/scatter_reduce.h"

namespace openarc::ops {
namespace {

class ScatterElementsUpdate : public Op {
 public:
  ScatterElementsUpdate(int version, const Attributes& a)
      : version_(version),
        reduction_(version >= 12 ? parse_reduction(a, {"none", "sum", "prod", "min", "max", "mean"}) : Reduction::none),
        use_init_val_(version >= 12 ? a.boolean("use_init_val", true) : true) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 4, 4);
    if (!(in[2].type == in[0].type)) fail("updates (input 2) is ", to_string(in[2].type), " but data is ",
          to_string(in[0].type));
    check_index_type(in[1].type, "indices (input 1)");
    check_index_type(in[3].type, "axis (input 3)");
    ScatterReducer(reduction_, in[0].type).check_type();
    const PartialShape &data = in[0].shape, &idx = in[1].shape, &upd = in[2].shape;
    if (!(idx.compatible(upd))) fail("indices ", idx.to_string(), " and updates ", upd.to_string(), " must have one shape");
    if (!(data.rank_is_dynamic() || upd.rank_is_dynamic() || data.rank() == upd.rank())) fail("updates ", upd.to_string(),
          " and data ", data.to_string(), " must have the same rank");
    return {{in[0].type, data}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor &data = in[0], &upd = in[2];
    const Shape &ds = data.shape(), &us = upd.shape();
    if (data.byte_size()) std::memcpy(out[0].data(), data.data(), data.byte_size());
    check(data.rank() >= 1, "cannot scatter into a scalar");
    if (!(in[1].shape() == us)) fail("indices ", to_string(in[1].shape()), " and updates ", to_string(us),
          " must have one shape");
    if (!(us.size() == ds.size())) fail("updates ", to_string(us), " and data ", to_string(ds), " must have the same rank");
    int64_t axis = normalize_axis(scalar_int(in[3], "axis (input 3)"), data.rank());
    for (size_t d = 0; d < ds.size(); ++d)
      if (!(static_cast<int64_t>(d) == axis || us[d] <= ds[d])) fail("updates ", to_string(us), " exceed data ",
            to_string(ds), " in dim ", d);
    std::vector<int64_t> indices = int_values(in[1], "indices (input 1)");
    Shape strides = row_major_strides(ds);
    int64_t n = upd.size();
    // Target offset of every update: its own index, with indices' value along the axis.
    std::vector<int64_t> target(static_cast<size_t>(n));
    Shape pos(us.size(), 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t k = indices[i], dim = ds[axis];
      if (version_ >= 12 && k < 0) k += dim;
      check(k >= 0 && k < dim, "index ", indices[i], " is out of range for axis ", axis, " of size ", dim);
      int64_t off = 0;
      for (size_t d = 0; d < us.size(); ++d) off += (static_cast<int64_t>(d) == axis ? k : pos[d]) * strides[d];
      target[i] = off;
      for (size_t d = us.size(); d-- > 0;) {
        if (++pos[d] < us[d]) break;
        pos[d] = 0;
      }
    }
    if (reduction_ == Reduction::none) {
      for (int64_t i = 0; i < n; ++i) copy_elements(out[0], target[i], upd, i, 1);
      return;
    }
    ScatterReducer reducer(reduction_, data.type());
    std::vector<int64_t> count;  // mean: values summed into each element (0 = untouched)
    if (reduction_ == Reduction::mean) count.assign(static_cast<size_t>(data.size()), 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t t = target[i];
      if (reduction_ == Reduction::mean && use_init_val_) count[t] = 1;  // the data value counts once
      if (!use_init_val_) reducer.reset(out[0], t);
    }
    for (int64_t i = 0; i < n; ++i) {
      reducer.apply(out[0], target[i], upd, i);
      if (reduction_ == Reduction::mean) ++count[target[i]];
    }
    if (reduction_ == Reduction::mean)
      for (int64_t t = 0; t < data.size(); ++t) reducer.finish_mean(out[0], t, count[t]);
  }

 private:
  int version_;
  Reduction reduction_;
  bool use_init_val_;
};

}  // namespace

void register_scatter_elements_update_ops(OpRegistry& r) {
  r.add("ScatterElementsUpdate", {"opset3"},
        [](const Attributes& a) { return std::make_unique<ScatterElementsUpdate>(3, a); });
  r.add("ScatterElementsUpdate", {"opset12"},
        [](const Attributes& a) { return std::make_unique<ScatterElementsUpdate>(12, a); });
}

}  // namespace openarc::ops
