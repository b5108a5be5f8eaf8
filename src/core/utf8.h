// UTF-8, once for every module: code points in and out, validity as Unicode defines it (table
// 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), and lossy repair the way Rust's
// String::from_utf8_lossy does it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace openarc {

// U+FFFD, what a byte that is not valid UTF-8 decodes to.
inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

// Byte length of the UTF-8 character whose lead byte is `lead` (1 for stray bytes).
inline size_t utf8_length(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }

// Decodes the code point at s[i] and advances i past it. A byte that does not start a valid
// sequence decodes to U+FFFD and advances i by one.
char32_t next_code_point(std::string_view s, size_t& i);
// Appends c's UTF-8 bytes (U+FFFD for a value past U+10FFFF).
void append_utf8(std::string& out, char32_t c);

// Length of the longest valid UTF-8 prefix of s.
size_t valid_utf8_prefix(std::string_view s);
inline bool is_valid_utf8(std::string_view s) { return valid_utf8_prefix(s) == s.size(); }
// Replaces each maximal invalid subsequence with U+FFFD (Unicode's "maximal subpart" practice).
std::string utf8_lossy(std::string_view bytes);

}  // namespace openarc
