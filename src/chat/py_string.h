// Python str semantics over UTF-8 std::string: Python indexes, slices and measures strings in code
// points, and its strip()/split() treat Unicode whitespace as whitespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"

namespace openarc::chat {

// Python strings as code points (core/utf8.h: invalid bytes decode to U+FFFD; input from JSON is
// valid, this only keeps us safe), and len() in code points.
std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);
size_t utf8_length(std::string_view s);

bool py_isspace(char32_t c);
char32_t py_upper(char32_t c);
char32_t py_lower(char32_t c);
bool py_isalpha(char32_t c);  // cased letters we can map, digits excluded
bool py_isdigit(char32_t c);

std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
std::string py_title(std::string_view s);       // str.title()
std::string py_capitalize(std::string_view s);  // str.capitalize()

// strip family; chars == nullopt means whitespace.
std::string py_strip(std::string_view s, const std::optional<std::string>& chars, bool left, bool right);
// str.split / str.rsplit; sep == nullopt splits on whitespace runs; maxsplit < 0 means all.
std::vector<std::string> py_split(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit);
std::vector<std::string> py_rsplit(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit);
std::string py_replace(std::string_view s, std::string_view old, std::string_view repl, int64_t count);
int64_t py_count(std::string_view s, std::string_view sub);
// str.find in code points, -1 when absent.
int64_t py_find(std::string_view s, std::string_view sub, bool reverse);

// Python's unicode-escape decoding as Jinja applies it to string literals (\n, \t, \xhh, \uXXXX ...;
// unknown escapes stay as written). Throws a message on a malformed escape.
std::string py_unescape(std::string_view body);

// Python's repr() of a str: single quotes unless the text holds ' and no ".
std::string py_str_repr(std::string_view s);

}  // namespace openarc::chat
