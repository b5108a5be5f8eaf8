// The int8-activation GEMV on plain AVX2 (`vpmaddubsw` + `vpmaddwd`, 16 registers): linear_q8_body.h over
// 256-bit vectors, for the avx2 level without AVX_VNNI. 4-bit weights only: u8 x s8 pairs of 8-bit weights
// would saturate the int16 sums of vpmaddubsw (2 x 255 x 127 > 32767); 15 x 127 x 2 does not.
#include <immintrin.h>

#include "kernels/linear_body.h"

#pragma GCC target("avx2,fma,f16c")

namespace openarc::kernels::detail {
namespace {
namespace q8_avx2 {

#include "kernels/linear_q8_vec256.h"

struct Y : Vec256 {
  static constexpr bool kEightBit = false;
  static constexpr int rows(int mx) { return mx == 1 ? 4 : mx == 2 ? 2 : 1; }
  static VI dot(VI acc, VI u, VI s) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
  }
};

#include "kernels/linear_q8_body.h"

}  // namespace q8_avx2
}  // namespace

bool q8_takes_avx2(const LinearWeights& w) { return q8_avx2::q8_takes<q8_avx2::Y>(w); }
void q8_avx2(const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  q8_avx2::q8_run<q8_avx2::Y>(w, in, y, bias);
}

}  // namespace openarc::kernels::detail
