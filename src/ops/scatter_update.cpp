// ScatterUpdate-3: a copy of data whose slices along `axis` (input 3) at positions indices
// (input 1) are replaced by updates (input 2):
//   output[p_0..p_{axis-1}, indices[i_0..i_{M-1}], p_{axis+1}..] = updates[p_0..p_{axis-1}, i_0..i_{M-1}, p_{axis+1}..]
// ScatterUpdate-3 defines indices in [0, dim); anything else is an error here.
#include <cstring>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class ScatterUpdate : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 4, 4);
    if (!(in[2].type == in[0].type)) fail("updates (input 2) is ", to_string(in[2].type), " but data is ",
          to_string(in[0].type));
    check_index_type(in[1].type, "indices (input 1)");
    check_index_type(in[3].type, "axis (input 3)");
    const PartialShape &data = in[0].shape, &idx = in[1].shape, &upd = in[2].shape;
    const Tensor* axis_value = value_of(in, 3);
    if (axis_value && !data.rank_is_dynamic() && !idx.rank_is_dynamic() && !upd.rank_is_dynamic()) {
      int64_t axis = normalize_axis(scalar_int(*axis_value, "axis (input 3)"), data.rank());
      // updates shape = data[:axis] + indices + data[axis+1:]
      Shape expect(data.dims().begin(), data.dims().begin() + axis);
      expect.insert(expect.end(), idx.dims().begin(), idx.dims().end());
      expect.insert(expect.end(), data.dims().begin() + axis + 1, data.dims().end());
      if (!(PartialShape(expect).compatible(upd))) fail("updates has shape ", upd.to_string(), " but data ",
            data.to_string(), " and indices ", idx.to_string(), " with axis ", axis, " need ", to_string(expect));
    }
    return {{in[0].type, data}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor &data = in[0], &upd = in[2];
    const Shape& ds = data.shape();
    if (data.byte_size()) std::memcpy(out[0].data(), data.data(), data.byte_size());
    check(data.rank() >= 1, "cannot scatter into a scalar");
    int64_t axis = normalize_axis(scalar_int(in[3], "axis (input 3)"), data.rank());
    std::vector<int64_t> indices = int_values(in[1], "indices (input 1)");
    // data as (outer, A, inner), updates as (outer, I, inner)
    int64_t outer = dims_product(ds, 0, axis), A = ds[axis], inner = dims_product(ds, axis + 1, ds.size());
    int64_t I = static_cast<int64_t>(indices.size());
    if (!(upd.size() == outer * I * inner)) fail("updates has shape ", to_string(upd.shape()), ", which does not fit data ",
          to_string(ds), " and ", I, " indices along axis ", axis);
    for (int64_t j = 0; j < I; ++j)
      check(indices[j] >= 0 && indices[j] < A, "index ", indices[j], " is out of range [0, ", A, ") for axis ", axis);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < I; ++j) copy_elements(out[0], (o * A + indices[j]) * inner, upd, (o * I + j) * inner, inner);
  }
};

}  // namespace

void register_scatter_update_ops(OpRegistry& r) {
  r.add("ScatterUpdate", {"opset3"}, [](const Attributes&) { return std::make_unique<ScatterUpdate>(); });
}

}  // namespace openarc::ops
