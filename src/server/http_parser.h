// Incremental parser of HTTP/1.1 requests (request line, headers, Content-Length or chunked
// body), bounds-checked against the limits it is given. Pure: bytes in, a request or an error
// out, so it can be fuzzed without a socket.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace openarc::server {

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;       // request line + headers -> 431
  size_t max_body_bytes = 16 * 1024 * 1024;  // -> 413
};

class HttpParser {
 public:
  enum class State { need_more, done, error };

  explicit HttpParser(HttpLimits limits) : limits_(limits) {}

  // Appends bytes; returns done once a whole request is parsed (take it with take()), error with
  // status()/error() set when the request is malformed or over a limit.
  State feed(std::string_view data);
  HttpRequest take();   // the parsed request; the parser keeps any bytes past it (pipelining)
  int status() const { return status_; }  // 400, 413, 431, 501 ...
  const std::string& error() const { return error_; }
  bool keep_alive() const { return keep_alive_; }  // of the last request taken
  bool expects_continue() const { return expect_continue_; }

 private:
  State parse_head();
  State parse_body();
  State fail(int status, std::string message);

  HttpLimits limits_;
  std::string buffer_;
  size_t pos_ = 0;  // parsed up to here
  bool head_done_ = false;
  bool chunked_ = false;
  size_t content_length_ = 0;
  bool keep_alive_ = true;
  bool expect_continue_ = false;
  HttpRequest request_;
  int status_ = 0;
  std::string error_;
};

}  // namespace openarc::server
