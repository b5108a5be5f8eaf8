// Test helper: render a template source with JSON variables, or get the error it raises.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "chat/template.h"

namespace openarc::chat::testing {

inline std::string render(const std::string& source, const nlohmann::ordered_json& vars = nlohmann::ordered_json::object()) {
  return Template::parse(source).render(vars);
}

// "Kind: message" of the TemplateError the render raises, or "no error".
inline std::string error_of(const std::string& source, const nlohmann::ordered_json& vars = nlohmann::ordered_json::object()) {
  try {
    Template::parse(source).render(vars);
  } catch (const TemplateError& e) {
    return e.kind() + ": " + e.what();
  }
  return "no error";
}

}  // namespace openarc::chat::testing
