// Grammar-constrained decoding over a vocabulary: which tokens may come next.
//
// TokenGrammar binds a compiled grammar to a vocabulary and its end tokens (eos, stop ids):
// it owns the automaton and a cache of token masks per automaton state. A state decides all that
// may follow, so its mask is computed once (a walk of the token trie) and reused whenever the
// generation returns to it (inside a JSON string, between array items ...). End tokens are
// allowed exactly where the grammar can end; other special tokens never.
//
// TokenMatcher is one sequence's position in it. With a token budget (the tokens the sequence
// may still generate) it also keeps the grammar finishable: a token is allowed only if the
// shortest completion after it, in bytes, fits in the tokens left (every vocabulary this serves
// has single-byte tokens), so output cut by max_tokens still closes its JSON. When the budget
// cannot be met at all, the budget is dropped rather than leaving no token.
//
// Neither is thread-safe; a generation uses one at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "grammar/automaton.h"
#include "grammar/token_constraint.h"
#include "grammar/token_vocabulary.h"

namespace openarc::grammar {

class TokenGrammar {
 public:
  TokenGrammar(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenVocabulary> vocabulary,
               std::vector<int32_t> end_tokens);

  Automaton& automaton() { return automaton_; }
  const TokenVocabulary& vocabulary() const { return *vocabulary_; }
  bool is_end_token(int32_t id) const;
  size_t words() const { return (vocabulary_->size() + 63) / 64; }

  // The tokens allowed in state s (bit id of word id / 64). `max_completion`: leave out tokens
  // after which the grammar needs more bytes than that to finish (UINT32_MAX: no limit).
  // Returns the largest such need among the allowed tokens.
  uint32_t fill_mask(Automaton::StateId s, uint32_t max_completion, std::span<uint64_t> bits);
  // fill_mask without a limit, cached per state.
  struct CachedMask {
    std::vector<uint64_t> bits;
    uint32_t worst_completion = 0;  // the largest shortest-completion after an allowed token
    bool any = false;               // some token is allowed
  };
  const CachedMask& mask(Automaton::StateId s);

  // Masks computed by a trie walk / answered from the cache (for tests and benchmarks).
  size_t walks() const { return walks_; }
  size_t cache_hits() const { return hits_; }

 private:
  std::shared_ptr<const TokenVocabulary> vocabulary_;
  Automaton automaton_;
  std::vector<int32_t> end_tokens_;
  std::unordered_map<Automaton::StateId, CachedMask> cache_;
  size_t cache_bytes_ = 0;
  uint8_t loop_classes(Automaton::StateId s);  // classes (TokenTrie) on which s steps to itself

  std::vector<Automaton::StateId> at_depth_;  // walk scratch: state after each prefix length
  std::vector<uint8_t> loop_classes_;         // per state, 0xFF: not known yet
  size_t walks_ = 0, hits_ = 0;
};

class TokenMatcher final : public TokenConstraint {
 public:
  static constexpr int64_t kNoBudget = -1;
  // max_tokens: how many tokens the sequence may generate (kNoBudget: no limit).
  explicit TokenMatcher(std::shared_ptr<TokenGrammar> grammar, int64_t max_tokens = kNoBudget);

  // Whether `token` may come next (cheap: walks that token's bytes; the full mask only when
  // the budget binds).
  bool allows(int32_t token) override;
  // The allowed tokens, one bit each (the vocabulary's size in bits). Throws Error when the
  // grammar is not finished and no token of the vocabulary can continue it.
  std::span<const uint64_t> mask() override;
  // Advances by a token; throws Error when it is not allowed.
  void accept(int32_t token) override;
  // Advances by text (a forced prefix, tests); false (and no change) when the grammar refuses it.
  bool accept_text(std::string_view text);

  bool can_end() const { return ended_ || grammar_->automaton().can_end(state_); }
  // The text is a whole match and nothing may follow: generation can stop.
  bool is_complete() const override { return ended_ || grammar_->automaton().is_complete(state_); }
  bool ended() const { return ended_; }  // an end token was accepted
  size_t vocab_size() const override { return grammar_->vocabulary().size(); }

 private:
  Automaton::StateId after(int32_t token);  // kDead when refused
  uint32_t completion_limit() const;        // the budget in bytes after one more token

  std::shared_ptr<TokenGrammar> grammar_;
  Automaton::StateId state_;
  int64_t remaining_;
  bool ended_ = false;
  std::vector<uint64_t> budget_bits_;  // the mask when the budget binds
};

}  // namespace openarc::grammar
