// Broadcasting rules shared by the elementwise ops, Select and Broadcast: NumPy's (align from the
// right; a dim of 1 stretches) as the OpenVINO spec's auto_broadcast="numpy" defines them.
#pragma once

#include <string>

#include "core/shape.h"

namespace openarc::ops {

// The broadcast of two partial shapes; throws Error naming both shapes when they do not broadcast.
PartialShape broadcast_numpy(const PartialShape& a, const PartialShape& b);

// Per-dimension strides (in elements) for reading a dense tensor of shape `in` as if it had the
// broadcast shape `out`: 0 where `in` is stretched. `in` must broadcast to `out`.
Shape broadcast_strides(const Shape& in, const Shape& out);

// Calls f(out_index, in_offset...) for every element of `out`, walking the inputs with `strides`
// from broadcast_strides. Keeps elementwise kernels free of index arithmetic.
template <typename F, size_t N>
void for_each_broadcast(const Shape& out, const Shape (&strides)[N], F&& f) {
  int64_t total = shape_size(out);
  if (total == 0) return;
  size_t rank = out.size();
  Shape idx(rank, 0);
  int64_t off[N] = {};
  for (int64_t i = 0; i < total; ++i) {
    if constexpr (N == 1) f(i, off[0]);
    else if constexpr (N == 2) f(i, off[0], off[1]);
    else f(i, off[0], off[1], off[2]);
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < out[d]) {
        for (size_t k = 0; k < N; ++k) off[k] += strides[k][d];
        break;
      }
      for (size_t k = 0; k < N; ++k) off[k] -= strides[k][d] * (out[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace openarc::ops
