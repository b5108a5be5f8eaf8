// Text helpers the parsers share. Each parser names the blanks its format allows around a
// value: HTTP and the CLI's settings allow spaces and tabs, XML also line breaks.
#pragma once

#include <string>
#include <string_view>

namespace openarc {

inline constexpr std::string_view kSpaceTab = " \t";
inline constexpr std::string_view kAsciiWhitespace = " \t\n\r\f\v";

inline std::string_view trim(std::string_view s, std::string_view blanks = kSpaceTab) {
  const size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(blanks) - first + 1);
}

// ASCII only, as header names and keywords are: no locale can change the answer.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace openarc
