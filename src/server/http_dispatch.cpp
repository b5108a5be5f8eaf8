// The wrapper every handler runs in: route matching (404/405), the API key, CORS, and exceptions
// mapped to OpenAI-shaped errors. Knows nothing of sockets, so the transport and the fuzzer share it.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "server/api_error.h"
#include "server/http_server.h"

namespace openarc::server {

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

HttpServer& HttpServer::route(const std::string& method, const std::string& path, Handler handler, bool is_public) {
  bool prefix = path.size() >= 2 && path.compare(path.size() - 2, 2, "/*") == 0;
  routes_.push_back({method, prefix ? path.substr(0, path.size() - 1) : path, prefix, std::move(handler), is_public});
  return *this;
}

HttpResponse HttpServer::dispatch(HttpRequest& request) const {
  HttpResponse response;
  try {
    response = route_request(request);
  } catch (...) {  // route_request maps every exception; this is for a throwing copy or allocation
    response.status = 500;
    response.body = error_json("internal error (" + request.request_id + ")", "server_error", "", "");
  }
  add_cors(request, response);
  return response;
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

HttpResponse HttpServer::route_request(HttpRequest& request) const {
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
