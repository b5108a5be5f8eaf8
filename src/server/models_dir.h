// The folders a request may name: inside --models-dir when the server has one (no "..", no
// symlink escape), else any folder. Load, conversion and the dashboard's folder list share it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "server/server_context.h"

namespace openarc::server {

// An existing folder for `param` (e.g. "id_model"), canonical. A relative path is taken inside
// --models-dir. ApiError 400 naming `param` when it does not exist or is not a folder, 403 when
// it is outside --models-dir.
std::string resolve_model_path(const ServerContext& ctx, const std::string& requested, const std::string& param);

// A new folder's path directly inside --models-dir: `name` is one plain path component (no
// '/', no leading '.'). ApiError 400 naming `param` otherwise, or when the server has no
// --models-dir.
std::string output_folder(const ServerContext& ctx, const std::string& name, const std::string& param);

// What a folder holds: "ir" (openvino_model.xml), "hf" (config.json and *.safetensors), or "other".
std::string folder_kind(const std::string& path);

// GET /openarc/folders: {"models_dir": path|null, "folders": [{"name", "path", "kind", "bytes"}]}, the
// folders directly under --models-dir (hidden ones, such as a conversion in progress, left out).
nlohmann::json list_model_folders(const ServerContext& ctx);

}  // namespace openarc::server
