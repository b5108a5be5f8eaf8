// Typed, located access to the JSON of tokenizer.json and tokenizer_config.json: every error
// names the file and the JSON path (`tokenizer.json: model.merges[12]: expected ...`).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace openarc::tokenizer {

class JsonAt {
 public:
  JsonAt(const nlohmann::json& value, std::string file, std::string path = "")
      : value_(&value), file_(std::move(file)), path_(std::move(path)) {}

  const nlohmann::json& value() const { return *value_; }
  const std::string& path() const { return path_; }
  std::string where() const { return file_ + ": " + (path_.empty() ? "(top level)" : path_); }
  [[noreturn]] void fail(std::string_view what) const;
  // Throws unless the path is at most `max` levels deep: a bound on the recursion of nested
  // Sequence components, so a hostile file cannot exhaust the stack.
  void check_depth(size_t max = 64) const;

  bool has(std::string_view key) const;           // present and not null
  JsonAt operator[](std::string_view key) const;  // throws when missing
  JsonAt operator[](size_t index) const;
  size_t size() const;  // of an array (throws otherwise)

  bool is_null() const { return value_->is_null(); }
  bool is_string() const { return value_->is_string(); }
  bool is_array() const { return value_->is_array(); }
  bool is_object() const { return value_->is_object(); }

  std::string str() const;
  int64_t integer() const;
  bool boolean() const;
  const nlohmann::json& object() const;  // throws unless an object

  // Optional members: the default when missing or null.
  std::string str_or(std::string_view key, std::string_view def) const;
  bool bool_or(std::string_view key, bool def) const;
  int64_t int_or(std::string_view key, int64_t def) const;

 private:
  const nlohmann::json* value_;
  std::string file_;
  std::string path_;
};

const char* json_type_name(const nlohmann::json& v);

}  // namespace openarc::tokenizer
