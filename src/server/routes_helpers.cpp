// Helpers the dashboard and clients use: /health, /readyz, /openarc/auth, /tokenize, /detokenize,
// /apply-template, /metrics, /v1/devices, /openarc/version, /openarc/metrics.
#include <map>

#include <nlohmann/json.hpp>

#include "core/version.h"
#include "runtime/devices.h"
#include "server/api_error.h"
#include "server/handlers.h"
#include "server/system_metrics.h"
#include "tokenizer/tokenizer.h"

namespace openarc::server {
namespace {

using nlohmann::json;

std::vector<tokenizer::TokenId> token_ids(const json& body, const tokenizer::Tokenizer& tok) {
  if (!body.contains("tokens") || !body["tokens"].is_array()) throw bad_request("'tokens' must be an array of token ids", "tokens");
  std::vector<tokenizer::TokenId> ids;
  for (const json& v : body["tokens"]) {
    if (!v.is_number_integer()) throw bad_request("'tokens' must hold integers", "tokens");
    int64_t id = v.get<int64_t>();
    if (id < 0 || id >= static_cast<int64_t>(tok.vocab_size()))
      throw bad_request("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                            std::to_string(tok.vocab_size() - 1) + ")",
                        "tokens");
    ids.push_back(static_cast<tokenizer::TokenId>(id));
  }
  return ids;
}

}  // namespace

HttpResponse health(ServerContext& ctx, HttpRequest&) {
  if (ctx.startup_loading || ctx.registry.any_loading()) return json_response({{"status", "loading"}}, 503);
  return json_response({{"status", "ok"}});
}

HttpResponse ready(ServerContext& ctx, HttpRequest&) {
  if (ctx.startup_loading) return json_response({{"status", "loading"}}, 503);
  std::map<std::string, std::string> status_of;
  for (const auto& e : ctx.registry.all()) status_of[e->name] = e->status;
  json missing = json::array(), models = json::array();
  std::lock_guard<std::mutex> lock(ctx.configured_mu);
  for (const std::string& name : ctx.configured_models) {
    auto it = status_of.find(name);
    std::string st = it == status_of.end() ? "not loaded" : it->second;
    models.push_back({{"model_name", name}, {"status", st}});
    if (st != "loaded") missing.push_back(name);
  }
  if (!missing.empty())
    return json_response({{"status", "not ready"}, {"models_not_loaded", missing}, {"models", models}}, 503);
  return json_response({{"status", "ready"}, {"models", models}});
}

HttpResponse auth_info(ServerContext& ctx, HttpRequest&) {
  return json_response({{"auth_required", !ctx.options.api_key.empty()}});
}

HttpResponse tokenize(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  auto model = ctx.registry.get(model_field(body));
  if (!body.contains("content") || !body["content"].is_string()) throw bad_request("'content' must be a string", "content");
  bool add_special = body.value("add_special", false);
  bool with_pieces = body.value("with_pieces", false);
  const tokenizer::Tokenizer& tok = model->pipeline->tokenizer();
  std::vector<tokenizer::TokenId> ids = tok.encode(body["content"].get<std::string>(), add_special);
  json tokens = json::array();
  for (tokenizer::TokenId id : ids) {
    if (!with_pieces) {
      tokens.push_back(id);
      continue;
    }
    const std::string* piece = tok.id_to_token(id);
    tokens.push_back({{"id", id}, {"piece", piece ? *piece : std::string()}});
  }
  return json_response({{"tokens", tokens}});
}

HttpResponse detokenize(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  auto model = ctx.registry.get(model_field(body));
  const tokenizer::Tokenizer& tok = model->pipeline->tokenizer();
  return json_response({{"content", tok.decode(token_ids(body, tok), body.value("skip_special_tokens", false))}});
}

HttpResponse apply_template(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  auto model = ctx.registry.get(model_field(body));
  ParsedRequest parsed = parse_chat_request(body, model->pipeline->default_config(), ctx.options.limits);
  const llm::GenerationRequest& g = parsed.prompts.front();
  if (!model->pipeline->has_chat_template())
    throw bad_request("model '" + model->name + "' has no chat template", "messages", "no_chat_template");
  try {
    return json_response({{"prompt", model->pipeline->apply_chat_template(*g.messages, g.tools, g.add_generation_prompt,
                                                                          g.template_kwargs)}});
  } catch (const Error& e) {
    throw bad_request(e.what(), "messages");
  }
}

HttpResponse prometheus_metrics(ServerContext& ctx, HttpRequest&) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = ctx.metrics.exposition(ctx.registry);
  return r;
}

HttpResponse devices(ServerContext&, HttpRequest&) { return json_response(runtime::devices_report()); }

HttpResponse openarc_version(ServerContext&, HttpRequest&) {
  return json_response({{"version", kVersion}, {"name", "openarc"}});
}

HttpResponse openarc_system_metrics(ServerContext&, HttpRequest&) {
  const json cpu = runtime::devices_report()["devices"][0];
  std::optional<double> usage = cpu_usage_percent();
  std::optional<MemoryUsage> mem = memory_usage();
  constexpr int64_t kMiB = 1024 * 1024;
  // 2.x's shape (RAM in MiB, usage in percent), with bytes beside it.
  return json_response({{"cpus", json::array({{{"id", "CPU"},
                                               {"name", cpu["FULL_DEVICE_NAME"]},
                                               {"cores", cpu["physical_cores"]},
                                               {"threads", cpu["logical_cores"]},
                                               {"usage", usage ? json(*usage) : json(nullptr)}}})},
                        {"total_ram", mem ? json(mem->total_bytes / kMiB) : json(nullptr)},
                        {"used_ram", mem ? json(mem->used_bytes / kMiB) : json(nullptr)},
                        {"total_ram_bytes", mem ? json(mem->total_bytes) : json(nullptr)},
                        {"used_ram_bytes", mem ? json(mem->used_bytes) : json(nullptr)},
                        {"process_rss_bytes", mem ? json(mem->process_rss_bytes) : json(nullptr)},
                        {"gpus", json::array()},
                        {"npus", json::array()},
                        {"gpu_metrics_worked", false}});
}

}  // namespace openarc::server
