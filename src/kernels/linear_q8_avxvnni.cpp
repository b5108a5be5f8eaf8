// The int8-activation GEMV on AVX-VNNI (VEX `vpdpbusd ymm`, 16 registers): linear_q8_body.h over
// 256-bit vectors, for the avx2 level on CPUs that report AVX_VNNI.
#include <immintrin.h>

#include "kernels/linear_body.h"

#pragma GCC target("avx2,fma,f16c,avxvnni")

namespace openarc::kernels::detail {
namespace {
namespace q8_avxvnni {

#include "kernels/linear_q8_vec256.h"

struct Y : Vec256 {
  static constexpr bool kEightBit = true;
  static constexpr int rows(int mx) { return mx == 1 ? 4 : mx == 2 ? 2 : 1; }
  static VI dot(VI acc, VI u, VI s) { return _mm256_dpbusd_avx_epi32(acc, u, s); }
};

#include "kernels/linear_q8_body.h"

}  // namespace q8_avxvnni
}  // namespace

bool q8_takes_avxvnni(const LinearWeights& w) { return q8_avxvnni::q8_takes<q8_avxvnni::Y>(w); }
void q8_avxvnni(const LinearWeights& w, const Q8Input& in, float* y, const float* bias) {
  q8_avxvnni::q8_run<q8_avxvnni::Y>(w, in, y, bias);
}

}  // namespace openarc::kernels::detail
