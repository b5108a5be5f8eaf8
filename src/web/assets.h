// The dashboard's static files, embedded into the binary at build time (embed_assets.cmake):
// each with its URL path under the dashboard's root, content type and ETag.
#pragma once

#include <span>
#include <string_view>

namespace openarc::web {

struct Asset {
  std::string_view path;          // "/index.html", "/js/chat.js"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view etag;          // quoted, as the ETag header carries it
  std::string_view body;
};

// Every embedded file, sorted by path.
std::span<const Asset> assets();
// The file at `path` ("/" is "/index.html"), or nullptr.
const Asset* find_asset(std::string_view path);
// True when an If-None-Match header value names `etag` (a list, weak tags, or "*").
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace openarc::web
