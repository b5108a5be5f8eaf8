#include "server/http_parser.h"

#include <gtest/gtest.h>

namespace openarc::server {
namespace {

TEST(HttpParser, ParsesARequestFedByteByByte) {
  std::string raw =
      "POST /v1/chat/completions?x=1&name=a%20b HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
      "Content-Length: 7\r\nAuthorization: Bearer k\r\n\r\n{\"a\":1}";
  HttpParser p({});
  HttpParser::State s = HttpParser::State::need_more;
  for (char c : raw) s = p.feed(std::string_view(&c, 1));
  ASSERT_EQ(s, HttpParser::State::done);
  HttpRequest r = p.take();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/v1/chat/completions");
  EXPECT_EQ(r.body, "{\"a\":1}");
  EXPECT_EQ(r.header("AUTHORIZATION"), "Bearer k");
  EXPECT_EQ(r.query_param("name"), "a b");
  EXPECT_EQ(r.query_param("missing", "d"), "d");
  EXPECT_TRUE(p.keep_alive());
}

TEST(HttpParser, ChunkedBodiesAndPipelining) {
  HttpParser p({});
  std::string raw =
      "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n"
      "GET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(p.feed(raw), HttpParser::State::done);
  EXPECT_EQ(p.take().body, "abcde");
  ASSERT_EQ(p.feed(""), HttpParser::State::done);
  HttpRequest second = p.take();
  EXPECT_EQ(second.path, "/b");
  EXPECT_FALSE(p.keep_alive());
}

TEST(HttpParser, RefusesWhatIsMalformedOrTooLarge) {
  struct Case {
    std::string raw;
    int status;
  };
  HttpLimits small{256, 10};
  std::vector<Case> cases = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET nopath HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 413},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nff\r\n", 413},
      {"GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", 431},
      {"GET / HTTP/1.1\r\nX: " + std::string(300, 'a'), 431},
  };
  for (const Case& c : cases) {
    HttpParser p(small);
    EXPECT_EQ(p.feed(c.raw), HttpParser::State::error) << c.raw;
    EXPECT_EQ(p.status(), c.status) << c.raw;
    EXPECT_FALSE(p.error().empty());
  }
}

}  // namespace
}  // namespace openarc::server
