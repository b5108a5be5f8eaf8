#include "grammar/token_matcher.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace openarc::grammar {

namespace {

// Cached masks are dropped all at once past this size (150k tokens: ~1700 masks).
constexpr size_t kMaxCacheBytes = size_t{32} << 20;

void set_bit(std::span<uint64_t> bits, int32_t id) { bits[static_cast<size_t>(id) >> 6] |= uint64_t{1} << (id & 63); }
bool get_bit(std::span<const uint64_t> bits, int32_t id) { return (bits[static_cast<size_t>(id) >> 6] >> (id & 63)) & 1; }

}  // namespace

TokenGrammar::TokenGrammar(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenVocabulary> vocabulary,
                           std::vector<int32_t> end_tokens)
    : vocabulary_(std::move(vocabulary)), automaton_(std::move(grammar)), end_tokens_(std::move(end_tokens)) {
  std::erase_if(end_tokens_, [&](int32_t id) { return id < 0 || static_cast<size_t>(id) >= vocabulary_->size(); });
  at_depth_.resize(vocabulary_->trie().max_depth() + 1);
}

bool TokenGrammar::is_end_token(int32_t id) const {
  return std::find(end_tokens_.begin(), end_tokens_.end(), id) != end_tokens_.end();
}

uint32_t TokenGrammar::fill_mask(Automaton::StateId s, uint32_t max_completion, std::span<uint64_t> bits) {
  ++walks_;
  std::fill(bits.begin(), bits.end(), 0);
  const TokenTrie& trie = vocabulary_->trie();
  Automaton& a = automaton_;
  uint32_t worst = 0;
  at_depth_[0] = s;
  // Depth-first over the trie: a refused byte skips its whole subtree.
  const size_t n = trie.size();
  for (size_t i = 1; i < n;) {
    const uint32_t d = trie.depth(i);
    const Automaton::StateId next = a.step(at_depth_[d - 1], trie.byte(i));
    if (next == Automaton::kDead) {
      i = trie.subtree_end(i);
      continue;
    }
    at_depth_[d] = next;
    const auto tokens = trie.tokens(i);
    if (!tokens.empty()) {
      const uint32_t need = a.min_completion(next);
      if (need <= max_completion) {
        worst = std::max(worst, need);
        for (int32_t id : tokens) set_bit(bits, id);
      }
    }
    ++i;
  }
  if (a.can_end(s))
    for (int32_t id : end_tokens_) set_bit(bits, id);
  return worst;
}

const TokenGrammar::CachedMask& TokenGrammar::mask(Automaton::StateId s) {
  auto it = cache_.find(s);
  if (it != cache_.end()) {
    ++hits_;
    return it->second;
  }
  if (cache_bytes_ > kMaxCacheBytes) {
    cache_.clear();
    cache_bytes_ = 0;
  }
  CachedMask m;
  m.bits.assign(words(), 0);
  m.worst_completion = fill_mask(s, UINT32_MAX, m.bits);
  m.any = std::any_of(m.bits.begin(), m.bits.end(), [](uint64_t w) { return w != 0; });
  cache_bytes_ += m.bits.size() * sizeof(uint64_t);
  return cache_.emplace(s, std::move(m)).first->second;
}

TokenMatcher::TokenMatcher(std::shared_ptr<TokenGrammar> grammar, int64_t max_tokens)
    : grammar_(std::move(grammar)), state_(grammar_->automaton().start()), remaining_(max_tokens) {}

uint32_t TokenMatcher::completion_limit() const {
  if (remaining_ < 0) return UINT32_MAX;
  return static_cast<uint32_t>(std::clamp<int64_t>(remaining_ - 1, 0, UINT32_MAX - 1));
}

Automaton::StateId TokenMatcher::after(int32_t token) {
  if (token < 0 || static_cast<size_t>(token) >= vocab_size()) return Automaton::kDead;
  const std::string& bytes = grammar_->vocabulary().bytes(token);
  if (bytes.empty()) return Automaton::kDead;
  Automaton& a = grammar_->automaton();
  Automaton::StateId s = state_;
  for (unsigned char c : bytes) {
    s = a.step(s, c);
    if (s == Automaton::kDead) break;
  }
  return s;
}

bool TokenMatcher::allows(int32_t token) {
  if (ended_) return false;
  if (grammar_->is_end_token(token)) return grammar_->automaton().can_end(state_);
  const Automaton::StateId s = after(token);
  if (s == Automaton::kDead) return false;
  if (grammar_->automaton().min_completion(s) <= completion_limit()) return true;
  return get_bit(mask(), token);  // the budget binds: the mask decides (it may drop the budget)
}

std::span<const uint64_t> TokenMatcher::mask() {
  check(!ended_, "grammar: the sequence already ended");
  const TokenGrammar::CachedMask& cached = grammar_->mask(state_);
  check(cached.any, "grammar: no token of the vocabulary can continue the text here",
        grammar_->automaton().can_end(state_) ? " (and no end token is known)" : "");
  const uint32_t limit = completion_limit();
  if (cached.worst_completion <= limit) return cached.bits;
  budget_bits_.assign(grammar_->words(), 0);
  grammar_->fill_mask(state_, limit, budget_bits_);
  if (std::all_of(budget_bits_.begin(), budget_bits_.end(), [](uint64_t w) { return w == 0; }))
    return grammar_->mask(state_).bits;  // cannot finish in time anyway: only the grammar applies
  return budget_bits_;
}

void TokenMatcher::accept(int32_t token) {
  check(allows(token), "grammar: token ", token, " is not allowed here");
  if (remaining_ > 0) --remaining_;
  if (grammar_->is_end_token(token)) {
    ended_ = true;
    return;
  }
  state_ = after(token);
}

bool TokenMatcher::accept_text(std::string_view text) {
  Automaton& a = grammar_->automaton();
  Automaton::StateId s = state_;
  for (unsigned char c : text) {
    s = a.step(s, c);
    if (s == Automaton::kDead) return false;
  }
  state_ = s;
  return true;
}

}  // namespace openarc::grammar
