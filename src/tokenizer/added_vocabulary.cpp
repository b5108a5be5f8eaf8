#include "tokenizer/added_vocabulary.h"

#include <algorithm>

#include "tokenizer/normalizer.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

void AddedVocabulary::Trie::add(const std::string& pattern, int32_t token) {
  if (pattern.empty()) return;  // an empty token can never be matched
  int32_t node = 0;
  for (unsigned char c : pattern) {
    auto& ch = nodes[node].children;
    auto it = std::lower_bound(ch.begin(), ch.end(), std::make_pair(c, int32_t{-1}));
    if (it != ch.end() && it->first == c) {
      node = it->second;
    } else {
      int32_t next = static_cast<int32_t>(nodes.size());
      ch.insert(it, {c, next});
      nodes.emplace_back();
      node = next;
    }
  }
  // With duplicate contents the first added token wins, as in the Rust automaton.
  if (nodes[node].token < 0) nodes[node].token = token;
  first_byte[static_cast<unsigned char>(pattern[0])] = true;
  tokens.push_back(static_cast<size_t>(token));
}

std::pair<size_t, int32_t> AddedVocabulary::Trie::longest(std::string_view text, size_t at) const {
  size_t best_len = 0;
  int32_t best = -1;
  int32_t node = 0;
  for (size_t i = at; i < text.size(); ++i) {
    const auto& ch = nodes[node].children;
    unsigned char c = static_cast<unsigned char>(text[i]);
    auto it = std::lower_bound(ch.begin(), ch.end(), std::make_pair(c, int32_t{-1}));
    if (it == ch.end() || it->first != c) break;
    node = it->second;
    if (nodes[node].token >= 0) {
      best_len = i + 1 - at;
      best = nodes[node].token;
    }
  }
  return {best_len, best};
}

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Model& model, const Normalizer* normalizer) {
  for (AddedToken& t : tokens) {
    auto known = token_to_id(t.content);
    if (!known) known = model.token_to_id(t.content);
    if (known) {
      t.id = *known;
    } else {
      // One past the largest added id, or the model's vocab size when that is larger.
      TokenId next = static_cast<TokenId>(model.vocab_size());
      for (const auto& [id, index] : by_id_)
        if (id >= static_cast<TokenId>(model.vocab_size())) next = std::max(next, id + 1);
      t.id = next;
    }
    if (!by_content_.count(t.content)) {
      by_content_[t.content] = t.id;
      by_id_[t.id] = tokens_.size();
      if (t.special) special_.insert(t.content);
      tokens_.push_back(t);
    }
  }
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const AddedToken& t = tokens_[i];
    if (t.normalized) {
      std::string pattern = t.content;
      if (normalizer) normalizer->normalize(pattern);
      normalized_.add(pattern, static_cast<int32_t>(i));
    } else {
      raw_.add(t.content, static_cast<int32_t>(i));
    }
  }
}

const std::string* AddedVocabulary::id_to_token(TokenId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second].content;
}

std::optional<TokenId> AddedVocabulary::token_to_id(std::string_view content) const {
  auto it = by_content_.find(std::string(content));
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

namespace {

bool is_word(char32_t c) { return is_alphanumeric(c) || c == '_'; }

char32_t last_char(std::string_view s) {
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return next_code_point(s, i);
}

}  // namespace

std::vector<Segment> AddedVocabulary::split(std::string_view text, const Trie& trie) const {
  std::vector<Segment> out;
  if (trie.tokens.empty() || text.empty()) {
    out.push_back({0, text.size(), std::nullopt});
    return out;
  }
  size_t start_offset = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!trie.first_byte[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    auto [len, index] = trie.longest(text, i);
    if (len == 0) {
      ++i;
      continue;
    }
    size_t start = i, stop = i + len;
    i = stop;  // the automaton resumes after the match, whatever the flags do below
    const AddedToken& t = tokens_[static_cast<size_t>(index)];
    if (t.single_word) {
      bool start_space = start == 0 || !is_word(last_char(text.substr(0, start)));
      size_t k = stop;
      bool stop_space = stop == text.size() || !is_word(next_code_point(text, k));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) {
      size_t s = start;
      while (s > 0) {
        size_t p = s - 1;
        while (p > 0 && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) --p;
        size_t q = p;
        if (!is_whitespace(next_code_point(text, q))) break;
        s = p;
      }
      start = std::max(s, start_offset);
    }
    if (t.rstrip) {
      while (stop < text.size()) {
        size_t q = stop;
        if (!is_whitespace(next_code_point(text, q))) break;
        stop = q;
      }
    }
    if (start_offset < start) out.push_back({start_offset, start, std::nullopt});
    out.push_back({start, stop, t.id});
    start_offset = stop;
  }
  if (start_offset != text.size()) out.push_back({start_offset, text.size(), std::nullopt});
  return out;
}

}  // namespace openarc::tokenizer
