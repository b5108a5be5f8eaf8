// Every route of the server, in one table.
#include "server/routes.h"

#include "server/api_error.h"
#include "server/handlers.h"

namespace openarc::server {

void register_routes(HttpServer& http, ServerContext& ctx) {
  using Fn = HttpResponse (*)(ServerContext&, HttpRequest&);
  struct Entry {
    const char* method;
    const char* path;
    Fn handler;
    bool is_public;
  };
  static const Entry kRoutes[] = {
      // OpenAI-compatible
      {"GET", "/v1/models", list_models, false},
      {"GET", "/v1/models/*", get_model, false},
      {"POST", "/v1/chat/completions", chat_completions, false},
      {"POST", "/v1/completions", completions, false},
      {"GET", "/v1/devices", devices, false},
      // OpenArc model management: 1.0's /optimum names, 2.x's /openarc names
      {"POST", "/optimum/model/load", load_model, false},
      {"POST", "/optimum/model/unload", unload_model, false},
      {"DELETE", "/optimum/model/unload", unload_model, false},
      {"GET", "/optimum/status", status, false},
      {"POST", "/optimum/generate", optimum_generate, false},
      {"POST", "/openarc/load", openarc_load, false},
      {"POST", "/openarc/unload", openarc_unload, false},
      {"GET", "/openarc/status", status, false},
      {"GET", "/openarc/models", openarc_models, false},
      {"GET", "/openarc/version", openarc_version, false},
      {"POST", "/openarc/bench", openarc_bench, false},
      {"GET", "/openarc/metrics", openarc_system_metrics, false},
      // Helpers
      {"GET", "/health", health, true},
      {"GET", "/readyz", ready, true},
      {"GET", "/openarc/auth", auth_info, true},
      {"POST", "/tokenize", tokenize, false},
      {"POST", "/detokenize", detokenize, false},
      {"POST", "/apply-template", apply_template, false},
      {"GET", "/metrics", prometheus_metrics, false},
      // What the dashboard (and any client) asks about models, and conversion
      {"GET", "/openarc/folders", model_folders, false},
      {"GET", "/openarc/ov-config", ov_config_options, false},
      {"GET", "/openarc/model-info", model_info, false},
      {"POST", "/openarc/convert", convert_model, false},
      {"GET", "/openarc/convert", list_conversions, false},
      {"POST", "/openarc/convert/cancel", cancel_conversion, false},
      // The dashboard's files, without the API key (every API call of the page carries it)
      {"GET", "/", web_file, true},
      {"GET", "/static/*", web_file, true},
  };
  for (const Entry& e : kRoutes) {
    Fn fn = e.handler;
    std::string route = e.path;
    http.route(e.method, e.path, [&ctx, fn, route](HttpRequest& req) {
      HttpResponse r;
      try {
        r = fn(ctx, req);
      } catch (const ApiError& err) {
        ctx.metrics.request(route, err.status);
        throw;
      } catch (...) {
        ctx.metrics.request(route, 400);
        throw;
      }
      ctx.metrics.request(route, r.status);
      return r;
    }, e.is_public);
  }
}

}  // namespace openarc::server
