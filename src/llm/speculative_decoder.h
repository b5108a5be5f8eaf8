// Speculative decoding with prompt-lookup drafts (prompt_lookup.h), between the pipeline's
// sampler and its model: instead of running the sampled token alone, it runs it together with a
// draft of the tokens expected after it, one pass that returns the logits after each of them.
// When the sampler then picks the drafted token, its logits are already there: no pass runs.
//
// The sampler draws every token from the logits after the tokens before it, one by one, exactly
// as without a draft, and a drafted token is taken only when the draw equals it. For greedy
// decoding that is the argmax test. When sampling it is the rejection rule of speculative
// sampling for a deterministic draft x (accept with probability p(x), else draw from p without x,
// renormalised) carried out with the draw plain decoding makes: the draw is x with probability
// p(x), and otherwise distributed as p without x. So the output distribution is unchanged, a seed
// gives the same tokens with speculation on and off, and penalties see the tokens in order.
//
// The logits are the same too: a verification pass carries at most kernels::kExactRows
// positions, where every kernel computes each position as a pass with that position alone does.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <vector>

#include "llm/prompt_lookup.h"

namespace openarc::llm {

class SpeculativeDecoder {
 public:
  // Runs `ids` after `past` tokens of KV state, leaving their KV in it, and returns the logits
  // after each of them ([ids.size()][vocab]).
  using Forward = std::function<std::vector<std::vector<float>>(const std::vector<int64_t>& ids, int64_t past)>;
  // Keeps the first `length` positions of the KV state.
  using Trim = std::function<void(int64_t length)>;

  // options.max_draft <= kMaxDraftTokens (generation_config.h).
  SpeculativeDecoder(PromptLookupOptions options, Forward forward, Trim trim);

  // `history` (prompt + output) ends with the token just sampled; the KV state holds the tokens
  // before it, and after them the drafts still unverified. Returns the logits after `history`,
  // whose KV the state then holds. At most `room` more tokens may follow (it bounds the draft).
  std::vector<float> next(std::span<const int64_t> history, int64_t room);

  // The sequence ended: drops the KV of drafts not taken, so the state holds `committed`
  // positions (the tokens next() was given) again.
  void finish(int64_t committed);

  int64_t drafted() const { return drafted_; }    // tokens proposed and verified
  int64_t accepted() const { return accepted_; }  // of them, the ones the sampler picked

 private:
  struct Verified {
    int64_t token;
    std::vector<float> logits;  // (vocab) the logits after it
  };

  PromptLookupOptions options_;
  Forward forward_;
  Trim trim_;
  std::deque<Verified> pending_;  // drafted tokens whose KV follows the history's, in order
  int64_t drafted_ = 0, accepted_ = 0;
};

}  // namespace openarc::llm
