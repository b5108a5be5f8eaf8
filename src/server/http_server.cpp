#include "server/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "server/api_error.h"

namespace openarc::server {
namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// The peer has closed (or reset) its end: readable with zero bytes to peek, or an error.
bool peer_closed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  int r = ::poll(&p, 1, 0);
  if (r <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
  char c;
  ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

std::string head(int status, const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + status_text(status) + "\r\n";
  for (const auto& [k, v] : headers) h += k + ": " + v + "\r\n";
  return h;
}

class ChunkedWriter : public StreamWriter {
 public:
  ChunkedWriter(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  bool server_stopping() override { return stopping_.load(); }
  bool write(std::string_view data) override {
    if (!ok_ || data.empty()) return ok_;
    char size[32];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    ok_ = send_all(fd_, std::string_view(size, static_cast<size_t>(n))) && send_all(fd_, data) && send_all(fd_, "\r\n");
    return ok_;
  }
  bool client_gone() override {
    if (ok_ && peer_closed(fd_)) ok_ = false;
    return !ok_;
  }
  bool finish() { return ok_ && send_all(fd_, "0\r\n\r\n"); }

 private:
  int fd_;
  bool ok_ = true;
  const std::atomic<bool>& stopping_;
};

}  // namespace

bool constant_time_equal(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

HttpServer::HttpServer(HttpOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() {
  stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

HttpServer& HttpServer::route(const std::string& method, const std::string& path, Handler handler, bool is_public) {
  bool prefix = path.size() >= 2 && path.compare(path.size() - 2, 2, "/*") == 0;
  routes_.push_back({method, prefix ? path.substr(0, path.size() - 1) : path, prefix, std::move(handler), is_public});
  return *this;
}

void HttpServer::bind() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(options_.port);
  int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &res);
  check(rc == 0, "cannot resolve host '", options_.host, "': ", gai_strerror(rc));
  std::string last_error = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      listen_fd_ = fd;
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
      port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  check(listen_fd_ >= 0, "cannot listen on ", options_.host, ":", options_.port, ": ", last_error);
}

void HttpServer::serve() {
  check(listen_fd_ >= 0, "serve() before bind()");
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    int r = ::poll(&p, 1, 200);
    if (r <= 0) continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    char host[INET6_ADDRSTRLEN] = "?";
    if (ss.ss_family == AF_INET) ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, host, sizeof host);
    if (ss.ss_family == AF_INET6)
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, host, sizeof host);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (connections_ >= options_.max_connections) {
        send_all(fd, head(503, {{"Content-Length", "0"}, {"Connection", "close"}, {"Retry-After", "1"}}) + "\r\n");
        ::close(fd);
        continue;
      }
      ++connections_;
      open_fds_.push_back(fd);
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread([this, fd, peer = std::string(host)] {
      handle_connection(fd, peer);
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
      ::close(fd);
      --connections_;
      connections_done_.notify_all();
    }).detach();
  }
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) return;
  std::unique_lock<std::mutex> lock(mu_);
  // Idle keep-alive connections wake from poll() within 200 ms and close; streams see
  // stopping() and end cleanly. Connections still busy after the grace period are shut down.
  if (!connections_done_.wait_for(lock, std::chrono::seconds(10), [this] { return connections_ == 0; })) {
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    connections_done_.wait_for(lock, std::chrono::seconds(2), [this] { return connections_ == 0; });
  }
}

void HttpServer::handle_connection(int fd, std::string peer) {
  HttpParser parser(options_.limits);
  auto last_activity = std::chrono::steady_clock::now();
  char buf[16384];
  while (!stopping_) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, 200);
    if (r == 0) {
      if (std::chrono::steady_clock::now() - last_activity > std::chrono::seconds(options_.idle_timeout_seconds)) return;
      continue;
    }
    if (r < 0) {
      if (errno == EINTR) continue;
      return;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    last_activity = std::chrono::steady_clock::now();
    HttpParser::State state = parser.feed(std::string_view(buf, static_cast<size_t>(n)));
    while (state != HttpParser::State::need_more) {
      if (state == HttpParser::State::error) {
        std::string body = error_json(parser.error(), parser.status() == 413 ? "request_too_large" : "invalid_request_error",
                                      "", "");
        send_all(fd, head(parser.status(), {{"Content-Type", "application/json"},
                                            {"Content-Length", std::to_string(body.size())},
                                            {"Connection", "close"}}) +
                         "\r\n" + body);
        return;
      }
      auto start = std::chrono::steady_clock::now();
      HttpRequest request = parser.take();
      bool keep_alive = parser.keep_alive() && !stopping_;
      request.remote = peer;
      request.request_id = "req-" + std::to_string(next_request_id_++);
      request.client_gone = [fd] { return peer_closed(fd); };
      HttpResponse response = dispatch(request);
      add_cors(request, response);

      std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", response.content_type},
                                                                   {"X-Request-Id", request.request_id}};
      for (auto& h : response.headers) headers.push_back(h);
      bool ok;
      if (response.stream) {
        headers.emplace_back("Transfer-Encoding", "chunked");
        headers.emplace_back("Cache-Control", "no-cache");
        headers.emplace_back("Connection", keep_alive ? "keep-alive" : "close");
        ChunkedWriter writer(fd, stopping_);
        ok = send_all(fd, head(response.status, headers) + "\r\n");
        if (ok) {
          response.stream(writer);
          ok = writer.finish();
        }
      } else {
        headers.emplace_back("Content-Length", std::to_string(response.body.size()));
        headers.emplace_back("Connection", keep_alive ? "keep-alive" : "close");
        ok = send_all(fd, head(response.status, headers) + "\r\n" + (request.method == "HEAD" ? "" : response.body));
      }
      if (on_request) {
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        on_request(request, response.status, ms);
      }
      if (!ok || !keep_alive) return;
      state = parser.feed("");
    }
  }
}

bool HttpServer::authorized(const HttpRequest& request) const {
  if (options_.api_key.empty()) return true;
  std::string auth = request.header("authorization");
  std::string key;
  if (auth.size() > 7 && (auth.compare(0, 7, "Bearer ") == 0 || auth.compare(0, 7, "bearer ") == 0)) key = auth.substr(7);
  else key = request.header("x-api-key");
  return !key.empty() && constant_time_equal(key, options_.api_key);
}

void HttpServer::add_cors(const HttpRequest& request, HttpResponse& response) const {
  std::string origin = request.header("origin");
  if (origin.empty() || options_.cors_origins.empty()) return;
  bool any = std::find(options_.cors_origins.begin(), options_.cors_origins.end(), "*") != options_.cors_origins.end();
  bool listed = std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) != options_.cors_origins.end();
  if (!any && !listed) return;
  response.header("Access-Control-Allow-Origin", any ? "*" : origin);
  if (!any) response.header("Vary", "Origin");
  response.header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
}

HttpResponse HttpServer::dispatch(HttpRequest& request) {
  auto error = [&](int status, const std::string& type, const std::string& message, const std::string& param = "",
                   const std::string& code = "") {
    HttpResponse r;
    r.status = status;
    r.body = error_json(message, type, param, code);
    return r;
  };
  try {
    if (request.method == "OPTIONS") {  // CORS preflight
      HttpResponse r;
      r.status = 204;
      r.content_type = "text/plain";
      r.header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
      r.header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Api-Key");
      r.header("Access-Control-Max-Age", "600");
      return r;
    }
    const Route* match = nullptr;
    bool path_known = false;
    for (const Route& route : routes_) {
      bool path_ok = route.prefix ? request.path.compare(0, route.path.size(), route.path) == 0 : request.path == route.path;
      if (!path_ok) continue;
      path_known = true;
      if (route.method == request.method || (route.method == "GET" && request.method == "HEAD")) {
        match = &route;
        break;
      }
    }
    if (!match) {
      if (path_known) return error(405, "invalid_request_error", "method " + request.method + " is not allowed on " + request.path);
      return error(404, "not_found_error", "no route " + request.method + " " + request.path);
    }
    if (!match->is_public && !authorized(request)) {
      HttpResponse r = error(401, "authentication_error",
                             "a valid API key is required: send 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'", "",
                             "invalid_api_key");
      r.header("WWW-Authenticate", "Bearer");
      return r;
    }
    return match->handler(request);
  } catch (const ApiError& e) {
    HttpResponse r = error(e.status, e.type, e.what(), e.param, e.code);
    for (const auto& h : e.headers) r.header(h.first, h.second);
    return r;
  } catch (const nlohmann::json::exception& e) {
    return error(400, "invalid_request_error", std::string("invalid JSON: ") + e.what());
  } catch (const Error& e) {
    return error(400, "invalid_request_error", e.what());
  } catch (const std::bad_alloc&) {
    return error(500, "server_error", "out of memory while handling the request (" + request.request_id + ")");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "openarc: %s %s %s: internal error: %s\n", request.request_id.c_str(), request.method.c_str(),
                 request.path.c_str(), e.what());
    return error(500, "server_error", "internal error (" + request.request_id + "): " + e.what());
  }
}

}  // namespace openarc::server
