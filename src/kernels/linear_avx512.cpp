// The AVX-512 (F, BW, VL) body: linear_simd_body.h over 16-float vectors. The target pragma
// comes after every include so no shared inline function is compiled for AVX-512.
#include <immintrin.h>

#include <utility>

#include "kernels/linear_body.h"

#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")
// GCC 12's AVX-512 headers self-initialise their "undefined" vectors (__Y = __Y), which
// -Wmaybe-uninitialized reports at every use; the values are never read.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace openarc::kernels::detail {
namespace {
namespace avx512 {

constexpr int W = 16;
// Rows of W per GEMV pass for MX rows of x: at least 8 independent FMA chains (2 accumulators
// per pair when MX = 1), accumulators and x vectors within the 32 registers.
constexpr int gemv_rows(int mx) { return mx <= 2 ? 4 : 2; }
constexpr int64_t kGemvMaxRowsOfX = 16;  // measured crossover with the panel GEMM on 2048 x 2048 u4/i4/u8
constexpr int kMr = 12;       // 12 x 2 accumulators + 2 panel vectors of the 32 registers
using VF = __m512;

inline VF vzero() { return _mm512_setzero_ps(); }
inline VF vset1(float v) { return _mm512_set1_ps(v); }
inline VF vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm512_storeu_ps(p, v); }
inline VF vadd(VF a, VF b) { return _mm512_add_ps(a, b); }
inline VF vsub(VF a, VF b) { return _mm512_sub_ps(a, b); }
inline VF vmul(VF a, VF b) { return _mm512_mul_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
inline float vhsum(VF v) {
  __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}
inline __mmask16 lanes(int count) { return static_cast<__mmask16>((1u << count) - 1u); }
inline VF vload_partial(const float* p, int count) { return _mm512_maskz_loadu_ps(lanes(count), p); }
inline void vstore_partial(float* p, VF v, int count) { _mm512_mask_storeu_ps(p, lanes(count), v); }

inline VF vload_f16(const void* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(static_cast<const __m256i*>(p))); }
inline VF vload_bf16(const void* p) {
  __m512i h = _mm512_cvtepu16_epi32(_mm256_loadu_si256(static_cast<const __m256i*>(p)));
  return _mm512_castsi512_ps(_mm512_slli_epi32(h, 16));
}
inline VF vload_u8(const void* p) {
  return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))));
}
inline VF vload_i8(const void* p) {
  return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))));
}
inline void vsplit_u4(const void* p, VF& lo, VF& hi) {
  __m512i d = _mm512_cvtepu8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p)));
  lo = _mm512_cvtepi32_ps(_mm512_and_si512(d, _mm512_set1_epi32(0xf)));
  hi = _mm512_cvtepi32_ps(_mm512_srli_epi32(d, 4));
}
inline void vsplit_i4(const void* p, VF& lo, VF& hi) {
  __m512i d = _mm512_cvtepi8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p)));
  lo = _mm512_cvtepi32_ps(_mm512_srai_epi32(_mm512_slli_epi32(d, 28), 28));
  hi = _mm512_cvtepi32_ps(_mm512_srai_epi32(d, 4));
}
// The nibble table lookup: vpermps reads only the low 4 bits of each index lane.
constexpr bool kNibbleTable = true;
inline __m512i vnibble_bytes(const void* p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))); }
inline __m512i vshift4(__m512i v) { return _mm512_srli_epi32(v, 4); }
inline __m512i vload_words(const void* p) { return _mm512_loadu_si512(p); }
inline __m512i vshift_nibbles(__m512i v, int j) { return j == 0 ? v : _mm512_srli_epi32(v, 4 * j); }
inline VF vlookup16(VF table, __m512i index) { return _mm512_permutexvar_ps(index, table); }

// 8 bytes -> 16 nibbles in element order: each byte doubled, then lane 2j keeps its low nibble
// and lane 2j + 1 its high nibble (shifted to the top, then back down).
inline __m512i ordered_nibbles_top(const void* p) {
  __m128i b = _mm_loadl_epi64(static_cast<const __m128i*>(p));
  __m512i d = _mm512_cvtepu8_epi32(_mm_unpacklo_epi8(b, b));
  const __m512i shift = _mm512_set_epi32(24, 28, 24, 28, 24, 28, 24, 28, 24, 28, 24, 28, 24, 28, 24, 28);
  return _mm512_sllv_epi32(d, shift);
}
inline VF vordered_u4(const void* p) { return _mm512_cvtepi32_ps(_mm512_srli_epi32(ordered_nibbles_top(p), 28)); }
inline VF vordered_i4(const void* p) { return _mm512_cvtepi32_ps(_mm512_srai_epi32(ordered_nibbles_top(p), 28)); }

// 16 x 16 transpose: pairs, quads within 128-bit lanes, then 128-bit lanes across registers.
inline void transpose(VF r[16]) {
  VF t[16], u[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    u[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    u[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xee);
    u[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xee);
  }
  // u[4b + q] holds, in 128-bit lane L, rows 4b..4b+3 of column 4L + q.
  for (int q = 0; q < 4; ++q) {
    VF ab_lo = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x44), ab_hi = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xee);
    VF cd_lo = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x44), cd_hi = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xee);
    r[q] = _mm512_shuffle_f32x4(ab_lo, cd_lo, 0x88);
    r[4 + q] = _mm512_shuffle_f32x4(ab_lo, cd_lo, 0xdd);
    r[8 + q] = _mm512_shuffle_f32x4(ab_hi, cd_hi, 0x88);
    r[12 + q] = _mm512_shuffle_f32x4(ab_hi, cd_hi, 0xdd);
  }
}

#include "kernels/linear_simd_body.h"

}  // namespace avx512
}  // namespace

void linear_avx512(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  avx512::linear_body(w, x, m, y, bias);
}

}  // namespace openarc::kernels::detail
