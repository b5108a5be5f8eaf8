// The int8-activation GEMV on AVX-VNNI (VEX `vpdpbusd ymm`, 16 registers): linear_q8_body.h over
// 256-bit vectors, for the avx2 level on CPUs that report AVX_VNNI.
#include <immintrin.h>

#include "kernels/linear_body.h"

#pragma GCC target("avx2,fma,f16c,avxvnni")

namespace openarc::kernels::detail {
namespace {
namespace q8_avxvnni {

struct Y {
  static constexpr int kBytes = 32, kLanes = 8;
  static constexpr bool kEightBit = true;
  static constexpr int rows(int mx) { return mx == 1 ? 4 : mx == 2 ? 2 : 1; }
  using VI = __m256i;
  using VF = __m256;
  static VI loadb(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
  static VI lo_nib(VI v) { return _mm256_and_si256(v, _mm256_set1_epi8(0x0f)); }
  static VI hi_nib(VI v) { return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f)); }
  static VI xor_bytes(VI v, char b) { return _mm256_xor_si256(v, _mm256_set1_epi8(b)); }
  static VI dot(VI acc, VI u, VI s) { return _mm256_dpbusd_avx_epi32(acc, u, s); }
  static VI zeroi() { return _mm256_setzero_si256(); }
  static VI loadi(const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static VF cvt(VI v) { return _mm256_cvtepi32_ps(v); }
  static VF zerof() { return _mm256_setzero_ps(); }
  static VF set1(float v) { return _mm256_set1_ps(v); }
  static VF loadf(const float* p) { return _mm256_loadu_ps(p); }
  static void storef(float* p, VF v) { _mm256_storeu_ps(p, v); }
  static VF add(VF a, VF b) { return _mm256_add_ps(a, b); }
  static VF mul(VF a, VF b) { return _mm256_mul_ps(a, b); }
  static VF fma(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
  static float hsum(VF v) {
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
  }
  static VF perm(VI idx, VF v) { return _mm256_permutevar8x32_ps(v, idx); }
  static VF cvtph(const void* p) { return _mm256_cvtph_ps(_mm_loadu_si128(static_cast<const __m128i*>(p))); }
  static VF u8tof(const void* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p))));
  }
  static VF u4tof(const void* p) {  // 4 bytes -> 8 nibbles in order
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    __m128i b = _mm_cvtsi32_si128(v);
    __m256i d = _mm256_cvtepu8_epi32(_mm_unpacklo_epi8(b, b));
    return _mm256_cvtepi32_ps(
        _mm256_and_si256(_mm256_srlv_epi32(d, _mm256_setr_epi32(0, 4, 0, 4, 0, 4, 0, 4)), _mm256_set1_epi32(15)));
  }
};

#include "kernels/linear_q8_body.h"

}  // namespace q8_avxvnni
}  // namespace

bool q8_takes_avxvnni(const LinearWeights& w) { return q8_avxvnni::q8_takes<q8_avxvnni::Y>(w); }
void q8_avxvnni(const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  q8_avxvnni::q8_run<q8_avxvnni::Y>(w, in, y, bias);
}

}  // namespace openarc::kernels::detail
