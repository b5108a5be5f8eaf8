// The reference kernels compute f16 and bf16 in f32: widen the inputs, run the f32 kernel, narrow
// the result (round to nearest even, as Convert does). Shared by MatMul, SDPA, SoftMax, MVN, RMS,
// the reductions and TopK.
#pragma once

#include <cstring>

#include "core/float16.h"
#include "core/tensor.h"

namespace openarc::ops {

inline bool is_half(ElementType t) { return t == ElementType::f16 || t == ElementType::bf16; }

// A float view of t: t itself when it is not f16/bf16, else a widened f32 copy.
inline Tensor widen_to_f32(const Tensor& t) {
  if (!is_half(t.type())) return t;
  Tensor out(ElementType::f32, t.shape());
  const uint16_t* src = t.data<uint16_t>();
  float* dst = out.data<float>();
  bool bf = t.type() == ElementType::bf16;
  for (int64_t i = 0; i < t.size(); ++i) dst[i] = bf ? bf16_to_f32(src[i]) : f16_to_f32(src[i]);
  return out;
}

// The f32 tensor src written into dst (f32, f16 or bf16) of the same size.
inline void narrow_from_f32(const Tensor& src, Tensor& dst) {
  const float* s = src.data<float>();
  int64_t n = src.size();
  if (dst.type() == ElementType::f32) {
    if (dst.data() != src.data() && n) std::memcpy(dst.data(), s, n * sizeof(float));
    return;
  }
  uint16_t* d = dst.data<uint16_t>();
  bool bf = dst.type() == ElementType::bf16;
  for (int64_t i = 0; i < n; ++i) d[i] = bf ? f32_to_bf16(s[i]) : f32_to_f16(s[i]);
}

// An output to compute into: out itself unless it is f16/bf16, then an f32 scratch tensor that
// narrow_from_f32 copies back.
inline Tensor f32_scratch_for(Tensor& out) {
  return is_half(out.type()) ? Tensor(ElementType::f32, out.shape()) : out;
}

}  // namespace openarc::ops
