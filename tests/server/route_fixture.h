// The server's real route table (register_routes) on a loopback port, with no model loaded and
// the options a test gives; a temporary models folder when the test asks for one.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "http_test_client.h"
#include "server/http_server.h"
#include "server/routes.h"
#include "server/server_context.h"

namespace openarc::server::testing {

class RouteServer {
 public:
  explicit RouteServer(ServeOptions options) : ctx_(std::make_unique<ServerContext>(options)) {
    HttpOptions h;
    h.port = 0;
    h.api_key = options.api_key;
    http_ = std::make_unique<HttpServer>(h);
    register_routes(*http_, *ctx_);
    http_->bind();
    thread_ = std::thread([this] { http_->serve(); });
  }
  ~RouteServer() {
    ctx_->stopping = true;
    http_->stop();
    thread_.join();
  }
  int port() const { return http_->port(); }
  ServerContext& context() { return *ctx_; }

  std::string get(const std::string& path, const std::string& headers = "") {
    return exchange(port(), "GET " + path + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n");
  }
  std::string post(const std::string& path, const std::string& body, const std::string& headers = "") {
    return exchange(port(), "POST " + path + " HTTP/1.1\r\nContent-Type: application/json\r\n" + headers +
                                "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  }

 private:
  std::unique_ptr<ServerContext> ctx_;
  std::unique_ptr<HttpServer> http_;
  std::thread thread_;
};

// A header's value in a raw response, or empty.
inline std::string header_of(const std::string& response, const std::string& name) {
  size_t p = response.find("\r\n" + name + ": ");
  if (p == std::string::npos) return "";
  p += name.size() + 4;
  return response.substr(p, response.find("\r\n", p) - p);
}

class TempFolder {
 public:
  TempFolder() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("openarc_srv_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The folders route tests load and convert from: `stories-hf` (the bundled demo model's Hugging
// Face files) and `ir-model` (a stub IR folder, an openvino_model.xml that does not load).
inline void add_demo_folders(const std::filesystem::path& models_dir) {
  std::filesystem::copy(std::filesystem::path(OPENARC_SOURCE_DIR) / "models" / "stories260K", models_dir / "stories-hf");
  std::filesystem::create_directories(models_dir / "ir-model");
  std::ofstream(models_dir / "ir-model" / "openvino_model.xml") << "<net/>";
}

}  // namespace openarc::server::testing
