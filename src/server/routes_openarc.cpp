// OpenArc's own model management, in both of its dialects: 1.0's /optimum/model/load,
// /optimum/model/unload, /optimum/status, /optimum/generate and 2.x's /openarc/load,
// /openarc/unload, /openarc/status. Each reply carries the fields its dialect's clients read and
// ours beside them; status is one body both read.
#include <ctime>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "llm/generation_config_json.h"
#include "server/api_error.h"
#include "server/handlers.h"
#include "server/load_config.h"
#include "server/ov_config.h"

namespace openarc::server {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

// 2.x's time_loaded: Python's datetime.utcnow().isoformat(), UTC without a zone suffix.
std::string utc_isoformat(std::chrono::system_clock::time_point t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(us % 1000000));
  return buf;
}

json load_reply_fields(const ModelEntry& e, const ParsedLoad& p) {
  return {{"model", e.name},
          {"model_name", e.name},
          {"model_id", e.model_id},
          {"device", e.device},
          {"path", e.path},
          {"converted", !p.export_source.empty()},
          {"load_time_ms", e.pipeline->info().load_ms}};
}

// The model an unload names: model_name (or model) in the body or the query; none named picks
// the only one. Empty when nothing is loaded at all.
std::string unload_target(ServerContext& ctx, HttpRequest& req) {
  json body = req.body.empty() ? json::object() : parse_body(req.body);
  std::string name = model_field(body, "model_name");
  if (name.empty()) name = model_field(body, "model");
  if (name.empty()) name = req.query_param("model_name");
  if (!name.empty()) return name;
  auto all = ctx.registry.all();
  if (all.empty()) return "";
  if (all.size() == 1) return all.front()->name;
  throw bad_request("'model_name' is required when several models are loaded (one of " + ctx.registry.loaded_names() + ")",
                    "model_name");
}

json model_status_json(const ModelEntry& m) {
  json e = {{"model_name", m.name},   {"path", m.path},         {"source", m.source},  {"device", m.device},
            {"ov_config", m.ov_config}, {"status", m.status},   {"model_id", m.model_id},
            {"model_type", m.model_type}, {"engine", m.engine}, {"runtime_config", m.ov_config},
            {"time_loaded", utc_isoformat(m.time_loaded)}};
  if (m.status == "failed") {
    e["error"] = m.error;
    e["error_message"] = m.error;  // 2.x's name
  }
  if (m.pipeline) {
    const llm::ModelInfo& info = m.pipeline->info();
    e["load_time_ms"] = info.load_ms;
    e["memory_bytes"] = info.weight_bytes;
    e["requests_served"] = m.requests_served.load();
    e["queued"] = m.queued();
    e["busy"] = m.busy();
    e["architecture"] = info.architecture;
    e["tool_parser"] = std::string(m.pipeline->tool_parser().name());
    e["weight_format"] = info.weight_format;
    e["context_length"] = info.context_length;
    e["parameters"] = info.parameters;
    e["has_chat_template"] = m.pipeline->has_chat_template();
    e["generation_config"] = llm::to_json(m.pipeline->default_config());
    json runtime = applied_options_json(m.pipeline->options());
    const llm::PipelineOptions& o = m.pipeline->options();
    for (auto [key, id] : {std::pair{"eos_token_id", o.eos_token_id}, std::pair{"bos_token_id", o.bos_token_id},
                           std::pair{"pad_token_id", o.pad_token_id}})
      runtime[key] = id ? json(*id) : json(nullptr);
    e["runtime"] = runtime;
  }
  return e;
}

}  // namespace

HttpResponse load_model(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  ParsedLoad p = parse_any_load(ctx, body);  // a 2.x body sent here keeps its runtime_config
  auto entry = load_parsed_model(ctx, p);
  json r = load_reply_fields(*entry, p);
  r["status"] = "success";
  r["message"] = "Model " + entry->name + " loaded successfully";
  return json_response(r);
}

HttpResponse openarc_load(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  ParsedLoad p = parse_any_load(ctx, body);
  auto entry = load_parsed_model(ctx, p);
  json r = load_reply_fields(*entry, p);
  r["status"] = "loaded";
  return json_response(r);
}

HttpResponse unload_model(ServerContext& ctx, HttpRequest& req) {
  std::string name = unload_target(ctx, req);
  if (name.empty()) return json_response({{"status", "success"}, {"message", "No model was loaded"}, {"model", nullptr}});
  ctx.registry.unload(name);  // 404 listing the loaded names
  return json_response({{"status", "success"}, {"message", "Model " + name + " unloaded successfully"}, {"model", name}});
}

HttpResponse openarc_unload(ServerContext& ctx, HttpRequest& req) {
  std::string name = unload_target(ctx, req);
  if (name.empty()) throw not_found("no model is loaded", "model_name", "model_not_found");
  ctx.registry.unload(name);
  return json_response({{"model_name", name}, {"status", "unloaded"}, {"model", name}});
}

HttpResponse status(ServerContext& ctx, HttpRequest&) {
  json models = json::array(), names = json::array();
  std::shared_ptr<ModelEntry> latest;  // 1.0 served one model: it reports the latest loaded
  for (const auto& m : ctx.registry.all()) {
    models.push_back(model_status_json(*m));
    if (m->status != "loaded") continue;
    names.push_back(m->name);
    if (!latest || m->time_loaded > latest->time_loaded) latest = m;
  }
  return json_response({{"status", latest ? "loaded" : "no_model"},
                        {"id_model", latest ? json(latest->source) : json(nullptr)},
                        {"device", latest ? json(latest->device) : json(nullptr)},
                        {"total_loaded_models", names.size()},
                        {"openai_model_names", names},
                        {"models", models}});
}

HttpResponse optimum_generate(ServerContext& ctx, HttpRequest& req) {
  return generation_route(ctx, req, ApiKind::optimum, parse_generate_request);
}

}  // namespace openarc::server
