// The dense matrix product behind MatMul (and SDPA's two products): C[M,N] = A[M,K] · B, with B
// stored either [K,N] or [N,K] (transposed, the layout of every Linear weight). Row-major, dense,
// C fully overwritten. gemm_f32 splits C over the current thread pool (core/thread_pool.h); the
// fused int8/int4 kernels in kernels/ replace it for compressed weights.
#pragma once

#include <cstdint>

#include "kernels/cpu_info.h"

namespace openarc::ops {

// f32: cache-blocked loops written so the compiler vectorises them (no reassociation needed).
// Bit-identical for every thread count. The instruction set follows kernels::isa_level().
void gemm_f32(const float* a, const float* b, float* c, int64_t m, int64_t n, int64_t k, bool b_transposed);
// The body gemm_f32 runs at the current kernels::isa_level(): avx2 or scalar (the x86-64 baseline).
kernels::IsaLevel gemm_f32_isa();

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
