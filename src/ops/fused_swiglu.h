// Internal op formed by graph/fuse_swiglu.cpp (no IR file names it): the gated MLP activation of
// Llama / Qwen,
//   y = Swish(gate, beta) * up = gate / (1 + exp(-beta * gate)) * up      (beta = 1: SiLU)
// elementwise on f32 tensors of one shape, in one pass and without the Swish temporary.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "ops/op.h"

namespace openarc::ops {

// SwiGLU(gate f32, up f32 of the same shape) -> that shape. `beta` is nullopt when it is a Const
// without data (a model read without its weights file): shapes infer, evaluate throws.
std::shared_ptr<Op> make_swiglu(std::optional<float> beta);

// The kernel on n elements, split over the current thread pool (the same result for any split).
void swiglu(const float* gate, const float* up, float* y, int64_t n, float beta);

}  // namespace openarc::ops
