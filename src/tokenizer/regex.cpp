#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/regex.h"

#include <pcre2.h>

#include "core/error.h"

namespace openarc::tokenizer {

namespace {

// Oniguruma's Unicode \s is [\t-\r\x85] plus the Z categories; PCRE2's UCP \s adds U+180E.
constexpr const char* kSpace = "\\t-\\r\\x{85}\\p{Z}";
// Oniguruma's Unicode \w is Alphabetic, marks, decimal digits and connector punctuation
// (not the joiners), plus (from its Latin-1 table) the superscripts and fractions of U+00B2..U+00BE;
// PCRE2 10.42's UCP \w is \p{L}, \p{N} and '_'.
constexpr const char* kWord =
    "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{B2}\\x{B3}\\x{B9}\\x{BC}-\\x{BE}";

bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

}  // namespace

std::string translate_onig_pattern(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 32);
  int class_depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char e = p[i + 1];
      const char* set = (e == 's' || e == 'S') ? kSpace : (e == 'w' || e == 'W') ? kWord
                      : (e == 'h' || e == 'H') ? "0-9a-fA-F" : nullptr;
      if (set) {
        bool negated = e == 'S' || e == 'W' || e == 'H';
        if (class_depth == 0) {
          out += negated ? "[^" : "[";
          out += set;
          out += "]";
        } else if (!negated) {
          out += set;
        } else {
          out.append(p.substr(i, 2));  // a negated class inside a class: PCRE2's meaning
        }
        ++i;
        continue;
      }
      if (e == 'u' && i + 5 < p.size() && is_hex(p[i + 2]) && is_hex(p[i + 3]) &&
          is_hex(p[i + 4]) && is_hex(p[i + 5])) {
        out += "\\x{";
        out.append(p.substr(i + 2, 4));
        out += "}";
        i += 5;
        continue;
      }
      out.append(p.substr(i, 2));
      ++i;
      continue;
    }
    if (c == '[') {
      // "[" opens a class (or a nested one, or a POSIX [:name:] inside a class).
      if (class_depth > 0 && i + 1 < p.size() && p[i + 1] == ':') {
        size_t end = p.find(":]", i + 2);
        if (end != std::string_view::npos) {
          out.append(p.substr(i, end + 2 - i));
          i = end + 1;
          continue;
        }
      }
      ++class_depth;
      out += c;
      // A ']' right after '[' or '[^' is a literal.
      if (i + 1 < p.size() && p[i + 1] == '^') {
        out += '^';
        ++i;
      }
      if (i + 1 < p.size() && p[i + 1] == ']') {
        out += "\\]";
        ++i;
      }
      continue;
    }
    if (c == ']' && class_depth > 0) --class_depth;
    out += c;
  }
  return out;
}

Regex::Regex(std::string_view onig_pattern) : pattern_(onig_pattern) {
  std::string translated = translate_onig_pattern(onig_pattern);
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_compile_context* ctx = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(ctx, PCRE2_NEWLINE_LF);
  // Oniguruma's Ruby syntax: ^ and $ match at line breaks.
  uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_NO_UTF_CHECK;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                   options, &error, &offset, ctx);
  pcre2_compile_context_free(ctx);
  if (!code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof(message));
    fail("invalid regex \"", pattern_, "\" at offset ", offset, ": ", reinterpret_cast<char*>(message));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when unavailable
  code_ = code;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

namespace {

// One match data block and JIT stack per thread, reused across calls.
struct MatchScratch {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* jit_stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  MatchScratch() {
    if (jit_stack) pcre2_jit_stack_assign(context, nullptr, jit_stack);
  }
  ~MatchScratch() {
    pcre2_match_context_free(context);
    if (jit_stack) pcre2_jit_stack_free(jit_stack);
    pcre2_match_data_free(data);
  }
};

}  // namespace

std::vector<std::pair<size_t, size_t>> Regex::find_all(std::string_view text) const {
  thread_local MatchScratch scratch;
  auto* code = static_cast<pcre2_code*>(code_);
  std::vector<std::pair<size_t, size_t>> out;
  size_t search_from = 0;
  bool have_last = false;
  size_t last_end = 0;
  while (search_from <= text.size()) {
    int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), search_from,
                         PCRE2_NO_UTF_CHECK, scratch.data, scratch.context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof(message));
      fail("regex \"", pattern_, "\" failed on a text of ", text.size(), " bytes: ",
           reinterpret_cast<char*>(message));
    }
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(scratch.data);
    size_t s = ov[0], e = ov[1];
    if (s == e && have_last && last_end == e) {
      // An empty match right after the previous one: step one character and search again.
      if (search_from >= text.size()) break;
      search_from += 1;
      while (search_from < text.size() && (static_cast<unsigned char>(text[search_from]) & 0xC0) == 0x80)
        ++search_from;
      continue;
    }
    out.emplace_back(s, e);
    have_last = true;
    last_end = e;
    search_from = e;
  }
  return out;
}

}  // namespace openarc::tokenizer
