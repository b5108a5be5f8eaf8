#include "core/attributes.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "core/error.h"
#include "core/text.h"

namespace openarc {
namespace {
// Attribute values in IR XML may carry spaces, tabs and line breaks around them.
constexpr std::string_view kBlanks = " \t\n";

bool parse_i64(std::string_view s, int64_t& out) {
  s = trim(s, kBlanks);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}

bool parse_f64(std::string_view s, double& out) {
  std::string text(trim(s, kBlanks));
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);  // accepts inf, nan and hex floats as the IR may print them
  return end == text.c_str() + text.size();
}

template <typename T, typename Parse>
std::vector<T> parse_list(const std::string& key, const std::string& text, Parse parse) {
  std::vector<T> out;
  std::string_view s = trim(text, kBlanks);
  if (s.empty()) return out;
  while (true) {
    size_t comma = s.find(',');
    T v{};
    if (!parse(s.substr(0, comma), v)) fail("attribute '", key, "': bad list element in \"", text, "\"");
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    s = s.substr(comma + 1);
  }
  return out;
}

}  // namespace

Attributes& Attributes::set(const std::string& key, std::string value) {
  for (auto& kv : items_) {
    if (kv.first == key) {
      kv.second = std::move(value);
      return *this;
    }
  }
  items_.emplace_back(key, std::move(value));
  return *this;
}

const std::string* Attributes::find(const std::string& key) const {
  for (const auto& kv : items_)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

std::string Attributes::str(const std::string& key) const {
  const std::string* v = find(key);
  check(v != nullptr, "missing attribute '", key, "'");
  return *v;
}

std::string Attributes::str(const std::string& key, const std::string& def) const {
  const std::string* v = find(key);
  return v ? *v : def;
}

int64_t Attributes::i64(const std::string& key) const {
  std::string v = str(key);
  int64_t out = 0;
  check(parse_i64(v, out), "attribute '", key, "': expected an integer, got \"", v, "\"");
  return out;
}

int64_t Attributes::i64(const std::string& key, int64_t def) const { return has(key) ? i64(key) : def; }

double Attributes::f64(const std::string& key) const {
  std::string v = str(key);
  double out = 0;
  check(parse_f64(v, out), "attribute '", key, "': expected a number, got \"", v, "\"");
  return out;
}

double Attributes::f64(const std::string& key, double def) const { return has(key) ? f64(key) : def; }

bool Attributes::boolean(const std::string& key) const {
  std::string v(trim(str(key), kBlanks));
  if (v == "true" || v == "1" || v == "True") return true;
  if (v == "false" || v == "0" || v == "False") return false;
  fail("attribute '", key, "': expected true or false, got \"", v, "\"");
}

bool Attributes::boolean(const std::string& key, bool def) const { return has(key) ? boolean(key) : def; }

std::vector<int64_t> Attributes::i64s(const std::string& key) const {
  return parse_list<int64_t>(key, str(key), parse_i64);
}

std::vector<int64_t> Attributes::i64s(const std::string& key, std::vector<int64_t> def) const {
  return has(key) ? i64s(key) : def;
}

std::vector<double> Attributes::f64s(const std::string& key) const {
  return parse_list<double>(key, str(key), parse_f64);
}

std::string Attributes::choice(const std::string& key, const std::vector<std::string>& allowed,
                               std::optional<std::string> def) const {
  const std::string* v = find(key);
  if (!v) {
    check(def.has_value(), "missing attribute '", key, "'");
    return *def;
  }
  std::string val(trim(*v, kBlanks));
  for (const std::string& a : allowed)
    if (a == val) return val;
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  fail("attribute '", key, "': \"", val, "\" is not one of ", list);
}

}  // namespace openarc
