// The linear layer on weights as the IR stores them: y[m][n] = sum_k x[m][k] * W[n][k]. W is
// read where it lies (the memory-mapped .bin): f32, f16, bf16, or integers with a zero point and a
// scale per group of k, as NNCF's decompression subgraphs describe them (ir-inventory.md 3.1):
//   W[r][c] = (q[r][c] - zero_point[r][c / group_size]) * scale[r][c / group_size]
// No f32 copy of a weight ever exists. Work is split over the current thread pool
// (core/thread_pool.h) by output columns, so each thread streams its own rows of W.
#pragma once

#include <cstdint>

#include "core/element_type.h"
#include "kernels/cpu_info.h"

namespace openarc::kernels {

struct LinearWeights {
  ElementType type = ElementType::f32;  // f32 f16 bf16 | u8 i8 u4 i4
  int64_t n = 0, k = 0;                 // output features (rows of W), input features
  // [n][k] row-major. u4/i4: two per byte, element 0 in the low nibble (rows of odd k are not
  // byte-aligned; the kernels support that, slowly).
  const void* data = nullptr;

  // Integer types only. group_size divides k (k itself: one group per row, "per channel").
  int64_t group_size = 0;
  ElementType scale_type = ElementType::f16;  // f16 or f32
  const void* scale = nullptr;                // [n][k / group_size]
  // u4, u8 or f32 ([n][k / group_size], same packing as data), or undefined: no zero point
  // (symmetric weights).
  ElementType zero_point_type = ElementType::undefined;
  const void* zero_point = nullptr;

  int64_t groups() const { return group_size > 0 ? k / group_size : 1; }
};

// Throws Error naming what is wrong when the description is inconsistent (a type the kernels do
// not take, a group size that does not divide k, a missing pointer).
void check_linear_weights(const LinearWeights& w);

// y[m][n] = x[m][k] . W^T (+ bias[n] when bias is not null). x and y are dense row-major. Chooses
// the body for kernels::isa_level() and splits over the current pool.
void linear(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias = nullptr);

// The same at a given level (tests compare every level this machine runs with the scalar twin).
void linear_at(IsaLevel level, const LinearWeights& w, const float* x, int64_t m, float* y,
               const float* bias = nullptr);

// Row r of W, dequantized to f32 (the embedding lookup): out[k].
void dequantize_row(const LinearWeights& w, int64_t r, float* out);

}  // namespace openarc::kernels
