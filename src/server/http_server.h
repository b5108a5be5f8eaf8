// A small HTTP/1.1 server over POSIX sockets: a thread per connection, keep-alive, chunked
// streaming, and a cheap check that the client is still there (so a disconnect cancels its
// generation within one token). One route table; every handler runs inside one wrapper that maps
// exceptions to OpenAI-shaped errors, checks the API key and adds CORS headers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "server/http_parser.h"
#include "server/http_types.h"

namespace openarc::server {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0 picks a free port (see port())
  std::string api_key;  // empty: no auth
  std::vector<std::string> cors_origins = {"*"};
  HttpLimits limits;
  int max_connections = 256;
  int idle_timeout_seconds = 60;
};

class HttpServer {
 public:
  explicit HttpServer(HttpOptions options);
  ~HttpServer();

  // Registers a handler. `path` is exact, or a prefix when it ends in "/*". Public routes skip
  // the API key check (/health, the dashboard's files).
  HttpServer& route(const std::string& method, const std::string& path, Handler handler, bool is_public = false);

  // Binds and listens; throws openarc::Error naming the address when it cannot.
  void bind();
  int port() const { return port_; }
  // Serves until stop(); call bind() first.
  void serve();
  // Stops accepting, lets streams end cleanly, waits for connections to finish (bounded).
  void stop();
  bool stopping() const { return stopping_.load(); }

  // Logs one line per request to stderr when set.
  std::function<void(const HttpRequest&, int status, double ms)> on_request;

 private:
  struct Route {
    std::string method, path;
    bool prefix;
    Handler handler;
    bool is_public;
  };

  void handle_connection(int fd, std::string peer);
  HttpResponse dispatch(HttpRequest& request);
  bool authorized(const HttpRequest& request) const;
  void add_cors(const HttpRequest& request, HttpResponse& response) const;

  HttpOptions options_;
  std::vector<Route> routes_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> next_request_id_{1};
  std::mutex mu_;
  std::condition_variable connections_done_;
  int connections_ = 0;
  std::vector<int> open_fds_;
};

// Compares two secrets in time that depends only on their lengths.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace openarc::server
