// Pad-1 and Pad-12: grows (or, in Pad-12, with negative pads, crops) each dim by pads_begin[i]
// before and pads_end[i] after. New elements come from pad_mode:
//   constant:  pad_value (input 3, default 0)
//   edge:      the nearest edge element            [1,2,3] pad 2 -> 1 1 [1 2 3] 3 3
//   reflect:   mirrored without the edge element   [1,2,3] pad 2 -> 3 2 [1 2 3] 2 1
//   symmetric: mirrored with the edge element      [1,2,3] pad 2 -> 2 1 [1 2 3] 3 2
#include "ops/all_ops.h"
#include "ops/movement_util.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

enum class PadMode { constant, edge, reflect, symmetric };

class Pad : public Op {
 public:
  Pad(int version, const Attributes& a) : version_(version) {
    std::string m = a.choice("pad_mode", {"constant", "edge", "reflect", "symmetric"});
    mode_ = m == "constant" ? PadMode::constant : m == "edge" ? PadMode::edge : m == "reflect" ? PadMode::reflect
                                                                                             : PadMode::symmetric;
  }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 3, mode_ == PadMode::constant ? 4 : 3);
    check_index_type(in[1].type, "pads_begin (input 1)");
    check_index_type(in[2].type, "pads_end (input 2)");
    if (in.size() == 4) {
      if (!(in[3].type == in[0].type)) fail("pad_value (input 3) is ", to_string(in[3].type), " but data is ",
            to_string(in[0].type));
      if (!(in[3].shape.rank() <= 0)) fail("pad_value (input 3) must be a scalar, got shape ", in[3].shape.to_string());
    }
    const PartialShape& data = in[0].shape;
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    Shape out = data.dims();
    const Tensor *b = value_of(in, 1), *e = value_of(in, 2);
    if (!b || !e) return {{in[0].type, PartialShape::dynamic(out.size())}};
    auto [pb, pe] = pads(*b, *e, data.rank());
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i] < 0) continue;
      check_dim(i, out[i], pb[i], pe[i]);
      out[i] += pb[i] + pe[i];
    }
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    const Tensor& data = in[0];
    const Shape &ds = data.shape(), &os = out[0].shape();
    auto [pb, pe] = pads(in[1], in[2], data.rank());
    Tensor value(data.type(), {});  // one element: the constant fill, 0 unless given
    if (in.size() == 4) copy_elements(value, 0, in[3], 0, 1);
    if (out[0].size() == 0) return;
    // For every dim, the source index of each output index (-1: the constant).
    std::vector<std::vector<int64_t>> map(ds.size());
    for (size_t d = 0; d < ds.size(); ++d) {
      check_dim(d, ds[d], pb[d], pe[d]);
      for (int64_t i = 0; i < os[d]; ++i) map[d].push_back(source(i - pb[d], ds[d]));
    }
    if (ds.empty()) {
      copy_elements(out[0], 0, data, 0, 1);
      return;
    }
    Shape strides = row_major_strides(ds);
    size_t last = ds.size() - 1;
    int64_t inner = os[last];
    Shape idx(last, 0);
    for (int64_t o = 0; o < out[0].size(); o += inner) {
      int64_t off = 0;
      bool fill = false;
      for (size_t d = 0; d < last; ++d) {
        int64_t s = map[d][idx[d]];
        fill = fill || s < 0;
        off += s * strides[d];
      }
      for (int64_t k = 0; k < inner; ++k) {
        int64_t s = map[last][k];
        if (fill || s < 0) copy_elements(out[0], o + k, value, 0, 1);
        else copy_elements(out[0], o + k, data, off + s, 1);
      }
      for (size_t d = last; d-- > 0;) {
        if (++idx[d] < os[d]) break;
        idx[d] = 0;
      }
    }
  }
  uint64_t value_inputs() const override { return 0b110; }

 private:
  std::pair<std::vector<int64_t>, std::vector<int64_t>> pads(const Tensor& b, const Tensor& e, int64_t rank) const {
    std::vector<int64_t> pb = int_values(b, "pads_begin (input 1)"), pe = int_values(e, "pads_end (input 2)");
    if (!(static_cast<int64_t>(pb.size()) == rank && static_cast<int64_t>(pe.size()) == rank)) fail("pads_begin ",
          values_string(pb), " and pads_end ", values_string(pe), " must each have one value per data dim (rank ",
          rank, ")");
    return {pb, pe};
  }

  // Checks the pads of one dim against the spec's limits for the mode.
  void check_dim(size_t d, int64_t dim, int64_t b, int64_t e) const {
    check(version_ >= 12 || (b >= 0 && e >= 0), "dim ", d, ": negative pads (", b, ", ", e, ") need Pad-12");
    check(dim + b + e >= 0, "dim ", d, " of size ", dim, " cannot be cropped by ", b, " and ", e);
    if (mode_ == PadMode::constant || dim + b + e == 0) return;
    int64_t most = std::max(b, e);
    if (most <= 0) return;
    check(dim > 0, "dim ", d, " is empty, so pad_mode ", mode_name(), " has nothing to copy");
    if (mode_ == PadMode::reflect)
      check(most <= dim - 1, "dim ", d, " of size ", dim, ": reflect pads must be below the size, got ", b, ", ", e);
    if (mode_ == PadMode::symmetric)
      check(most <= dim, "dim ", d, " of size ", dim, ": symmetric pads must not exceed the size, got ", b, ", ", e);
  }

  // The data index that output position j (relative to the data's start) reads, -1 for constant.
  int64_t source(int64_t j, int64_t dim) const {
    if (j >= 0 && j < dim) return j;
    switch (mode_) {
      case PadMode::constant: return -1;
      case PadMode::edge: return j < 0 ? 0 : dim - 1;
      case PadMode::reflect: return j < 0 ? -j : 2 * (dim - 1) - j;
      case PadMode::symmetric: return j < 0 ? -j - 1 : 2 * dim - 1 - j;
    }
    return -1;
  }
  const char* mode_name() const {
    return mode_ == PadMode::edge ? "edge" : mode_ == PadMode::reflect ? "reflect" : "symmetric";
  }

  int version_;
  PadMode mode_;
};

}  // namespace

void register_pad_ops(OpRegistry& r) {
  r.add("Pad", {"opset1"}, [](const Attributes& a) { return std::make_unique<Pad>(1, a); });
  r.add("Pad", {"opset12"}, [](const Attributes& a) { return std::make_unique<Pad>(12, a); });
}

}  // namespace openarc::ops
