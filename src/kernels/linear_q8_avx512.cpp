// The int8-activation GEMV on AVX512_VNNI (linear_q8_body.h), in two widths: 512-bit vectors,
// and 256-bit ones (EVEX, 32 registers), since Zen 4 splits a 512-bit operation in two and the
// narrower form can be as fast. Run only when the CPU reports AVX512_VNNI (linear.cpp).
#include <immintrin.h>

#include "kernels/linear_body.h"

#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace openarc::kernels::detail {
namespace {
namespace q8_avx512 {

struct Z {
  static constexpr int kBytes = 64, kLanes = 16;
  static constexpr bool kEightBit = true;
  static constexpr int rows(int mx) { return mx <= 2 ? 4 : 2; }
  using VI = __m512i;
  using VF = __m512;
  static VI loadb(const void* p) { return _mm512_loadu_si512(p); }
  static VI lo_nib(VI v) { return _mm512_and_si512(v, _mm512_set1_epi8(0x0f)); }
  static VI hi_nib(VI v) { return _mm512_and_si512(_mm512_srli_epi16(v, 4), _mm512_set1_epi8(0x0f)); }
  static VI xor_bytes(VI v, char b) { return _mm512_xor_si512(v, _mm512_set1_epi8(b)); }
  static VI dot(VI acc, VI u, VI s) { return _mm512_dpbusd_epi32(acc, u, s); }
  static VI zeroi() { return _mm512_setzero_si512(); }
  static VI loadi(const int32_t* p) { return _mm512_loadu_si512(p); }
  static VF cvt(VI v) { return _mm512_cvtepi32_ps(v); }
  static VF zerof() { return _mm512_setzero_ps(); }
  static VF set1(float v) { return _mm512_set1_ps(v); }
  static VF loadf(const float* p) { return _mm512_loadu_ps(p); }
  static void storef(float* p, VF v) { _mm512_storeu_ps(p, v); }
  static VF add(VF a, VF b) { return _mm512_add_ps(a, b); }
  static VF mul(VF a, VF b) { return _mm512_mul_ps(a, b); }
  static VF fma(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
  static float hsum(VF v) {
    __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
  }
  static VF perm(VI idx, VF v) { return _mm512_permutexvar_ps(idx, v); }
  static VF cvtph(const void* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(static_cast<const __m256i*>(p))); }
  static VF u8tof(const void* p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))));
  }
  static VF u4tof(const void* p) {  // 8 bytes -> 16 nibbles in order (low nibble first)
    __m128i b = _mm_loadl_epi64(static_cast<const __m128i*>(p));
    __m512i d = _mm512_cvtepu8_epi32(_mm_unpacklo_epi8(b, b));
    const __m512i sh = _mm512_set_epi32(4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0);
    return _mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srlv_epi32(d, sh), _mm512_set1_epi32(15)));
  }
};

#include "kernels/linear_q8_vec256.h"

struct Y : Vec256 {
  static constexpr bool kEightBit = true;
  static constexpr int rows(int mx) { return mx <= 2 ? 4 : 2; }
  static VI dot(VI acc, VI u, VI s) { return _mm256_dpbusd_epi32(acc, u, s); }
};

#include "kernels/linear_q8_body.h"

}  // namespace q8_avx512
}  // namespace

bool q8_takes_avx512(bool wide, const LinearWeights& w) {
  return wide ? q8_avx512::q8_takes<q8_avx512::Z>(w) : q8_avx512::q8_takes<q8_avx512::Y>(w);
}
void q8_avx512(bool wide, const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  if (wide) q8_avx512::q8_run<q8_avx512::Z>(w, in, y, bias);
  else q8_avx512::q8_run<q8_avx512::Y>(w, in, y, bias);
}

}  // namespace openarc::kernels::detail
