// The plain C++ body: each row of W dequantized by the definition (load_weight), then dotted with
// every row of x. Every SIMD body is tested against it; it is also what a CPU without AVX2 runs.
#include "kernels/linear_body.h"

namespace openarc::kernels::detail {

void linear_scalar(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias) {
  const int64_t n = w.n, k = w.k;
  for_each_row_range(w, m, 16, [&](int64_t r0, int64_t r1) {
    float* row = scratch(kScratchRows, static_cast<size_t>(k));  // [k] row r of W in f32
    for (int64_t r = r0; r < r1; ++r) {
      for (int64_t c = 0; c < k; ++c) row[c] = load_weight(w, r, c);
      for (int64_t i = 0; i < m; ++i) {
        const float* xi = x + i * k;
        // Eight partial sums: shorter dependency chains and a smaller rounding error than one.
        float part[8] = {};
        int64_t c = 0;
        for (; c + 8 <= k; c += 8)
          for (int j = 0; j < 8; ++j) part[j] += xi[c + j] * row[c + j];
        for (; c < k; ++c) part[c & 7] += xi[c] * row[c];
        float s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
        y[i * n + r] = s + (bias ? bias[r] : 0.0f);
      }
    }
  });
}

}  // namespace openarc::kernels::detail
