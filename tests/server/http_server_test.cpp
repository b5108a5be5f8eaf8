#include "server/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error.h"
#include "http_test_client.h"
#include "server/api_error.h"

namespace openarc::server {
namespace {

using testing::body_of;
using testing::exchange;
using testing::status_of;

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpOptions options) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options);
    server_->route("GET", "/health", [](HttpRequest&) { return HttpResponse{200, "application/json", "{\"status\":\"ok\"}"}; }, true);
    server_->route("POST", "/echo", [](HttpRequest& r) { return HttpResponse{200, "text/plain", r.body}; });
    server_->route("GET", "/files/*", [](HttpRequest& r) { return HttpResponse{200, "text/plain", r.path}; }, true);
    server_->route("GET", "/bad", [](HttpRequest&) -> HttpResponse { throw bad_request("nope", "field"); });
    server_->route("GET", "/oops", [](HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    server_->route("GET", "/model-error", [](HttpRequest&) -> HttpResponse { fail("bad model file"); });
    server_->route("GET", "/stream", [this](HttpRequest&) {
      HttpResponse r;
      r.content_type = "text/event-stream";
      r.stream = [this](StreamWriter& w) {
        for (int i = 0; i < 1000; ++i) {
          if (w.client_gone() || !w.write("data: " + std::to_string(i) + "\n\n")) {
            cancelled_at_ = i;
            return;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(i < 3 ? 0 : 5));
        }
      };
      return r;
    });
    server_->bind();
    port_ = server_->port();
    thread_ = std::thread([this] { server_->serve(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> cancelled_at_{-1};
};

TEST_F(HttpServerTest, RoutesAndErrorsInOpenAiShape) {
  start({});
  std::string r = exchange(port_, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 200);
  EXPECT_EQ(body_of(r), "{\"status\":\"ok\"}");
  EXPECT_NE(r.find("X-Request-Id: req-"), std::string::npos);

  r = exchange(port_, "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  EXPECT_EQ(body_of(r), "hello");
  EXPECT_EQ(body_of(exchange(port_, "GET /files/a/b.js HTTP/1.1\r\nConnection: close\r\n\r\n")), "/files/a/b.js");

  r = exchange(port_, "GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 404);
  EXPECT_NE(body_of(r).find("\"type\":\"not_found_error\""), std::string::npos);
  EXPECT_EQ(status_of(exchange(port_, "DELETE /echo HTTP/1.1\r\nConnection: close\r\n\r\n")), 405);

  r = exchange(port_, "GET /bad HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("\"param\":\"field\""), std::string::npos);
  EXPECT_EQ(status_of(exchange(port_, "GET /model-error HTTP/1.1\r\nConnection: close\r\n\r\n")), 400);
  r = exchange(port_, "GET /oops HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 500);
  EXPECT_NE(body_of(r).find("req-"), std::string::npos);  // the request id, to find it in the log

  // Still serving after all of that.
  EXPECT_EQ(status_of(exchange(port_, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")), 200);
}

TEST_F(HttpServerTest, ApiKeyGuardsEveryRouteButPublicOnes) {
  HttpOptions o;
  o.api_key = "s3cret";
  start(o);
  EXPECT_EQ(status_of(exchange(port_, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")), 200);
  std::string r = exchange(port_, "POST /echo HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 401);
  EXPECT_NE(body_of(r).find("authentication_error"), std::string::npos);
  EXPECT_EQ(status_of(exchange(port_, "POST /echo HTTP/1.1\r\nAuthorization: Bearer wrong\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")), 401);
  EXPECT_EQ(status_of(exchange(port_, "POST /echo HTTP/1.1\r\nAuthorization: Bearer s3cret\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")), 200);
  EXPECT_EQ(status_of(exchange(port_, "POST /echo HTTP/1.1\r\nX-Api-Key: s3cret\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")), 200);
}

TEST_F(HttpServerTest, CorsHeadersAndPreflight) {
  HttpOptions o;
  o.cors_origins = {"http://app.example"};
  start(o);
  std::string r = exchange(port_, "OPTIONS /echo HTTP/1.1\r\nOrigin: http://app.example\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 204);
  EXPECT_NE(r.find("Access-Control-Allow-Origin: http://app.example"), std::string::npos);
  r = exchange(port_, "GET /health HTTP/1.1\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(r.find("Access-Control-Allow-Origin"), std::string::npos);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start({});
  std::string r = exchange(port_,
                           "GET /health HTTP/1.1\r\n\r\nPOST /echo HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
                           "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
  size_t count = 0;
  for (size_t p = 0; (p = r.find("HTTP/1.1 200", p)) != std::string::npos; ++p) ++count;
  EXPECT_EQ(count, 3u);
}

TEST_F(HttpServerTest, StreamsChunkedAndNoticesADisconnect) {
  start({});
  int fd = testing::connect_loopback(port_);
  std::string req = "GET /stream HTTP/1.1\r\n\r\n";
  ::send(fd, req.data(), req.size(), 0);
  char buf[512];
  std::string got;
  while (got.find("data: 2") == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    got.append(buf, static_cast<size_t>(n));
  }
  EXPECT_NE(got.find("Transfer-Encoding: chunked"), std::string::npos);
  ::close(fd);
  for (int i = 0; i < 200 && cancelled_at_ < 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(cancelled_at_, 3);
  EXPECT_LT(cancelled_at_, 1000);
}

TEST_F(HttpServerTest, OversizedBodyGets413AndTheServerGoesOn) {
  HttpOptions o;
  o.limits.max_body_bytes = 100;
  start(o);
  std::string r = exchange(port_, "POST /echo HTTP/1.1\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(status_of(r), 413);
  EXPECT_EQ(status_of(exchange(port_, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")), 200);
}

}  // namespace
}  // namespace openarc::server
