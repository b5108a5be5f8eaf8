// Splits a template into data and tag tokens the way Jinja2's lexer does with transformers'
// settings: trim_blocks (drop the newline after a block or comment tag), lstrip_blocks (drop the
// spaces and tabs before a block or comment tag that starts a line), "-" on either side of a tag
// strips all whitespace on that side, "+" disables both, a single trailing newline of the source is
// dropped, and line endings become "\n".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace openarc::chat {

enum class TokenType { Data, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Integer, Float, Operator, Eof };

struct Token {
  TokenType type;
  std::string text;    // data text, name, operator, or the decoded string literal
  int64_t int_value = 0;
  double float_value = 0;
  int line = 1;
  int column = 1;
};

struct LexerOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = true;
};

// Throws TemplateError("TemplateSyntaxError", ...) naming line and column on a malformed tag.
std::vector<Token> tokenize(const std::string& source, const LexerOptions& options = {});

const char* token_type_name(TokenType t);

}  // namespace openarc::chat
