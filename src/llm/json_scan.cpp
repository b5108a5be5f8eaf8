#include "llm/json_scan.h"

#include <nlohmann/json.hpp>

namespace openarc::llm {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

JsonScan incomplete(std::string_view t) { return {ScanStatus::incomplete, t.size()}; }
JsonScan invalid(size_t at) { return {ScanStatus::invalid, at}; }

// text[pos] == '"'.
JsonScan scan_string(std::string_view t, size_t pos) {
  size_t i = pos + 1;
  while (i < t.size()) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    if (c == '"') return {ScanStatus::complete, i + 1};
    if (c < 0x20) return invalid(i);
    if (c != '\\') {
      ++i;
      continue;
    }
    if (i + 1 >= t.size()) return incomplete(t);
    const char e = t[i + 1];
    if (e == 'u') {
      for (size_t k = 0; k < 4; ++k) {
        if (i + 2 + k >= t.size()) return incomplete(t);
        if (!is_hex(t[i + 2 + k])) return invalid(i + 2 + k);
      }
      i += 6;
    } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
      i += 2;
    } else {
      return invalid(i + 1);
    }
  }
  return incomplete(t);
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
JsonScan scan_number(std::string_view t, size_t pos) {
  size_t i = pos;
  auto at_end = [&] { return i >= t.size(); };
  if (t[i] == '-') ++i;
  if (at_end()) return incomplete(t);
  if (t[i] == '0') {
    ++i;
  } else if (is_digit(t[i])) {
    while (!at_end() && is_digit(t[i])) ++i;
  } else {
    return invalid(i);
  }
  if (at_end()) return incomplete(t);
  if (t[i] == '.') {
    ++i;
    if (at_end()) return incomplete(t);
    if (!is_digit(t[i])) return invalid(i);
    while (!at_end() && is_digit(t[i])) ++i;
    if (at_end()) return incomplete(t);
  }
  if (t[i] == 'e' || t[i] == 'E') {
    ++i;
    if (!at_end() && (t[i] == '+' || t[i] == '-')) ++i;
    if (at_end()) return incomplete(t);
    if (!is_digit(t[i])) return invalid(i);
    while (!at_end() && is_digit(t[i])) ++i;
    if (at_end()) return incomplete(t);
  }
  return {ScanStatus::complete, i};
}

JsonScan scan_literal(std::string_view t, size_t pos, std::string_view word) {
  for (size_t k = 0; k < word.size(); ++k) {
    if (pos + k >= t.size()) return incomplete(t);
    if (t[pos + k] != word[k]) return invalid(pos + k);
  }
  return {ScanStatus::complete, pos + word.size()};
}

}  // namespace

size_t skip_json_space(std::string_view text, size_t pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  return pos;
}

JsonScan scan_json_value(std::string_view t, size_t pos) {
  enum class Expect { value, value_or_close, key, key_or_close, colon, comma_or_close };
  std::vector<char> stack;  // the open containers, '{' or '['
  Expect expect = Expect::value;
  size_t i = pos;
  while (true) {
    i = skip_json_space(t, i);
    if (i >= t.size()) return incomplete(t);
    const char c = t[i];
    bool value_done = false;
    switch (expect) {
      case Expect::value_or_close:
        if (c == ']') {
          stack.pop_back();
          ++i;
          value_done = true;
          break;
        }
        [[fallthrough]];
      case Expect::value: {
        if (c == '{') {
          stack.push_back('{');
          ++i;
          expect = Expect::key_or_close;
          break;
        }
        if (c == '[') {
          stack.push_back('[');
          ++i;
          expect = Expect::value_or_close;
          break;
        }
        JsonScan s = c == '"'                  ? scan_string(t, i)
                     : c == '-' || is_digit(c) ? scan_number(t, i)
                     : c == 't'                ? scan_literal(t, i, "true")
                     : c == 'f'                ? scan_literal(t, i, "false")
                     : c == 'n'                ? scan_literal(t, i, "null")
                                               : invalid(i);
        if (s.status != ScanStatus::complete) return s;
        i = s.end;
        value_done = true;
        break;
      }
      case Expect::key_or_close:
        if (c == '}') {
          stack.pop_back();
          ++i;
          value_done = true;
          break;
        }
        [[fallthrough]];
      case Expect::key: {
        if (c != '"') return invalid(i);
        JsonScan s = scan_string(t, i);
        if (s.status != ScanStatus::complete) return s;
        i = s.end;
        expect = Expect::colon;
        break;
      }
      case Expect::colon:
        if (c != ':') return invalid(i);
        ++i;
        expect = Expect::value;
        break;
      case Expect::comma_or_close: {
        const char open = stack.back();
        if (c == ',') {
          ++i;
          expect = open == '{' ? Expect::key : Expect::value;
        } else if (c == (open == '{' ? '}' : ']')) {
          stack.pop_back();
          ++i;
          value_done = true;
        } else {
          return invalid(i);
        }
        break;
      }
    }
    if (value_done) {
      if (stack.empty()) return {ScanStatus::complete, i};
      expect = Expect::comma_or_close;
    }
  }
}

const JsonMember* JsonObjectScan::find(std::string_view key) const {
  for (const auto& m : members)
    if (m.key == key) return &m;
  return nullptr;
}

JsonObjectScan scan_json_object(std::string_view t, size_t pos) {
  JsonObjectScan out{ScanStatus::incomplete, t.size(), {}};
  auto fail = [&](size_t at) {
    out.status = ScanStatus::invalid;
    out.end = at;
    return out;
  };
  if (pos >= t.size() || t[pos] != '{') return fail(pos);
  size_t i = pos + 1;
  bool first = true;
  while (true) {
    i = skip_json_space(t, i);
    if (i >= t.size()) return out;
    if (t[i] == '}' && first) {
      out.status = ScanStatus::complete;
      out.end = i + 1;
      return out;
    }
    if (t[i] != '"') return fail(i);
    const JsonScan key = scan_string(t, i);
    if (key.status == ScanStatus::invalid) return fail(key.end);
    if (key.status == ScanStatus::incomplete) return out;
    std::string name;
    try {
      name = nlohmann::json::parse(t.substr(i, key.end - i)).get<std::string>();
    } catch (const nlohmann::json::exception&) {
      return fail(i);  // invalid UTF-8 in the key
    }
    i = skip_json_space(t, key.end);
    if (i >= t.size()) return out;
    if (t[i] != ':') return fail(i);
    i = skip_json_space(t, i + 1);
    JsonMember m{std::move(name), i, i < t.size() ? scan_json_value(t, i) : JsonScan{ScanStatus::incomplete, t.size()}};
    if (m.value.status == ScanStatus::invalid) return fail(m.value.end);
    const bool done = m.value.status == ScanStatus::complete;
    i = m.value.end;
    out.members.push_back(std::move(m));
    if (!done) return out;
    i = skip_json_space(t, i);
    if (i >= t.size()) return out;
    if (t[i] == '}') {
      out.status = ScanStatus::complete;
      out.end = i + 1;
      return out;
    }
    if (t[i] != ',') return fail(i);
    ++i;
    first = false;
  }
}

std::string compact_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (is_space(c)) {
      continue;
    } else if (c == '"') {
      in_string = true;
    }
    out += c;
  }
  return out;
}

size_t whole_utf8_prefix(std::string_view text) {
  // Look back over at most 3 continuation bytes for the lead byte of the last character.
  size_t n = text.size();
  for (size_t back = 1; back <= 4 && back <= n; ++back) {
    const unsigned char c = static_cast<unsigned char>(text[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    const size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    return back < len ? n - back : n;
  }
  return n;
}

}  // namespace openarc::llm
