// What every route handler shares: the options the server runs with, its models and its metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "server/conversions.h"
#include "server/metrics.h"
#include "server/model_registry.h"
#include "server/openai_request.h"

namespace openarc::server {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::vector<std::string> models;  // DIR or DIR=NAME
  std::string config_file;          // --config: more startup models (serve_config.h)
  std::string models_dir;           // when set, /optimum/model/load accepts paths inside it only;
                                    // /openarc/convert reads and writes inside it (only)
  std::string api_key;
  std::string tool_parser;          // --tool-parser for the --model models (empty: detected)
  int threads = 0;
  int64_t ctx_size = 0;
  int64_t max_loaded = 0;
  int64_t max_queue = 64;
  int64_t max_body_bytes = 16 * 1024 * 1024;
  std::vector<std::string> cors_origins = {"*"};
  RequestLimits limits;
  // The transport's deadlines (seconds) and connection caps; see HttpOptions.
  double header_timeout = 10, body_timeout = 60, idle_timeout = 60, write_timeout = 60;
  int max_connections = 1024, max_client_connections = 128;
  std::string log_format = "text";  // the access log on stderr: text, json or off
};

struct ServerContext {
  ServeOptions options;
  ModelRegistry registry;
  Metrics metrics;
  Conversions conversions;
  std::atomic<bool> stopping{false};
  // The startup models (--model and --config) are still being loaded: /health says "loading" until they are.
  std::atomic<bool> startup_loading{false};
  // The names the startup models are served under: /readyz is 200 only while all are loaded.
  std::vector<std::string> configured_models;
  std::mutex configured_mu;
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();

  explicit ServerContext(ServeOptions o) : options(std::move(o)), registry(options.max_loaded) {}
};

}  // namespace openarc::server
