// The transport: Asio's event loop accepts and reads every socket, Beast's parser turns bytes
// into requests, and handlers run on the worker pool. The only file that includes Boost (it
// costs seconds to compile). Every connection lives on its own strand; a worker that streams
// posts each write to that strand and waits for it, so a slow reader slows only its own stream.
//
// A connection's life (RFC 9112):
//   idle    -> waits for the first byte of a request (idle_timeout: closed quietly)
//   header  -> the request line and headers (header_timeout from the first byte: 408)
//   body    -> the body, after `100 Continue` when asked (body_timeout: 408)
//   handling-> a worker runs the handler; a read stays pending so a close is seen at once
//   closing -> the error response is written, our side shut, what the client still sends is
//              drained for a moment so it reads the response instead of a reset
#include "server/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "server/api_error.h"
#include "server/worker_pool.h"

namespace openarc::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kReadChunk = 4096;
// While a request is handled, bytes the client sends ahead (pipelining) are kept up to this
// much; past it the server stops reading until the response is out.
constexpr size_t kMaxReadAhead = 64 * 1024;
constexpr auto kDrainTime = std::chrono::milliseconds(1000);
constexpr size_t kMaxDrainBytes = 1 << 20;

std::string seconds_text(int ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms % 1000 ? "%.1f s" : "%.0f s", ms / 1000.0);
  return buf;
}

std::string status_line(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " " + status_text(status) + "\r\n";
}

// What a parse error means to the client, in words that name the fault.
std::pair<int, std::string> describe(const error_code& ec, const HttpLimits& limits) {
  switch (static_cast<http::error>(ec.value())) {
    case http::error::header_limit:
      return {431, "request headers are larger than the limit of " + std::to_string(limits.max_header_bytes) + " bytes"};
    case http::error::body_limit:
      return {413, "request body is larger than the limit of " + std::to_string(limits.max_body_bytes) + " bytes"};
    case http::error::bad_line_ending:
      return {400, "malformed request: a line does not end in CRLF (a bare CR or LF)"};
    case http::error::bad_method: return {400, "malformed request line: bad method"};
    case http::error::bad_target: return {400, "malformed request line: bad request target"};
    case http::error::bad_version: return {400, "malformed request line: bad HTTP version (expected HTTP/1.1 or HTTP/1.0)"};
    case http::error::bad_field: return {400, "malformed header field name"};
    case http::error::bad_value: return {400, "malformed header field value"};
    case http::error::bad_content_length:
      return {400, "bad Content-Length: not one decimal number, two different values, or beside Transfer-Encoding"};
    case http::error::bad_transfer_encoding:
      return {400, "bad Transfer-Encoding: only chunked is supported, and not together with Content-Length"};
    case http::error::bad_chunk: return {400, "malformed chunked body: bad chunk size line or chunk"};
    case http::error::bad_chunk_extension: return {400, "malformed chunked body: bad chunk extension"};
    case http::error::bad_obs_fold: return {400, "obsolete header line folding is not accepted"};
    case http::error::partial_message:
      return {400, "incomplete request: the connection closed before the request ended"};
    default: return {400, "malformed request: " + ec.message()};
  }
}

bool is_http_error(const error_code& ec) { return ec.category() == http::make_error_code(http::error::end_of_stream).category(); }

}  // namespace

class Connection;

// Declared in this order so that destruction runs the other way: the workers are joined first,
// then the event loop drops its pending handlers (whose connections unregister under `mu`).
struct HttpServer::Impl {
  HttpServer& server;
  const HttpOptions& options;
  std::mutex mu;
  std::condition_variable changed;
  std::map<std::string, int> per_client;  // open connections by peer address
  std::set<Connection*> live;
  bool running = false;  // serve() is in the event loop

  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::steady_timer accept_retry{ioc};
  std::unique_ptr<WorkerPool> pool;

  Impl(HttpServer& s, const HttpOptions& o)
      : server(s), options(o), pool(std::make_unique<WorkerPool>(2, std::max(o.max_connections, 4) + 8)) {}

  void accept();
  void on_accept(tcp::socket socket);
};

// Shared by a connection and the worker running its request: the worker waits here for its
// writes, the event loop sets `gone` when the client closes.
struct Exchange {
  std::atomic<bool> gone{false};
  std::mutex mu;
  std::condition_variable cv;
  bool write_done = false, write_ok = false;
  bool closed = false;  // the socket is closed: no write will complete
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpServer::Impl& impl, tcp::socket socket, std::string peer, bool counted)
      : impl_(impl), socket_(std::move(socket)), timer_(socket_.get_executor()), peer_(std::move(peer)),
        counted_(counted) {}

  ~Connection() {
    if (!counted_) return;
    impl_.server.stats_.connections--;
    std::lock_guard<std::mutex> lock(impl_.mu);
    if (--impl_.per_client[peer_] == 0) impl_.per_client.erase(peer_);
    impl_.live.erase(this);
    impl_.changed.notify_all();
  }

  void start() { await_request(); }

  // Answers `status` and closes: a connection over a cap.
  void refuse(int status, const std::string& message) {
    respond_error(status, "server_error", message, {{"Retry-After", "1"}});
  }

  // The server stops: close unless a request is being answered (that ends on its own).
  void on_server_stop() {
    if (phase_ == Phase::idle || phase_ == Phase::header || phase_ == Phase::body) close();
  }
  void force_close() { close(); }
  // After the event loop stopped: wake a worker waiting for a write that will never complete.
  void abandon() {
    if (!exchange_) return;
    std::lock_guard<std::mutex> lock(exchange_->mu);
    exchange_->gone = true;
    exchange_->closed = true;
    exchange_->cv.notify_all();
  }
  auto executor() { return socket_.get_executor(); }

  // From a worker: writes `data` on the event loop and waits for it. False once the client is gone.
  bool send_and_wait(std::string data, const std::shared_ptr<Exchange>& ex) {
    {
      std::lock_guard<std::mutex> lock(ex->mu);
      if (ex->closed) return false;
      ex->write_done = false;
    }
    asio::post(socket_.get_executor(), [self = shared_from_this(), data = std::move(data), ex]() mutable {
      self->write_for_worker(std::move(data), ex);
    });
    std::unique_lock<std::mutex> lock(ex->mu);
    ex->cv.wait(lock, [&] { return ex->write_done || ex->closed; });
    return ex->write_done && ex->write_ok;
  }

  // From a worker: the response is out (or failed); back to the event loop.
  void finish_request(bool ok) {
    asio::post(socket_.get_executor(), [self = shared_from_this(), ok] { self->complete(ok); });
  }

  bool stopping() const { return impl_.server.stopping_.load(); }
  const HttpServer& server() const { return impl_.server; }
  bool http10() const { return http10_; }
  bool keep_alive() const { return keep_alive_; }

 private:
  enum class Phase { idle, header, body, handling, closing, closed };

  // --- timers --------------------------------------------------------------------------------
  void arm(int ms) {
    timer_.expires_after(std::chrono::milliseconds(ms));
    timer_.async_wait([self = shared_from_this(), seq = ++timer_seq_](const error_code& ec) {
      if (ec || seq != self->timer_seq_) return;
      self->on_timeout();
    });
  }
  void disarm() {
    ++timer_seq_;
    timer_.cancel();
  }
  void on_timeout() {
    impl_.server.stats_.timeouts++;
    switch (phase_) {
      case Phase::header:
      case Phase::body:
        timed_out_ = true;
        socket_.cancel();  // the pending read ends with operation_aborted and answers 408
        break;
      case Phase::handling:  // a write the client did not read in time
        if (exchange_) exchange_->gone = true;
        close();
        break;
      default: close();
    }
  }

  // --- reading a request ---------------------------------------------------------------------
  void await_request() {
    if (stopping()) return close();
    // RFC 9112 2.2: empty lines before a request line are ignored.
    while (buffer_.size() >= 2) {
      auto* p = static_cast<const char*>(buffer_.data().data());
      if (p[0] != '\r' || p[1] != '\n') break;
      buffer_.consume(2);
    }
    if (buffer_.size() > 0 && !(buffer_.size() == 1 && *static_cast<const char*>(buffer_.data().data()) == '\r'))
      return begin_header();
    phase_ = Phase::idle;
    arm(impl_.options.idle_timeout_ms);
    socket_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](const error_code& ec, size_t n) {
      self->disarm();
      if (ec) return self->close();
      self->buffer_.commit(n);
      self->await_request();
    });
  }

  void begin_header() {
    phase_ = Phase::header;
    timed_out_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<size_t>(impl_.options.limits.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(impl_.options.limits.max_body_bytes);
    arm(impl_.options.header_timeout_ms);
    http::async_read_header(socket_, buffer_, *parser_, [self = shared_from_this()](const error_code& ec, size_t) {
      self->disarm();
      if (ec) return self->read_failed(ec, "headers", self->impl_.options.header_timeout_ms);
      self->on_header();
    });
  }

  void on_header() {
    const auto& h = parser_->get();
    if (h.version() != 11 && h.version() != 10)
      return respond_error(505, "invalid_request_error", "HTTP version " + std::to_string(h.version() / 10) + "." +
                                                             std::to_string(h.version() % 10) + " is not supported");
    http10_ = h.version() == 10;
    // RFC 9112 6.3: duplicate or list-valued Content-Length is refused (Beast accepts equal ones).
    size_t lengths = h.count(http::field::content_length);
    if (lengths > 1) return respond_error(400, "invalid_request_error", "more than one Content-Length header");
    if (lengths == 1 && h[http::field::content_length].find(',') != std::string_view::npos)
      return respond_error(400, "invalid_request_error", "Content-Length must be one decimal number");
    if (h.count(http::field::transfer_encoding)) {
      std::string codings;
      for (const auto& field : h)
        if (field.name() == http::field::transfer_encoding) codings += (codings.empty() ? "" : ",") + std::string(field.value());
      std::vector<std::string> list;
      for (size_t start = 0; start <= codings.size();) {
        size_t comma = std::min(codings.find(',', start), codings.size());
        std::string item = ascii_lower(trim(std::string_view(codings).substr(start, comma - start)));
        if (!item.empty()) list.push_back(item);
        start = comma + 1;
      }
      if (list.empty() || list.back() != "chunked")
        return respond_error(400, "invalid_request_error",
                             "Transfer-Encoding '" + codings + "' does not end in chunked: the body length is unknown");
      if (list.size() > 1)
        return respond_error(501, "invalid_request_error",
                             "Transfer-Encoding '" + codings + "' is not supported: only chunked");
    }
    request_ = HttpRequest();
    request_.method = std::string(h.method_string());
    request_.target = std::string(h.target());
    if (std::string error = split_target(request_.target, request_.method, request_.path, request_.query); !error.empty())
      return respond_error(400, "invalid_request_error", error);
    for (const auto& field : h) request_.headers.emplace_back(ascii_lower(field.name_string()), std::string(field.value()));
    bool expect_continue = false;
    if (auto it = h.find(http::field::expect); it != h.end()) {
      if (ascii_lower(trim(it->value())) != "100-continue")
        return respond_error(417, "invalid_request_error",
                             "unsupported Expect: '" + std::string(it->value()) + "' (only 100-continue is)");
      expect_continue = !parser_->is_done();
    }
    phase_ = Phase::body;
    if (!expect_continue) return read_body();
    // RFC 9110 10.1.1: the client waits for this before it sends the body.
    out_ = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(impl_.options.write_timeout_ms);
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](const error_code& ec, size_t) {
      self->disarm();
      if (ec) return self->close();
      self->read_body();
    });
  }

  void read_body() {
    if (parser_->is_done()) return on_body();
    arm(impl_.options.body_timeout_ms);
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](const error_code& ec, size_t) {
      self->disarm();
      if (ec) return self->read_failed(ec, "body", self->impl_.options.body_timeout_ms);
      self->on_body();
    });
  }

  void read_failed(const error_code& ec, const char* what, int timeout_ms) {
    if (timed_out_)
      return respond_error(408, "invalid_request_error",
                           std::string("the request ") + what + " did not arrive within " + seconds_text(timeout_ms));
    if (ec == http::error::end_of_stream || !is_http_error(ec)) return close();  // closed, reset, or stopped
    auto [status, message] = describe(ec, impl_.options.limits);
    respond_error(status, status == 413 ? "request_too_large" : "invalid_request_error", message);
  }

  // --- handling ------------------------------------------------------------------------------
  void on_body() {
    keep_alive_ = parser_->get().keep_alive() && !stopping();
    request_.body = parser_->release().body();
    parser_.reset();
    request_.remote = peer_;
    phase_ = Phase::handling;
    exchange_ = std::make_shared<Exchange>();
    auto ex = exchange_;
    request_.client_gone = [ex] { return ex->gone.load(); };
    impl_.server.stats_.requests_in_flight++;
    watch();
    impl_.pool->submit([self = shared_from_this(), request = std::move(request_), ex]() mutable {
      self->handle(request, ex);
    });
  }

  // A read pending while the request is handled: end of stream or an error means the client is gone.
  void watch() {
    if (watching_ || buffer_.size() >= kMaxReadAhead) return;
    watching_ = true;
    socket_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](const error_code& ec, size_t n) {
      self->watching_ = false;
      if (!ec) self->buffer_.commit(n);
      if (self->phase_ == Phase::handling) {
        if (!ec) return self->watch();
        if (self->exchange_) self->exchange_->gone = true;
        return;
      }
      if (self->phase_ == Phase::closing) return ec ? self->close() : self->drain();
      if (self->phase_ != Phase::idle) return;  // closed meanwhile
      // The response is out: complete() cancelled this read to go on with the next request.
      if (ec && ec != asio::error::operation_aborted) return self->close();
      self->await_request();
    });
  }

  void handle(HttpRequest& request, const std::shared_ptr<Exchange>& ex);  // on a worker

  void write_for_worker(std::string data, const std::shared_ptr<Exchange>& ex) {
    auto done = [ex](bool ok) {
      std::lock_guard<std::mutex> lock(ex->mu);
      ex->write_done = true;
      ex->write_ok = ok;
      if (!ok) ex->gone = true;
      ex->cv.notify_all();
    };
    if (phase_ != Phase::handling || !socket_.is_open()) return done(false);
    out_ = std::move(data);
    arm(impl_.options.write_timeout_ms);
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this(), done](const error_code& ec, size_t) {
      self->disarm();
      done(!ec);
    });
  }

  void complete(bool ok) {
    impl_.server.stats_.requests_in_flight--;
    bool gone = exchange_ && exchange_->gone.load();
    exchange_.reset();
    if (phase_ != Phase::handling) return;
    if (!ok || gone || !keep_alive_ || stopping()) return close_gracefully();
    phase_ = Phase::idle;
    if (!watching_) return await_request();
    socket_.cancel();  // watch() sees operation_aborted in phase idle and reads the next request
  }

  // --- answering errors and closing ----------------------------------------------------------
  void respond_error(int status, const std::string& type, const std::string& message,
                     std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::string body = error_json(message, type, "", "");
    out_ = status_line(status) + "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n";
    for (const auto& [k, v] : extra) out_ += k + ": " + v + "\r\n";
    out_ += "\r\n" + body;
    phase_ = Phase::closing;
    parser_.reset();
    arm(impl_.options.write_timeout_ms);
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](const error_code& ec, size_t) {
      self->disarm();
      if (ec) return self->close();
      self->close_gracefully();
    });
  }

  // Shuts our side and reads what the client still sends for a moment, so the client sees the
  // response rather than a reset of unread data.
  void close_gracefully() {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closing;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm(static_cast<int>(kDrainTime.count()));
    if (!watching_) drain();  // else the pending read goes on draining
  }
  void drain() {
    buffer_.clear();
    watching_ = true;
    socket_.async_read_some(buffer_.prepare(kReadChunk), [self = shared_from_this()](const error_code& ec, size_t n) {
      self->watching_ = false;
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrainBytes || self->phase_ != Phase::closing) return self->close();
      self->drain();
    });
  }

  void close() {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closed;
    disarm();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (exchange_) {
      exchange_->gone = true;
      std::lock_guard<std::mutex> lock(exchange_->mu);
      exchange_->closed = true;
      exchange_->cv.notify_all();
    }
  }

  static std::string split_target(const std::string& target, const std::string& method, std::string& path,
                                  std::string& query);

  HttpServer::Impl& impl_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  uint64_t timer_seq_ = 0;
  std::string peer_;
  bool counted_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  Phase phase_ = Phase::idle;
  bool timed_out_ = false, watching_ = false, keep_alive_ = true, http10_ = false;
  size_t drained_ = 0;
  std::string out_;  // the bytes of the one write in progress
  std::shared_ptr<Exchange> exchange_;
};

// RFC 9112 3.2: origin-form (/path?query), absolute-form (http://host/path?query; a proxy's
// form that a server must accept), asterisk-form (* for OPTIONS). Empty when fine.
std::string Connection::split_target(const std::string& target, const std::string& method, std::string& path,
                                     std::string& query) {
  std::string_view t = target;
  if (t == "*") {
    if (method != "OPTIONS") return "request target '*' is only allowed with OPTIONS";
    path = "*";
    return "";
  }
  if (t.empty() || t.front() != '/') {
    size_t scheme_end = t.find("://");
    std::string scheme = scheme_end == std::string_view::npos ? "" : ascii_lower(t.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https")
      return "request target must be a path (/...) or an absolute http:// URL, not '" +
             std::string(t.substr(0, 64)) + "'";
    std::string_view rest = t.substr(scheme_end + 3);
    size_t slash = rest.find_first_of("/?");
    if (slash == 0) return "absolute request target without a host";
    t = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    if (t.front() == '?') {  // http://host?q has the empty path, which is "/"
      query = std::string(t.substr(1));
      path = "/";
      return "";
    }
  }
  size_t q = t.find('?');
  path = url_decode(t.substr(0, q), false);
  if (q != std::string_view::npos) query = std::string(t.substr(q + 1));
  return "";
}

namespace {

// The body of a streamed response, written by a worker.
class SocketStreamWriter : public StreamWriter {
 public:
  SocketStreamWriter(Connection& c, std::shared_ptr<Exchange> ex) : c_(c), ex_(std::move(ex)) {}
  bool write(std::string_view data) override {
    if (!ok_ || data.empty()) return ok_;
    if (c_.http10()) {  // no chunked coding in HTTP/1.0: the body ends when the connection does
      ok_ = c_.send_and_wait(std::string(data), ex_);
    } else {
      char size[32];
      int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
      std::string frame;
      frame.reserve(static_cast<size_t>(n) + data.size() + 2);
      frame.append(size, static_cast<size_t>(n)).append(data).append("\r\n");
      ok_ = c_.send_and_wait(std::move(frame), ex_);
    }
    return ok_;
  }
  bool client_gone() override {
    if (ex_->gone.load()) ok_ = false;
    return !ok_;
  }
  bool server_stopping() override { return c_.stopping(); }
  bool finish() { return ok_ && (c_.http10() || c_.send_and_wait("0\r\n\r\n", ex_)); }

 private:
  Connection& c_;
  std::shared_ptr<Exchange> ex_;
  bool ok_ = true;
};

}  // namespace

void Connection::handle(HttpRequest& request, const std::shared_ptr<Exchange>& ex) {
  auto start = std::chrono::steady_clock::now();
  const HttpServer& server = impl_.server;
  request.request_id = "req-" + std::to_string(impl_.server.next_request_id_++);
  HttpResponse response = server.dispatch(request);
  bool keep = keep_alive_ && !stopping();
  std::string head = status_line(response.status) + "Content-Type: " + response.content_type +
                     "\r\nX-Request-Id: " + request.request_id + "\r\n";
  for (const auto& [k, v] : response.headers) head += k + ": " + v + "\r\n";
  bool ok;
  if (response.stream) {
    if (http10_) keep = false;
    else head += "Transfer-Encoding: chunked\r\n";
    head += std::string("Cache-Control: no-cache\r\nConnection: ") + (keep ? "keep-alive" : "close") + "\r\n\r\n";
    SocketStreamWriter writer(*this, ex);
    ok = send_and_wait(std::move(head), ex);
    if (ok) {
      try {
        response.stream(writer);
        ok = writer.finish();
      } catch (const std::exception& e) {  // the status is sent: end without the last chunk
        std::fprintf(stderr, "openarc: %s: stream failed: %s\n", request.request_id.c_str(), e.what());
        ok = false;
      }
    }
  } else {
    if (response.status != 204 && response.status != 304)
      head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    head += std::string("Connection: ") + (keep ? "keep-alive" : "close") + "\r\n\r\n";
    if (request.method != "HEAD") head += response.body;
    ok = send_and_wait(std::move(head), ex);
  }
  if (!keep) keep_alive_ = false;  // read in complete(), which runs after this on the strand
  if (server.on_request) {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    server.on_request(request, response.status, ms);
  }
  finish_request(ok);
}

void HttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](const error_code& ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {  // out of file descriptors, most likely: try again shortly rather than spin
      std::fprintf(stderr, "openarc: accept failed: %s\n", ec.message().c_str());
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](const error_code& e) {
        if (!e) accept();
      });
      return;
    }
    on_accept(std::move(socket));
    accept();
  });
}

void HttpServer::Impl::on_accept(tcp::socket socket) {
  error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return;  // reset before we looked
  std::string peer = remote.address().to_string();
  socket.set_option(tcp::no_delay(true), ec);
  std::string refusal;
  {
    std::lock_guard<std::mutex> lock(mu);
    int& mine = per_client[peer];
    if (server.stats_.connections.load() >= options.max_connections)
      refusal = "the server has its maximum of " + std::to_string(options.max_connections) + " connections open";
    else if (mine >= options.max_connections_per_client)
      refusal = "too many connections from " + peer + " (the limit is " +
                std::to_string(options.max_connections_per_client) + " per client address)";
    if (refusal.empty()) {
      ++mine;
      server.stats_.connections++;
    } else if (mine == 0) {
      per_client.erase(peer);
    }
  }
  if (!refusal.empty()) {
    server.stats_.connections_refused++;
    // Nothing else knows this connection yet, so it may start here rather than on its strand.
    std::make_shared<Connection>(*this, std::move(socket), peer, false)->refuse(503, refusal);
    return;
  }
  auto c = std::make_shared<Connection>(*this, std::move(socket), peer, true);
  {
    std::lock_guard<std::mutex> lock(mu);
    live.insert(c.get());
  }
  c->start();
}

HttpServer::HttpServer(HttpOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>(*this, options_)) {}

HttpServer::~HttpServer() {
  stop();
  impl_.reset();  // joins the workers; the event loop has stopped
}

void HttpServer::bind() {
  error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  check(!ec, "cannot resolve host '", options_.host, "': ", ec.message());
  std::string last_error = "no address";
  for (const auto& entry : endpoints) {
    tcp::acceptor& a = impl_->acceptor;
    error_code e;
    a.open(entry.endpoint().protocol(), e);
    if (!e) a.set_option(asio::socket_base::reuse_address(true), e);
    if (!e) a.bind(entry.endpoint(), e);
    if (!e) a.listen(asio::socket_base::max_listen_connections, e);
    if (!e) {
      port_ = a.local_endpoint().port();
      return;
    }
    last_error = e.message();
    error_code ignored;
    a.close(ignored);
  }
  fail("cannot listen on ", options_.host, ":", options_.port, ": ", last_error);
}

void HttpServer::serve() {
  check(impl_->acceptor.is_open(), "serve() before bind()");
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (stopping_) return;
    impl_->running = true;
  }
  impl_->accept();
  std::vector<std::thread> extra;
  for (int i = 1; i < options_.io_threads; ++i) extra.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (std::thread& t : extra) t.join();
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->running = false;
  impl_->changed.notify_all();
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) {  // a second caller waits for the first one's work
    std::unique_lock<std::mutex> lock(impl_->mu);
    impl_->changed.wait(lock, [this] { return !impl_->running; });
    return;
  }
  Impl& impl = *impl_;
  // Takes references under the lock but uses and drops them outside it: the last reference to a
  // connection runs its destructor, which takes the lock itself.
  auto alive_connections = [&impl] {
    std::vector<std::shared_ptr<Connection>> alive;
    std::lock_guard<std::mutex> lock(impl.mu);
    for (Connection* c : impl.live)  // one being destroyed is listed until its destructor runs
      if (std::shared_ptr<Connection> p = c->weak_from_this().lock()) alive.push_back(std::move(p));
    return alive;
  };
  auto each = [&](void (Connection::*fn)()) {
    for (std::shared_ptr<Connection>& alive : alive_connections())
      asio::post(alive->executor(), [alive, fn] { ((*alive).*fn)(); });
  };
  asio::post(impl.ioc, [&impl] {
    error_code ignored;
    impl.acceptor.close(ignored);
    impl.accept_retry.cancel();
  });
  each(&Connection::on_server_stop);
  std::unique_lock<std::mutex> lock(impl.mu);
  if (impl.running) {
    // Streams see stopping() and end cleanly; requests still going after the grace period are cut.
    if (!impl.changed.wait_for(lock, std::chrono::seconds(10), [&] { return impl.live.empty(); })) {
      lock.unlock();
      each(&Connection::force_close);
      lock.lock();
      impl.changed.wait_for(lock, std::chrono::seconds(2), [&] { return impl.live.empty(); });
    }
  }
  lock.unlock();
  impl.ioc.stop();
  lock.lock();
  impl.changed.wait(lock, [&] { return !impl.running; });
  lock.unlock();
  // No event-loop thread runs now: release the workers still waiting on a write.
  for (std::shared_ptr<Connection>& alive : alive_connections()) alive->abandon();
}

}  // namespace openarc::server
