// Gather-1, Gather-7 and Gather-8: take slices of data along `axis` (input 2) at the positions in
// `indices` (input 1); the first batch_dims dims of data and indices are shared batches.
//   output[p_0..p_{axis-1}, i_b..i_{M-1}, p_{axis+1}..] =
//       data[p_0..p_{axis-1}, indices[p_0..p_{b-1}, i_b..i_{M-1}], p_{axis+1}..]
// Index values: Gather-8 accepts [-dim, dim) (negatives count from the end) and fills zeros for
// anything else; Gather-1/7 define only [0, dim), so other values are an error here.
#include <algorithm>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class Gather : public Op {
 public:
  Gather(int version, const Attributes& a) : version_(version), batch_dims_(version >= 7 ? a.i64("batch_dims", 0) : 0) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 3);
    check_index_type(in[1].type, "indices (input 1)");
    check_index_type(in[2].type, "axis (input 2)");
    if (!(in[2].shape.rank() <= 0 || (in[2].shape.rank() == 1 && in[2].shape[0] == 1))) fail("axis (input 2) must be a scalar, got shape ", in[2].shape.to_string());
    const PartialShape& data = in[0].shape;
    const PartialShape& idx = in[1].shape;
    if (data.rank_is_dynamic() || idx.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    int64_t bd = batch_dims(data.rank(), idx.rank());
    const Tensor* axis_value = value_of(in, 2);
    if (!axis_value) {
      check(data.rank() >= 1, "cannot gather from a scalar");
      return {{in[0].type, PartialShape::dynamic(static_cast<size_t>(data.rank() - 1 + idx.rank() - bd))}};
    }
    int64_t axis = gather_axis(*axis_value, data.rank(), bd);
    Shape out;
    for (int64_t d = 0; d < axis; ++d) {
      int64_t v = data[d];
      if (d < bd) {
        // Batch dims are shared: equal where both are known.
        if (!(v < 0 || idx[d] < 0 || v == idx[d])) fail("batch dim ", d, " differs between data ", data.to_string(),
              " and indices ", idx.to_string());
        if (v < 0) v = idx[d];
      }
      out.push_back(v);
    }
    for (int64_t d = bd; d < idx.rank(); ++d) out.push_back(idx[d]);
    for (int64_t d = axis + 1; d < data.rank(); ++d) out.push_back(data[d]);
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor& data = in[0];
    const Shape& ds = data.shape();
    int64_t bd = batch_dims(data.rank(), in[1].rank());
    int64_t axis = gather_axis(in[2], data.rank(), bd);
    for (int64_t d = 0; d < bd; ++d)
      if (in[1].shape()[d] != ds[d])
        fail("batch dim ", d, " differs between data ", to_string(ds), " and indices ", to_string(in[1].shape()));
    std::vector<int64_t> indices = int_values(in[1], "indices (input 1)");
    // data viewed as (B, O, A, inner), indices as (B, I), output as (B, O, I, inner).
    int64_t B = dims_product(ds, 0, bd), O = dims_product(ds, bd, axis), A = ds[axis];
    int64_t inner = dims_product(ds, axis + 1, ds.size());
    int64_t I = B == 0 ? 0 : static_cast<int64_t>(indices.size()) / B;
    for (int64_t b = 0; b < B; ++b) {
      for (int64_t o = 0; o < O; ++o) {
        for (int64_t i = 0; i < I; ++i) {
          int64_t k = indices[b * I + i];
          int64_t dst = ((b * O + o) * I + i) * inner;
          if (version_ >= 8 && k < 0) k += A;
          if (k < 0 || k >= A) {
            if (!(version_ >= 8)) fail("index ", indices[b * I + i], " is out of range [0, ", A, ") for axis ", axis,
                  " of data ", to_string(ds));
            zero_elements(out[0], dst, inner);  // Gather-8: out-of-range indices give zeros
            continue;
          }
          copy_elements(out[0], dst, data, ((b * O + o) * A + k) * inner, inner);
        }
      }
    }
  }
  uint64_t value_inputs() const override { return 0b100; }

 private:
  // batch_dims normalised (a negative value counts from the indices rank) and checked.
  int64_t batch_dims(int64_t data_rank, int64_t idx_rank) const {
    int64_t bd = batch_dims_ < 0 ? batch_dims_ + idx_rank : batch_dims_;
    check(bd >= 0 && bd <= std::min(data_rank, idx_rank), "batch_dims ", batch_dims_,
          " is out of range for data rank ", data_rank, " and indices rank ", idx_rank);
    return bd;
  }
  int64_t gather_axis(const Tensor& v, int64_t data_rank, int64_t bd) const {
    check(data_rank >= 1, "cannot gather from a scalar");
    int64_t axis = normalize_axis(scalar_int(v, "axis (input 2)"), data_rank);
    check(axis >= bd, "axis ", axis, " must not be less than batch_dims ", bd);
    return axis;
  }

  int version_;
  int64_t batch_dims_;
};

}  // namespace

void register_gather_ops(OpRegistry& r) {
  r.add("Gather", {"opset1"}, [](const Attributes& a) { return std::make_unique<Gather>(1, a); });
  r.add("Gather", {"opset7"}, [](const Attributes& a) { return std::make_unique<Gather>(7, a); });
  r.add("Gather", {"opset8"}, [](const Attributes& a) { return std::make_unique<Gather>(8, a); });
}

}  // namespace openarc::ops
