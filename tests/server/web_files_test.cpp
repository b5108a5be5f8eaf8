// The dashboard's files: embedded at build time, served at / and /static/ with their content
// types and ETags (304 on If-None-Match), without the API key while the API needs it.
#include <gtest/gtest.h>

#include <set>

#include "route_fixture.h"
#include "web/assets.h"

namespace openarc::server {
namespace {

using testing::body_of;
using testing::header_of;
using testing::RouteServer;
using testing::status_of;

TEST(WebAssets, EveryFileIsEmbeddedWithATypeAndADistinctEtag) {
  std::set<std::string_view> etags;
  for (const web::Asset& a : web::assets()) {
    EXPECT_FALSE(a.body.empty()) << a.path;
    EXPECT_FALSE(a.content_type.empty()) << a.path;
    ASSERT_GE(a.etag.size(), 3u) << a.path;
    EXPECT_EQ(a.etag.front(), '"');
    EXPECT_EQ(a.etag.back(), '"');
    EXPECT_TRUE(etags.insert(a.etag).second) << "two files share the ETag " << a.etag;
  }
  ASSERT_NE(web::find_asset("/"), nullptr);
  EXPECT_EQ(web::find_asset("/")->path, "/index.html");
  EXPECT_NE(web::find_asset("/js/app.js"), nullptr);
  EXPECT_EQ(web::find_asset("/nope.js"), nullptr);
}

TEST(WebAssets, IfNoneMatchFollowsRfc9110) {
  EXPECT_TRUE(web::etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(web::etag_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(web::etag_matches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(web::etag_matches("*", "\"abc\""));
  EXPECT_FALSE(web::etag_matches("", "\"abc\""));
  EXPECT_FALSE(web::etag_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(web::etag_matches("abc", "\"abc\""));
}

TEST(WebFiles, ServedWithContentTypesEtagsAndA304) {
  RouteServer server({});
  std::string r = server.get("/");
  ASSERT_EQ(status_of(r), 200);
  EXPECT_EQ(header_of(r, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(body_of(r).find("<nav"), std::string::npos);
  EXPECT_NE(header_of(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(header_of(r, "X-Content-Type-Options"), "nosniff");
  std::string etag = header_of(r, "ETag");
  EXPECT_EQ(etag, web::find_asset("/")->etag);

  std::string again = server.get("/", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(status_of(again), 304);
  EXPECT_EQ(body_of(again), "");
  EXPECT_EQ(header_of(again, "ETag"), etag);
  EXPECT_EQ(status_of(server.get("/", "If-None-Match: \"stale\"\r\n")), 200);

  struct Case {
    const char* path;
    const char* type;
  };
  for (Case c : {Case{"/static/app.css", "text/css; charset=utf-8"}, Case{"/static/js/app.js", "text/javascript; charset=utf-8"},
                 Case{"/static/js/markdown.js", "text/javascript; charset=utf-8"}, Case{"/static/icon.svg", "image/svg+xml"}}) {
    std::string f = server.get(c.path);
    EXPECT_EQ(status_of(f), 200) << c.path;
    EXPECT_EQ(header_of(f, "Content-Type"), c.type) << c.path;
    EXPECT_EQ(header_of(f, "Cache-Control"), "no-cache") << c.path;
    EXPECT_EQ(status_of(server.get(c.path, "If-None-Match: W/" + header_of(f, "ETag") + "\r\n")), 304) << c.path;
  }
  std::string head = testing::exchange(server.port(), "HEAD /static/app.css HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(head), 200);
  EXPECT_EQ(body_of(head), "");

  std::string missing = server.get("/static/nope.js");
  EXPECT_EQ(status_of(missing), 404);
  EXPECT_NE(body_of(missing).find("/static/nope.js"), std::string::npos);
  EXPECT_NE(status_of(server.get("/static/../CMakeLists.txt")), 200);
  // The API's own 404s are untouched.
  EXPECT_EQ(status_of(server.get("/v1/nowhere")), 404);
}

TEST(WebFiles, NeedNoKeyWhileTheApiDoes) {
  ServeOptions o;
  o.api_key = "s3cret";
  RouteServer server(o);
  EXPECT_EQ(status_of(server.get("/")), 200);
  EXPECT_EQ(status_of(server.get("/static/js/api.js")), 200);
  std::string auth = server.get("/openarc/auth");
  EXPECT_EQ(status_of(auth), 200);
  EXPECT_EQ(body_of(auth), "{\"auth_required\":true}");
  EXPECT_EQ(status_of(server.get("/optimum/status")), 401);
  EXPECT_EQ(status_of(server.get("/openarc/folders")), 401);
  EXPECT_EQ(status_of(server.post("/openarc/convert", "{}")), 401);
  EXPECT_EQ(status_of(server.get("/optimum/status", "Authorization: Bearer s3cret\r\n")), 200);
}

}  // namespace
}  // namespace openarc::server
