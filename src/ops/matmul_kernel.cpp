#include "ops/matmul_kernel.h"

#pragma GCC diagnostic ignored "-Wpsabi"  // vector helpers are always inlined: no ABI crossing

#include <algorithm>
#include <cstring>

// The f32 product is cloned for AVX2 and the baseline (GCC function multiversioning: the loader
// picks the clone once, from the CPU). The helpers below are always_inline so each clone compiles
// them with its own instruction set. Without GCC on x86-64 the plain build is used.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define OPENARC_GEMM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define OPENARC_GEMM_CLONES
#endif
#define OPENARC_INLINE inline __attribute__((always_inline))

namespace openarc::ops {
namespace {

// Eight f32 lanes as a GCC vector type: one AVX2 register in the avx2 clone, two SSE registers in
// the baseline. Separate lane sums let a dot product vectorise without reassociating additions.
typedef float f32x8 __attribute__((vector_size(32)));
constexpr int kLanes = 8;
// Block sizes: a K-slice of 4 rows of B (4 x 512 floats = 8 KB) stays in L1 while every row of A
// passes over it; a [256 x 256] tile of a [K,N] B (256 KB) stays in L2.
constexpr int64_t kDotBlockK = 512;
constexpr int64_t kAxpyBlockK = 256;
constexpr int64_t kAxpyBlockN = 256;

OPENARC_INLINE f32x8 load8(const float* p) {
  f32x8 v;
  std::memcpy(&v, p, sizeof v);  // unaligned load
  return v;
}

OPENARC_INLINE float hsum(f32x8 v) {
  float t = 0;
  for (int l = 0; l < kLanes; ++l) t += v[l];
  return t;
}

// out[0..3] += a · b_r over n elements, for the four rows b0..b3.
OPENARC_INLINE void dot_1x4(const float* a, const float* b0, const float* b1, const float* b2, const float* b3,
                            int64_t n, float* out) {
  f32x8 s0 = {}, s1 = {}, s2 = {}, s3 = {};
  int64_t p = 0;
  for (; p + kLanes <= n; p += kLanes) {
    f32x8 x = load8(a + p);
    s0 += x * load8(b0 + p);
    s1 += x * load8(b1 + p);
    s2 += x * load8(b2 + p);
    s3 += x * load8(b3 + p);
  }
  float t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
  for (; p < n; ++p) {
    t0 += a[p] * b0[p];
    t1 += a[p] * b1[p];
    t2 += a[p] * b2[p];
    t3 += a[p] * b3[p];
  }
  out[0] += t0;
  out[1] += t1;
  out[2] += t2;
  out[3] += t3;
}

// The same for two rows of A at once: each load of B serves both.
OPENARC_INLINE void dot_2x4(const float* a0, const float* a1, const float* b0, const float* b1, const float* b2,
                            const float* b3, int64_t n, float* out0, float* out1) {
  f32x8 s00 = {}, s01 = {}, s02 = {}, s03 = {}, s10 = {}, s11 = {}, s12 = {}, s13 = {};
  int64_t p = 0;
  for (; p + kLanes <= n; p += kLanes) {
    f32x8 x0 = load8(a0 + p), x1 = load8(a1 + p), y;
    y = load8(b0 + p), s00 += x0 * y, s10 += x1 * y;
    y = load8(b1 + p), s01 += x0 * y, s11 += x1 * y;
    y = load8(b2 + p), s02 += x0 * y, s12 += x1 * y;
    y = load8(b3 + p), s03 += x0 * y, s13 += x1 * y;
  }
  float t[2][4] = {{hsum(s00), hsum(s01), hsum(s02), hsum(s03)}, {hsum(s10), hsum(s11), hsum(s12), hsum(s13)}};
  const float* rows[4] = {b0, b1, b2, b3};
  for (; p < n; ++p)
    for (int r = 0; r < 4; ++r) t[0][r] += a0[p] * rows[r][p], t[1][r] += a1[p] * rows[r][p];
  for (int r = 0; r < 4; ++r) out0[r] += t[0][r], out1[r] += t[1][r];
}

OPENARC_INLINE void dot_1x1(const float* a, const float* b0, int64_t n, float* out) {
  f32x8 s0 = {};
  int64_t p = 0;
  for (; p + kLanes <= n; p += kLanes) s0 += load8(a + p) * load8(b0 + p);
  float t0 = hsum(s0);
  for (; p < n; ++p) t0 += a[p] * b0[p];
  out[0] += t0;
}

// c[0..n) += sum over the 4 rows: a_r * b_r[0..n).
OPENARC_INLINE void axpy4(float* c, const float* b0, const float* b1, const float* b2, const float* b3, float a0,
                          float a1, float a2, float a3, int64_t n) {
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    f32x8 v = load8(c + j) + (a0 * load8(b0 + j) + a1 * load8(b1 + j) + a2 * load8(b2 + j) + a3 * load8(b3 + j));
    std::memcpy(c + j, &v, sizeof v);
  }
  for (; j < n; ++j) c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
}

OPENARC_INLINE void axpy1(float* c, const float* b0, float a0, int64_t n) {
  for (int64_t j = 0; j < n; ++j) c[j] += a0 * b0[j];
}

// B stored [N,K]: every output is a dot product of two contiguous rows.
OPENARC_GEMM_CLONES
void gemm_nt(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  for (int64_t p0 = 0; p0 < k; p0 += kDotBlockK) {
    int64_t kc = std::min(kDotBlockK, k - p0);
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
      const float* bj = b + j * k + p0;
      int64_t i = 0;
      for (; i + 2 <= m; i += 2)
        dot_2x4(a + i * k + p0, a + (i + 1) * k + p0, bj, bj + k, bj + 2 * k, bj + 3 * k, kc, c + i * n + j,
                c + (i + 1) * n + j);
      for (; i < m; ++i) dot_1x4(a + i * k + p0, bj, bj + k, bj + 2 * k, bj + 3 * k, kc, c + i * n + j);
    }
    for (; j < n; ++j)
      for (int64_t i = 0; i < m; ++i) dot_1x1(a + i * k + p0, b + j * k + p0, kc, c + i * n + j);
  }
}

// B stored [K,N]: rows of C accumulate scaled rows of B (no reduction inside the inner loop).
OPENARC_GEMM_CLONES
void gemm_nn(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k) {
  for (int64_t j0 = 0; j0 < n; j0 += kAxpyBlockN) {
    int64_t nc = std::min(kAxpyBlockN, n - j0);
    for (int64_t p0 = 0; p0 < k; p0 += kAxpyBlockK) {
      int64_t kc = std::min(kAxpyBlockK, k - p0);
      for (int64_t i = 0; i < m; ++i) {
        float* crow = c + i * n + j0;
        const float* arow = a + i * k + p0;
        const float* bblk = b + p0 * n + j0;
        int64_t p = 0;
        for (; p + 4 <= kc; p += 4)
          axpy4(crow, bblk + p * n, bblk + (p + 1) * n, bblk + (p + 2) * n, bblk + (p + 3) * n, arow[p], arow[p + 1],
                arow[p + 2], arow[p + 3], nc);
        for (; p < kc; ++p) axpy1(crow, bblk + p * n, arow[p], nc);
      }
    }
  }
}

}  // namespace

void gemm_f32(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, bool b_transposed) {
  if (m * n == 0) return;
  std::memset(c, 0, static_cast<size_t>(m * n) * sizeof(float));
  if (k == 0) return;  // an empty sum: zeros
  if (b_transposed) gemm_nt(a, b, c, m, n, k);
  else gemm_nn(a, b, c, m, n, k);
}

}  // namespace openarc::ops
