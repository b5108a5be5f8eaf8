// Constrained output of a generation request: OpenAI's response_format (json_object,
// json_schema; llama.cpp's json_object with a schema) and llama.cpp's `grammar` (GBNF) and
// `json_schema` fields, on every generation route, compiled to the grammar the output must match.
//
// Read from the body with its key order kept, so a schema's properties come out in the client's
// order (and tools reach the template and the tool-call grammar in that order too). Mistakes
// are 400s naming the field: a GBNF error with its line:column, a schema keyword that cannot be
// enforced with its JSON pointer.
#pragma once

#include <nlohmann/json.hpp>

#include "server/openai_request.h"

namespace openarc::server {

void apply_structured_output(const nlohmann::ordered_json& body, ParsedRequest& request);

}  // namespace openarc::server
