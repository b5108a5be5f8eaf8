// pattern: an ECMA-262 regular expression (what JSON Schema's pattern is) to the grammar of a
// JSON string whose content matches it. The pattern searches (it is not anchored): without ^ an
// alternative may start after any characters, without $ it may end before any.
//
// Supported: literals, escapes (\d \w \s \D \W \S, \n \r \t \f \v \0, \xHH, \uHHHH, \cX,
// escaped punctuation), classes [...] and [^...] with ranges, `.`, groups (...), (?:...),
// (?<name>...), alternation, quantifiers * + ? {n} {n,} {n,m} (lazy or not: the same language),
// ^ and $ at the ends of the top-level alternatives. Refused with an error naming the pattern
// and position: backreferences, lookarounds, \b, \p{...}, anchors elsewhere.
#include "grammar/json_schema_compiler.h"

namespace openarc::grammar {

namespace {

const std::vector<CodePointRange> kDigit = {{'0', '9'}};
const std::vector<CodePointRange> kWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
const std::vector<CodePointRange> kSpace = {{'\t', '\r'},    {' ', ' '},       {0xA0, 0xA0},     {0x1680, 0x1680},
                                            {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
                                            {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
const std::vector<CodePointRange> kLineTerminators = {{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}};

class RegexParser {
 public:
  RegexParser(JsonSchemaRules::Compiler& c, const std::string& regex, const std::string& pointer)
      : c_(c), s_(regex), pointer_(pointer) {}

  Expr parse() {
    std::vector<Expr> alts;
    do {
      bool anchored_start = false, anchored_end = false;
      if (peek('^')) ++i_, anchored_start = true;
      Expr body = sequence(0, &anchored_end);
      std::vector<Expr> parts;
      if (!anchored_start) parts.push_back(star(c_.any_string_char()));
      parts.push_back(std::move(body));
      if (!anchored_end) parts.push_back(star(c_.any_string_char()));
      alts.push_back(seq(std::move(parts)));
    } while (i_ < s_.size() && s_[i_] == '|' && ++i_);
    if (i_ < s_.size()) error("unbalanced ')'");
    return c_.string_of(choice(std::move(alts)));
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    schema_fail("pattern", pointer_, "pattern '" + s_ + "' at " + at_pointer(pointer_) + ": " + what + " (at offset " +
                                         std::to_string(i_) + ")");
  }
  bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }

  Expr alternatives(int depth) {
    std::vector<Expr> alts;
    alts.push_back(sequence(depth, nullptr));
    while (peek('|')) {
      ++i_;
      alts.push_back(sequence(depth, nullptr));
    }
    return choice(std::move(alts));
  }

  // Items up to '|', ')' or the end. `anchored_end` (top level only) takes a final '$'.
  Expr sequence(int depth, bool* anchored_end) {
    std::vector<Expr> items;
    while (i_ < s_.size() && s_[i_] != '|' && s_[i_] != ')') {
      const char c = s_[i_];
      if (c == '$') {
        ++i_;
        if (anchored_end && (i_ == s_.size() || s_[i_] == '|')) {
          *anchored_end = true;
          break;
        }
        --i_;
        error("'$' is supported only at the end of the pattern");
      }
      if (c == '^') error("'^' is supported only at the start of the pattern");
      if (c == '*' || c == '+' || c == '?') error("nothing to repeat");
      if (c == '{' && quantifier_ahead()) error("nothing to repeat");
      Expr atom = this->atom(depth);
      items.push_back(quantified(std::move(atom)));
    }
    return seq(std::move(items));
  }

  bool quantifier_ahead() const {
    size_t j = i_ + 1;
    size_t digits = 0;
    while (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j, ++digits;
    if (digits == 0) return false;
    if (j < s_.size() && s_[j] == ',') {
      ++j;
      while (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j;
    }
    return j < s_.size() && s_[j] == '}';
  }

  uint32_t number() {
    uint64_t v = 0;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      v = v * 10 + static_cast<uint64_t>(s_[i_++] - '0');
      if (v > 100000) error("repetition count beyond 100000");
    }
    return static_cast<uint32_t>(v);
  }

  Expr quantified(Expr atom) {
    while (i_ < s_.size()) {
      uint32_t min = 0, max = Expr::kUnbounded;
      const char c = s_[i_];
      if (c == '*') {
        ++i_;
      } else if (c == '+') {
        ++i_, min = 1;
      } else if (c == '?') {
        ++i_, max = 1;
      } else if (c == '{' && quantifier_ahead()) {
        ++i_;
        min = number();
        max = min;
        if (peek(',')) {
          ++i_;
          max = peek('}') ? Expr::kUnbounded : number();
        }
        ++i_;  // '}'
        if (max < min) error("repetition {n,m} with m below n");
      } else {
        break;
      }
      if (peek('?')) ++i_;  // lazy: the same set of strings
      atom = repeat(std::move(atom), min, max);
    }
    return atom;
  }

  Expr atom(int depth) {
    const char c = s_[i_];
    if (c == '(') {
      if (depth >= 100) error("groups nest deeper than 100");
      ++i_;
      if (peek('?')) {
        ++i_;
        if (peek(':')) {
          ++i_;
        } else if (peek('<') && i_ + 1 < s_.size() && s_[i_ + 1] != '=' && s_[i_ + 1] != '!') {
          while (i_ < s_.size() && s_[i_] != '>') ++i_;
          if (i_ >= s_.size()) error("unterminated group name");
          ++i_;
        } else {
          error("lookaround assertions are not supported");
        }
      }
      Expr e = alternatives(depth + 1);
      if (!peek(')')) error("missing ')'");
      ++i_;
      return e;
    }
    if (c == '[') return c_.string_char(char_class());
    if (c == '.') {
      ++i_;
      return c_.string_char(complement_ranges(normalize_ranges(kLineTerminators)));
    }
    if (c == '\\') {
      std::vector<CodePointRange> set;
      if (escape(set, false)) return c_.string_char(normalize_ranges(set));
      error("unreachable");
    }
    const char32_t cp = character();
    return c_.string_char({{cp, cp}});
  }

  char32_t character() {
    const unsigned char c = static_cast<unsigned char>(s_[i_]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    if (i_ + n > s_.size()) error("invalid UTF-8");
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s_[i_ + k]) & 0x3F);
    i_ += n;
    return cp;
  }

  uint32_t hex(int digits) {
    uint32_t v = 0;
    for (int k = 0; k < digits; ++k) {
      if (i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_]))) error("bad hex escape");
      const char h = static_cast<char>(std::tolower(static_cast<unsigned char>(s_[i_++])));
      v = v * 16 + static_cast<uint32_t>(h <= '9' ? h - '0' : h - 'a' + 10);
    }
    return v;
  }

  // After '\': adds the escape's characters to `set`. Returns true (errors otherwise).
  bool escape(std::vector<CodePointRange>& set, bool in_class) {
    ++i_;
    if (i_ >= s_.size()) error("'\\' at the end");
    const char e = s_[i_++];
    auto add = [&](const std::vector<CodePointRange>& r) { set.insert(set.end(), r.begin(), r.end()); };
    auto single = [&](char32_t cp) { set.push_back({cp, cp}); };
    switch (e) {
      case 'd': add(kDigit); return true;
      case 'D': add(complement_ranges(normalize_ranges(kDigit))); return true;
      case 'w': add(kWord); return true;
      case 'W': add(complement_ranges(normalize_ranges(kWord))); return true;
      case 's': add(kSpace); return true;
      case 'S': add(complement_ranges(normalize_ranges(kSpace))); return true;
      case 'n': single('\n'); return true;
      case 'r': single('\r'); return true;
      case 't': single('\t'); return true;
      case 'f': single('\f'); return true;
      case 'v': single('\v'); return true;
      case '0': single(0); return true;
      case 'x': single(hex(2)); return true;
      case 'u': {
        const uint32_t cp = hex(4);
        if (cp >= 0xD800 && cp <= 0xDFFF) error("surrogate escapes are not supported");
        single(cp);
        return true;
      }
      case 'c':
        if (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) {
          single(static_cast<char32_t>(s_[i_++]) % 32);
          return true;
        }
        error("bad \\c escape");
      case 'b':
        if (in_class) {
          single('\b');
          return true;
        }
        error("word boundaries (\\b) are not supported");
      case 'B': error("word boundaries (\\B) are not supported");
      case 'p':
      case 'P': error("Unicode property escapes are not supported");
      case 'k': error("backreferences are not supported");
      default:
        if (e >= '1' && e <= '9') error("backreferences are not supported");
        if (std::isalnum(static_cast<unsigned char>(e))) error(std::string("unknown escape '\\") + e + "'");
        --i_;
        single(character());  // an escaped punctuation character is itself
        return true;
    }
  }

  // After '[' ... ']'.
  std::vector<CodePointRange> char_class() {
    ++i_;
    bool negated = false;
    if (peek('^')) negated = true, ++i_;
    std::vector<CodePointRange> set;
    bool first = true;
    while (true) {
      if (i_ >= s_.size()) error("unterminated character class");
      if (s_[i_] == ']' && !first) break;
      if (s_[i_] == ']' && first) break;  // "[]" matches nothing; "[^]" anything
      first = false;
      std::vector<CodePointRange> lo_set;
      char32_t lo = 0;
      bool lo_single = true;
      if (s_[i_] == '\\') {
        escape(lo_set, true);
        lo_single = lo_set.size() == 1 && lo_set[0].lo == lo_set[0].hi;
        lo = lo_set[0].lo;
      } else {
        lo = character();
        lo_set.push_back({lo, lo});
      }
      if (lo_single && peek('-') && i_ + 1 < s_.size() && s_[i_ + 1] != ']') {
        ++i_;
        char32_t hi;
        if (s_[i_] == '\\') {
          std::vector<CodePointRange> hi_set;
          escape(hi_set, true);
          if (hi_set.size() != 1 || hi_set[0].lo != hi_set[0].hi) error("a class escape cannot end a range");
          hi = hi_set[0].lo;
        } else {
          hi = character();
        }
        if (hi < lo) error("range out of order in a character class");
        set.push_back({lo, hi});
      } else {
        set.insert(set.end(), lo_set.begin(), lo_set.end());
      }
    }
    ++i_;
    auto ranges = normalize_ranges(set);
    if (negated) ranges = complement_ranges(ranges);
    if (ranges.empty()) error("the character class matches nothing");
    return ranges;
  }

  JsonSchemaRules::Compiler& c_;
  const std::string& s_;
  std::string pointer_;
  size_t i_ = 0;
};

}  // namespace

Expr JsonSchemaRules::Compiler::pattern(const std::string& regex, const std::string& pointer) {
  return RegexParser(*this, regex, pointer).parse();
}

}  // namespace openarc::grammar
