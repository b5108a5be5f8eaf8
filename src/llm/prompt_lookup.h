// Prompt lookup (n-gram) drafting for speculative decoding: guesses the next tokens by finding
// the sequence's own last tokens earlier in it (the prompt or the output so far) and proposing
// what followed them there. Summaries, edits of code and answers that quote their context repeat
// long runs of the prompt, and this costs no model at all.
//
//   For n = max_ngram down to min_ngram: the most recent earlier occurrence of the last n tokens
//   of the history; the draft is the up to max_draft tokens after it. No occurrence: no draft.
//
// Longer matches predict better, so the longest n wins; among occurrences of one n the most
// recent, as the text nearest to the end is the likeliest to be continued. One backward pass
// over the history, O(history * max_ngram) at worst: microseconds beside a forward pass.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace openarc::llm {

struct PromptLookupOptions {
  int64_t max_draft = 3;  // most tokens proposed
  int64_t max_ngram = 3;  // longest suffix matched
  int64_t min_ngram = 2;  // shortest suffix matched (>= 1, <= max_ngram)
};

// The draft after `history` (prompt + output so far), at most options.max_draft tokens.
std::vector<int64_t> prompt_lookup_draft(std::span<const int64_t> history, const PromptLookupOptions& options);

}  // namespace openarc::llm
