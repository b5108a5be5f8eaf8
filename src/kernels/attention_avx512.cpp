// The AVX-512 (F, VL) body: attention_simd_body.h over 16-float vectors. The target pragma comes
// after every include so no shared inline function is compiled for AVX-512.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "core/float16.h"
#include "kernels/attention_body.h"

#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")
// GCC 12's AVX-512 headers self-initialise their "undefined" vectors (__Y = __Y), which
// -Wmaybe-uninitialized reports at every use; the values are never read.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace openarc::kernels::detail {
namespace {
namespace avx512 {

constexpr int W = 16;
// Rows per register-blocked group: scores keep kScoreRows x 2 accumulators, the weighted V sum
// kAccRows x 4 (of the ISA's 32 vector registers).
constexpr int kScoreRows = 8, kAccRows = 4;
using VF = __m512;

inline VF vzero() { return _mm512_setzero_ps(); }
inline VF vset1(float v) { return _mm512_set1_ps(v); }
inline VF vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm512_storeu_ps(p, v); }
inline VF vadd(VF a, VF b) { return _mm512_add_ps(a, b); }
inline VF vsub(VF a, VF b) { return _mm512_sub_ps(a, b); }
inline VF vmul(VF a, VF b) { return _mm512_mul_ps(a, b); }
inline VF vmax(VF a, VF b) { return _mm512_max_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
inline __mmask16 lanes(int count) { return static_cast<__mmask16>((1u << count) - 1u); }
inline VF vload_partial(const float* p, int count) { return _mm512_maskz_loadu_ps(lanes(count), p); }
inline void vstore_partial(float* p, VF v, int count) { _mm512_mask_storeu_ps(p, lanes(count), v); }
inline VF vload_f16(const uint16_t* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))); }
inline float vhsum(VF v) { return _mm512_reduce_add_ps(v); }
inline float vhmax(VF v) { return _mm512_reduce_max_ps(v); }
// Lanes [from, to) of v, -inf elsewhere.
inline VF vkeep(VF v, int from, int to) {
  const __mmask16 keep = static_cast<__mmask16>(lanes(to) & ~lanes(from));
  return _mm512_mask_blend_ps(keep, vset1(-std::numeric_limits<float>::infinity()), v);
}

// e^x (Cephes expf: x = n ln2 + r, a degree-6 polynomial in r, times 2^n), within 2 ulp; exactly 0
// below the f32 normal range, so a -inf score weighs 0.
inline VF vexp(VF x) {
  const VF lo = vset1(-87.3365447505f);
  const VF xc = _mm512_min_ps(_mm512_max_ps(x, lo), vset1(88.3762626647949f));
  const VF n = _mm512_roundscale_ps(vfma(xc, vset1(1.44269504088896341f), vset1(0.5f)), _MM_FROUND_TO_NEG_INF);
  VF r = _mm512_fnmadd_ps(n, vset1(0.693359375f), xc);
  r = _mm512_fnmadd_ps(n, vset1(-2.12194440e-4f), r);
  VF y = vset1(1.9875691500e-4f);
  y = vfma(y, r, vset1(1.3981999507e-3f));
  y = vfma(y, r, vset1(8.3334519073e-3f));
  y = vfma(y, r, vset1(4.1665795894e-2f));
  y = vfma(y, r, vset1(1.6666665459e-1f));
  y = vfma(y, r, vset1(5.0000001201e-1f));
  y = vfma(y, vmul(r, r), vadd(r, vset1(1.0f)));
  const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  y = vmul(y, _mm512_castsi512_ps(e));
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, lo, _CMP_NLT_UQ), y);
}

// dst[c][i] = r[i][c] for a 16 x 16 square (r: the rows, loaded; dst row stride in floats):
// pairs, quads within 128-bit lanes, then the 128-bit lanes across registers in two rounds.
inline void transpose_square(VF* r, float* dst, int64_t ds) {
  VF t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xee);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xee);
  }
  // r[4g + c] holds column c (then c + 4, 8, 12 in the upper lanes) of rows 4g..4g+3.
  for (int g = 0; g < 2; ++g)
    for (int c = 0; c < 4; ++c) {
      t[8 * g + c] = _mm512_shuffle_f32x4(r[8 * g + c], r[8 * g + 4 + c], 0x88);
      t[8 * g + 4 + c] = _mm512_shuffle_f32x4(r[8 * g + c], r[8 * g + 4 + c], 0xdd);
    }
  for (int c = 0; c < 8; ++c) {
    vstore(dst + c * ds, _mm512_shuffle_f32x4(t[c], t[8 + c], 0x88));
    vstore(dst + (c + 8) * ds, _mm512_shuffle_f32x4(t[c], t[8 + c], 0xdd));
  }
}

#include "kernels/attention_simd_body.h"

}  // namespace avx512
}  // namespace

void attention_block_avx512(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                            const AttentionState& st) {
  avx512::attention_body(q, kv, t0, t1, st);
}

}  // namespace openarc::kernels::detail
