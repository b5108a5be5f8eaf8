// `openarc inspect`'s report as JSON: interface (inputs, outputs, variables), op counts, constant
// bytes by precision, parameter count, unsupported ops and the fusions compilation applies.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace openarc::graph {

// Reads the model at `path` (a folder or .xml; the .bin may be absent) and describes it. Throws
// Error when the XML cannot be read; a model that does not bind is reported, its error in
// `bind_error` (empty when it binds).
nlohmann::json inspect_model(const std::string& path, std::string& bind_error);

}  // namespace openarc::graph
