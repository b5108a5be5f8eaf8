// Errors. Two channels (STYLE.md #10): untrusted input (model files, HTTP bodies, templates,
// tokenizer files, CLI flags) throws openarc::Error with a message that names what is wrong and
// where; a broken internal invariant is a bug and asserts.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace openarc {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Concatenates anything streamable: cat("layer ", id, " has ", n, " inputs").
template <typename... Args>
std::string cat(Args&&... args) {
  std::ostringstream out;
  (out << ... << std::forward<Args>(args));
  return out.str();
}

template <typename... Args>
[[noreturn]] void fail(Args&&... args) {
  throw Error(cat(std::forward<Args>(args)...));
}

// Throws Error(message) unless cond holds; for checks of untrusted input.
template <typename... Args>
void check(bool cond, Args&&... args) {
  if (!cond) fail(std::forward<Args>(args)...);
}

}  // namespace openarc
