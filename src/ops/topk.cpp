// TopK-1, TopK-3 and TopK-11: the k largest (mode max) or smallest (mode min) elements of every
// slice along `axis`, as values and their indices. sort=value orders them best first, sort=index
// by ascending index, sort=none (order undefined by the spec) like value. Equal values always keep
// their input order, so stable=true (TopK-11) holds whatever its value. NaN ranks below every
// number in both modes (TopK-3's NaN rule for max; for min we keep NaN last too, as numpy's sort
// does). k must be in [0, dim]: the spec leaves other values undefined, here they are an Error.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include "ops/all_ops.h"
#include "ops/float_io.h"
#include "ops/numeric_dispatch.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

enum class TopKSort { value, index, none };

template <typename T>
bool nan_value(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

class TopK : public Op {
 public:
  TopK(const Attributes& a, bool has_stable) : axis_(a.i64("axis")), max_(a.choice("mode", {"max", "min"}) == "max") {
    std::string s = a.choice("sort", {"value", "index", "none"});
    sort_ = s == "value" ? TopKSort::value : s == "index" ? TopKSort::index : TopKSort::none;
    std::string it = a.choice("index_element_type", {"i32", "i64"}, "i32");
    index_type_ = it == "i64" ? ElementType::i64 : ElementType::i32;
    if (has_stable) a.boolean("stable", false);  // validated; ties are always stable here
  }

  uint64_t value_inputs() const override { return 1u << 1; }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    check(is_numeric(in[0].type), "data must be numeric, got ", to_string(in[0].type));
    check(is_integral(in[1].type) && in[1].type != ElementType::boolean, "k must be an integer, got ",
          to_string(in[1].type));
    const PartialShape& ks = in[1].shape;
    check(ks.rank_is_dynamic() || ks.rank() == 0 || (ks.rank() == 1 && (ks[0] == 1 || ks[0] == kDynamic)),
          "k must be a scalar, got shape ", ks.to_string());
    const PartialShape& data = in[0].shape;
    if (data.rank_is_dynamic()) return {{in[0].type, data}, {index_type_, data}};
    int64_t ax = axis(data.rank());
    Shape out = data.dims();
    out[ax] = kDynamic;
    if (const Tensor* k = value_of(in, 1)) out[ax] = checked_k(*k, data[ax]);
    return {{in[0].type, PartialShape(out)}, {index_type_, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    int64_t ax = axis(in[0].rank());
    int64_t k = checked_k(in[1], in[0].shape()[ax]);
    if (is_half(in[0].type())) {
      Tensor v = f32_scratch_for(out[0]);
      run<float>(widen_to_f32(in[0]), v, out[1], ax, k);
      narrow_from_f32(v, out[0]);  // exact: every value came from an f16/bf16
      return;
    }
    dispatch_numeric(in[0].type(), "TopK", [&](auto zero) { run<decltype(zero)>(in[0], out[0], out[1], ax, k); });
  }

 private:
  int64_t axis(int64_t rank) const {
    check(rank >= 1, "data must have rank >= 1");
    check(axis_ >= -rank && axis_ < rank, "axis ", axis_, " is out of range for data of rank ", rank);
    return axis_ < 0 ? axis_ + rank : axis_;
  }

  static int64_t checked_k(const Tensor& kt, int64_t dim) {
    check(kt.size() == 1, "k must hold one value, got ", kt.size());
    int64_t k = kt.get_i64(0);
    check(k >= 0, "k must not be negative, got ", k);
    check(dim == kDynamic || k <= dim, "k = ", k, " is larger than the axis dimension ", dim);
    return k;
  }

  template <typename T>
  void run(const Tensor& x, Tensor& values, Tensor& indices, int64_t ax, int64_t k) const {
    const Shape& s = x.shape();
    int64_t outer = 1, inner = 1, n = s[ax];
    for (int64_t d = 0; d < ax; ++d) outer *= s[d];
    for (int64_t d = ax + 1; d < x.rank(); ++d) inner *= s[d];
    const T* xd = x.data<T>();
    T* vd = values.data<T>();
    // Strict total order "a ranks before b": NaN last, then by value, ties by lower index.
    auto before = [&](const T* slice, int64_t a, int64_t b) {
      T va = slice[a * inner], vb = slice[b * inner];
      bool na = nan_value(va), nb = nan_value(vb);
      if (na != nb) return nb;
      if (!na && va != vb) return max_ ? va > vb : va < vb;
      return a < b;
    };
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const T* slice = xd + o * n * inner + i;
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + k, order.end(),
                          [&](int64_t a, int64_t b) { return before(slice, a, b); });
        if (sort_ == TopKSort::index) std::sort(order.begin(), order.begin() + k);
        for (int64_t j = 0; j < k; ++j) {
          int64_t dst = (o * k + j) * inner + i;
          vd[dst] = slice[order[j] * inner];
          indices.set_i64(dst, order[j]);
        }
      }
    }
  }

  int64_t axis_;
  bool max_;
  TopKSort sort_;
  ElementType index_type_;
};

}  // namespace

void register_topk_ops(OpRegistry& r) {
  r.add("TopK", {"opset1", "opset3"}, [](const Attributes& a) { return std::make_unique<TopK>(a, false); });
  r.add("TopK", {"opset11"}, [](const Attributes& a) { return std::make_unique<TopK>(a, true); });
}

}  // namespace openarc::ops
