// The load requests of both OpenArc dialects, checked and turned into a LoadRequest: OpenArc 1.0's
// {"load_config": OV_LoadModelConfig, "ov_config": OV_Config} and 2.x's ModelLoadConfig
// {"model_path", "model_name", "model_type", "engine", "device", "runtime_config", ...}. Every
// mistake is an ApiError 400 naming the field and what it may be.
#pragma once

#include <nlohmann/json.hpp>

#include "server/server_context.h"

namespace openarc::server {

// A load request before anything is loaded: `export_source` is set when 1.0's export_model asks
// for a Hugging Face folder to be converted first (model_export.h).
struct ParsedLoad {
  LoadRequest request;
  std::string export_source;
  std::string dialect;     // "1.0" or "2.x", the shape the body had
  std::string path_param;  // the folder's field, for errors: load_config.id_model, model_path ...
};

// 1.0: load_config (or its fields at the top level) and ov_config; also our model_name,
// tool_parser and replace.
ParsedLoad parse_v1_load(const ServerContext& ctx, const nlohmann::json& body);
// 2.x: ModelLoadConfig; also our tool_parser and replace.
ParsedLoad parse_v2_load(const ServerContext& ctx, const nlohmann::json& body);
// Either, told apart by shape (load_config, ov_config, id_model or a flat model: 1.0; else 2.x):
// both load routes and the entries of `serve --config`.
ParsedLoad parse_any_load(const ServerContext& ctx, const nlohmann::json& body);

// Converts first when export_model asked (model_export.h), then loads into the registry. A name
// already loaded is refused (409) before a conversion is spent on it.
std::shared_ptr<ModelEntry> load_parsed_model(ServerContext& ctx, ParsedLoad& parsed);

}  // namespace openarc::server
