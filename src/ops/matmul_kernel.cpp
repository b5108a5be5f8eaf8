#include "ops/matmul_kernel.h"

#pragma GCC diagnostic ignored "-Wpsabi"  // vector helpers are always inlined: no ABI crossing

#include <algorithm>
#include <cstring>

#include "core/thread_pool.h"

// The f32 product is compiled twice: for AVX2 (target attribute) and for the baseline x86-64
// (SSE2). The choice follows kernels::isa_level(), so OPENARC_ISA=scalar really runs the baseline
// body (GCC's target_clones, used before, picked by CPU alone and ignored OPENARC_ISA). The helpers
// below are always_inline so each body compiles them with its own instruction set. Without GCC on
// x86-64 only the baseline exists.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define OPENARC_GEMM_AVX2 1
#else
#define OPENARC_GEMM_AVX2 0
#endif
#define OPENARC_INLINE inline __attribute__((always_inline))

namespace openarc::ops {
namespace {

// Eight f32 lanes as a GCC vector type: one AVX2 register in the avx2 body, two SSE registers in
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

OPENARC_INLINE float hsum(const f32x8& v) {  // by reference: no 32-byte by-value ABI note
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

// B stored [N,K] (rows k apart): every output is a dot product of two contiguous rows. C has row
// stride ldc, so a caller can hand over a band of C's columns.
OPENARC_INLINE void gemm_nt_body(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k,
                                 int64_t ldc) {
  for (int64_t p0 = 0; p0 < k; p0 += kDotBlockK) {
    int64_t kc = std::min(kDotBlockK, k - p0);
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
      const float* bj = b + j * k + p0;
      int64_t i = 0;
      for (; i + 2 <= m; i += 2)
        dot_2x4(a + i * k + p0, a + (i + 1) * k + p0, bj, bj + k, bj + 2 * k, bj + 3 * k, kc, c + i * ldc + j,
                c + (i + 1) * ldc + j);
      for (; i < m; ++i) dot_1x4(a + i * k + p0, bj, bj + k, bj + 2 * k, bj + 3 * k, kc, c + i * ldc + j);
    }
    for (; j < n; ++j)
      for (int64_t i = 0; i < m; ++i) dot_1x1(a + i * k + p0, b + j * k + p0, kc, c + i * ldc + j);
  }
}

// B stored [K,N] with row stride ldb: rows of C accumulate scaled rows of B (no reduction inside
// the inner loop).
OPENARC_INLINE void gemm_nn_body(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k,
                                 int64_t ldb, int64_t ldc) {
  for (int64_t j0 = 0; j0 < n; j0 += kAxpyBlockN) {
    int64_t nc = std::min(kAxpyBlockN, n - j0);
    for (int64_t p0 = 0; p0 < k; p0 += kAxpyBlockK) {
      int64_t kc = std::min(kAxpyBlockK, k - p0);
      for (int64_t i = 0; i < m; ++i) {
        float* crow = c + i * ldc + j0;
        const float* arow = a + i * k + p0;
        const float* bblk = b + p0 * ldb + j0;
        int64_t p = 0;
        for (; p + 4 <= kc; p += 4)
          axpy4(crow, bblk + p * ldb, bblk + (p + 1) * ldb, bblk + (p + 2) * ldb, bblk + (p + 3) * ldb, arow[p],
                arow[p + 1], arow[p + 2], arow[p + 3], nc);
        for (; p < kc; ++p) axpy1(crow, bblk + p * ldb, arow[p], nc);
      }
    }
  }
}

void gemm_nt_base(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, int64_t ldc) {
  gemm_nt_body(a, b, c, m, n, k, ldc);
}
void gemm_nn_base(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, int64_t ldb,
                  int64_t ldc) {
  gemm_nn_body(a, b, c, m, n, k, ldb, ldc);
}
#if OPENARC_GEMM_AVX2
__attribute__((target("avx2"))) void gemm_nt_avx2(const float* a, const float* b, float* c, int64_t m, int64_t n,
                                                  int64_t k, int64_t ldc) {
  gemm_nt_body(a, b, c, m, n, k, ldc);
}
__attribute__((target("avx2"))) void gemm_nn_avx2(const float* a, const float* b, float* c, int64_t m, int64_t n,
                                                  int64_t k, int64_t ldb, int64_t ldc) {
  gemm_nn_body(a, b, c, m, n, k, ldb, ldc);
}
#endif

// Zeroes rows [0, m) x columns [0, n) of a matrix with row stride ldc.
void zero_block(float* c, int64_t m, int64_t n, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) std::memset(c + i * ldc, 0, static_cast<size_t>(n) * sizeof(float));
}

// A chunk of the pool should hold at least this many multiply-adds, or waking a worker costs more
// than it saves.
constexpr int64_t kMinChunkMacs = int64_t{1} << 16;

}  // namespace

kernels::IsaLevel gemm_f32_isa() {
#if OPENARC_GEMM_AVX2
  if (kernels::isa_level() >= kernels::IsaLevel::avx2) return kernels::IsaLevel::avx2;
#endif
  return kernels::IsaLevel::scalar;
}

// Threads split C into bands: columns in groups of 4 (the 1x4/2x4 tiles of gemm_nt) or of 16
// (a cache line, for gemm_nn), or rows in pairs (gemm_nt's 2x4 tiles) when C is too narrow for
// the columns to feed every thread. A band is computed by the same code, in the same order, as in
// a single-threaded run, so the result does not depend on the thread count.
void gemm_f32(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, bool b_transposed) {
  if (m * n == 0) return;
  const bool avx2 = gemm_f32_isa() == kernels::IsaLevel::avx2;
  const int64_t col_group = b_transposed ? 4 : 16, row_group = b_transposed ? 2 : 1;
  const int64_t col_units = (n + col_group - 1) / col_group, row_units = (m + row_group - 1) / row_group;
  const bool by_cols = col_units >= row_units || col_units >= 2 * current_pool().size();
  const int64_t unit_macs = std::max<int64_t>(1, (by_cols ? col_group * m : row_group * n) * k);
  const int64_t grain = std::max<int64_t>(1, kMinChunkMacs / unit_macs);

  parallel_for(0, by_cols ? col_units : row_units, grain, [&](int64_t lo, int64_t hi) {
    int64_t i0 = 0, i1 = m, j0 = 0, j1 = n;
    if (by_cols) j0 = lo * col_group, j1 = std::min(n, hi * col_group);
    else i0 = lo * row_group, i1 = std::min(m, hi * row_group);
    float* cb = c + i0 * n + j0;
    zero_block(cb, i1 - i0, j1 - j0, n);
    if (k == 0) return;  // an empty sum: zeros
    const float* ab = a + i0 * k;
    if (b_transposed) {
      const float* bb = b + j0 * k;
#if OPENARC_GEMM_AVX2
      if (avx2) return gemm_nt_avx2(ab, bb, cb, i1 - i0, j1 - j0, k, n);
#endif
      gemm_nt_base(ab, bb, cb, i1 - i0, j1 - j0, k, n);
    } else {
      const float* bb = b + j0;
#if OPENARC_GEMM_AVX2
      if (avx2) return gemm_nn_avx2(ab, bb, cb, i1 - i0, j1 - j0, k, n, n);
#endif
      gemm_nn_base(ab, bb, cb, i1 - i0, j1 - j0, k, n, n);
    }
  });
}

}  // namespace openarc::ops
