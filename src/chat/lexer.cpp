#include "chat/lexer.h"

#include <algorithm>
#include <cctype>

#include "chat/error.h"
#include "chat/py_string.h"

namespace openarc::chat {

const char* token_type_name(TokenType t) {
  switch (t) {
    case TokenType::Data: return "template data";
    case TokenType::VarBegin: return "begin of print statement";
    case TokenType::VarEnd: return "end of print statement";
    case TokenType::BlockBegin: return "begin of statement block";
    case TokenType::BlockEnd: return "end of statement block";
    case TokenType::Name: return "name";
    case TokenType::String: return "string";
    case TokenType::Integer: return "integer";
    case TokenType::Float: return "float";
    case TokenType::Operator: return "operator";
    case TokenType::Eof: return "end of template";
  }
  return "token";
}

namespace {

class Lexer {
 public:
  Lexer(std::string source, const LexerOptions& options) : src_(std::move(source)), opt_(options) {
    for (size_t k = 0; k < src_.size(); ++k)
      if (src_[k] == '\n') line_starts_.push_back(k + 1);
  }

  std::vector<Token> run() {
    bool line_starting = true;  // did the previous match end with a newline? (lstrip at line start)
    while (pos_ < src_.size()) {
      size_t open = find_tag_start(pos_);
      if (open == std::string::npos) {
        emit_data(pos_, src_.substr(pos_));
        pos_ = src_.size();
        break;
      }
      char kind = src_[open + 1];
      char sign = open + 2 < src_.size() ? src_[open + 2] : '\0';
      if (sign != '-' && sign != '+') sign = '\0';
      std::string text = src_.substr(pos_, open - pos_);
      size_t raw_body = 0;
      bool raw = kind == '%' && match_raw_begin(open, raw_body);
      text = strip_before(text, sign, kind != '{', line_starting);
      emit_data(pos_, text);
      pos_ = open + 2 + (sign ? 1 : 0);
      if (raw) {
        lex_raw(raw_body, line_starting);
      } else if (kind == '#') {
        lex_comment(open, line_starting);
      } else {
        lex_tag(open, kind, line_starting);
      }
    }
    push(TokenType::Eof, "", src_.size());
    return std::move(tokens_);
  }

 private:
  std::string src_;
  LexerOptions opt_;
  size_t pos_ = 0;
  std::vector<size_t> line_starts_{0};
  std::vector<Token> tokens_;

  [[noreturn]] void error(size_t at, const std::string& message) {
    auto [line, col] = where(at);
    raise("TemplateSyntaxError", message, " (line ", line, ", column ", col, ")");
  }

  std::pair<int, int> where(size_t at) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), at);
    size_t line = static_cast<size_t>(it - line_starts_.begin());
    size_t start = line_starts_[line - 1];
    int col = static_cast<int>(utf8_length(std::string_view(src_).substr(start, at - start))) + 1;
    return {static_cast<int>(line), col};
  }

  Token& push(TokenType type, std::string text, size_t at) {
    auto [line, col] = where(at);
    tokens_.push_back(Token{type, std::move(text), 0, 0, line, col});
    return tokens_.back();
  }

  void emit_data(size_t at, const std::string& text) {
    if (!text.empty()) push(TokenType::Data, text, at);
  }

  size_t find_tag_start(size_t from) const {
    for (size_t k = src_.find('{', from); k != std::string::npos; k = src_.find('{', k + 1)) {
      if (k + 1 < src_.size() && (src_[k + 1] == '{' || src_[k + 1] == '%' || src_[k + 1] == '#')) return k;
    }
    return std::string::npos;
  }

  // The whitespace rules applied to the data before a tag.
  std::string strip_before(const std::string& text, char sign, bool lstrip_kind, bool line_starting) const {
    if (sign == '-') return py_strip(text, std::nullopt, false, true);
    if (sign == '+' || !opt_.lstrip_blocks || !lstrip_kind) return text;
    size_t nl = text.rfind('\n');
    size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
    if (l_pos == 0 && !line_starting) return text;
    for (size_t k = l_pos; k < text.size(); ++k)
      if (text[k] != ' ' && text[k] != '\t') return text;
    return text.substr(0, l_pos);
  }

  bool is_ws(char c) const { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

  size_t skip_ws(size_t k) const {
    while (k < src_.size() && is_ws(src_[k])) ++k;
    return k;
  }

  bool has(size_t at, const char* lit) const { return src_.compare(at, std::char_traits<char>::length(lit), lit) == 0; }

  bool is_word_at(size_t at, const char* word) const {
    size_t n = std::char_traits<char>::length(word);
    if (!has(at, word)) return false;
    return at + n >= src_.size() || !(std::isalnum(static_cast<unsigned char>(src_[at + n])) || src_[at + n] == '_');
  }

  // Tries the end of a block or comment tag at k (closer is "%}" or "#}"); returns the position
  // after it (with the trim_blocks newline or the "-" whitespace consumed) or npos.
  size_t match_block_end(size_t k, char closer, bool& ends_newline) const {
    std::string close{closer, '}'};
    ends_newline = false;
    if (src_[k] == '-' && has(k + 1, close.c_str())) {
      size_t e = skip_ws(k + 3);
      ends_newline = e > k + 3 && src_[e - 1] == '\n';
      return e;
    }
    if (src_[k] == '+' && has(k + 1, close.c_str())) return k + 3;
    if (has(k, close.c_str())) {
      size_t e = k + 2;
      if (opt_.trim_blocks && e < src_.size() && src_[e] == '\n') {
        ++e;
        ends_newline = true;
      }
      return e;
    }
    return std::string::npos;
  }

  bool match_raw_begin(size_t open, size_t& body) const {
    size_t k = open + 2;
    if (k < src_.size() && (src_[k] == '-' || src_[k] == '+')) ++k;
    k = skip_ws(k);
    if (!is_word_at(k, "raw")) return false;
    k = skip_ws(k + 3);
    if (has(k, "-%}")) {
      body = skip_ws(k + 3);
      return true;
    }
    if (has(k, "%}")) {
      body = k + 2;
      return true;
    }
    return false;
  }

  void lex_raw(size_t body, bool& line_starting) {
    for (size_t k = src_.find("{%", body); k != std::string::npos; k = src_.find("{%", k + 1)) {
      size_t j = k + 2;
      char sign = j < src_.size() && (src_[j] == '-' || src_[j] == '+') ? src_[j] : '\0';
      if (sign) ++j;
      j = skip_ws(j);
      if (!is_word_at(j, "endraw")) continue;
      j = skip_ws(j + 6);
      bool nl = false;
      size_t end = j < src_.size() ? match_block_end(j, '%', nl) : std::string::npos;
      if (end == std::string::npos) continue;
      std::string text = strip_before(src_.substr(body, k - body), sign, true, false);
      emit_data(body, text);
      pos_ = end;
      line_starting = end > 0 && src_[end - 1] == '\n';
      return;
    }
    error(body, "Missing end of raw directive");
  }

  void lex_comment(size_t open, bool& line_starting) {
    for (size_t k = src_.find("#}", pos_); k != std::string::npos; k = src_.find("#}", k + 1)) {
      size_t at = k;
      if (k > pos_ && (src_[k - 1] == '-' || src_[k - 1] == '+')) at = k - 1;
      bool nl = false;
      pos_ = match_block_end(at, '#', nl);
      line_starting = nl;
      return;
    }
    error(open, "Missing end of comment tag");
  }

  void lex_tag(size_t open, char kind, bool& line_starting) {
    push(kind == '{' ? TokenType::VarBegin : TokenType::BlockBegin, "", open);
    std::vector<char> balance;  // open brackets: an end marker inside them is an operator
    while (true) {
      pos_ = skip_ws(pos_);
      if (pos_ >= src_.size()) return;  // the parser reports the missing end
      if (balance.empty()) {
        if (kind == '{') {
          if (has(pos_, "-}}")) {
            push(TokenType::VarEnd, "", pos_);
            pos_ = skip_ws(pos_ + 3);
            line_starting = pos_ > 0 && src_[pos_ - 1] == '\n' && src_[pos_ - 1] != '}';
            return;
          }
          if (has(pos_, "}}")) {
            push(TokenType::VarEnd, "", pos_);
            pos_ += 2;
            line_starting = false;
            return;
          }
        } else {
          bool nl = false;
          size_t end = match_block_end(pos_, '%', nl);
          if (end != std::string::npos) {
            push(TokenType::BlockEnd, "", pos_);
            pos_ = end;
            line_starting = nl;
            return;
          }
        }
      }
      lex_one(balance);
    }
  }

  void lex_one(std::vector<char>& balance) {
    size_t start = pos_;
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (std::isdigit(c)) return lex_number(start);
    if (std::isalpha(c) || c == '_' || c >= 0x80) {
      size_t k = pos_;
      while (k < src_.size()) {
        unsigned char d = static_cast<unsigned char>(src_[k]);
        if (!(std::isalnum(d) || d == '_' || d >= 0x80)) break;
        ++k;
      }
      push(TokenType::Name, src_.substr(pos_, k - pos_), start);
      pos_ = k;
      return;
    }
    if (c == '\'' || c == '"') return lex_string(start);
    static const char* two[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char* op : two)
      if (has(pos_, op)) {
        push(TokenType::Operator, op, start);
        pos_ += 2;
        return;
      }
    static const std::string singles = "+-/*%~[](){}><=.:|,;";
    if (singles.find(static_cast<char>(c)) == std::string::npos) {
      error(start, cat("unexpected char ", py_str_repr(std::string(1, static_cast<char>(c)))));
    }
    if (c == '(' || c == '[' || c == '{') balance.push_back(static_cast<char>(c));
    if (c == ')' || c == ']' || c == '}') {
      char want = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (balance.empty()) error(start, cat("unexpected '", static_cast<char>(c), "'"));
      if (balance.back() != want) {
        char exp = balance.back() == '(' ? ')' : balance.back() == '[' ? ']' : '}';
        error(start, cat("unexpected '", static_cast<char>(c), "', expected '", exp, "'"));
      }
      balance.pop_back();
    }
    push(TokenType::Operator, std::string(1, static_cast<char>(c)), start);
    ++pos_;
  }

  size_t digits(size_t k) const {
    // Jinja allows "_" between digits.
    while (k < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[k])) ||
                               (src_[k] == '_' && k + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[k + 1])))))
      ++k;
    return k;
  }

  void lex_number(size_t start) {
    size_t k = digits(pos_);
    bool is_float = false;
    bool after_dot = start > 0 && src_[start - 1] == '.';  // `x.0.1` is two attribute steps
    if (!after_dot && k + 1 < src_.size() && src_[k] == '.' && std::isdigit(static_cast<unsigned char>(src_[k + 1]))) {
      k = digits(k + 1);
      is_float = true;
    }
    if (!after_dot && k < src_.size() && (src_[k] == 'e' || src_[k] == 'E')) {
      size_t e = k + 1;
      if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
      if (e < src_.size() && std::isdigit(static_cast<unsigned char>(src_[e]))) {
        k = digits(e);
        is_float = true;
      }
    }
    std::string text;
    for (size_t j = pos_; j < k; ++j)
      if (src_[j] != '_') text += src_[j];
    Token& t = push(is_float ? TokenType::Float : TokenType::Integer, text, start);
    if (is_float) {
      t.float_value = std::strtod(text.c_str(), nullptr);
    } else {
      errno = 0;
      unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
      if (errno != 0 || v > static_cast<unsigned long long>(INT64_MAX)) error(start, cat("integer literal too large: ", text));
      t.int_value = static_cast<int64_t>(v);
    }
    pos_ = k;
  }

  void lex_string(size_t start) {
    char q = src_[pos_];
    size_t k = pos_ + 1;
    while (k < src_.size() && src_[k] != q) k += src_[k] == '\\' ? 2 : 1;
    if (k >= src_.size()) error(start, cat("unexpected char ", py_str_repr(std::string(1, q))));
    std::string body = src_.substr(pos_ + 1, k - pos_ - 1);
    std::string value;
    try {
      value = py_unescape(body);
    } catch (const TemplateError& e) {
      error(start, e.what());
    }
    push(TokenType::String, std::move(value), start);
    pos_ = k + 1;
  }
};

std::string normalize_source(const std::string& source) {
  std::string out;
  out.reserve(source.size());
  for (size_t k = 0; k < source.size(); ++k) {
    if (source[k] == '\r') {
      out += '\n';
      if (k + 1 < source.size() && source[k + 1] == '\n') ++k;
    } else {
      out += source[k];
    }
  }
  // keep_trailing_newline is off: one trailing newline is dropped.
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

std::vector<Token> tokenize(const std::string& source, const LexerOptions& options) {
  return Lexer(normalize_source(source), options).run();
}

}  // namespace openarc::chat
