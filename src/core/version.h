// OpenArc's version: `openarc --version` and GET /openarc/version say the same.
#pragma once

namespace openarc {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace openarc
