// The transport over real sockets: RFC 9112 message framing, Expect: 100-continue, the
// header/body/idle deadlines (configured short here), the per-client connection cap, slow
// clients that must not starve others, a disconnect seen while a request is handled, and stop()
// with connections open.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

#include "http_test_client.h"
#include "server/http_server.h"

namespace openarc::server {
namespace {

using testing::body_of;
using testing::closed_within;
using testing::connect_loopback;
using testing::exchange;
using testing::read_until;
using testing::send_text;
using testing::status_of;

class HttpTransportTest : public ::testing::Test {
 protected:
  void start(HttpOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options);
    server_->route("GET", "/health", [](HttpRequest&) { return HttpResponse{200, "application/json", "{\"status\":\"ok\"}"}; });
    server_->route("POST", "/echo", [](HttpRequest& r) { return HttpResponse{200, "text/plain", r.body}; });
    server_->route("GET", "/where", [](HttpRequest& r) { return HttpResponse{200, "text/plain", r.path + "|" + r.query}; });
    // Runs until the client goes away (at most 10 s), as a non-streamed generation does.
    server_->route("GET", "/wait-for-close", [this](HttpRequest& r) {
      handler_started_ = true;
      for (int i = 0; i < 1000 && !r.client_gone(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      saw_client_gone_ = r.client_gone();
      return HttpResponse{200, "text/plain", "done"};
    });
    server_->bind();
    port_ = server_->port();
    thread_ = std::thread([this] { server_->serve(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string ask(const std::string& raw) { return exchange(port_, raw); }
  bool healthy() { return status_of(ask("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")) == 200; }

  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> handler_started_{false}, saw_client_gone_{false};
};

TEST_F(HttpTransportTest, RefusesAmbiguousMessageFraming) {
  start();
  // RFC 9112 6.1 / 6.3: a request with both is a smuggling attempt; refused, not guessed.
  std::string r = ask("POST /echo HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("Transfer-Encoding"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos);
  EXPECT_EQ(status_of(ask("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n")), 400);
  // Duplicate Content-Length, even with equal values, and a list value.
  r = ask("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("more than one Content-Length"), std::string::npos) << r;
  EXPECT_EQ(status_of(ask("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi")), 400);
  EXPECT_EQ(status_of(ask("POST /echo HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nhi")), 400);
  // A transfer coding we cannot decode, and one without chunked last (no way to find the end).
  EXPECT_EQ(status_of(ask("POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")), 501);
  r = ask("POST /echo HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nhi");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("does not end in chunked"), std::string::npos) << r;
  EXPECT_TRUE(healthy());
}

TEST_F(HttpTransportTest, RefusesBareCrAndLfAndOtherMalformedLines) {
  start();
  std::string r = ask("POST /echo HTTP/1.1\r\nContent-Length: 2\rX: y\r\n\r\nhi");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("bare CR or LF"), std::string::npos) << r;
  EXPECT_EQ(status_of(ask("GET /health HTTP/1.1\nConnection: close\n\n")), 400);
  EXPECT_EQ(status_of(ask("GET /health HTTP/1.1\r\nX: a\nY: b\r\nConnection: close\r\n\r\n")), 400);
  EXPECT_EQ(status_of(ask("GET /health HTTP/1.1\r\nBad Name: v\r\n\r\n")), 400);
  // Obsolete line folding is replaced by a space (RFC 9112 5.2), not taken as a new line.
  EXPECT_EQ(status_of(ask("GET /health HTTP/1.1\r\nX: a\r\n folded\r\nConnection: close\r\n\r\n")), 200);
  r = ask("GET /health HTTP/2.0\r\n\r\n");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("HTTP version"), std::string::npos) << r;
  // Empty lines before a request line are ignored (RFC 9112 2.2).
  EXPECT_EQ(status_of(ask("\r\n\r\nGET /health HTTP/1.1\r\nConnection: close\r\n\r\n")), 200);
  EXPECT_TRUE(healthy());
}

TEST_F(HttpTransportTest, ChunkedBodiesWithExtensionsAndTrailers) {
  start();
  std::string r = ask(
      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "3;name=value;quoted=\"a b\"\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n");
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_EQ(body_of(r), "abc0123456789");
  r = ask("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("chunk"), std::string::npos) << r;
}

TEST_F(HttpTransportTest, AbsoluteFormTargetsRouteByTheirPath) {
  start();
  std::string r = ask("GET http://localhost:8000/where?a=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_EQ(body_of(r), "/where|a=1");
  EXPECT_EQ(body_of(ask("GET HTTPS://h/where HTTP/1.1\r\nConnection: close\r\n\r\n")), "/where|");
  r = ask("GET ftp://h/where HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_NE(body_of(r).find("request target"), std::string::npos) << r;
  EXPECT_EQ(status_of(ask("GET * HTTP/1.1\r\nConnection: close\r\n\r\n")), 400);
  EXPECT_EQ(status_of(ask("OPTIONS * HTTP/1.1\r\nConnection: close\r\n\r\n")), 204);
}

TEST_F(HttpTransportTest, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
  HttpOptions o;
  o.limits.max_body_bytes = 100;
  start(o);
  int fd = connect_loopback(port_);
  ASSERT_GE(fd, 0);
  send_text(fd, "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
  std::string interim = read_until(fd, "\r\n\r\n");
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");  // nothing of the body was sent yet
  send_text(fd, "hello");
  std::string r = read_until(fd);
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_EQ(body_of(r), "hello");
  ::close(fd);
  // Too large: refused at once, without 100, so the client need not send the body.
  r = ask("POST /echo HTTP/1.1\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(status_of(r), 413);
  EXPECT_EQ(r.find("100 Continue"), std::string::npos);
  r = ask("POST /echo HTTP/1.1\r\nContent-Length: 2\r\nExpect: something-else\r\n\r\nhi");
  EXPECT_EQ(status_of(r), 417);
  EXPECT_NE(body_of(r).find("something-else"), std::string::npos);
}

TEST_F(HttpTransportTest, SizeLimitsNameTheLimit) {
  HttpOptions o;
  o.limits.max_header_bytes = 512;
  o.limits.max_body_bytes = 100;
  start(o);
  std::string r = ask("GET /health HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_of(r), 431);
  EXPECT_NE(body_of(r).find("512 bytes"), std::string::npos) << r;
  r = ask("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n80\r\n" + std::string(128, 'x') + "\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(r), 413);
  EXPECT_NE(body_of(r).find("100 bytes"), std::string::npos) << r;
  EXPECT_TRUE(healthy());
}

TEST_F(HttpTransportTest, HeaderAndBodyDeadlinesAnswer408) {
  HttpOptions o;
  o.header_timeout_ms = 300;
  o.body_timeout_ms = 300;
  start(o);
  // A head sent a line at a time, slower than the deadline allows in all.
  int fd = connect_loopback(port_);
  ASSERT_GE(fd, 0);
  send_text(fd, "GET /health HTTP/1.1\r\n");
  std::string r;
  for (int i = 0; i < 40 && r.empty(); ++i) {
    send_text(fd, "X-Slow-" + std::to_string(i) + ": 1\r\n");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) r = read_until(fd);
  }
  EXPECT_EQ(status_of(r), 408) << r;
  EXPECT_NE(body_of(r).find("headers did not arrive within 0.3 s"), std::string::npos) << r;
  ::close(fd);

  fd = connect_loopback(port_);
  send_text(fd, "POST /echo HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
  r = read_until(fd);
  EXPECT_EQ(status_of(r), 408) << r;
  EXPECT_NE(body_of(r).find("body did not arrive"), std::string::npos) << r;
  ::close(fd);
  EXPECT_TRUE(healthy());
  EXPECT_GE(server_->stats().timeouts.load(), 2);
}

TEST_F(HttpTransportTest, IdleKeepAliveConnectionsAreClosed) {
  HttpOptions o;
  o.idle_timeout_ms = 200;
  start(o);
  int fd = connect_loopback(port_);
  send_text(fd, "GET /health HTTP/1.1\r\n\r\n");
  EXPECT_EQ(status_of(read_until(fd, "\"ok\"}")), 200);
  EXPECT_TRUE(closed_within(fd, 10));
  ::close(fd);
  // A connection that never sends anything is closed the same way, without a response.
  fd = connect_loopback(port_);
  EXPECT_TRUE(closed_within(fd, 10));
  ::close(fd);
}

TEST_F(HttpTransportTest, CapsConnectionsPerClientAddress) {
  HttpOptions o;
  o.max_connections_per_client = 3;
  start(o);
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(connect_loopback(port_, "127.0.0.3"));
    send_text(held.back(), "GET /health HTTP/1.1\r\n\r\n");  // answered: the connection is open
    EXPECT_EQ(status_of(read_until(held.back(), "\"ok\"}")), 200);
  }
  int extra = connect_loopback(port_, "127.0.0.3");
  std::string r = read_until(extra);
  EXPECT_EQ(status_of(r), 503) << r;
  EXPECT_NE(body_of(r).find("too many connections from 127.0.0.3"), std::string::npos) << r;
  EXPECT_NE(r.find("Retry-After: 1"), std::string::npos);
  ::close(extra);
  EXPECT_TRUE(healthy());  // another address (127.0.0.1) is not affected
  ::close(held[0]);
  // Once one closes, the address may connect again (the server sees the close asynchronously).
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    int fd = connect_loopback(port_, "127.0.0.3");
    send_text(fd, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
    status = status_of(read_until(fd));
    ::close(fd);
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
  for (size_t i = 1; i < held.size(); ++i) ::close(held[i]);
  EXPECT_GE(server_->stats().connections_refused.load(), 1);
}

TEST_F(HttpTransportTest, SlowClientsDoNotStarveOthers) {
  start();  // default deadlines: the slow ones are still within theirs
  std::vector<int> slow;
  for (int i = 0; i < 60; ++i) {
    int fd = connect_loopback(port_, "127.0.0.4");
    ASSERT_GE(fd, 0);
    send_text(fd, "POST /echo HTTP/1.1\r\nContent-");  // and nothing more
    slow.push_back(fd);
  }
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(healthy());
  EXPECT_GE(server_->stats().connections.load(), 60);
  for (int fd : slow) ::close(fd);
}

TEST_F(HttpTransportTest, ADisconnectIsSeenWhileARequestIsHandled) {
  start();
  int fd = connect_loopback(port_);
  send_text(fd, "GET /wait-for-close HTTP/1.1\r\n\r\n");
  for (int i = 0; i < 500 && !handler_started_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(handler_started_);
  EXPECT_EQ(server_->stats().requests_in_flight.load(), 1);
  ::close(fd);
  for (int i = 0; i < 500 && server_->stats().requests_in_flight.load() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(saw_client_gone_);
  EXPECT_EQ(server_->stats().requests_in_flight.load(), 0);
  EXPECT_TRUE(healthy());
}

TEST_F(HttpTransportTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  std::string r = ask(
      "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\none"
      "GET /where?x HTTP/1.1\r\n\r\n"
      "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthree");
  size_t a = r.find("\r\n\r\none"), b = r.find("/where|x"), c = r.find("three");
  ASSERT_NE(a, std::string::npos) << r;
  ASSERT_NE(b, std::string::npos) << r;
  ASSERT_NE(c, std::string::npos) << r;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

// stop() with many keep-alive connections open returns promptly. It once deadlocked when the
// last reference to a connection was dropped while the server's connection list was locked.
TEST_F(HttpTransportTest, StopWithManyOpenConnectionsReturns) {
  for (int round = 0; round < 10; ++round) {
    start();
    std::vector<int> open;
    for (int i = 0; i < 40; ++i) {
      open.push_back(connect_loopback(port_));
      send_text(open.back(), "GET /health HTTP/1.1\r\n\r\n");
      EXPECT_EQ(status_of(read_until(open.back(), "\"ok\"}")), 200);
    }
    auto stopped = std::async(std::launch::async, [this] { server_->stop(); });
    if (stopped.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      // A deadlocked stop() cannot be joined: end the test binary rather than hang the suite.
      ADD_FAILURE() << "stop() did not return within 20 s with 40 open connections";
      std::fflush(stdout);
      std::_Exit(1);
    }
    thread_.join();
    for (int fd : open) ::close(fd);
    server_.reset();
  }
}

}  // namespace
}  // namespace openarc::server
