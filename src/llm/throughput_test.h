// One speed test of a Pipeline as llama-bench runs them, through the same generate() path the
// server and `openarc generate` use, so what is timed is what users get:
// - prompt processing (pp): prefill `n_prompt` tokens into an empty KV state, then pick one token;
// - text generation (tg): from an empty state, decode `n_gen` tokens one at a time (the first
//   forward takes one token, as llama-bench's tg does).
// Tokens are seeded random ids: the speed of a dense model does not depend on which they are.
// Decoding is greedy and ignores eos, so every test runs its full length.
#pragma once

#include <cstdint>

#include "llm/pipeline.h"

namespace openarc::llm {

struct ThroughputTest {
  int64_t n_prompt = 0;  // > 0 for a pp test
  int64_t n_gen = 0;     // > 0 for a tg test (when n_prompt is 0)

  int64_t tokens() const { return n_prompt > 0 ? n_prompt : n_gen; }
};

// Runs the test once from an empty state with token ids below `vocab` drawn from `seed` and
// returns its wall time in nanoseconds. Throws Error when the test does not fit the context.
int64_t run_throughput_test(Pipeline& pipe, const ThroughputTest& test, int64_t vocab, uint64_t seed);

}  // namespace openarc::llm
