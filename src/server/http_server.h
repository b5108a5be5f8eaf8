// The HTTP/1.1 server: Boost.Beast parses requests and Asio runs the sockets on one event loop
// (http_server.cpp, the only file that includes them), so an idle or slow socket holds no
// thread; handlers run on a pool of worker threads (worker_pool.h). Deadlines cut off clients
// that send their headers or body too slowly or sit idle, a cap bounds the connections of one
// client address, and a client that closes its connection is noticed while its request runs (a
// generation is cancelled within one token). One route table; every handler runs inside one
// wrapper (http_dispatch.cpp) that maps exceptions to OpenAI-shaped errors, checks the API key and
// adds CORS headers.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/http_types.h"

namespace openarc::server {

class Connection;

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;       // request line + headers -> 431
  size_t max_body_bytes = 16 * 1024 * 1024;  // -> 413
};

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0 picks a free port (see port())
  std::string api_key;  // empty: no auth
  std::vector<std::string> cors_origins = {"*"};
  HttpLimits limits;
  int max_connections = 1024;            // open connections in all; more get 503 and are closed
  int max_connections_per_client = 128;  // open connections of one client address
  // Deadlines in milliseconds. The whole request head must arrive within header_timeout of its
  // first byte and the whole body within body_timeout of the head (408 and close otherwise); a
  // keep-alive connection with no request for idle_timeout is closed; a response write that
  // does not finish within write_timeout (the client stopped reading) closes the connection.
  int header_timeout_ms = 10'000;
  int body_timeout_ms = 60'000;
  int idle_timeout_ms = 60'000;
  int write_timeout_ms = 60'000;
  int io_threads = 1;  // event-loop threads; handlers run on the worker pool, never on these
};

// What the transport counts, for /metrics.
struct TransportStats {
  std::atomic<int64_t> connections{0};         // open now
  std::atomic<int64_t> requests_in_flight{0};  // parsed and not yet answered in full
  std::atomic<int64_t> connections_refused{0};  // over max_connections or the per-client cap
  std::atomic<int64_t> timeouts{0};            // header, body, idle or write deadlines that fired
};

class HttpServer {
 public:
  explicit HttpServer(HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a handler. `path` is exact, or a prefix when it ends in "/*". Public routes skip
  // the API key check (/health, the dashboard's files).
  HttpServer& route(const std::string& method, const std::string& path, Handler handler, bool is_public = false);

  // Binds and listens; throws openarc::Error naming the address when it cannot.
  void bind();
  int port() const { return port_; }
  // Serves until stop(); call bind() first.
  void serve();
  // Stops accepting, closes idle connections, lets streams end cleanly, waits for requests in
  // flight to finish (bounded), then closes what is left. Safe to call from any thread, twice.
  void stop();
  bool stopping() const { return stopping_.load(); }
  const TransportStats& stats() const { return stats_; }

  // Runs the route table on a request: the wrapper every handler runs in (404/405, API key,
  // CORS, exceptions mapped to OpenAI-shaped errors). Never throws.
  HttpResponse dispatch(HttpRequest& request) const;

  // Logs one line per request to stderr when set.
  std::function<void(const HttpRequest&, int status, double ms)> on_request;

  struct Impl;  // the Asio side, in http_server.cpp

 private:
  friend class Connection;

  struct Route {
    std::string method, path;
    bool prefix;
    Handler handler;
    bool is_public;
  };

  HttpResponse route_request(HttpRequest& request) const;
  bool authorized(const HttpRequest& request) const;
  void add_cors(const HttpRequest& request, HttpResponse& response) const;

  HttpOptions options_;
  std::vector<Route> routes_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> next_request_id_{1};
  TransportStats stats_;
  std::unique_ptr<Impl> impl_;
};

// Compares two secrets in time that depends only on their lengths.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace openarc::server
