// attention_block dispatch, and the state handling every body shares (init, merge): O(rows * dv)
// per call, off the hot loop.
#include "kernels/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "kernels/attention_body.h"

namespace openarc::kernels {

void attention_init(int64_t rows, int64_t dv, const AttentionState& st) {
  std::fill(st.m, st.m + rows, -std::numeric_limits<float>::infinity());
  std::fill(st.l, st.l + rows, 0.0f);
  std::fill(st.acc, st.acc + rows * dv, 0.0f);
}

void attention_block_at(IsaLevel level, const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                        const AttentionState& st) {
  check(kv.type == ElementType::f32 || kv.type == ElementType::f16, "attention: KV type ", to_string(kv.type),
        " is not f32 or f16");
  check(static_cast<int>(level) <= static_cast<int>(cpu_info().best), "attention: ISA level ", to_string(level),
        " is not supported by this CPU");
  if (q.rows <= 0 || t1 <= t0) return;
  switch (level) {
    case IsaLevel::avx512: return detail::attention_block_avx512(q, kv, t0, t1, st);
    case IsaLevel::avx2: return detail::attention_block_avx2(q, kv, t0, t1, st);
    case IsaLevel::scalar: return detail::attention_block_scalar(q, kv, t0, t1, st);
  }
}

void attention_block(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1, const AttentionState& st) {
  attention_block_at(isa_level(), q, kv, t0, t1, st);
}

void attention_merge(int64_t rows, int64_t dv, const AttentionState* parts, int64_t n, float* const* out) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  for (int64_t r = 0; r < rows; ++r) {
    float m = kNegInf;
    for (int64_t p = 0; p < n; ++p) m = std::max(m, parts[p].m[r]);
    float* o = out[r];
    if (m == kNegInf) {  // no live position: softmax over all -inf is 0/0
      std::fill(o, o + dv, std::numeric_limits<float>::quiet_NaN());
      continue;
    }
    if (n == 1) {
      const float inv = 1.0f / parts[0].l[r];
      const float* a = parts[0].acc + r * dv;
      for (int64_t j = 0; j < dv; ++j) o[j] = a[j] * inv;
      continue;
    }
    float l = 0;
    std::fill(o, o + dv, 0.0f);
    for (int64_t p = 0; p < n; ++p) {
      if (parts[p].m[r] == kNegInf) continue;
      const float f = std::exp(parts[p].m[r] - m);
      l += parts[p].l[r] * f;
      const float* a = parts[p].acc + r * dv;
      for (int64_t j = 0; j < dv; ++j) o[j] += a[j] * f;
    }
    const float inv = 1.0f / l;
    for (int64_t j = 0; j < dv; ++j) o[j] *= inv;
  }
}

}  // namespace openarc::kernels
