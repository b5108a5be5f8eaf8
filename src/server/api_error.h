// Errors in OpenAI's shape: {"error": {"message", "type", "param", "code"}} with the right HTTP
// status. Handlers throw ApiError (or openarc::Error, which maps to 400); the HTTP server turns
// every exception into one of these and keeps serving.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace openarc::server {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string type, const std::string& message, std::string param = "", std::string code = "")
      : std::runtime_error(message), status(status), type(std::move(type)), param(std::move(param)),
        code(std::move(code)) {}

  int status;
  std::string type;   // invalid_request_error, authentication_error, not_found_error ...
  std::string param;  // the offending field, or empty
  std::string code;   // a stable machine-readable code, or empty
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
};

inline ApiError bad_request(const std::string& message, std::string param = "", std::string code = "") {
  return ApiError(400, "invalid_request_error", message, std::move(param), std::move(code));
}
inline ApiError not_found(const std::string& message, std::string param = "", std::string code = "") {
  return ApiError(404, "not_found_error", message, std::move(param), std::move(code));
}

// The JSON body for an error.
std::string error_json(const std::string& message, const std::string& type, const std::string& param,
                       const std::string& code);

}  // namespace openarc::server
