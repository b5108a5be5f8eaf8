// The `axes` input shared by the reductions, MVN-6 and RMS: a scalar or 1-D integer tensor of
// unique axes in [-r, r-1]. Also the walk that maps each data element to its reduction slot.
#pragma once

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "ops/broadcast_shapes.h"
#include "ops/op.h"

namespace openarc::ops {

// Checks the axes input's type and rank (what is known at load).
inline void check_axes_input(const InputInfo& axes) {
  check(axes.type == ElementType::undefined || (is_integral(axes.type) && axes.type != ElementType::boolean),
        "axes must be an integer tensor, got ", to_string(axes.type));
  check(axes.shape.rank_is_dynamic() || axes.shape.rank() <= 1, "axes must be a scalar or 1-D, got shape ",
        axes.shape.to_string());
}

// The axes' values normalised against `rank`, in input order; Error for one out of range or repeated.
inline std::vector<int64_t> read_axes(const Tensor& axes, int64_t rank) {
  check(axes.rank() <= 1, "axes must be a scalar or 1-D, got shape ", to_string(axes.shape()));
  std::vector<int64_t> out;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t raw : axes.to_i64_vector()) {
    check(raw >= -rank && raw < rank, "axis ", raw, " is out of range for data of rank ", rank, " (allowed [",
          -rank, ", ", rank - 1, "])");
    int64_t a = raw < 0 ? raw + rank : raw;
    check(!seen[a], "axis ", raw, " is repeated in axes (axes must be unique)");
    seen[a] = true;
    out.push_back(a);
  }
  return out;
}

// The data shape with every reduced axis set to 1 (the keep_dims shape).
inline Shape reduced_shape(const Shape& data, const std::vector<int64_t>& axes) {
  Shape r = data;
  for (int64_t a : axes) r[a] = 1;
  return r;
}

// Calls f(i, slot) for every element i of a dense tensor of shape `data`, where slot is the flat
// index of its reduction result in the keep_dims shape (equal to the index without keep_dims).
template <typename F>
void for_each_reduction_slot(const Shape& data, const std::vector<int64_t>& axes, F&& f) {
  Shape strides[1] = {broadcast_strides(reduced_shape(data, axes), data)};
  for_each_broadcast(data, strides, [&](int64_t i, int64_t slot) { f(i, slot); });
}

}  // namespace openarc::ops
