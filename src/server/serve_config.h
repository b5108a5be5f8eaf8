// `openarc serve --config FILE`: a deployment's models in one JSON file,
//   {"models": [ENTRY, ...]}
// where an ENTRY is OpenArc 2.x's ModelLoadConfig ({"model_path", "model_name", "device",
// "runtime_config", ...}), 1.0's load body ({"load_config": {...}, "ov_config": {...}}), or the
// short form {"path", "name", "device", "ov_config" | "runtime_config"}. Every entry is checked
// before the server binds, by the rules of the load routes; /readyz reports the models by name.
#pragma once

#include <string>
#include <vector>

#include "server/load_config.h"

namespace openarc::server {

// Throws Error naming the file, the entry (models[i]) and the field when anything is wrong.
std::vector<ParsedLoad> read_serve_config(const ServerContext& ctx, const std::string& file);

}  // namespace openarc::server
