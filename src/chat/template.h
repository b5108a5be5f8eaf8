// A parsed Jinja template and how to render it. The public face of the engine:
//   auto t = Template::parse(source);        // TemplateError("TemplateSyntaxError") with line, column
//   std::string text = t.render(variables);  // TemplateError with Python's exception name + message
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "chat/ast.h"
#include "chat/error.h"
#include "chat/interpreter.h"

namespace openarc::chat {

struct RenderOptions {
  RenderLimits limits;
  // Fixes what strftime_now sees (wall-clock fields, no time zone); the real local time if unset.
  std::optional<std::time_t> now;
};

class Template {
 public:
  static Template parse(const std::string& source);

  // `variables` is a JSON object; each key becomes a template variable.
  std::string render(const nlohmann::ordered_json& variables, const RenderOptions& options = {}) const;
  std::string render(const Value& variables, const RenderOptions& options = {}) const;

 private:
  std::shared_ptr<const Body> body_;
};

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" (an optional Z or ±HH:MM is accepted and ignored,
// the fields are taken as wall-clock time) into the time_t RenderOptions::now expects.
std::time_t parse_iso8601(const std::string& text);

}  // namespace openarc::chat
