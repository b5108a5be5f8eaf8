// Builds the statement tree from the lexer's tokens, following Jinja2's grammar and operator
// precedence (or < and < not < comparisons < + - < ~ < * / // % < ** < unary, filters, tests).
#pragma once

#include <string>

#include "chat/ast.h"
#include "chat/lexer.h"

namespace openarc::chat {

// Throws TemplateError("TemplateSyntaxError", "... (line L, column C)").
Body parse_template(const std::string& source, const LexerOptions& options = {});

}  // namespace openarc::chat
