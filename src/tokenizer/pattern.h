// Patterns and split behaviours shared by the Split/Punctuation/Digits pre-tokenizers and the
// Replace normalizer and decoder. A pattern turns a text into spans that cover it, each marked
// as a match or not; a split behaviour decides what happens to the matched spans.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/regex.h"

namespace openarc::tokenizer {

class JsonAt;

struct Span {
  size_t begin;
  size_t end;
  bool is_match;
};

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
SplitBehavior parse_split_behavior(const JsonAt& j);

class Pattern {
 public:
  static Pattern literal(std::string text);
  static Pattern regex(std::string_view onig_pattern);
  // {"String": "..."} or {"Regex": "..."}, as tokenizer.json writes them.
  static Pattern from_json(const JsonAt& j);

  // Spans covering `text` in order; an empty text gives one empty non-match.
  std::vector<Span> find_matches(std::string_view text) const;
  // Every match replaced by `content`.
  std::string replace_all(std::string_view text, std::string_view content) const;

 private:
  std::string literal_;
  std::shared_ptr<const Regex> regex_;
};

// Spans for a per-character predicate: each matching character is its own match.
std::vector<Span> find_char_matches(std::string_view text, const std::function<bool(char32_t)>& pred);
// Marks every span's match flag the other way round (Split's `invert`).
void invert_spans(std::vector<Span>& spans);
// The byte ranges to keep after applying the behaviour, in order (empty ranges included;
// the caller drops them as the Rust library does).
std::vector<std::pair<size_t, size_t>> apply_split_behavior(const std::vector<Span>& spans, SplitBehavior b);

}  // namespace openarc::tokenizer
