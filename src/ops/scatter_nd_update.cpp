// ScatterNDUpdate-3 (IR version "opset4") and ScatterNDUpdate-15: a copy of data where each
// k-tuple in the last dim of indices (k <= rank) addresses a slice data[i_0..i_{k-1}, ...] that
// takes the matching slice of updates; updates shape = indices.shape[:-1] + data.shape[k:].
// Version 3 overwrites and requires indices in [0, dim); version 15 also accepts negative indices
// (counting from the end) and combines by `reduction` (none sum sub prod min max).
#include <cstring>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"
#include "ops/scatter_reduce.h"

namespace openarc::ops {
namespace {

class ScatterNDUpdate : public Op {
 public:
  ScatterNDUpdate(int version, const Attributes& a)
      : version_(version),
        reduction_(version >= 15 ? parse_reduction(a, {"none", "sum", "sub", "prod", "min", "max"}) : Reduction::none) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 3);
    if (!(in[2].type == in[0].type)) fail("updates (input 2) is ", to_string(in[2].type), " but data is ",
          to_string(in[0].type));
    check_index_type(in[1].type, "indices (input 1)");
    ScatterReducer(reduction_, in[0].type).check_type();
    const PartialShape &data = in[0].shape, &idx = in[1].shape, &upd = in[2].shape;
    if (!data.rank_is_dynamic() && !idx.rank_is_dynamic()) {
      check(idx.rank() >= 1, "indices (input 1) must have rank 1 or more");
      int64_t k = idx[idx.rank() - 1];
      if (k >= 0) {
        check(k <= data.rank(), "indices address ", k, " dims but data has rank ", data.rank());
        Shape expect(idx.dims().begin(), idx.dims().end() - 1);
        expect.insert(expect.end(), data.dims().begin() + k, data.dims().end());
        if (!(PartialShape(expect).compatible(upd))) fail("updates has shape ", upd.to_string(), " but data ",
              data.to_string(), " and indices ", idx.to_string(), " need ", to_string(expect));
      }
    }
    return {{in[0].type, data}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor &data = in[0], &upd = in[2];
    const Shape &ds = data.shape(), &is = in[1].shape();
    if (data.byte_size()) std::memcpy(out[0].data(), data.data(), data.byte_size());
    if (!(!is.empty() && is.back() <= data.rank())) fail("indices of shape ", to_string(is), " do not fit data of rank ",
          data.rank());
    int64_t k = is.back();
    int64_t tuples = dims_product(is, 0, is.size() - 1);
    int64_t slice = dims_product(ds, static_cast<size_t>(k), ds.size());
    if (!(upd.size() == tuples * slice)) fail("updates has shape ", to_string(upd.shape()), " but ", tuples,
          " slices of ", slice, " elements are addressed");
    std::vector<int64_t> indices = int_values(in[1], "indices (input 1)");
    Shape strides = row_major_strides(ds);
    ScatterReducer reducer(reduction_, data.type());
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t off = 0;
      for (int64_t j = 0; j < k; ++j) {
        int64_t v = indices[t * k + j], dim = ds[j];
        if (version_ >= 15 && v < 0) v += dim;
        check(v >= 0 && v < dim, "index ", indices[t * k + j], " of tuple ", t, " is out of range for dim ", j,
              " of size ", dim);
        off += v * strides[j];
      }
      if (reduction_ == Reduction::none) {
        copy_elements(out[0], off, upd, t * slice, slice);
      } else {
        for (int64_t e = 0; e < slice; ++e) reducer.apply(out[0], off + e, upd, t * slice + e);
      }
    }
  }

 private:
  int version_;
  Reduction reduction_;
};

}  // namespace

void register_scatter_nd_update_ops(OpRegistry& r) {
  r.add("ScatterNDUpdate", {"opset4"}, [](const Attributes& a) { return std::make_unique<ScatterNDUpdate>(3, a); });
  r.add("ScatterNDUpdate", {"opset15"}, [](const Attributes& a) { return std::make_unique<ScatterNDUpdate>(15, a); });
}

}  // namespace openarc::ops
