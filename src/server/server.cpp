#include "server/server.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "core/error.h"
#include "server/access_log.h"
#include "server/api_error.h"
#include "server/ov_config.h"
#include "server/routes.h"
#include "server/serve_config.h"

namespace openarc::server {
namespace fs = std::filesystem;

Server::Server(ServeOptions options) : ctx_(std::make_unique<ServerContext>(std::move(options))) {
  HttpOptions h;
  h.host = ctx_->options.host;
  h.port = ctx_->options.port;
  h.api_key = ctx_->options.api_key;
  h.cors_origins = ctx_->options.cors_origins;
  h.limits.max_body_bytes = static_cast<size_t>(ctx_->options.max_body_bytes);
  auto ms = [](double seconds) { return static_cast<int>(seconds * 1000); };
  h.header_timeout_ms = ms(ctx_->options.header_timeout);
  h.body_timeout_ms = ms(ctx_->options.body_timeout);
  h.idle_timeout_ms = ms(ctx_->options.idle_timeout);
  h.write_timeout_ms = ms(ctx_->options.write_timeout);
  h.max_connections = ctx_->options.max_connections;
  h.max_connections_per_client = ctx_->options.max_client_connections;
  http_ = std::make_unique<HttpServer>(h);
  ctx_->metrics.transport = &http_->stats();
  register_routes(*http_, *ctx_);
  if (ctx_->options.log_format != "off")
    http_->on_request = [json = ctx_->options.log_format == "json"](const HttpRequest& r, int status, double ms) {
      std::string line = access_log_line(r, status, ms, json);
      std::fprintf(stderr, "%s\n", line.c_str());
    };
}

Server::~Server() { stop(); }

void Server::bind() { http_->bind(); }

void Server::load_startup_models() {
  for (const std::string& spec : ctx_->options.models) {
    size_t eq = spec.find('=');
    LoadRequest lr;
    lr.path = spec.substr(0, eq);
    lr.name = eq == std::string::npos ? fs::path(lr.path).lexically_normal().filename().string() : spec.substr(eq + 1);
    if (lr.name.empty()) lr.name = fs::path(lr.path).lexically_normal().parent_path().filename().string();
    {
      std::lock_guard<std::mutex> lock(ctx_->configured_mu);
      ctx_->configured_models.push_back(lr.name);
    }
    try {
      lr.options = pipeline_options(nlohmann::json::object(), ctx_->options.threads, ctx_->options.ctx_size);
      lr.options.tool_parser = ctx_->options.tool_parser;
      auto entry = ctx_->registry.load(lr);
      std::fprintf(stderr, "openarc: loaded model '%s' from %s in %.0f ms\n", entry->name.c_str(), lr.path.c_str(),
                   entry->pipeline->info().load_ms);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "openarc: %s\n", e.what());
    }
  }
  for (ParsedLoad& p : config_loads_) {
    {
      std::lock_guard<std::mutex> lock(ctx_->configured_mu);
      ctx_->configured_models.push_back(p.request.name);
    }
    try {
      auto entry = load_parsed_model(*ctx_, p);
      std::fprintf(stderr, "openarc: loaded model '%s' from %s in %.0f ms (--config)\n", entry->name.c_str(),
                   entry->path.c_str(), entry->pipeline->info().load_ms);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "openarc: --config model '%s': %s\n", p.request.name.c_str(), e.what());
    }
  }
  ctx_->startup_loading = false;
}

void Server::read_config() {
  if (!ctx_->options.config_file.empty()) config_loads_ = read_serve_config(*ctx_, ctx_->options.config_file);
}

void Server::serve() { http_->serve(); }

void Server::stop() {
  ctx_->stopping = true;
  http_->stop();
}

int run_server(ServeOptions options) {
  // Signals go to one waiting thread, not to whichever thread the kernel picks.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Server server(std::move(options));
  try {
    server.read_config();
  } catch (const Error& e) {
    std::fprintf(stderr, "openarc: %s\n", e.what());
    return 2;
  }
  server.bind();
  const ServeOptions& o = server.context().options;
  std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  std::fprintf(stderr, "openarc: API       http://%s:%d/v1\n", host.c_str(), server.port());
  std::fprintf(stderr, "openarc: dashboard http://%s:%d/\n", host.c_str(), server.port());
  // Set before the loader starts, so no /health request can come between.
  server.context().startup_loading = server.has_startup_models();
  std::thread loader([&server] { server.load_startup_models(); });
  std::thread waiter([&server, set] {
    int sig = 0;
    sigwait(&set, &sig);
    std::fprintf(stderr, "openarc: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  });
  server.serve();
  loader.join();
  // serve() returned because of a signal: the waiter has done its work.
  waiter.join();
  return 0;
}

}  // namespace openarc::server
