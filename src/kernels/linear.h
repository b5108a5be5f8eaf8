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
// the body for kernels::isa_level() and splits over the current pool. Integer weights at
// m <= kInt8MaxM take the int8-activation path (below) when the level has one that takes W.
void linear(const LinearWeights& w, const float* x, int64_t m, float* y, const float* bias = nullptr);

// The same at a given level (tests compare every level this machine runs with the scalar twin).
void linear_at(IsaLevel level, const LinearWeights& w, const float* x, int64_t m, float* y,
               const float* bias = nullptr);

// ---- int8 activations (decode) ----------------------------------------------------------------
// For integer weights and m <= kInt8MaxM, linear() and linear_at() quantize x once per call to
// s8 in blocks of kInt8ActivationBlock values with an f32 scale each (quantize_activations) and
// run a VNNI-style integer GEMV: results differ from the f32 path by that rounding (about 1e-3 of
// sum |x * w|; the f32 path is exact to f32 summation order). Blocks of 32 rather than the weight
// group: one activation outlier then coarsens 32 values, not a group of 128 or a whole row
// (per-channel weights), and the cost is one multiply per vector of weights.
// OPENARC_EXACT_LINEAR=1 in the environment (read once) keeps every call on the f32 path.
constexpr int64_t kInt8ActivationBlock = 32;
constexpr int kInt8MaxM = 4;

// Which integer dot product the int8 path uses. vnni512 / vnni256: AVX512_VNNI on 512- or 256-bit
// vectors (the avx512 level); avx_vnni256: AVX-VNNI (avx2 level); avx2_maddubs: vpmaddubsw
// (avx2 level without AVX-VNNI; 4-bit weights only).
enum class Int8Dot : uint8_t { vnni512, vnni256, avx_vnni256, avx2_maddubs };
const char* to_string(Int8Dot dot);
// Whether this CPU runs `dot`.
bool int8_dot_supported(Int8Dot dot);
// The dot product linear_at(level) uses for W on the int8 path (at avx512: vnni512, else vnni256
// when only the narrower vectors fit k), or false when W stays on the f32 path at that level.
bool int8_dot_for(IsaLevel level, const LinearWeights& w, Int8Dot& out);
// Whether the int8 path with `dot` takes these weights (integer, group a multiple of 32, whole
// vectors per row; the rest stays on the f32 path).
bool linear_int8_takes(Int8Dot dot, const LinearWeights& w);
// The int8 path with a given dot product, for any m (blocks of kInt8MaxM rows of x). Throws Error
// when the CPU lacks `dot` or it does not take W (tests and benchmarks).
void linear_int8(Int8Dot dot, const LinearWeights& w, const float* x, int64_t m, float* y,
                 const float* bias = nullptr);
// Always f32 activations (the accuracy mode; what linear_at does when OPENARC_EXACT_LINEAR=1).
void linear_f32_at(IsaLevel level, const LinearWeights& w, const float* x, int64_t m, float* y,
                   const float* bias = nullptr);
// Whether OPENARC_EXACT_LINEAR=1 was set (read once per process).
bool exact_linear();
// x[k] -> q[k] s8 and scale[(k + 31) / 32]: per block of 32, d = max|x| / 127 and
// q = round(x * (127 / max|x|)) (to nearest even, |q| <= 127; d = 0 and q = 0 for an all-zero
// block), so x ~ q * d. `sums`, when
// not null, receives sum(q) per block. The int8 path uses exactly these values.
void quantize_activations(const float* x, int64_t k, int8_t* q, float* scale, int32_t* sums = nullptr);

// Row r of W, dequantized to f32 (the embedding lookup): out[k].
void dequantize_row(const LinearWeights& w, int64_t r, float* out);

}  // namespace openarc::kernels
