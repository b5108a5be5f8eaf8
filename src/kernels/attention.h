// Attention of query rows on one KV head, flash-attention style: the positions are visited in
// blocks, each K/V row is converted and loaded once per block for every query row the caller
// passes (all query heads of a GQA group, several query positions), and the softmax is online:
// each row keeps a running maximum m, a sum l of exp(score - m) and an accumulator acc of the
// exp-weighted V rows, rescaled when m grows. A range of positions can be split into parts whose
// states merge afterwards (flash-decoding). K/V rows are f32 or f16 (IEEE binary16).
//   score(r, t) = (q_r . k_t) * scale + bias_r[t],   -inf outside the row's live range [lo, hi)
//   out_r = sum_t exp(score - m) v_t / sum_t exp(score - m)
// A row with no live position (every score -inf) comes out NaN, as softmax's 0/0 does.
#pragma once

#include <cstdint>

#include "core/element_type.h"
#include "kernels/cpu_info.h"

namespace openarc::kernels {

struct AttentionQuery {
  int64_t rows = 0;
  int64_t d = 0;                       // q and k dim
  const float* const* q = nullptr;     // [rows] -> q row [d]
  const float* const* bias = nullptr;  // [rows] -> [T] additive mask by absolute position; null (or a null row): none
  const int64_t* lo = nullptr;         // [rows] first live position
  const int64_t* hi = nullptr;         // [rows] one past the last live position
  float scale = 1;
};

struct AttentionKv {
  ElementType type = ElementType::f32;  // f32 or f16
  const void* k = nullptr;              // [T][d] one head, positions contiguous
  const void* v = nullptr;              // [T][dv]
  int64_t dv = 0;
};

// The online softmax's running values.
struct AttentionState {
  float* m = nullptr;    // [rows] running maximum score (-inf: no live position yet)
  float* l = nullptr;    // [rows] sum of exp(score - m)
  float* acc = nullptr;  // [rows][dv] sum of exp(score - m) v_t
};

// m = -inf, l = 0, acc = 0.
void attention_init(int64_t rows, int64_t dv, const AttentionState& st);

// Folds positions [t0, t1) into the state. Runs on the calling thread (callers split the work).
void attention_block(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1, const AttentionState& st);
// The same at a given level (tests compare every level with the scalar twin).
void attention_block_at(IsaLevel level, const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                        const AttentionState& st);

// out[r] [dv] = the attention of row r over the parts' position ranges, parts[0..n) in order.
// One part: acc / l. A row live in no part is NaN.
void attention_merge(int64_t rows, int64_t dv, const AttentionState* parts, int64_t n, float* const* out);

}  // namespace openarc::kernels
