// Conversions between JSON (nlohmann::ordered_json, which keeps key order as Python's json does)
// and template values.
#pragma once

#include <nlohmann/json.hpp>

#include "chat/value.h"

namespace openarc::chat {

// Throws Error when the JSON nests deeper than kMaxValueDepth.
Value from_json(const nlohmann::ordered_json& j);

}  // namespace openarc::chat
