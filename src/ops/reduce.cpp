// ReduceMean/Sum/Prod/Max/Min/LogicalAnd/LogicalOr-1 and ReduceL1/L2-4: reduce `data` over the
// unique axes of input 2 (scalar or 1-D, negative counts from the back), keep_dims leaving 1s.
// Per the spec, empty axes are the identity (for L1/L2 too). Over an empty set: Sum/L1/L2 give 0,
// Prod 1, LogicalAnd true, LogicalOr false, float Mean NaN (0/0); Max/Min and integer Mean have
// no value and are an Error. Floats accumulate in double; integers wrap modulo 2^64 and Mean
// truncates toward zero. NaN propagates through Max/Min.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "ops/all_ops.h"
#include "ops/float_io.h"
#include "ops/numeric_dispatch.h"
#include "ops/reduce_axes.h"
#include "ops/registry.h"

namespace openarc::ops {
namespace {

enum class ReduceKind { mean, sum, prod, max, min, l1, l2, logical_and, logical_or };

const char* kind_name(ReduceKind k) {
  switch (k) {
    case ReduceKind::mean: return "ReduceMean";
    case ReduceKind::sum: return "ReduceSum";
    case ReduceKind::prod: return "ReduceProd";
    case ReduceKind::max: return "ReduceMax";
    case ReduceKind::min: return "ReduceMin";
    case ReduceKind::l1: return "ReduceL1";
    case ReduceKind::l2: return "ReduceL2";
    case ReduceKind::logical_and: return "ReduceLogicalAnd";
    case ReduceKind::logical_or: return "ReduceLogicalOr";
  }
  return "Reduce";
}

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

// The arithmetic reductions of one numeric type T.
template <typename T>
void reduce_numeric(const Tensor& x, Tensor& y, const std::vector<int64_t>& axes, ReduceKind kind) {
  constexpr bool kFloat = std::is_floating_point_v<T>;
  using Acc = std::conditional_t<kFloat, double, uint64_t>;
  const T* xd = x.data<T>();
  T* yd = y.data<T>();
  int64_t n = y.size();
  int64_t count = n ? x.size() / n : 0;  // elements per slot
  const Shape& shape = x.shape();

  if (kind == ReduceKind::max || kind == ReduceKind::min) {
    check(count > 0 || n == 0, kind_name(kind), " over an empty set of elements has no value (data shape ",
          to_string(shape), ")");
    std::vector<bool> set(static_cast<size_t>(n), false);
    bool max = kind == ReduceKind::max;
    for_each_reduction_slot(shape, axes, [&](int64_t i, int64_t s) {
      T v = xd[i];
      if (!set[s]) yd[s] = v, set[s] = true;
      else if (!is_nan(yd[s]) && (is_nan(v) || (max ? v > yd[s] : v < yd[s]))) yd[s] = v;
    });
    return;
  }
  Acc init = kind == ReduceKind::prod ? 1 : 0;
  std::vector<Acc> acc(static_cast<size_t>(n), init);
  for_each_reduction_slot(shape, axes, [&](int64_t i, int64_t s) {
    Acc v = static_cast<Acc>(xd[i]);  // integers: two's complement bits, so wrapping arithmetic is exact
    switch (kind) {
      case ReduceKind::prod: acc[s] *= v; break;
      case ReduceKind::l1:
        if constexpr (kFloat) acc[s] += std::abs(v);
        else if constexpr (std::is_signed_v<T>) acc[s] += xd[i] < 0 ? Acc(0) - v : v;
        else acc[s] += v;
        break;
      case ReduceKind::l2: acc[s] += v * v; break;
      default: acc[s] += v; break;  // sum, mean
    }
  });
  check(kFloat || kind != ReduceKind::mean || count > 0 || n == 0,
        "ReduceMean of integers over an empty set of elements has no value (data shape ", to_string(shape), ")");
  for (int64_t s = 0; s < n; ++s) {
    Acc a = acc[s];
    if (kind == ReduceKind::mean) {
      if constexpr (kFloat) a = a / static_cast<double>(count);
      else if constexpr (std::is_signed_v<T>) a = static_cast<Acc>(static_cast<int64_t>(a) / count);
      else a = a / static_cast<uint64_t>(count);
    } else if (kind == ReduceKind::l2) {
      if constexpr (kFloat) a = std::sqrt(a);
      else a = static_cast<Acc>(std::sqrt(static_cast<double>(a)));
    }
    yd[s] = static_cast<T>(a);
  }
}

class Reduce : public Op {
 public:
  Reduce(const Attributes& a, ReduceKind kind) : keep_dims_(a.boolean("keep_dims", false)), kind_(kind) {}

  uint64_t value_inputs() const override { return 1u << 1; }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 2, 2);
    if (logical()) check(in[0].type == ElementType::boolean, "data must be boolean, got ", to_string(in[0].type));
    else check(is_numeric(in[0].type), "data must be numeric, got ", to_string(in[0].type));
    check_axes_input(in[1]);
    const PartialShape& data = in[0].shape;
    const Tensor* axes = value_of(in, 1);
    if (data.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank()}};
    int64_t rank = data.rank();
    if (!axes) {  // which axes is unknown: only the rank may be known
      if (keep_dims_) return {{in[0].type, PartialShape::dynamic(rank)}};
      const PartialShape& as = in[1].shape;
      if (as.rank_is_dynamic() || (as.rank() == 1 && as[0] == kDynamic)) return {{in[0].type, PartialShape::dynamic_rank()}};
      int64_t n = as.rank() == 0 ? 1 : as[0];
      check(n <= rank, "axes has ", n, " elements but data has rank ", rank);
      return {{in[0].type, PartialShape::dynamic(rank - n)}};
    }
    std::vector<int64_t> ax = read_axes(*axes, rank);
    std::vector<bool> reduced(rank, false);
    for (int64_t a : ax) reduced[a] = true;
    Shape out;
    for (int64_t d = 0; d < rank; ++d) {
      if (!reduced[d]) out.push_back(data[d]);
      else if (keep_dims_) out.push_back(1);
    }
    return {{in[0].type, PartialShape(out)}};
  }

  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    std::vector<int64_t> axes = read_axes(in[1], in[0].rank());
    if (axes.empty()) {  // the spec's particular case 1: the identity
      if (in[0].byte_size()) std::memcpy(out[0].data(), in[0].data(), in[0].byte_size());
      return;
    }
    if (logical()) {
      const uint8_t* x = in[0].data<uint8_t>();
      uint8_t* y = out[0].data<uint8_t>();
      bool is_and = kind_ == ReduceKind::logical_and;
      std::fill(y, y + out[0].size(), is_and ? 1 : 0);
      for_each_reduction_slot(in[0].shape(), axes, [&](int64_t i, int64_t s) {
        y[s] = is_and ? (y[s] && x[i]) : (y[s] || x[i]);
      });
      return;
    }
    if (is_half(in[0].type())) {
      Tensor y = f32_scratch_for(out[0]);
      reduce_numeric<float>(widen_to_f32(in[0]), y, axes, kind_);
      narrow_from_f32(y, out[0]);
      return;
    }
    dispatch_numeric(in[0].type(), kind_name(kind_), [&](auto zero) {
      reduce_numeric<decltype(zero)>(in[0], out[0], axes, kind_);
    });
  }

 private:
  bool logical() const { return kind_ == ReduceKind::logical_and || kind_ == ReduceKind::logical_or; }

  bool keep_dims_;
  ReduceKind kind_;
};

}  // namespace

void register_reduce_ops(OpRegistry& r) {
  auto add = [&r](const char* type, const char* version, ReduceKind kind) {
    r.add(type, {version}, [kind](const Attributes& a) { return std::make_unique<Reduce>(a, kind); });
  };
  add("ReduceMean", "opset1", ReduceKind::mean);
  add("ReduceSum", "opset1", ReduceKind::sum);
  add("ReduceProd", "opset1", ReduceKind::prod);
  add("ReduceMax", "opset1", ReduceKind::max);
  add("ReduceMin", "opset1", ReduceKind::min);
  add("ReduceLogicalAnd", "opset1", ReduceKind::logical_and);
  add("ReduceLogicalOr", "opset1", ReduceKind::logical_or);
  add("ReduceL1", "opset4", ReduceKind::l1);
  add("ReduceL2", "opset4", ReduceKind::l2);
}

}  // namespace openarc::ops
