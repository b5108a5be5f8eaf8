#include "chat/template.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "chat/json.h"
#include "chat/parser.h"

namespace openarc::chat {

Template Template::parse(const std::string& source) {
  Template t;
  t.body_ = std::make_shared<const Body>(parse_template(source));
  return t;
}

std::string Template::render(const nlohmann::ordered_json& variables, const RenderOptions& options) const {
  check(variables.is_object(), "template variables must be a JSON object, got ", variables.type_name());
  return render(from_json(variables), options);
}

std::string Template::render(const Value& variables, const RenderOptions& options) const {
  bool fixed = options.now.has_value();
  Interpreter interp(options.limits, fixed ? *options.now : std::time(nullptr), fixed);
  return interp.render(*body_, variables);
}

std::time_t parse_iso8601(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  std::tm tm{};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
    fail("\"now\" must be an ISO 8601 date or date-time (YYYY-MM-DD[THH:MM[:SS]]), got \"", text, "\"");
  size_t pos = 10;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    int n = 0;
    if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
      fail("\"now\" has a malformed time: \"", text, "\"");
    pos += 1 + 5;
    if (pos < text.size() && text[pos] == ':') {
      if (std::sscanf(text.c_str() + pos + 1, "%2d%n", &s, &n) != 1 || n != 2) fail("\"now\" has malformed seconds: \"", text, "\"");
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      }
    }
    if (pos < text.size() && text[pos] == 'Z') ++pos;
    else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) pos += 6;
  }
  if (pos != text.size()) fail("\"now\" has trailing characters: \"", text, "\"");
  check(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60, "\"now\" is out of range: \"", text, "\"");
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm);
}

}  // namespace openarc::chat
