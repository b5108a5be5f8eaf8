#include "grammar/gbnf_parser.h"

#include <algorithm>

#include "core/error.h"

namespace openarc::grammar {

namespace {

constexpr int kMaxNesting = 200;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

class GbnfParser {
 public:
  explicit GbnfParser(std::string_view text) : s_(text) {
    for (size_t k = 0; k < s_.size(); ++k)
      if (s_[k] == '\n') line_starts_.push_back(k + 1);
  }

  std::vector<RuleDef> parse() {
    std::vector<RuleDef> rules;
    skip_space(true);
    while (i_ < s_.size()) {
      RuleDef rule;
      rule.pos = here();
      rule.name = name();
      skip_space(false);
      if (s_.compare(i_, 3, "::=") != 0) error("expected '::=' after the rule name '" + rule.name + "'");
      i_ += 3;
      skip_space(true);
      rule.body = alternatives(false, 0);
      if (i_ < s_.size()) {
        if (s_[i_] == '\r') ++i_;
        if (i_ < s_.size() && s_[i_] == '\n') ++i_;
        else if (i_ < s_.size()) error(unexpected("a newline after the rule"));
      }
      skip_space(true);
      rules.push_back(std::move(rule));
    }
    check(!rules.empty(), "the grammar is empty: it defines no rules");
    return rules;
  }

 private:
  SourcePos here() const {
    const auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), i_) - line_starts_.begin();
    return {static_cast<uint32_t>(line), static_cast<uint32_t>(i_ - line_starts_[line - 1] + 1)};
  }

  [[noreturn]] void error(const std::string& what) const {
    SourcePos p = here();
    fail("grammar error at ", p.line, ":", p.column, ": ", what);
  }

  std::string unexpected(const std::string& expected) const {
    if (i_ >= s_.size()) return "expected " + expected + ", found the end of the grammar";
    const unsigned char c = static_cast<unsigned char>(s_[i_]);
    std::string found = c >= 0x20 && c < 0x7F ? cat("'", static_cast<char>(c), "'") : cat("byte 0x", std::hex, +c);
    return "expected " + expected + ", found " + found;
  }

  // Spaces, tabs and comments; newlines too where a rule may continue on the next line.
  void skip_space(bool newlines) {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == ' ' || c == '\t') {
        ++i_;
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
      } else if (newlines && (c == '\n' || c == '\r')) {
        ++i_;
      } else {
        break;
      }
    }
  }

  std::string name() {
    const size_t start = i_;
    while (i_ < s_.size() && is_name_char(s_[i_])) ++i_;
    if (i_ == start) error(unexpected("a rule name"));
    return std::string(s_.substr(start, i_ - start));
  }

  Expr alternatives(bool nested, int depth) {
    std::vector<Expr> alts;
    alts.push_back(sequence(nested, depth));
    while (i_ < s_.size() && s_[i_] == '|') {
      ++i_;
      skip_space(true);
      alts.push_back(sequence(nested, depth));
    }
    if (alts.size() == 1) return std::move(alts[0]);
    Expr e = choice(std::move(alts));
    return e;
  }

  Expr sequence(bool nested, int depth) {
    Expr out;
    out.kind = Expr::Kind::sequence;
    out.pos = here();
    std::vector<Expr>& items = out.items;
    while (i_ < s_.size()) {
      const SourcePos pos = here();
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        Expr e = literal(quoted());
        e.pos = pos;
        items.push_back(std::move(e));
      } else if (c == '[') {
        ++i_;
        items.push_back(char_class(pos));
      } else if (c == '.') {
        ++i_;
        Expr e = chars({{0, kMaxCodePoint}});
        e.pos = pos;
        items.push_back(std::move(e));
      } else if (is_name_char(c)) {
        Expr e = ref(name());
        e.pos = pos;
        items.push_back(std::move(e));
      } else if (c == '(') {
        if (depth >= kMaxNesting) error(cat("parentheses nest deeper than ", kMaxNesting));
        ++i_;
        skip_space(true);
        Expr group = alternatives(true, depth + 1);
        if (i_ >= s_.size() || s_[i_] != ')') error(unexpected("')' to close the group"));
        ++i_;
        group.pos = pos;
        items.push_back(std::move(group));
      } else if (c == '*' || c == '+' || c == '?' || c == '{') {
        if (items.empty()) error(cat("'", c, "' repeats nothing: put it after an item"));
        ++i_;
        uint32_t min = c == '+' ? 1 : 0, max = c == '?' ? 1 : Expr::kUnbounded;
        if (c == '{') counts(min, max);
        Expr r = repeat(std::move(items.back()), min, max);
        r.pos = pos;
        items.back() = std::move(r);
      } else if (c == '<' || c == '!') {
        error("token terminals (<...>, !<...>) are not supported; write the token's text as a literal");
      } else {
        break;
      }
      skip_space(nested);
    }
    if (items.size() == 1) return std::move(items[0]);
    return out;
  }

  uint32_t number() {
    const size_t start = i_;
    uint64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      v = v * 10 + static_cast<uint64_t>(s_[i_] - '0');
      if (v > 1000000) error("repetition count too large");
      ++i_;
    }
    if (i_ == start) error(unexpected("a number"));
    return static_cast<uint32_t>(v);
  }

  // After '{': "m}", "m,}", "m,n}" or ",n}".
  void counts(uint32_t& min, uint32_t& max) {
    skip_space(false);
    min = i_ < s_.size() && s_[i_] == ',' ? 0 : number();
    skip_space(false);
    max = min;
    if (i_ < s_.size() && s_[i_] == ',') {
      ++i_;
      skip_space(false);
      max = i_ < s_.size() && s_[i_] == '}' ? Expr::kUnbounded : number();
      skip_space(false);
    }
    if (i_ >= s_.size() || s_[i_] != '}') error(unexpected("'}' to close the repetition count"));
    if (max < min) error(cat("repetition {", min, ",", max, "} has its maximum below its minimum"));
    ++i_;
  }

  uint32_t hex(int digits) {
    uint32_t v = 0;
    for (int k = 0; k < digits; ++k, ++i_) {
      if (i_ >= s_.size()) error(cat("expected ", digits, " hex digits"));
      const char c = s_[i_];
      int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
      if (d < 0) error(cat("expected ", digits, " hex digits"));
      v = v * 16 + static_cast<uint32_t>(d);
    }
    return v;
  }

  // One character of a literal or class: an escape or a UTF-8 encoded code point.
  char32_t character() {
    if (i_ >= s_.size()) error("unexpected end of the grammar inside a literal or class");
    const unsigned char c = static_cast<unsigned char>(s_[i_]);
    if (c == '\\') {
      const size_t at = i_;
      ++i_;
      if (i_ >= s_.size()) error("unexpected end of the grammar after '\\'");
      const char e = s_[i_++];
      char32_t cp = 0;
      switch (e) {
        case 'x': cp = hex(2); break;
        case 'u': cp = hex(4); break;
        case 'U': cp = hex(8); break;
        case 't': return '\t';
        case 'n': return '\n';
        case 'r': return '\r';
        case '\\': return '\\';
        case '"': return '"';
        case '[': return '[';
        case ']': return ']';
        default:
          i_ = at;
          error(cat("unknown escape '\\", e, "'"));
      }
      if (cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) {
        i_ = at;
        error(cat("escape U+", std::hex, static_cast<uint32_t>(cp), " is not a Unicode character"));
      }
      return cp;
    }
    // UTF-8: the lead byte gives the length; continuation bytes must follow.
    const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i_ + static_cast<size_t>(n) > s_.size()) error("invalid UTF-8 in the grammar");
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s_[i_ + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) error("invalid UTF-8 in the grammar");
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr char32_t kMinOf[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinOf[n] || cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) error("invalid UTF-8 in the grammar");
    i_ += static_cast<size_t>(n);
    return cp;
  }

  // After the opening quote, up to and past the closing one.
  std::string quoted() {
    const size_t open = i_ - 1;
    std::string out;
    while (true) {
      if (i_ >= s_.size() || s_[i_] == '\n' || s_[i_] == '\r') {
        i_ = open;
        error("unterminated string literal (it must close on its line)");
      }
      if (s_[i_] == '"') break;
      append_utf8(out, character());
    }
    ++i_;
    return out;
  }

  // After '[': members up to ']'.
  Expr char_class(const SourcePos& pos) {
    const size_t open = i_ - 1;
    bool negated = false;
    if (i_ < s_.size() && s_[i_] == '^') negated = true, ++i_;
    std::vector<CodePointRange> ranges;
    while (true) {
      if (i_ >= s_.size() || s_[i_] == '\n' || s_[i_] == '\r') {
        i_ = open;
        error("unterminated character class (it must close on its line)");
      }
      if (s_[i_] == ']') break;
      const size_t at = i_;
      const char32_t lo = character();
      char32_t hi = lo;
      if (i_ + 1 < s_.size() && s_[i_] == '-' && s_[i_ + 1] != ']') {
        ++i_;
        hi = character();
        if (hi < lo) {
          i_ = at;
          error("character range ends below its start");
        }
      }
      ranges.push_back({lo, hi});
    }
    ++i_;
    Expr e = chars(std::move(ranges), negated);
    e.pos = pos;
    if (e.ranges.empty()) {
      fail("grammar error at ", pos.line, ":", pos.column, ": the character class matches no character");
    }
    return e;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::vector<size_t> line_starts_{0};  // byte offset of each line's first character
};

}  // namespace

std::vector<RuleDef> parse_gbnf(std::string_view text) { return GbnfParser(text).parse(); }

Grammar compile_gbnf(std::string_view text, std::string_view root) { return Grammar::compile(parse_gbnf(text), root); }

}  // namespace openarc::grammar
