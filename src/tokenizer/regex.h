// The regexes of tokenizer.json, run with PCRE2 (UTF + UCP, JIT when available). The patterns
// are written for Oniguruma, which the Rust library uses; translate_onig_pattern() rewrites the
// few constructs whose meaning differs in PCRE2 (\s, \w, \h, \uHHHH) so both match the same.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openarc::tokenizer {

std::string translate_onig_pattern(std::string_view pattern);

class Regex {
 public:
  // Throws openarc::Error naming the pattern and the offset of a syntax error.
  explicit Regex(std::string_view onig_pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Non-overlapping matches (byte offsets) over valid UTF-8 text, stepping past an empty match
  // that ends where the previous match ended, as the Rust onig crate's find_iter does.
  std::vector<std::pair<size_t, size_t>> find_all(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  void* code_ = nullptr;  // pcre2_code_8
};

}  // namespace openarc::tokenizer
