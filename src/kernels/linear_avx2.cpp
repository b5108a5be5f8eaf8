// The AVX2 (+ FMA, F16C) body: linear_simd_body.h over 8-float vectors. The target pragma comes
// after every include so no shared inline function is compiled for AVX2.
#include <immintrin.h>

#include <cstring>
#include <utility>

#include "kernels/linear_body.h"

#pragma GCC target("avx2,fma,f16c")

namespace openarc::kernels::detail {
namespace {
namespace avx2 {

constexpr int W = 8;
// Rows of W per GEMV pass for MX rows of x: accumulators, x vectors and temporaries within the
// 16 registers.
constexpr int gemv_rows(int mx) { return mx == 1 ? 3 : mx == 2 ? 2 : 1; }
constexpr int64_t kGemvMaxRowsOfX = 8;  // measured crossover with the panel GEMM on 2048 x 2048 u4/i4/u8
constexpr int kMr = 6;        // 6 x 2 accumulators + 2 panel vectors + a broadcast of 16
using VF = __m256;

inline VF vzero() { return _mm256_setzero_ps(); }
inline VF vset1(float v) { return _mm256_set1_ps(v); }
inline VF vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm256_storeu_ps(p, v); }
inline VF vadd(VF a, VF b) { return _mm256_add_ps(a, b); }
inline VF vsub(VF a, VF b) { return _mm256_sub_ps(a, b); }
inline VF vmul(VF a, VF b) { return _mm256_mul_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
inline float vhsum(VF v) {
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}
inline __m256i lanes(int count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline VF vload_partial(const float* p, int count) { return _mm256_maskload_ps(p, lanes(count)); }
inline void vstore_partial(float* p, VF v, int count) { _mm256_maskstore_ps(p, lanes(count), v); }

inline __m128i load8(const void* p) { return _mm_loadl_epi64(static_cast<const __m128i*>(p)); }
inline VF vload_f16(const void* p) { return _mm256_cvtph_ps(_mm_loadu_si128(static_cast<const __m128i*>(p))); }
inline VF vload_bf16(const void* p) {
  __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
}
inline VF vload_u8(const void* p) { return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(load8(p))); }
inline VF vload_i8(const void* p) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(load8(p))); }
inline void vsplit_u4(const void* p, VF& lo, VF& hi) {
  __m256i d = _mm256_cvtepu8_epi32(load8(p));
  lo = _mm256_cvtepi32_ps(_mm256_and_si256(d, _mm256_set1_epi32(0xf)));
  hi = _mm256_cvtepi32_ps(_mm256_srli_epi32(d, 4));
}
inline void vsplit_i4(const void* p, VF& lo, VF& hi) {
  __m256i d = _mm256_cvtepi8_epi32(load8(p));
  lo = _mm256_cvtepi32_ps(_mm256_srai_epi32(_mm256_slli_epi32(d, 28), 28));
  hi = _mm256_cvtepi32_ps(_mm256_srai_epi32(d, 4));
}
// A 16-entry lookup costs AVX2 two permutes and a blend: converting the nibble is cheaper.
constexpr bool kNibbleTable = false;

// 4 bytes -> 8 nibbles in element order (see the AVX-512 twin).
inline __m256i ordered_nibbles_top(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  __m128i b = _mm_cvtsi32_si128(v);
  __m256i d = _mm256_cvtepu8_epi32(_mm_unpacklo_epi8(b, b));
  return _mm256_sllv_epi32(d, _mm256_setr_epi32(28, 24, 28, 24, 28, 24, 28, 24));
}
inline VF vordered_u4(const void* p) { return _mm256_cvtepi32_ps(_mm256_srli_epi32(ordered_nibbles_top(p), 28)); }
inline VF vordered_i4(const void* p) { return _mm256_cvtepi32_ps(_mm256_srai_epi32(ordered_nibbles_top(p), 28)); }

// 8 x 8 transpose: pairs, quads within 128-bit lanes, then the two lanes across registers.
inline void transpose(VF r[8]) {
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
    r[q] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x20);
    r[4 + q] = _mm256_permute2f128_ps(u[q], u[4 + q], 0x31);
  }
}

#include "kernels/linear_simd_body.h"

}  // namespace avx2
}  // namespace

void linear_avx2(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  avx2::linear_body(w, x, m, y, bias);
}

}  // namespace openarc::kernels::detail
