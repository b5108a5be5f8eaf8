// UTF-8 helpers for the tokenizer: decoding code points, lossy repair of invalid input the way
// Rust's String::from_utf8_lossy does it, and the Unicode character classes that Rust's `char`
// methods define (is_whitespace, is_alphanumeric, is_numeric ...), which the pre-tokenizers use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace openarc::tokenizer {

// U+FFFD, what a byte that is not valid UTF-8 decodes to.
inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// Decodes the code point starting at s[i] (which must be a valid UTF-8 string) and advances i.
char32_t next_code_point(std::string_view s, size_t& i);
// Byte length of the UTF-8 character whose lead byte is `lead` (1 for stray bytes).
inline size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}
void append_utf8(std::string& out, char32_t c);

// Length of the longest valid UTF-8 prefix of s.
size_t valid_utf8_prefix(std::string_view s);
inline bool is_valid_utf8(std::string_view s) { return valid_utf8_prefix(s) == s.size(); }
// Replaces each maximal invalid subsequence with U+FFFD (Unicode's "maximal subpart" practice,
// which is what Rust's from_utf8_lossy does).
std::string utf8_lossy(std::string_view bytes);

// Rust char predicates (Unicode properties come from ICU).
bool is_whitespace(char32_t c);    // White_Space
bool is_alphanumeric(char32_t c);  // Alphabetic or Numeric (Nd, Nl, No)
bool is_numeric(char32_t c);       // Nd, Nl, No
bool is_bert_punctuation(char32_t c);  // ASCII punctuation or any P* category
bool is_combining_mark(char32_t c);    // Mn (what StripAccents removes)
bool is_control(char32_t c);           // Cc, Cf, Cn, Co (BertNormalizer's notion)
bool is_chinese_char(char32_t c);      // the CJK blocks BertNormalizer pads with spaces

}  // namespace openarc::tokenizer
