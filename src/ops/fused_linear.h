// Internal ops formed by graph/fuse_linear.cpp (no IR file names them): the matrix product and the
// embedding lookup on a weight as the IR stores it (f32, f16, bf16, or u8/i8/u4/i4 with zero points
// and scales per group), read in place by kernels/linear.h instead of through the decompression
// subgraph that would materialise an f32 copy of every weight on every step.
#pragma once

#include <memory>
#include <string>

#include "core/tensor.h"
#include "kernels/linear.h"
#include "ops/op.h"

namespace openarc::ops {

// A weight W [n, k] as its constants: `data` [n, k] (or [n, k/g, g]), `scale` and `zero_point`
// [n, k/g(, 1)] for integer types. The tensors may have no data (a model read without its .bin):
// the op then infers shapes but cannot run.
struct StoredWeight {
  Tensor data, scale, zero_point;
  int64_t n = 0, k = 0, group_size = 0;
  kernels::LinearWeights kernel() const;  // the kernel's view; requires the data
  std::string describe() const;  // "u4 g128 asym", "f16" ... (for inspect)
};

// FullyConnected: y[..., n] = x[..., k] . W^T (+ bias[n]), x f32. MatMul(x, W, transpose_b=true)
// followed by Add(bias). With last_positions the rows are the last positions of x [..., S, k]
// only: x[..., -1, :] (y [..., 1, n]), or, when the op has a second input `keep` (an integer
// scalar, Hugging Face's logits_to_keep), the last min(keep, S) positions, every one for keep 0.
std::shared_ptr<Op> make_fully_connected(StoredWeight w, Tensor bias, bool last_positions);
// GatherRows: y[..., k] = W[ids[...]] in f32 (Gather-8 on axis 0 with batch_dims 0: a negative id
// counts from the end, an id out of range gives a row of zeros).
std::shared_ptr<Op> make_gather_rows(StoredWeight w);

}  // namespace openarc::ops
