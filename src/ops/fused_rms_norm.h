// Internal op formed by graph/fuse_rms_norm.cpp (no IR file names it): RMSNorm over the last axis,
//   y[..., i] = x[..., i] / sqrt(mean_j x[..., j]^2 + eps) * w[i]
// on f32, computed in f32 (the sum of squares too), one pass over each row instead of the seven
// elementwise ops and their [.., E] temporaries the decomposed export runs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "ops/op.h"

namespace openarc::ops {

// RMSNorm(x [..., E] f32 [, w f32 of shape [E], [1, E], [1, 1, E] ...]) -> [..., E].
// `eps` is nullopt when the model was read without its weights file (the eps Const has no data):
// the op then infers shapes, so the fusion still counts in `openarc inspect`, but evaluate throws.
std::shared_ptr<Op> make_rms_norm(std::optional<float> eps, bool has_weight);

// The kernel on `rows` rows of `e` floats: y may alias x; w is [e] or null (no weight). Rows are
// split over the current thread pool; each row is computed the same way whatever the split.
void rms_norm_rows(const float* x, const float* w, float* y, int64_t rows, int64_t e, float eps);

}  // namespace openarc::ops
