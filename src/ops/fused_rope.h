// Internal op formed by graph/fuse_rope.cpp (no IR file names it): rotary position embedding in
// the half-split (GPT-NeoX, "rotate_half") form, on f32,
//   out = x * cos + rotate_half(x) * sin,   rotate_half(x) = concat(-x[..., D/2:], x[..., :D/2])
// one pass over x instead of two slices, a negation, a concat and three elementwise ops with
// their temporaries.
#pragma once

#include <cstdint>
#include <memory>

#include "ops/op.h"

namespace openarc::ops {

// RoPE(x [..., D] f32, cos, sin) -> [..., D], D even. cos and sin (f32, last dim D) broadcast to
// x numpy-style without growing it: [B, 1, S, D] over the heads of x [B, H, S, D], or [S, D] ...
std::shared_ptr<Op> make_rope();

}  // namespace openarc::ops
