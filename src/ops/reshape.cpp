// Reshape-1: the same elements under another shape, given by the values of input 1.
#include <cstring>

#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class Reshape : public Op {
 public:
  explicit Reshape(const Attributes& a) : special_zero_(a.boolean("special_zero")) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check_index_type(in[1].type, "target shape (input 1)");
    check_rank_at_most_1(in[1].shape, "target shape (input 1)");
    const PartialShape& data = in[0].shape;
    const Tensor* target = value_of(in, 1);
    if (!target) {
      int64_t n = vector_length(in[1].shape);
      return {{in[0].type, n < 0 ? PartialShape::dynamic_rank() : PartialShape::dynamic(static_cast<size_t>(n))}};
    }
    std::vector<int64_t> t = int_values(*target, "target shape (input 1)");
    Shape out(t.size());
    int64_t minus_one = -1;  // position of the -1 to infer
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == -1) {
        if (!(minus_one < 0)) fail("target shape ", values_string(t), " has more than one -1");
        minus_one = static_cast<int64_t>(i);
        out[i] = kDynamic;
      } else if (t[i] == 0 && special_zero_) {
        // special_zero: a 0 copies the input dim at the same index.
        if (!(data.rank_is_dynamic() || static_cast<int64_t>(i) < data.rank())) fail("target shape ", values_string(t),
              " has a 0 (copy the input dim) at index ", i, " but the input has rank ", data.rank());
        out[i] = data.rank_is_dynamic() ? kDynamic : data[i];
      } else {
        if (!(t[i] >= 0)) fail("target shape ", values_string(t), " has the negative dim ", t[i], " at index ", i);
        out[i] = t[i];
      }
    }
    if (!data.is_static()) return {{in[0].type, PartialShape(out)}};
    int64_t in_size = shape_size(data.dims());
    int64_t known = 1;
    bool all_known = true;
    for (size_t i = 0; i < out.size(); ++i) {
      if (static_cast<int64_t>(i) == minus_one) continue;
      if (out[i] < 0) all_known = false;
      else known *= out[i];
    }
    if (!all_known) return {{in[0].type, PartialShape(out)}};
    if (minus_one >= 0) {
      // The -1 takes whatever size is left; with an empty input and another 0 dim any value
      // gives an empty output, and 0 is the one that keeps it empty.
      if (known == 0) {
        if (!(in_size == 0)) fail("cannot reshape ", data.to_string(), " to ", values_string(t),
              ": the other dims multiply to 0");
        out[minus_one] = 0;
      } else {
        if (!(in_size % known == 0)) fail("cannot reshape ", data.to_string(), " (", in_size, " elements) to ",
              values_string(t), ": ", in_size, " is not a multiple of ", known);
        out[minus_one] = in_size / known;
      }
    } else {
      if (!(known == in_size)) fail("cannot reshape ", data.to_string(), " (", in_size, " elements) to ", to_string(out),
            " (", known, " elements)");
    }
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    // Row-major order is unchanged: the bytes are the same.
    if (in[0].byte_size()) std::memcpy(out[0].data(), in[0].data(), in[0].byte_size());
  }
  uint64_t value_inputs() const override { return 0b10; }

 private:
  bool special_zero_;
};

}  // namespace

void register_reshape_ops(OpRegistry& r) {
  r.add("Reshape", {"opset1"}, [](const Attributes& a) { return std::make_unique<Reshape>(a); });
}

}  // namespace openarc::ops
