// libFuzzer target for the whole request path: any bytes are what a client sends on one
// connection (then it shuts its sending side); they go over a real loopback socket through the
// transport (Beast's parser, our framing checks, deadlines, keep-alive, pipelining), the route
// table and the handlers of `openarc serve`, with no model loaded and model loads confined to an
// empty folder. The server must answer or close, never crash, and keep serving: every input
// is followed by a request that must get 200.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "../tests/server/http_test_client.h"
#include "server/routes.h"
#include "server/server.h"

namespace {

using namespace openarc::server;

struct Fixture {
  std::unique_ptr<ServerContext> ctx;
  std::unique_ptr<HttpServer> http;
  std::thread loop;
  int port = 0;

  Fixture() {
    ServeOptions o;
    o.models_dir = (std::filesystem::temp_directory_path() / "openarc_http_fuzz_models").string();
    std::filesystem::create_directories(o.models_dir);
    o.max_body_bytes = 64 * 1024;
    ctx = std::make_unique<ServerContext>(o);
    HttpOptions h;
    h.port = 0;
    h.limits.max_body_bytes = 64 * 1024;
    h.header_timeout_ms = 2000;
    h.body_timeout_ms = 2000;
    h.max_connections_per_client = 1 << 20;
    http = std::make_unique<HttpServer>(h);
    register_routes(*http, *ctx);
    http->bind();
    port = http->port();
    loop = std::thread([this] { http->serve(); });
  }
};

Fixture& fixture() {
  static Fixture* f = new Fixture();  // lives for the process: libFuzzer exits without unwinding
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fixture& f = fixture();
  int fd = testing::connect_loopback(f.port);
  if (fd < 0) std::abort();
  testing::send_text(fd, std::string(reinterpret_cast<const char*>(data), size));
  ::shutdown(fd, SHUT_WR);
  std::string response = testing::read_until(fd);
  ::close(fd);
  // Whatever came back starts as a response does.
  if (!response.empty() && response.compare(0, 9, "HTTP/1.1 ") != 0) {
    std::fprintf(stderr, "not an HTTP response: %.80s\n", response.c_str());
    std::abort();
  }
  static int n = 0;
  if (++n % 64 == 0 && testing::status_of(testing::exchange(f.port, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n")) != 200)
    std::abort();
  return 0;
}
