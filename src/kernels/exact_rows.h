// How many token positions one call may carry and still compute each of them exactly as a call
// with that position alone, bit for bit:
//   - linear() keeps up to this many rows of x on its GEMVs (the int8-activation one for
//     integer weights, the f32 ones otherwise), where each row of x has its own accumulators and
//     the order of operations it has alone (linear_simd_body.h, linear_q8_body.h);
//   - fused attention (ops/fused_attention.cpp) splits the positions of up to this many query
//     rows into the same fixed chunks as a single row's;
//   - every other op of a decoder layer works row by row.
// Speculative decoding verifies a draft in one such call, so its tokens are the ones decoding
// them one by one gives.
#pragma once

#include <cstdint>

namespace openarc::kernels {

constexpr int64_t kExactRows = 4;

}  // namespace openarc::kernels
