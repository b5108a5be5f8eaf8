// The plain C++ body: one row, one position at a time, by the online-softmax definition. Every
// SIMD body is tested against it; it is also what a CPU without AVX2 runs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/float16.h"
#include "kernels/attention_body.h"

namespace openarc::kernels::detail {

void attention_block_scalar(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                            const AttentionState& st) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  const int64_t d = q.d, dv = kv.dv;
  const bool f16 = kv.type == ElementType::f16;
  auto element = [f16](const void* base, int64_t i) {
    return f16 ? f16_to_f32(static_cast<const uint16_t*>(base)[i]) : static_cast<const float*>(base)[i];
  };
  for (int64_t r = 0; r < q.rows; ++r) {
    const float* qr = q.q[r];
    float& m = st.m[r];
    float& l = st.l[r];
    float* acc = st.acc + r * dv;
    for (int64_t t = std::max(t0, q.lo[r]); t < std::min(t1, q.hi[r]); ++t) {
      float dot = 0;
      for (int64_t c = 0; c < d; ++c) dot += qr[c] * element(kv.k, t * d + c);
      const float s = dot * q.scale + (q.bias && q.bias[r] ? q.bias[r][t] : 0.0f);
      if (s == kNegInf) continue;  // weight exactly 0
      if (s > m) {  // rescale what is there to the new maximum
        const float a = m == kNegInf ? 0.0f : std::exp(m - s);
        l *= a;
        for (int64_t j = 0; j < dv; ++j) acc[j] *= a;
        m = s;
      }
      const float p = std::exp(s - m);
      l += p;
      for (int64_t j = 0; j < dv; ++j) acc[j] += p * element(kv.v, t * dv + j);
    }
  }
}

}  // namespace openarc::kernels::detail
