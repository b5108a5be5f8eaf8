// The access log line of a request, as text and as JSON, with and without a generation's usage.
#include "server/access_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace openarc::server {
namespace {

HttpRequest request(const std::string& path) {
  HttpRequest r;
  r.method = "POST";
  r.path = path;
  r.request_id = "req-7";
  r.remote = "127.0.0.1";
  return r;
}

TEST(AccessLog, TextNamesTheModelAndTokensOfAGeneration) {
  HttpRequest r = request("/v1/chat/completions");
  r.usage->model = "stories260K";
  r.usage->prompt_tokens = 12;
  r.usage->completion_tokens = 30;
  EXPECT_EQ(access_log_line(r, 200, 41.24, false),
            "req-7 POST /v1/chat/completions 200 41.2 ms model=stories260K tokens=12+30 from=127.0.0.1");
  EXPECT_EQ(access_log_line(request("/health"), 404, 0.04, false), "req-7 POST /health 404 0.0 ms from=127.0.0.1");
}

TEST(AccessLog, JsonIsOneObjectWithNullsOutsideGenerations) {
  HttpRequest r = request("/v1/completions");
  r.usage->model = "m";
  r.usage->prompt_tokens = 3;
  r.usage->completion_tokens = 4;
  const nlohmann::json j = nlohmann::json::parse(access_log_line(r, 200, 1.26, true));
  EXPECT_EQ(j["id"], "req-7");
  EXPECT_EQ(j["route"], "/v1/completions");
  EXPECT_EQ(j["status"], 200);
  EXPECT_DOUBLE_EQ(j["ms"].get<double>(), 1.3);
  EXPECT_EQ(j["model"], "m");
  EXPECT_EQ(j["prompt_tokens"], 3);
  EXPECT_EQ(j["completion_tokens"], 4);
  HttpRequest bad = request("/v1/\xff");  // a client's invalid UTF-8 does not break the line
  const std::string line = access_log_line(bad, 404, 2, true);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const nlohmann::json b = nlohmann::json::parse(line);
  EXPECT_TRUE(b["model"].is_null());
  EXPECT_TRUE(b["prompt_tokens"].is_null());
}

}  // namespace
}  // namespace openarc::server
