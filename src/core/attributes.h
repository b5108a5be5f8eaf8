// An operation's attributes: the <data> element of an IR layer, kept as ordered key/value strings
// so the writer gives back exactly what the reader read. Typed getters parse on demand and throw
// Error naming the attribute and its text when the value does not parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace openarc {

class Attributes {
 public:
  Attributes() = default;
  Attributes(std::initializer_list<std::pair<std::string, std::string>> items) : items_(items) {}

  Attributes& set(const std::string& key, std::string value);  // replaces or appends
  bool has(const std::string& key) const { return find(key) != nullptr; }
  const std::string* find(const std::string& key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  bool operator==(const Attributes&) const = default;

  // Without a default, a missing attribute throws Error("missing attribute 'key'").
  std::string str(const std::string& key) const;
  std::string str(const std::string& key, const std::string& def) const;
  int64_t i64(const std::string& key) const;
  int64_t i64(const std::string& key, int64_t def) const;
  double f64(const std::string& key) const;
  double f64(const std::string& key, double def) const;
  bool boolean(const std::string& key) const;  // "true"/"false" (also "1"/"0")
  bool boolean(const std::string& key, bool def) const;
  std::vector<int64_t> i64s(const std::string& key) const;  // "1, 2,3"; "" is empty
  std::vector<int64_t> i64s(const std::string& key, std::vector<int64_t> def) const;
  std::vector<double> f64s(const std::string& key) const;
  // One of `allowed`, else Error listing them.
  std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                     std::optional<std::string> def = std::nullopt) const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace openarc
