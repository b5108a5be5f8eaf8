// Split-1 (num_splits equal parts) and VariadicSplit-1 (given lengths, one -1 takes the rest):
// cut the data along the axis given by input 1.
#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

// Outputs whose dim `axis` (normalised, or -1 when unknown) takes `lengths` (kDynamic = unknown).
std::vector<OutputInfo> split_outputs(const InputInfo& data, int64_t axis, const std::vector<int64_t>& lengths) {
  std::vector<OutputInfo> out;
  for (int64_t len : lengths) {
    PartialShape s = data.shape;
    if (!s.rank_is_dynamic()) {
      Shape d = s.dims();
      if (axis >= 0) d[axis] = len;
      else d.assign(d.size(), kDynamic);
      s = PartialShape(d);
    }
    out.push_back({data.type, s});
  }
  return out;
}

// The axis (input 1) normalised against the data rank, or -1 when either is unknown.
int64_t read_axis(const std::vector<InputInfo>& in) {
  check_index_type(in[1].type, "axis (input 1)");
  if (!(in[1].shape.rank() <= 0 || (in[1].shape.rank() == 1 && in[1].shape[0] == 1))) fail("axis (input 1) must be a scalar, got shape ", in[1].shape.to_string());
  const Tensor* v = value_of(in, 1);
  if (!v || in[0].shape.rank_is_dynamic()) return -1;
  check(in[0].shape.rank() >= 1, "cannot split a scalar");
  return normalize_axis(scalar_int(*v, "axis (input 1)"), in[0].shape.rank());
}

// Copies each output's share of every outer row; out[k] has the data's shape but for the axis.
void split_kernel(const Tensor& data, int64_t axis, std::vector<Tensor>& out) {
  const Shape& s = data.shape();
  int64_t outer = dims_product(s, 0, axis), inner = dims_product(s, axis + 1, s.size());
  int64_t src = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (Tensor& t : out) {
      int64_t run = t.shape()[axis] * inner;
      copy_elements(t, o * run, data, src, run);
      src += run;
    }
  }
}

class Split : public Op {
 public:
  explicit Split(const Attributes& a) : num_splits_(a.i64("num_splits")) {
    check(num_splits_ >= 1, "attribute 'num_splits' must be positive, got ", num_splits_);
  }
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    int64_t axis = read_axis(in);
    int64_t len = kDynamic;
    if (axis >= 0 && in[0].shape[axis] >= 0) {
      int64_t dim = in[0].shape[axis];
      if (!(dim % num_splits_ == 0)) fail("dim ", axis, " of shape ", in[0].shape.to_string(), " (", dim,
            ") does not divide into ", num_splits_, " equal parts");
      len = dim / num_splits_;
    }
    return split_outputs(in[0], axis, std::vector<int64_t>(static_cast<size_t>(num_splits_), len));
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    split_kernel(in[0], normalize_axis(scalar_int(in[1], "axis (input 1)"), in[0].rank()), out);
  }
  uint64_t value_inputs() const override { return 0b10; }

 private:
  int64_t num_splits_;
};

class VariadicSplit : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, 3);
    int64_t axis = read_axis(in);
    check_index_type(in[2].type, "split_lengths (input 2)");
    if (!(in[2].shape.rank() == 1)) fail("split_lengths (input 2) must be 1-D, got shape ", in[2].shape.to_string());
    const Tensor* v = value_of(in, 2);
    if (!v) {
      // The number of outputs is the length of split_lengths, so that must be known.
      check(in[2].shape[0] >= 0, "split_lengths (input 2) has an unknown length, so the number of outputs is unknown");
      return split_outputs(in[0], axis, std::vector<int64_t>(static_cast<size_t>(in[2].shape[0]), kDynamic));
    }
    std::vector<int64_t> lengths = int_values(*v, "split_lengths (input 2)");
    int64_t minus_one = -1, sum = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      if (!(lengths[i] >= -1)) fail("split_lengths ", values_string(lengths), " has the negative length ", lengths[i]);
      if (lengths[i] == -1) {
        if (!(minus_one < 0)) fail("split_lengths ", values_string(lengths), " has more than one -1");
        minus_one = static_cast<int64_t>(i);
      } else {
        sum += lengths[i];
      }
    }
    int64_t dim = axis >= 0 ? in[0].shape[axis] : kDynamic;
    if (minus_one >= 0) {
      if (dim >= 0) {
        if (!(sum <= dim)) fail("split_lengths ", values_string(lengths), " add up to more than dim ", axis, " (", dim, ")");
        lengths[minus_one] = dim - sum;
      } else {
        lengths[minus_one] = kDynamic;
      }
    } else {
      if (!(dim < 0 || sum == dim)) fail("split_lengths ", values_string(lengths), " add up to ", sum, " but dim ", axis,
            " of shape ", in[0].shape.to_string(), " is ", dim);
    }
    return split_outputs(in[0], axis, lengths);
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    split_kernel(in[0], normalize_axis(scalar_int(in[1], "axis (input 1)"), in[0].rank()), out);
  }
  uint64_t value_inputs() const override { return 0b110; }
};

}  // namespace

void register_split_ops(OpRegistry& r) {
  r.add("Split", {"opset1"}, [](const Attributes& a) { return std::make_unique<Split>(a); });
  r.add("VariadicSplit", {"opset1"}, [](const Attributes&) { return std::make_unique<VariadicSplit>(); });
}

}  // namespace openarc::ops
