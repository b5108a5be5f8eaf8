#include "web/assets.h"

namespace openarc::web {

const Asset* find_asset(std::string_view path) {
  if (path == "/" || path.empty()) path = "/index.html";
  for (const Asset& a : assets())
    if (a.path == path) return &a;
  return nullptr;
}

// RFC 9110 13.1.2: If-None-Match is "*" or a comma-separated list of entity tags, compared
// weakly (a W/ prefix does not matter).
bool etag_matches(std::string_view header, std::string_view etag) {
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t' || header[i] == ',')) ++i;
    size_t end = header.find(',', i);
    if (end == std::string_view::npos) end = header.size();
    std::string_view tag = header.substr(i, end - i);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (!tag.empty() && tag == etag) return true;
    i = end + 1;
  }
  return false;
}

}  // namespace openarc::web
