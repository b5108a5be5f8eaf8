// What linear.cpp shares with the bodies linear_scalar.cpp, linear_avx2.cpp, linear_avx512.cpp:
// scalar access to one weight, scale or zero point (the definition every body is tested
// against), the per-thread split of the output rows, per-thread scratch, and the entry points.
// Everything here is compiled for the baseline ISA: SIMD files include it before their
// `#pragma GCC target`, so no inline function here can carry AVX code into a shared COMDAT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/float16.h"
#include "core/thread_pool.h"
#include "kernels/exact_rows.h"
#include "kernels/linear.h"

namespace openarc::kernels::detail {

constexpr bool is_4bit(ElementType t) { return t == ElementType::u4 || t == ElementType::i4; }
constexpr bool is_float_weight(ElementType t) {
  return t == ElementType::f32 || t == ElementType::f16 || t == ElementType::bf16;
}

inline uint16_t load_u16(const void* base, int64_t i) {
  uint16_t v;
  std::memcpy(&v, static_cast<const uint8_t*>(base) + 2 * i, 2);
  return v;
}
inline float load_f32(const void* base, int64_t i) {
  float v;
  std::memcpy(&v, static_cast<const uint8_t*>(base) + 4 * i, 4);
  return v;
}
// Element i of a packed 4-bit array (element 0 in the low nibble), unsigned.
inline uint32_t load_nibble(const void* base, int64_t i) {
  uint8_t b = static_cast<const uint8_t*>(base)[i >> 1];
  return (i & 1) ? (b >> 4) : (b & 0xf);
}

// Integer weight q[r][c] (u8 i8 u4 i4), flat index i = r * k + c.
inline int32_t load_q(const LinearWeights& w, int64_t i) {
  switch (w.type) {
    case ElementType::u8: return static_cast<const uint8_t*>(w.data)[i];
    case ElementType::i8: return static_cast<const int8_t*>(w.data)[i];
    case ElementType::u4: return static_cast<int32_t>(load_nibble(w.data, i));
    default: return static_cast<int32_t>(load_nibble(w.data, i) ^ 8u) - 8;  // i4: sign-extend
  }
}
// scale[r][g] and zero_point[r][g], flat index i = r * groups + g.
inline float load_scale(const LinearWeights& w, int64_t i) {
  return w.scale_type == ElementType::f16 ? f16_to_f32(load_u16(w.scale, i)) : load_f32(w.scale, i);
}
inline float load_zero_point(const LinearWeights& w, int64_t i) {
  switch (w.zero_point_type) {
    case ElementType::u4: return static_cast<float>(load_nibble(w.zero_point, i));
    case ElementType::u8: return static_cast<float>(static_cast<const uint8_t*>(w.zero_point)[i]);
    case ElementType::f32: return load_f32(w.zero_point, i);
    default: return 0.0f;
  }
}
// W[r][c] by the definition: (q - zp) * scale, or the float element converted.
inline float load_weight(const LinearWeights& w, int64_t r, int64_t c) {
  int64_t i = r * w.k + c;
  switch (w.type) {
    case ElementType::f32: return load_f32(w.data, i);
    case ElementType::f16: return f16_to_f32(load_u16(w.data, i));
    case ElementType::bf16: return bf16_to_f32(load_u16(w.data, i));
    default: {
      int64_t gi = r * w.groups() + c / w.group_size;
      return (static_cast<float>(load_q(w, i)) - load_zero_point(w, gi)) * load_scale(w, gi);
    }
  }
}

// Bytes of W per row (4-bit rows of odd k share a byte; this is the average).
inline double row_bytes(const LinearWeights& w) {
  switch (w.type) {
    case ElementType::f32: return 4.0 * w.k;
    case ElementType::f16:
    case ElementType::bf16: return 2.0 * w.k;
    case ElementType::u8:
    case ElementType::i8: return 1.0 * w.k;
    default: return 0.5 * w.k;
  }
}

// Calls f(r0, r1) for contiguous pieces covering [0, n) on the threads of the current pool, with
// boundaries at multiples of `align` (tails only at n). The pieces are about 64 KB of work each,
// between one and four per thread, claimed by whichever thread is free (the pool hands out
// chunks from a counter): a thread that starts late, because it was waking up or the core was
// busy, takes fewer, instead of the other waiting for its fixed half. Small problems make fewer
// pieces (a q/k/v-sized 256 x 2048 int4 matrix: 4), one problem too small to share runs on the
// caller alone. The split decides only who computes a row, never how, so results do not depend
// on the thread count.
template <class F>
void for_each_row_range(const LinearWeights& w, int64_t m, int64_t align, F&& f) {
  const int64_t n = w.n;
  const int64_t blocks = (n + align - 1) / align;
  const int64_t threads = current_pool().size();
  const double work = row_bytes(w) * n + 64.0 * w.k * n * (m - 1);  // weight bytes + flops-ish
  int64_t pieces = static_cast<int64_t>(work / (64 * 1024)) + 1;
  if (pieces > 4 * threads) pieces = 4 * threads;
  if (pieces > blocks) pieces = blocks;
  if (threads <= 1 || pieces <= 1) {
    f(int64_t{0}, n);
    return;
  }
  parallel_for(0, pieces, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      int64_t r0 = t * blocks / pieces * align, r1 = (t + 1) * blocks / pieces * align;
      if (r1 > n) r1 = n;
      if (r0 < r1) f(r0, r1);
    }
  });
}

// A 64-byte aligned scratch buffer of at least `count` floats, owned by the calling thread;
// `slot` separates buffers that are live at the same time. Contents are unspecified.
float* scratch(int slot, size_t count);
enum ScratchSlot : int { kScratchX = 0, kScratchXSum = 1, kScratchRows = 2, kScratchPanel = 3 };

// linear_at takes the int8-activation GEMV (when it takes W) for m <= kInt8MaxM: calls of up to
// kExactRows rows stay on it, whose rows are independent of each other (kernels/exact_rows.h).
static_assert(kInt8MaxM >= kExactRows);

// x prepared once per call for the int8-activation GEMV (linear_q8_body.h): up to kInt8MaxM rows.
struct Q8Input {
  int m = 0;
  const int8_t* xq[kInt8MaxM];  // [k] quantized x, in the order the body reads it (4-bit: per chunk, even then odd)
  const float* dxl[kInt8MaxM];  // [k / E] the block scale of each int32 lane (E = 8 for 4-bit, 4 for 8-bit)
  const float* sx[kInt8MaxM];   // [groups + 16] per weight group: sum over its blocks of d_b * sum(q_b); zero padded
};
// The int8-activation bodies (linear_q8_*.cpp): whether one takes W, and y[m][n] for all of W.
bool q8_takes_avx512(bool wide, const LinearWeights& w);
void q8_avx512(bool wide, const LinearWeights& w, const Q8Input& in, float* y, const float* bias);
bool q8_takes_avxvnni(const LinearWeights& w);
void q8_avxvnni(const LinearWeights& w, const Q8Input& in, float* y, const float* bias);
bool q8_takes_avx2(const LinearWeights& w);
void q8_avx2(const LinearWeights& w, const Q8Input& in, float* y, const float* bias);

// The bodies: y[m][n] for all of W, on the current pool. Arguments are already checked.
void linear_scalar(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias);
void linear_avx2(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias);
void linear_avx512(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias);

}  // namespace openarc::kernels::detail
