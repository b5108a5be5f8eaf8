// A JSON scanner for text that is still being generated: it tells a complete value from a prefix
// that may still become one and from text that never can, and says where each ends. Tool-call
// parsers use it to find where a call's JSON ends (string-aware, so a closing marker inside an
// argument string does not end the call) and to stream the arguments of a call in progress.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace openarc::llm {

enum class ScanStatus { complete, incomplete, invalid };

struct JsonScan {
  ScanStatus status;
  size_t end;  // complete: one past the value; incomplete: text.size(); invalid: the offending byte
};

size_t skip_json_space(std::string_view text, size_t pos);

// One JSON value at text[pos] (leading whitespace skipped). A number that reaches the end of
// the text is incomplete: more digits may follow.
JsonScan scan_json_value(std::string_view text, size_t pos);

// The members of the object at text[pos] (which must be '{') as far as the text goes. A member
// appears once its key and colon are read; its value may be incomplete (the last one only).
struct JsonMember {
  std::string key;
  size_t value_pos;  // first byte of the value (may be text.size())
  JsonScan value;
  std::string_view value_text(std::string_view text) const { return text.substr(value_pos, value.end - value_pos); }
};
struct JsonObjectScan {
  ScanStatus status;
  size_t end;
  std::vector<JsonMember> members;
  const JsonMember* find(std::string_view key) const;
};
JsonObjectScan scan_json_object(std::string_view text, size_t pos);

// The text without whitespace outside strings: the compact form of a JSON value, and of a prefix
// of one a prefix of the whole's compact form.
std::string compact_json(std::string_view json);

// The length of text without a trailing UTF-8 sequence that is cut short, so streamed fragments
// hold whole characters.
size_t whole_utf8_prefix(std::string_view text);

}  // namespace openarc::llm
