// JSON in (from_json) and out (to_json: Python's json.dumps byte for byte, as transformers' tojson
// filter calls it with ensure_ascii=False).
#include "chat/json.h"

#include <algorithm>
#include <cmath>

#include "chat/error.h"
#include "chat/interpreter.h"

namespace openarc::chat {

static Value from_json_at(const nlohmann::ordered_json& j, uint32_t depth) {
  if (depth > kMaxValueDepth) fail("JSON input nests deeper than ", kMaxValueDepth, " levels");
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return Value::none();
    case nlohmann::ordered_json::value_t::boolean: return Value::boolean(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value::integer(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Value::number(static_cast<double>(u));
      return Value::integer(static_cast<int64_t>(u));
    }
    case nlohmann::ordered_json::value_t::number_float: return Value::number(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value::string(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      List items;
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(from_json_at(item, depth + 1));
      return Value::make_list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      Dict items;
      items.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it) items.emplace_back(Value::string(it.key()), from_json_at(it.value(), depth + 1));
      return Value::make_dict(std::move(items));
    }
    default: fail("unsupported JSON value of type ", j.type_name());
  }
}

Value from_json(const nlohmann::ordered_json& j) { return from_json_at(j, 0); }

namespace {

void dump_string(std::string& out, const std::string& s) {
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string dump_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  return float_repr(d);
}

std::string dump_key(const Value& k) {
  switch (k.kind) {
    case Value::Kind::String: return k.str();
    case Value::Kind::Int: return std::to_string(k.i);
    case Value::Kind::Float: return dump_float(k.f);
    case Value::Kind::Bool: return k.b ? "true" : "false";
    case Value::Kind::None: return "null";
    default: raise("TypeError", "keys must be str, int, float, bool or None, not ", type_name(k));
  }
}

struct Dumper {
  int indent;  // < 0: single line
  bool sort_keys;
  int depth = 0;

  void newline(std::string& out, int level) const {
    out += '\n';
    out.append(static_cast<size_t>(indent * level), ' ');
  }

  void dump(std::string& out, const Value& v) {
    if (++depth > 500) raise("RecursionError", "maximum recursion depth exceeded while encoding a JSON object");
    switch (v.kind) {
      case Value::Kind::None: out += "null"; break;
      case Value::Kind::Bool: out += v.b ? "true" : "false"; break;
      case Value::Kind::Int: out += std::to_string(v.i); break;
      case Value::Kind::Float: out += dump_float(v.f); break;
      case Value::Kind::String: dump_string(out, v.str()); break;
      case Value::Kind::List:
      case Value::Kind::Tuple: {
        if (v.range) raise("TypeError", "Object of type range is not JSON serializable");
        if (v.list->empty()) {
          out += "[]";
          break;
        }
        out += '[';
        for (size_t k = 0; k < v.list->size(); ++k) {
          if (k) out += indent >= 0 ? "," : ", ";
          if (indent >= 0) newline(out, depth);
          dump(out, (*v.list)[k]);
        }
        if (indent >= 0) newline(out, depth - 1);
        out += ']';
        break;
      }
      case Value::Kind::Dict: {
        if (v.dict->empty()) {
          out += "{}";
          break;
        }
        std::vector<std::pair<std::string, const Value*>> items;
        for (const auto& [k, item] : *v.dict) items.emplace_back(dump_key(k), &item);
        if (sort_keys)
          std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        out += '{';
        for (size_t k = 0; k < items.size(); ++k) {
          if (k) out += indent >= 0 ? "," : ", ";
          if (indent >= 0) newline(out, depth);
          dump_string(out, items[k].first);
          out += ": ";
          dump(out, *items[k].second);
        }
        if (indent >= 0) newline(out, depth - 1);
        out += '}';
        break;
      }
      default:
        raise("TypeError", "Object of type ", type_name(v), " is not JSON serializable");
    }
    --depth;
  }
};

}  // namespace

std::string to_json(const Value& v, int indent, bool sort_keys) {
  std::string out;
  Dumper{indent, sort_keys}.dump(out, v);
  return out;
}

}  // namespace openarc::chat
