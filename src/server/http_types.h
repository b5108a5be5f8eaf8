// The HTTP edge as the rest of the server sees it (STYLE.md #11): a parsed request, a response
// that is either a body or a stream, and a handler signature. Nothing here knows about sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openarc::server {

struct HttpRequest {
  std::string method;  // "GET", "POST" ...
  std::string target;  // as sent: path plus query
  std::string path;    // decoded path without the query
  std::string query;   // raw text after '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote;      // peer address
  std::string request_id;  // assigned by the server, echoed in X-Request-Id

  // Empty when absent. Names are matched case-insensitively.
  std::string header(std::string_view name) const;
  // A query parameter's decoded value, or `def`.
  std::string query_param(std::string_view name, const std::string& def = "") const;
  // What the access log says of a generation, filled in by its route as it runs (a stream
  // finishes after the handler returns, hence shared).
  struct Usage {
    std::string model;
    int64_t prompt_tokens = 0, completion_tokens = 0;
  };
  std::shared_ptr<Usage> usage = std::make_shared<Usage>();
  // True once the client has closed its end; cheap enough to call between tokens.
  std::function<bool()> client_gone = [] { return false; };
};

// Writes a streamed body. write() returns false once the client is gone.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  virtual bool write(std::string_view data) = 0;
  virtual bool client_gone() = 0;
  // True once the server is shutting down: end the stream cleanly and soon.
  virtual bool server_stopping() { return false; }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is produced by this function on the connection's thread, sent chunked
  // (server-sent events); `body` is ignored.
  std::function<void(StreamWriter&)> stream;

  HttpResponse& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using Handler = std::function<HttpResponse(HttpRequest&)>;

const char* status_text(int status);
std::string url_decode(std::string_view s, bool plus_is_space);

}  // namespace openarc::server
