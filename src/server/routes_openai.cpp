// OpenAI-compatible routes: /v1/models, /v1/chat/completions, /v1/completions.
#include <nlohmann/json.hpp>

#include "server/api_error.h"
#include "server/handlers.h"

namespace openarc::server {
namespace {

using nlohmann::json;

json model_card(const ServerContext& ctx, const ModelEntry& m) {
  const llm::ModelInfo& info = m.pipeline->info();
  int64_t created = std::chrono::duration_cast<std::chrono::seconds>(ctx.started.time_since_epoch()).count();
  return {{"id", m.name},
          {"object", "model"},
          {"created", created},
          {"owned_by", "openarc"},
          {"meta",
           {{"device", m.device},
            {"context_length", info.context_length},
            {"parameters", info.parameters},
            {"weight_format", info.weight_format},
            {"architecture", info.architecture}}}};
}

}  // namespace

HttpResponse list_models(ServerContext& ctx, HttpRequest&) {
  json data = json::array();
  for (const auto& m : ctx.registry.all())
    if (m->status == "loaded") data.push_back(model_card(ctx, *m));
  return json_response({{"object", "list"}, {"data", data}});
}

HttpResponse get_model(ServerContext& ctx, HttpRequest& req) {
  std::string name = req.path.substr(std::string("/v1/models/").size());
  if (name.empty()) return list_models(ctx, req);
  return json_response(model_card(ctx, *ctx.registry.get(name)));
}

HttpResponse chat_completions(ServerContext& ctx, HttpRequest& req) {
  return generation_route(ctx, req, ApiKind::chat, parse_chat_request);
}

HttpResponse completions(ServerContext& ctx, HttpRequest& req) {
  return generation_route(ctx, req, ApiKind::completion, parse_completion_request);
}

}  // namespace openarc::server
