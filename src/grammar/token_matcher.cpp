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

uint8_t TokenGrammar::loop_classes(Automaton::StateId s) {
  if (s >= loop_classes_.size()) loop_classes_.resize(automaton_.state_count(), 0xFF);
  if (loop_classes_[s] != 0xFF) return loop_classes_[s];
  Automaton& a = automaton_;
  uint8_t out = 0;
  for (TokenTrie::Class c : {TokenTrie::kAlnum, TokenTrie::kDigits}) {
    bool loops = true;
    for (unsigned b = 0; b < 256 && loops; ++b)
      if (TokenTrie::byte_in(c, static_cast<uint8_t>(b))) loops = a.step(s, static_cast<uint8_t>(b)) == s;
    if (loops) out |= c;
  }
  // kText: every character of the class leads back to s, byte by byte through the states in
  // between (a few distinct ones: the frontier of each byte position is deduplicated).
  static const std::vector<std::vector<ByteSet>> kTextSequences =
      utf8_sequences(complement_ranges(normalize_ranges({{0, 0x1F}, {'"', '"'}, {'\\', '\\'}})));
  bool text = true;
  for (const auto& seq : kTextSequences) {
    std::vector<Automaton::StateId> frontier{s};
    for (size_t i = 0; i < seq.size() && text; ++i) {
      std::vector<Automaton::StateId> next;
      for (Automaton::StateId f : frontier) {
        for (unsigned b = 0; b < 256 && text; ++b) {
          if (!seq[i].has(static_cast<uint8_t>(b))) continue;
          const Automaton::StateId t = a.step(f, static_cast<uint8_t>(b));
          if (i + 1 == seq.size()) text = t == s;
          else if (t == Automaton::kDead) text = false;
          else next.push_back(t);
        }
      }
      std::sort(next.begin(), next.end());
      next.erase(std::unique(next.begin(), next.end()), next.end());
      frontier = std::move(next);
    }
    if (!text) break;
  }
  if (text) out |= TokenTrie::kText;
  // (steps may have added states: index again)
  if (s >= loop_classes_.size()) loop_classes_.resize(automaton_.state_count(), 0xFF);
  return loop_classes_[s] = out;
}

uint32_t TokenGrammar::fill_mask(Automaton::StateId s, uint32_t max_completion, std::span<uint64_t> bits) {
  ++walks_;
  std::fill(bits.begin(), bits.end(), 0);
  const TokenTrie& trie = vocabulary_->trie();
  Automaton& a = automaton_;
  uint32_t worst = 0;
  at_depth_[0] = s;
  // Depth-first over the trie: a refused byte skips its whole subtree; a subtree within a class
  // the state loops on is taken whole.
  const size_t n = trie.size();
  for (size_t i = 1; i < n;) {
    const uint32_t d = trie.depth(i);
    const Automaton::StateId from = at_depth_[d - 1];
    if (trie.subtree_classes(i) && (trie.subtree_classes(i) & loop_classes(from))) {
      const uint32_t need = a.min_completion(from);
      if (need <= max_completion) {
        worst = std::max(worst, need);
        for (int32_t id : trie.subtree_tokens(i)) set_bit(bits, id);
      }
      i = trie.subtree_end(i);
      continue;
    }
    const Automaton::StateId next = a.step(from, trie.byte(i));
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
