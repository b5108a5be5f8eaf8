// The reduction attribute shared by ScatterNDUpdate-15 and ScatterElementsUpdate-12: how an
// update combines with the element it lands on. Element-wise through Tensor's get/set (any type),
// since reductions are rare in exports; the plain overwrite ("none") copies bytes instead.
#pragma once

#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/tensor.h"

namespace openarc::ops {

enum class Reduction { none, sum, sub, prod, min, max, mean };

// Reads attribute `reduction` (default "none"), accepting only the names in `allowed`.
Reduction parse_reduction(const Attributes& a, const std::vector<std::string>& allowed);

class ScatterReducer {
 public:
  ScatterReducer(Reduction r, ElementType t);
  // Throws unless the reduction applies to the element type (sub-byte types take "none" only).
  void check_type() const;
  // out[i] = the reduction's neutral value (sum/sub/mean 0, prod 1, min +max, max lowest).
  void reset(Tensor& out, int64_t i) const;
  // out[i] = reduce(out[i], upd[j]).
  void apply(Tensor& out, int64_t i, const Tensor& upd, int64_t j) const;
  // mean: out[i] holds a sum of `count` values; divide (integers round down).
  void finish_mean(Tensor& out, int64_t i, int64_t count) const;

 private:
  Reduction r_;
  ElementType t_;
  bool float_;
};

}  // namespace openarc::ops
