// The AVX2 (+ FMA, F16C) body: attention_simd_body.h over 8-float vectors. The target pragma
// comes after every include so no shared inline function is compiled for AVX2.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/float16.h"
#include "kernels/attention_body.h"

#pragma GCC target("avx2,fma,f16c")

namespace openarc::kernels::detail {
namespace {
namespace avx2 {

constexpr int W = 8;
// Rows per register-blocked group: scores keep kScoreRows x 2 accumulators, the weighted V sum
// kAccRows x 4 (of the ISA's 16 vector registers).
constexpr int kScoreRows = 4, kAccRows = 2;
using VF = __m256;

inline VF vzero() { return _mm256_setzero_ps(); }
inline VF vset1(float v) { return _mm256_set1_ps(v); }
inline VF vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm256_storeu_ps(p, v); }
inline VF vadd(VF a, VF b) { return _mm256_add_ps(a, b); }
inline VF vsub(VF a, VF b) { return _mm256_sub_ps(a, b); }
inline VF vmul(VF a, VF b) { return _mm256_mul_ps(a, b); }
inline VF vmax(VF a, VF b) { return _mm256_max_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
inline __m256i lane_index() { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
inline __m256i lanes(int count) { return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lane_index()); }
inline VF vload_partial(const float* p, int count) { return _mm256_maskload_ps(p, lanes(count)); }
inline void vstore_partial(float* p, VF v, int count) { _mm256_maskstore_ps(p, lanes(count), v); }
inline VF vload_f16(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }

inline float vhsum(VF v) {
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}
inline float vhmax(VF v) {
  __m128 q = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  q = _mm_max_ps(q, _mm_movehl_ps(q, q));
  q = _mm_max_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}
// Lanes [from, to) of v, -inf elsewhere.
inline VF vkeep(VF v, int from, int to) {
  const __m256i i = lane_index();
  const __m256i keep = _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(from), i),
                                           _mm256_cmpgt_epi32(_mm256_set1_epi32(to), i));
  return _mm256_blendv_ps(vset1(-std::numeric_limits<float>::infinity()), v, _mm256_castsi256_ps(keep));
}

// e^x (Cephes expf: x = n ln2 + r, a degree-6 polynomial in r, times 2^n), within 2 ulp; exactly 0
// below the f32 normal range, so a -inf score weighs 0.
inline VF vexp(VF x) {
  const VF lo = vset1(-87.3365447505f);
  const VF xc = _mm256_min_ps(_mm256_max_ps(x, lo), vset1(88.3762626647949f));
  const VF n = _mm256_floor_ps(vfma(xc, vset1(1.44269504088896341f), vset1(0.5f)));
  VF r = _mm256_fnmadd_ps(n, vset1(0.693359375f), xc);
  r = _mm256_fnmadd_ps(n, vset1(-2.12194440e-4f), r);
  VF y = vset1(1.9875691500e-4f);
  y = vfma(y, r, vset1(1.3981999507e-3f));
  y = vfma(y, r, vset1(8.3334519073e-3f));
  y = vfma(y, r, vset1(4.1665795894e-2f));
  y = vfma(y, r, vset1(1.6666665459e-1f));
  y = vfma(y, r, vset1(5.0000001201e-1f));
  y = vfma(y, vmul(r, r), vadd(r, vset1(1.0f)));
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  y = vmul(y, _mm256_castsi256_ps(e));
  return _mm256_andnot_ps(_mm256_cmp_ps(x, lo, _CMP_LT_OQ), y);
}

// dst[c][i] = r[i][c] for an 8 x 8 square (r: the rows, loaded; dst row stride in floats).
inline void transpose_square(const VF* r, float* dst, int64_t ds) {
  VF t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
    u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
    u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
  }
  for (int q = 0; q < 4; ++q) {
    vstore(dst + q * ds, _mm256_permute2f128_ps(u[q], u[4 + q], 0x20));
    vstore(dst + (4 + q) * ds, _mm256_permute2f128_ps(u[q], u[4 + q], 0x31));
  }
}

#include "kernels/attention_simd_body.h"

}  // namespace avx2
}  // namespace

void attention_block_avx2(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                          const AttentionState& st) {
  avx2::attention_body(q, kv, t0, t1, st);
}

}  // namespace openarc::kernels::detail
