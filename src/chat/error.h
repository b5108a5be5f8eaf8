// Errors a template raises. Python Jinja2 reports them as exception classes (TemplateError from
// raise_exception, UndefinedError, TypeError, SecurityError, TemplateSyntaxError ...); we keep the
// class name in `kind` and Python's message text in what(), so a caller can show the template's
// own words and the corpus can compare both with the reference.
#pragma once

#include <string>
#include <utility>

#include "core/error.h"

namespace openarc::chat {

class TemplateError : public Error {
 public:
  TemplateError(std::string kind, const std::string& message) : Error(message), kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
};

template <typename... Args>
[[noreturn]] void raise(const char* kind, Args&&... args) {
  throw TemplateError(kind, cat(std::forward<Args>(args)...));
}

}  // namespace openarc::chat
