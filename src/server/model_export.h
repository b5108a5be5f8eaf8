// OpenArc 1.0's export_model: true: a Hugging Face folder converted on load, with `openarc
// convert`'s code and defaults (fp32 weights), into a hidden folder (in --models-dir, else the
// system's temporary folder) that the loaded model owns and removes when it is unloaded.
#pragma once

#include <string>

#include "server/server_context.h"

namespace openarc::server {

// The converted folder's path. ApiError 409 while another conversion runs (one at a time, as
// POST /openarc/convert), 400 naming `param` when the checkpoint cannot be converted.
std::string export_for_load(ServerContext& ctx, const std::string& source, const std::string& model_name,
                            const std::string& param);

}  // namespace openarc::server
