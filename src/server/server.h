// `openarc serve`: binds, loads the startup models (in the background, /health says "loading"
// meanwhile), serves until SIGINT/SIGTERM, then stops accepting, ends streams cleanly, exits.
#pragma once

#include <memory>
#include <vector>

#include "server/http_server.h"
#include "server/load_config.h"
#include "server/server_context.h"

namespace openarc::server {

class Server {
 public:
  explicit Server(ServeOptions options);
  ~Server();

  void bind();  // throws Error naming the address
  int port() const { return http_->port(); }
  // Reads and checks --config's models; throws Error naming the entry and field.
  void read_config();
  bool has_startup_models() const { return !ctx_->options.models.empty() || !config_loads_.empty(); }
  // Loads every --model (DIR or DIR=NAME), then --config's; a failure is logged and the server
  // keeps serving.
  void load_startup_models();
  void serve();  // blocks until stop()
  void stop();
  ServerContext& context() { return *ctx_; }

 private:
  std::unique_ptr<ServerContext> ctx_;
  std::unique_ptr<HttpServer> http_;
  std::vector<ParsedLoad> config_loads_;
};

// Runs the server with signal handling: the whole of `openarc serve`.
int run_server(ServeOptions options);

}  // namespace openarc::server
