// The dense matrix product behind MatMul (and SDPA's two products): C[M,N] = A[M,K] · B, with B
// stored either [K,N] or [N,K] (transposed, the layout of every Linear weight). Row-major, dense,
// C fully overwritten. Single-threaded; the fused int8/int4 kernels in kernels/ replace it for
// compressed weights.
#pragma once

#include <cstdint>

namespace openarc::ops {

// f32: cache-blocked loops written so the compiler vectorises them (no reassociation needed).
void gemm_f32(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, bool b_transposed);

// Any other arithmetic type: plain loops accumulating in Acc (double for double, a wrapping
// uint64_t for integers so overflow wraps modulo 2^bits as two's complement does, never UB).
template <typename T, typename Acc>
void gemm_generic(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k, bool b_transposed) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      Acc s = 0;
      for (int64_t p = 0; p < k; ++p) {
        T bv = b_transposed ? b[j * k + p] : b[p * n + j];
        s += static_cast<Acc>(a[i * k + p]) * static_cast<Acc>(bv);
      }
      c[i * n + j] = static_cast<T>(s);
    }
  }
}

}  // namespace openarc::ops
