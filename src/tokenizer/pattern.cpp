#include "tokenizer/pattern.h"

#include <algorithm>

#include "core/error.h"
#include "tokenizer/json_reader.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

SplitBehavior parse_split_behavior(const JsonAt& j) {
  std::string s = j.str();
  if (s == "Removed") return SplitBehavior::Removed;
  if (s == "Isolated") return SplitBehavior::Isolated;
  if (s == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (s == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (s == "Contiguous") return SplitBehavior::Contiguous;
  j.fail(cat("unknown split behavior \"", s,
             "\" (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)"));
}

Pattern Pattern::literal(std::string text) {
  Pattern p;
  p.literal_ = std::move(text);
  return p;
}

Pattern Pattern::regex(std::string_view onig_pattern) {
  Pattern p;
  p.regex_ = std::make_shared<const Regex>(onig_pattern);
  return p;
}

Pattern Pattern::from_json(const JsonAt& j) {
  if (j.has("String")) return literal(j["String"].str());
  if (j.has("Regex")) {
    std::string source = j["Regex"].str();
    try {
      return regex(source);
    } catch (const Error& e) {
      j["Regex"].fail(e.what());
    }
  }
  j.fail("expected a pattern {\"String\": ...} or {\"Regex\": ...}");
}

std::vector<Span> Pattern::find_matches(std::string_view text) const {
  if (text.empty()) return {{0, 0, false}};
  std::vector<Span> out;
  size_t prev = 0;
  auto add = [&](size_t s, size_t e) {
    if (prev != s) out.push_back({prev, s, false});
    out.push_back({s, e, true});
    prev = e;
  };
  if (regex_) {
    for (auto [s, e] : regex_->find_all(text)) add(s, e);
  } else if (!literal_.empty()) {
    for (size_t at = text.find(literal_); at != std::string_view::npos; at = text.find(literal_, at + literal_.size()))
      add(at, at + literal_.size());
  } else {
    return {{0, text.size(), false}};
  }
  if (prev != text.size()) out.push_back({prev, text.size(), false});
  return out;
}

std::string Pattern::replace_all(std::string_view text, std::string_view content) const {
  std::string out;
  out.reserve(text.size());
  for (const Span& s : find_matches(text)) {
    if (s.is_match) out += content;
    else out.append(text.substr(s.begin, s.end - s.begin));
  }
  return out;
}

std::vector<Span> find_char_matches(std::string_view text, const std::function<bool(char32_t)>& pred) {
  if (text.empty()) return {{0, 0, false}};
  std::vector<Span> out;
  size_t last = 0;
  for (size_t i = 0; i < text.size();) {
    size_t b = i;
    char32_t c = next_code_point(text, i);
    if (pred(c)) {
      if (last < b) out.push_back({last, b, false});
      out.push_back({b, i, true});
      last = i;
    }
  }
  if (last < text.size()) out.push_back({last, text.size(), false});
  return out;
}

void invert_spans(std::vector<Span>& spans) {
  for (Span& s : spans) s.is_match = !s.is_match;
}

std::vector<std::pair<size_t, size_t>> apply_split_behavior(const std::vector<Span>& spans, SplitBehavior b) {
  std::vector<std::pair<size_t, size_t>> out;
  out.reserve(spans.size());
  bool previous_match = false;
  switch (b) {
    case SplitBehavior::Isolated:
      for (const Span& s : spans) out.emplace_back(s.begin, s.end);
      break;
    case SplitBehavior::Removed:
      for (const Span& s : spans)
        if (!s.is_match) out.emplace_back(s.begin, s.end);
      break;
    case SplitBehavior::Contiguous:
      for (const Span& s : spans) {
        if (s.is_match == previous_match && !out.empty()) out.back().second = s.end;
        else out.emplace_back(s.begin, s.end);
        previous_match = s.is_match;
      }
      break;
    case SplitBehavior::MergedWithPrevious:
      for (const Span& s : spans) {
        if (s.is_match && !previous_match && !out.empty()) out.back().second = s.end;
        else out.emplace_back(s.begin, s.end);
        previous_match = s.is_match;
      }
      break;
    case SplitBehavior::MergedWithNext:
      // The mirror image: walk backwards, merging a match into the span after it.
      for (size_t k = spans.size(); k-- > 0;) {
        const Span& s = spans[k];
        if (s.is_match && !previous_match && !out.empty()) out.back().first = s.begin;
        else out.emplace_back(s.begin, s.end);
        previous_match = s.is_match;
      }
      std::reverse(out.begin(), out.end());
      break;
  }
  return out;
}

}  // namespace openarc::tokenizer
