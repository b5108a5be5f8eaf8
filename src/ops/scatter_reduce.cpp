#include "ops/scatter_reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace openarc::ops {

Reduction parse_reduction(const Attributes& a, const std::vector<std::string>& allowed) {
  std::string r = a.choice("reduction", allowed, "none");
  if (r == "sum") return Reduction::sum;
  if (r == "sub") return Reduction::sub;
  if (r == "prod") return Reduction::prod;
  if (r == "min") return Reduction::min;
  if (r == "max") return Reduction::max;
  if (r == "mean") return Reduction::mean;
  return Reduction::none;
}

ScatterReducer::ScatterReducer(Reduction r, ElementType t) : r_(r), t_(t), float_(is_float(t)) {}

void ScatterReducer::check_type() const {
  if (!(r_ == Reduction::none || !is_sub_byte(t_))) fail("reductions are not defined for ", to_string(t_), " data");
}

namespace {

// Largest and smallest values of an integer type of `bits` bits.
int64_t int_max(ElementType t) {
  size_t bits = bit_width(t);
  if (t == ElementType::boolean) return 1;
  if (bits >= 64) return std::numeric_limits<int64_t>::max();  // u64 beyond this is not modelled
  return is_signed(t) ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
}
int64_t int_min(ElementType t) {
  size_t bits = bit_width(t);
  if (!is_signed(t)) return 0;
  return bits >= 64 ? std::numeric_limits<int64_t>::min() : -(int64_t{1} << (bits - 1));
}

// Wrapping integer arithmetic (two's complement), as fixed-width types behave.
int64_t wrap_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t wrap_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t wrap_mul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }

}  // namespace

void ScatterReducer::reset(Tensor& out, int64_t i) const {
  if (float_) {
    double inf = std::numeric_limits<double>::infinity();
    out.set_f64(i, r_ == Reduction::prod ? 1.0 : r_ == Reduction::min ? inf : r_ == Reduction::max ? -inf : 0.0);
  } else {
    out.set_i64(i, r_ == Reduction::prod ? 1 : r_ == Reduction::min ? int_max(t_) : r_ == Reduction::max ? int_min(t_) : 0);
  }
}

void ScatterReducer::apply(Tensor& out, int64_t i, const Tensor& upd, int64_t j) const {
  if (float_) {
    double a = out.get_f64(i), b = upd.get_f64(j), v = b;
    switch (r_) {
      case Reduction::none: v = b; break;
      case Reduction::sum:
      case Reduction::mean: v = a + b; break;
      case Reduction::sub: v = a - b; break;
      case Reduction::prod: v = a * b; break;
      case Reduction::min: v = std::min(a, b); break;
      case Reduction::max: v = std::max(a, b); break;
    }
    out.set_f64(i, v);
    return;
  }
  int64_t a = out.get_i64(i), b = upd.get_i64(j), v = b;
  switch (r_) {
    case Reduction::none: v = b; break;
    case Reduction::sum:
    case Reduction::mean: v = wrap_add(a, b); break;
    case Reduction::sub: v = wrap_sub(a, b); break;
    case Reduction::prod: v = wrap_mul(a, b); break;
    case Reduction::min: v = std::min(a, b); break;
    case Reduction::max: v = std::max(a, b); break;
  }
  out.set_i64(i, v);
}

void ScatterReducer::finish_mean(Tensor& out, int64_t i, int64_t count) const {
  if (count <= 0) return;
  if (float_) {
    out.set_f64(i, out.get_f64(i) / static_cast<double>(count));
  } else {
    out.set_i64(i, static_cast<int64_t>(std::floor(static_cast<double>(out.get_i64(i)) / static_cast<double>(count))));
  }
}

}  // namespace openarc::ops
