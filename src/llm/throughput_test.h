// One speed test of a Pipeline as llama-bench runs them, through the same generate() path the
// server and `openarc generate` use, so what is timed is what users get:
// - prompt processing (pp): prefill `n_prompt` tokens, then pick one token;
// - text generation (tg): decode `n_gen` tokens one at a time (the first forward takes one
//   token, as llama-bench's tg does).
// Both start from a KV state holding `n_depth` tokens of context (llama-bench's -d), prefilled
// before the clock starts and reused through the pipeline's prefix reuse; 0 is an empty state.
// Tokens are seeded random ids: the speed of a dense model does not depend on which they are.
// Decoding is greedy and ignores eos, so every test runs its full length.
#pragma once

#include <cstdint>
#include <string>

#include "llm/pipeline.h"

namespace openarc::llm {

struct ThroughputTest {
  int64_t n_prompt = 0;  // > 0 for a pp test
  int64_t n_gen = 0;     // > 0 for a tg test (when n_prompt is 0)
  int64_t n_depth = 0;   // tokens of context already in the KV state

  int64_t tokens() const { return n_prompt > 0 ? n_prompt : n_gen; }
  // llama-bench's test name: "pp512", "tg64", "tg64 @ d4096".
  std::string name() const;
};

// Runs the test once with token ids below `vocab` drawn from `seed` and returns the wall time of
// its timed part in nanoseconds. Throws Error when the test does not fit the context, or when it
// has a depth and the pipeline was opened without prefix reuse.
int64_t run_throughput_test(Pipeline& pipe, const ThroughputTest& test, int64_t vocab, uint64_t seed);

}  // namespace openarc::llm
