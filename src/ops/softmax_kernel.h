// Softmax along one axis of a dense tensor viewed as [outer, n, inner]; shared by SoftMax,
// LogSoftmax and ScaledDotProductAttention. Subtracting the slice maximum keeps exp in range
// without changing the result; sums accumulate in double.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace openarc::ops {

// y = softmax(x) (or log-softmax) over the n elements x[0], x[stride], ..., x[(n-1)*stride].
// x and y may alias.
template <typename T>
void softmax_slice(const T* x, T* y, int64_t n, int64_t stride, bool log) {
  if (n == 0) return;
  T m = -std::numeric_limits<T>::infinity();
  bool nan = false;
  for (int64_t c = 0; c < n; ++c) {
    T v = x[c * stride];
    nan = nan || std::isnan(v);
    if (v > m) m = v;
  }
  if (nan) m = std::numeric_limits<T>::quiet_NaN();  // NaN in, NaN out for the whole slice
  double sum = 0;
  if (log) {
    for (int64_t c = 0; c < n; ++c) sum += std::exp(static_cast<double>(x[c * stride] - m));
    double ls = std::log(sum);
    for (int64_t c = 0; c < n; ++c) y[c * stride] = static_cast<T>(static_cast<double>(x[c * stride] - m) - ls);
    return;
  }
  for (int64_t c = 0; c < n; ++c) {  // y holds exp(x - m) until the division (x[c] is read first)
    T e = static_cast<T>(std::exp(x[c * stride] - m));
    y[c * stride] = e;
    sum += e;
  }
  T inv = static_cast<T>(1.0 / sum);
  for (int64_t c = 0; c < n; ++c) y[c * stride] *= inv;
}

template <typename T>
void softmax_strided(const T* x, T* y, int64_t outer, int64_t n, int64_t inner, bool log) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) softmax_slice(x + o * n * inner + i, y + o * n * inner + i, n, inner, log);
}

}  // namespace openarc::ops
