#include "tokenizer/json_reader.h"

#include "core/error.h"

namespace openarc::tokenizer {

const char* json_type_name(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "a binary value";
  }
}

void JsonAt::fail(std::string_view what) const { openarc::fail(where(), ": ", what); }

void JsonAt::check_depth(size_t max) const {
  size_t depth = 0;
  for (char c : path_) depth += c == '.' || c == '[';
  if (depth > max) fail(cat("nested more than ", max, " levels deep"));
}

bool JsonAt::has(std::string_view key) const {
  if (!value_->is_object()) return false;
  auto it = value_->find(key);
  return it != value_->end() && !it->is_null();
}

JsonAt JsonAt::operator[](std::string_view key) const {
  std::string sub = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (!value_->is_object()) fail(cat("expected an object with \"", key, "\", got ", json_type_name(*value_)));
  auto it = value_->find(key);
  if (it == value_->end()) openarc::fail(file_, ": ", sub, ": missing");
  return JsonAt(*it, file_, sub);
}

JsonAt JsonAt::operator[](size_t index) const {
  if (!value_->is_array()) fail(cat("expected an array, got ", json_type_name(*value_)));
  if (index >= value_->size()) fail(cat("index ", index, " out of range"));
  return JsonAt((*value_)[index], file_, cat(path_, "[", index, "]"));
}

size_t JsonAt::size() const {
  if (!value_->is_array()) fail(cat("expected an array, got ", json_type_name(*value_)));
  return value_->size();
}

std::string JsonAt::str() const {
  if (!value_->is_string()) fail(cat("expected a string, got ", json_type_name(*value_)));
  return value_->get<std::string>();
}

int64_t JsonAt::integer() const {
  if (value_->is_number_unsigned()) {
    uint64_t u = value_->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) fail("integer out of range");
    return static_cast<int64_t>(u);
  }
  if (!value_->is_number_integer()) fail(cat("expected an integer, got ", json_type_name(*value_)));
  return value_->get<int64_t>();
}

bool JsonAt::boolean() const {
  if (!value_->is_boolean()) fail(cat("expected true or false, got ", json_type_name(*value_)));
  return value_->get<bool>();
}

const nlohmann::json& JsonAt::object() const {
  if (!value_->is_object()) fail(cat("expected an object, got ", json_type_name(*value_)));
  return *value_;
}

std::string JsonAt::str_or(std::string_view key, std::string_view def) const {
  return has(key) ? (*this)[key].str() : std::string(def);
}

bool JsonAt::bool_or(std::string_view key, bool def) const {
  return has(key) ? (*this)[key].boolean() : def;
}

int64_t JsonAt::int_or(std::string_view key, int64_t def) const {
  return has(key) ? (*this)[key].integer() : def;
}

}  // namespace openarc::tokenizer
