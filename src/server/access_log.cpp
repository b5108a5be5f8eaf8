#include "server/access_log.h"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace openarc::server {

std::string access_log_line(const HttpRequest& r, int status, double ms, bool json) {
  const HttpRequest::Usage& u = *r.usage;
  const double rounded = std::round(ms * 10) / 10;
  if (json) {
    nlohmann::json line = {{"id", r.request_id}, {"remote", r.remote}, {"method", r.method}, {"route", r.path},
                           {"status", status},   {"ms", rounded}};
    line["model"] = u.model.empty() ? nlohmann::json() : nlohmann::json(u.model);
    line["prompt_tokens"] = u.model.empty() ? nlohmann::json() : nlohmann::json(u.prompt_tokens);
    line["completion_tokens"] = u.model.empty() ? nlohmann::json() : nlohmann::json(u.completion_tokens);
    // Paths and names come from clients: invalid UTF-8 is replaced, never thrown on.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  char time[32];
  std::snprintf(time, sizeof time, "%.1f ms", rounded);
  std::string line = r.request_id + " " + r.method + " " + r.path + " " + std::to_string(status) + " " + time;
  if (!u.model.empty())
    line += " model=" + u.model + " tokens=" + std::to_string(u.prompt_tokens) + "+" + std::to_string(u.completion_tokens);
  if (!r.remote.empty()) line += " from=" + r.remote;
  return line;
}

}  // namespace openarc::server
