// The dashboard's files (src/web), served without the API key: GET / is index.html, the rest
// under /static/. Each carries its build-time ETag; a matching If-None-Match gets 304 with no
// body. Cache-Control no-cache: the browser revalidates every time, so a new build shows at
// once, and an unchanged file costs one 304.
#include "server/api_error.h"
#include "server/handlers.h"
#include "web/assets.h"

namespace openarc::server {

HttpResponse web_file(ServerContext&, HttpRequest& req) {
  std::string path = req.path;
  if (path == "/static/" || path.rfind("/static/index.html", 0) == 0) path = "/";  // one address for the page
  else if (path.rfind("/static/", 0) == 0) path = path.substr(7);
  const web::Asset* asset = web::find_asset(path);
  if (!asset) throw not_found("the dashboard has no file " + req.path, "", "file_not_found");
  HttpResponse r;
  r.content_type = std::string(asset->content_type);
  r.header("ETag", std::string(asset->etag));
  r.header("Cache-Control", "no-cache");
  r.header("X-Content-Type-Options", "nosniff");
  if (path == "/") {
    // The page runs only its own scripts and talks only to this server: model output that got
    // past the escaping could still not run or fetch anything.
    r.header("Content-Security-Policy",
             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
             "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
    r.header("Referrer-Policy", "no-referrer");
  }
  if (web::etag_matches(req.header("if-none-match"), asset->etag)) {
    r.status = 304;
    return r;
  }
  r.body = std::string(asset->body);
  return r;
}

}  // namespace openarc::server
