// OpenArc's own model management: /optimum/model/load, /optimum/model/unload, /optimum/status,
// /optimum/generate (with /openarc/... aliases registered in routes.cpp).
#include <filesystem>

#include <nlohmann/json.hpp>

#include "llm/generation_config_json.h"
#include "llm/tool_parser.h"
#include "runtime/devices.h"
#include "server/api_error.h"
#include "server/handlers.h"
#include "server/models_dir.h"
#include "server/ov_config.h"

namespace openarc::server {
namespace fs = std::filesystem;
using nlohmann::json;

HttpResponse load_model(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  json lc = body.contains("load_config") ? body["load_config"] : body;
  if (!lc.is_object()) throw bad_request("'load_config' must be an object", "load_config");
  auto str = [&](const char* key, const std::string& def) {
    if (!lc.contains(key) || lc[key].is_null()) return def;
    if (!lc[key].is_string()) throw bad_request(std::string("'") + key + "' must be a string", key);
    return lc[key].get<std::string>();
  };
  LoadRequest lr;
  std::string requested = str("id_model", str("model_path", str("model", "")));
  lr.path = resolve_model_path(ctx, requested, "id_model");
  lr.name = str("model_name", fs::path(lr.path).filename().string());
  if (lr.name.empty()) throw bad_request("'model_name' must not be empty", "model_name");
  std::string device = str("device", "CPU");
  try {
    lr.device = runtime::resolve_device(device);
  } catch (const Error& e) {
    throw bad_request(e.what(), "device", "device_not_available");
  }
  json ov = body.contains("ov_config") && !body["ov_config"].is_null() ? body["ov_config"] : json::object();
  lr.options = pipeline_options(ov, ctx.options.threads, ctx.options.ctx_size);  // 400 naming a bad key
  lr.options.device = lr.device;
  lr.options.tool_parser = str("tool_parser", "");
  if (!lr.options.tool_parser.empty() && !llm::find_tool_parser(lr.options.tool_parser)) {
    std::string names;
    for (auto n : llm::tool_parser_names()) names += std::string(names.empty() ? "" : ", ") + std::string(n);
    throw bad_request("unknown tool_parser '" + lr.options.tool_parser + "' (one of " + names + ")", "tool_parser");
  }
  lr.ov_config = ov;
  lr.replace = body.value("replace", false);
  auto entry = ctx.registry.load(lr);
  return json_response({{"status", "success"},
                        {"model", entry->name},
                        {"device", entry->device},
                        {"load_time_ms", entry->pipeline->info().load_ms}});
}

HttpResponse unload_model(ServerContext& ctx, HttpRequest& req) {
  json body = req.body.empty() ? json::object() : parse_body(req.body);
  std::string name = model_field(body, "model_name");
  if (name.empty()) name = model_field(body, "model");
  if (name.empty()) name = req.query_param("model_name");
  if (name.empty()) name = ctx.registry.get("")->name;  // the only loaded model, or 404 listing them
  ctx.registry.unload(name);
  return json_response({{"status", "success"}, {"model", name}});
}

HttpResponse status(ServerContext& ctx, HttpRequest&) {
  json models = json::array();
  for (const auto& m : ctx.registry.all()) {
    json e = {{"model_name", m->name}, {"path", m->path},   {"device", m->device},
              {"ov_config", m->ov_config}, {"status", m->status}};
    if (m->status == "failed") e["error"] = m->error;
    if (m->pipeline) {
      const llm::ModelInfo& info = m->pipeline->info();
      e["load_time_ms"] = info.load_ms;
      e["memory_bytes"] = info.weight_bytes;
      e["requests_served"] = m->requests_served.load();
      e["queued"] = m->queued();
      e["busy"] = m->busy();
      e["architecture"] = info.architecture;
      e["tool_parser"] = std::string(m->pipeline->tool_parser().name());
      e["weight_format"] = info.weight_format;
      e["context_length"] = info.context_length;
      e["parameters"] = info.parameters;
      e["has_chat_template"] = m->pipeline->has_chat_template();
      e["generation_config"] = llm::to_json(m->pipeline->default_config());
      e["runtime"] = applied_options_json(m->pipeline->options());
    }
    models.push_back(e);
  }
  return json_response({{"models", models}});
}

HttpResponse optimum_generate(ServerContext& ctx, HttpRequest& req) {
  return generation_route(ctx, req, ApiKind::optimum, parse_generate_request);
}

}  // namespace openarc::server
