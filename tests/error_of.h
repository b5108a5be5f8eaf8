// The message of the openarc::Error that a callable throws, for tests that check what a user is
// told ("" when it throws none).
#pragma once

#include <string>

#include "core/error.h"

namespace openarc {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace openarc
