// The per-ISA bodies of attention_block (attention.cpp dispatches on the level).
#pragma once

#include "kernels/attention.h"

namespace openarc::kernels::detail {

void attention_block_scalar(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                            const AttentionState& st);
void attention_block_avx2(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                          const AttentionState& st);
void attention_block_avx512(const AttentionQuery& q, const AttentionKv& kv, int64_t t0, int64_t t1,
                            const AttentionState& st);

}  // namespace openarc::kernels::detail
