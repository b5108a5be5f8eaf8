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
    std::vector<bool> copied(data.rank_is_dynamic() ? 0 : static_cast<size_t>(data.rank()), false);
    int64_t minus_one = -1;  // position of the -1 to infer
    for (size_t i = 0; i < t.size(); ++i) {
      if (t[i] == -1) {
        if (minus_one >= 0) fail("target shape ", values_string(t), " has more than one -1");
        minus_one = static_cast<int64_t>(i);
        out[i] = kDynamic;
      } else if (t[i] == 0 && special_zero_) {
        // special_zero: a 0 copies the input dim at the same index.
        if (data.rank_is_dynamic()) {
          out[i] = kDynamic;
          continue;
        }
        if (static_cast<int64_t>(i) >= data.rank())
          fail("target shape ", values_string(t), " has a 0 (copy the input dim) at index ", i,
               " but the input has rank ", data.rank());
        out[i] = data[i];
        copied[i] = true;
      } else {
        if (t[i] < 0) fail("target shape ", values_string(t), " has the negative dim ", t[i], " at index ", i);
        out[i] = t[i];
      }
    }
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape(out)}};
    // A copied dim stands on both sides, so it cancels: what remains must match, and the -1
    // is the quotient. This also works when the copied dims are dynamic.
    int64_t in_rest = 1, out_rest = 1;
    for (int64_t i = 0; i < data.rank(); ++i) {
      if (copied[i]) continue;
      if (data[i] < 0) return {{in[0].type, PartialShape(out)}};
      in_rest = checked_mul(in_rest, data[i]);
    }
    for (size_t i = 0; i < out.size(); ++i)
      if (static_cast<int64_t>(i) != minus_one && !(i < copied.size() && copied[i])) out_rest = checked_mul(out_rest, out[i]);
    if (minus_one >= 0) {
      // With another 0 dim the output is empty whatever the -1 is; 0 keeps it so.
      if (out_rest == 0) {
        if (in_rest != 0) fail("cannot reshape ", data.to_string(), " to ", values_string(t), ": the other dims multiply to 0");
        out[minus_one] = 0;
      } else {
        if (in_rest % out_rest != 0)
          fail("cannot reshape ", data.to_string(), " to ", values_string(t), ": ", in_rest, " is not a multiple of ",
               out_rest);
        out[minus_one] = in_rest / out_rest;
      }
    } else if (in_rest != out_rest) {
      fail("cannot reshape ", data.to_string(), " to ", values_string(t), ": element counts differ");
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
