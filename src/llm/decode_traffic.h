// How many bytes of weights one decoded token streams from memory: what bounds decode speed on a
// CPU, since every matmul reads its whole weight for a single token. `openarc bench` divides it
// by the time per token to get the achieved GB/s.
//
// Counted from the IR's constants (each distinct buffer once): a constant that only reaches
// Gather's data input, directly or through its decompression ops (Convert, Subtract, Multiply,
// Reshape ...), is a lookup table read one row per token (the token embedding, a rotary cache),
// so it counts bytes / rows. Every other constant counts whole. A tied embedding also feeds the
// lm_head MatMul, so it counts whole, as it is read whole.
#pragma once

#include <cstdint>

#include "ir/model.h"

namespace openarc::llm {

struct DecodeTraffic {
  int64_t bytes_per_token = 0;  // constants read per decoded token
  int64_t constant_bytes = 0;   // all constants
  int64_t embedding_rows = 0;   // rows of the largest lookup table (the vocabulary), 0 if none
};

DecodeTraffic decode_traffic(const ir::Model& model);

}  // namespace openarc::llm
