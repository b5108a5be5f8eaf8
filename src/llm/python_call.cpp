#include "llm/python_call.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace openarc::llm {

namespace {

using nlohmann::ordered_json;

// Thrown inside the recursive descent only; scan_python_call turns it into a status.
struct Stop {
  ScanStatus status;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Reader {
 public:
  explicit Reader(std::string_view t, size_t pos) : t_(t), i_(pos) {}

  size_t pos() const { return i_; }
  void space() { i_ = skip_python_space(t_, i_); }
  char peek() {
    if (i_ >= t_.size()) throw Stop{ScanStatus::incomplete};
    return t_[i_];
  }
  void expect(char c) {
    if (peek() != c) throw Stop{ScanStatus::invalid};
    ++i_;
  }
  [[noreturn]] static void bad() { throw Stop{ScanStatus::invalid}; }

  std::string identifier() {
    if (!ident_start(peek())) bad();
    const size_t start = i_;
    while (i_ < t_.size() && ident_char(t_[i_])) ++i_;
    if (i_ >= t_.size()) throw Stop{ScanStatus::incomplete};  // it may go on
    return std::string(t_.substr(start, i_ - start));
  }

  ordered_json literal() {
    space();
    const char c = peek();
    if (c == '"' || c == '\'') return string();
    if (c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c))) return number();
    if (c == '[' || c == '(') return list(c == '[' ? ']' : ')');
    if (c == '{') return dict();
    const std::string word = identifier();
    if (word == "True") return true;
    if (word == "False") return false;
    if (word == "None") return nullptr;
    bad();
  }

 private:
  ordered_json string() {
    const char quote = t_[i_++];
    std::string out;
    while (true) {
      const char c = peek();
      ++i_;
      if (c == quote) return out;
      if (c == '\n') bad();
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++i_;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case '\\': case '\'': case '"': out += e; break;
        case 'x': case 'u': case 'U': {
          const int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int k = 0; k < digits; ++k) {
            const char h = peek();
            if (!std::isxdigit(static_cast<unsigned char>(h))) bad();
            cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
            ++i_;
          }
          if (cp > 0x10FFFF) bad();
          append_utf8(out, cp);
          break;
        }
        default: out += '\\'; out += e;  // Python keeps unknown escapes as written
      }
    }
  }

  ordered_json number() {
    const size_t start = i_;
    if (t_[i_] == '-' || t_[i_] == '+') ++i_;
    while (i_ < t_.size() && (std::isdigit(static_cast<unsigned char>(t_[i_])) || t_[i_] == '.' || t_[i_] == 'e' ||
                              t_[i_] == 'E' || ((t_[i_] == '-' || t_[i_] == '+') && (t_[i_ - 1] == 'e' || t_[i_ - 1] == 'E')))) {
      ++i_;
    }
    if (i_ >= t_.size()) throw Stop{ScanStatus::incomplete};
    std::string text(t_.substr(start, i_ - start));
    if (text[0] == '+') text.erase(0, 1);
    try {
      // JSON's number grammar is Python's but for forms like "1." and "1_000", which models rarely write.
      ordered_json v = ordered_json::parse(text);
      if (!v.is_number()) bad();
      return v;
    } catch (const nlohmann::json::exception&) {
      bad();
    }
  }

  ordered_json list(char close) {
    ++i_;
    ordered_json out = ordered_json::array();
    while (true) {
      space();
      if (peek() == close) {
        ++i_;
        return out;
      }
      out.push_back(literal());
      space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect(close);
      return out;
    }
  }

  ordered_json dict() {
    ++i_;
    ordered_json out = ordered_json::object();
    while (true) {
      space();
      if (peek() == '}') {
        ++i_;
        return out;
      }
      ordered_json key = literal();
      if (!key.is_string() && !key.is_number()) bad();
      space();
      expect(':');
      out[key.is_string() ? key.get<std::string>() : key.dump()] = literal();
      space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}');
      return out;
    }
  }

  std::string_view t_;
  size_t i_;
};

}  // namespace

size_t skip_python_space(std::string_view text, size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) ++pos;
  return pos;
}

PythonCall scan_python_call(std::string_view text, size_t pos) {
  Reader r(text, pos);
  try {
    std::string name = r.identifier();
    while (r.peek() == '.') {
      r.expect('.');
      name += '.';
      name += r.identifier();
    }
    r.space();
    r.expect('(');
    ordered_json args = ordered_json::object();
    while (true) {
      r.space();
      if (r.peek() == ')') break;
      const std::string key = r.identifier();  // positional arguments have no name to give
      r.space();
      r.expect('=');
      args[key] = r.literal();
      r.space();
      if (r.peek() == ',') {
        r.expect(',');
        continue;
      }
      if (r.peek() != ')') Reader::bad();
    }
    r.expect(')');
    return {ScanStatus::complete, r.pos(), std::move(name), args.dump()};
  } catch (const Stop& s) {
    return {s.status, text.size(), {}, {}};
  } catch (const nlohmann::json::exception&) {
    return {ScanStatus::invalid, pos, {}, {}};  // invalid UTF-8 in a string
  }
}

}  // namespace openarc::llm
