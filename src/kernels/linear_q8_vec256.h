// The 256-bit vector operations the int8-activation GEMV bodies share (linear_q8_body.h's V):
// everything but the dot product and the row blocking. Included by each body file inside its own
// namespace, after its `#pragma GCC target`, so each file compiles them for its instruction set;
// the file's intrinsics header comes first.
struct Vec256 {
  static constexpr int kBytes = 32, kLanes = 8;
  using VI = __m256i;
  using VF = __m256;
  static VI loadb(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
  static VI lo_nib(VI v) { return _mm256_and_si256(v, _mm256_set1_epi8(0x0f)); }
  static VI hi_nib(VI v) { return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f)); }
  static VI xor_bytes(VI v, char b) { return _mm256_xor_si256(v, _mm256_set1_epi8(b)); }
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
