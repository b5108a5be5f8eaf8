// Concat-1: joins its inputs along `axis` (negative counts from the end); every other dim must
// match. Zero-length inputs are allowed and contribute nothing.
#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

class Concat : public Op {
 public:
  explicit Concat(const Attributes& a) : axis_(a.i64("axis")) {}

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check(!in.empty(), "expects at least one input");
    ElementType type = in[0].type;
    int64_t rank = -1;
    for (size_t k = 0; k < in.size(); ++k) {
      if (!(in[k].type == type)) fail("input ", k, " is ", to_string(in[k].type), " but input 0 is ", to_string(type));
      if (in[k].shape.rank_is_dynamic()) continue;
      if (rank < 0) rank = in[k].shape.rank();
      check(in[k].shape.rank() == rank, "input ", k, " has rank ", in[k].shape.rank(), " but an earlier input has rank ",
            rank);
    }
    if (rank < 0) return {{type, PartialShape::dynamic_rank()}};
    check(rank >= 1, "cannot concatenate scalars");
    int64_t axis = normalize_axis(axis_, rank);
    Shape out(static_cast<size_t>(rank), kDynamic);
    out[axis] = 0;
    for (size_t k = 0; k < in.size(); ++k) {
      const PartialShape& s = in[k].shape;
      if (s.rank_is_dynamic()) {
        out[axis] = kDynamic;
        continue;
      }
      for (int64_t d = 0; d < rank; ++d) {
        if (d == axis) {
          out[d] = out[d] < 0 || s[d] < 0 ? kDynamic : out[d] + s[d];
        } else if (s[d] >= 0) {
          if (!(out[d] < 0 || out[d] == s[d])) fail("input ", k, " has shape ", s.to_string(), ", which differs from ",
                "the other inputs in dim ", d, " (only the axis ", axis, " may differ)");
          out[d] = s[d];
        }
      }
    }
    return {{type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Shape& os = out[0].shape();
    int64_t axis = normalize_axis(axis_, static_cast<int64_t>(os.size()));
    int64_t outer = dims_product(os, 0, axis);
    int64_t inner = dims_product(os, axis + 1, os.size());
    // (outer, sum of axis dims, inner): each input fills a contiguous run of every outer row.
    int64_t dst = 0;
    for (int64_t o = 0; o < outer; ++o) {
      for (const Tensor& t : in) {
        int64_t run = t.shape()[axis] * inner;
        copy_elements(out[0], dst, t, o * run, run);
        dst += run;
      }
    }
  }

 private:
  int64_t axis_;
};

}  // namespace

void register_concat_ops(OpRegistry& r) {
  r.add("Concat", {"opset1"}, [](const Attributes& a) { return std::make_unique<Concat>(a); });
}

}  // namespace openarc::ops
