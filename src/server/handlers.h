// Route handlers, one function each, registered in routes.cpp's one table.
#pragma once

#include "server/http_types.h"
#include "server/response_format.h"
#include "server/server_context.h"

namespace openarc::server {

// routes_openai.cpp
HttpResponse list_models(ServerContext& ctx, HttpRequest& req);
HttpResponse get_model(ServerContext& ctx, HttpRequest& req);
HttpResponse chat_completions(ServerContext& ctx, HttpRequest& req);
HttpResponse completions(ServerContext& ctx, HttpRequest& req);

// routes_openarc.cpp: OpenArc 1.0 (load_model, unload_model) and 2.x (openarc_*); one status.
HttpResponse load_model(ServerContext& ctx, HttpRequest& req);
HttpResponse unload_model(ServerContext& ctx, HttpRequest& req);
HttpResponse openarc_load(ServerContext& ctx, HttpRequest& req);
HttpResponse openarc_unload(ServerContext& ctx, HttpRequest& req);
HttpResponse status(ServerContext& ctx, HttpRequest& req);
HttpResponse optimum_generate(ServerContext& ctx, HttpRequest& req);

// routes_bench.cpp: POST /openarc/bench, one measured generation.
HttpResponse openarc_bench(ServerContext& ctx, HttpRequest& req);

// routes_helpers.cpp
HttpResponse health(ServerContext& ctx, HttpRequest& req);
// 200 only while every startup model (--model) is loaded; 503 naming those that are not.
HttpResponse ready(ServerContext& ctx, HttpRequest& req);
// Public: whether the other routes need the API key (the dashboard asks before any call).
HttpResponse auth_info(ServerContext& ctx, HttpRequest& req);
HttpResponse tokenize(ServerContext& ctx, HttpRequest& req);
HttpResponse detokenize(ServerContext& ctx, HttpRequest& req);
HttpResponse apply_template(ServerContext& ctx, HttpRequest& req);
HttpResponse prometheus_metrics(ServerContext& ctx, HttpRequest& req);
HttpResponse devices(ServerContext& ctx, HttpRequest& req);
// GET /openarc/version and GET /openarc/metrics (CPU usage, RAM), as OpenArc 2.x answers them.
HttpResponse openarc_version(ServerContext& ctx, HttpRequest& req);
HttpResponse openarc_system_metrics(ServerContext& ctx, HttpRequest& req);

// routes_model_info.cpp
HttpResponse model_folders(ServerContext& ctx, HttpRequest& req);
HttpResponse ov_config_options(ServerContext& ctx, HttpRequest& req);
HttpResponse model_info(ServerContext& ctx, HttpRequest& req);
// GET /openarc/models: the model folders under --models-dir, described (2.x's shape and ours).
HttpResponse openarc_models(ServerContext& ctx, HttpRequest& req);

// routes_convert.cpp
HttpResponse convert_model(ServerContext& ctx, HttpRequest& req);
HttpResponse cancel_conversion(ServerContext& ctx, HttpRequest& req);
HttpResponse list_conversions(ServerContext& ctx, HttpRequest& req);

// routes_web.cpp: the dashboard's files.
HttpResponse web_file(ServerContext& ctx, HttpRequest& req);

// generation.cpp: the shared path of the three generation routes.
HttpResponse run_generation(ServerContext& ctx, HttpRequest& req, ApiKind kind, ParsedRequest parsed,
                            std::shared_ptr<ModelEntry> model);

HttpResponse json_response(const nlohmann::json& body, int status = 200);

// A generation route: parse the body with `parse` against the named model's defaults, then run it.
using RequestParser = ParsedRequest (*)(const nlohmann::json&, const llm::GenerationConfig&, const RequestLimits&);
HttpResponse generation_route(ServerContext& ctx, HttpRequest& req, ApiKind kind, RequestParser parse);

}  // namespace openarc::server
