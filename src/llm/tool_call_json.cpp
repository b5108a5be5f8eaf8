#include "llm/tool_call_json.h"

#include <nlohmann/json.hpp>

namespace openarc::llm {

namespace {

const JsonMember* first_of(const JsonObjectScan& obj, const std::vector<std::string_view>& keys) {
  for (auto k : keys)
    if (const JsonMember* m = obj.find(k)) return m;
  return nullptr;
}

}  // namespace

int match_word(std::string_view text, size_t pos, std::string_view word) {
  const std::string_view rest = pos < text.size() ? text.substr(pos) : std::string_view();
  if (rest.starts_with(word)) return 1;
  return word.starts_with(rest) ? -1 : 0;
}

std::optional<std::string> arguments_json(std::string_view value) {
  try {
    nlohmann::ordered_json v = nlohmann::ordered_json::parse(value);
    if (v.is_null()) return "{}";
    if (v.is_object()) return compact_json(value);
    if (v.is_string()) {
      const std::string inner = v.get<std::string>();
      nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(inner);
      if (parsed.is_object()) return compact_json(inner);
    }
  } catch (const nlohmann::json::exception&) {
  }
  return std::nullopt;
}

ObjectCall scan_call_object(std::string_view text, size_t pos, const CallKeys& keys, const ToolSet& tools) {
  const JsonObjectScan obj = scan_json_object(text, pos);
  ObjectCall out{obj.status, obj.end, {}};
  if (obj.status == ScanStatus::invalid) return out;
  auto invalid = [&] {
    out.status = ScanStatus::invalid;
    out.call = {};
    return out;
  };

  std::string name;
  if (const JsonMember* m = first_of(obj, keys.name); m && m->value.status == ScanStatus::complete) {
    try {
      nlohmann::json v = nlohmann::json::parse(m->value_text(text));
      if (!v.is_string()) return invalid();
      name = v.get<std::string>();
    } catch (const nlohmann::json::exception&) {
      return invalid();
    }
    if (!tools.allows(name)) return invalid();
  }
  const JsonMember* args = first_of(obj, keys.arguments);

  if (obj.status == ScanStatus::complete) {
    if (name.empty()) return invalid();
    std::optional<std::string> arguments = args ? arguments_json(args->value_text(text)) : std::string("{}");
    if (!arguments) return invalid();
    out.call = {std::move(name), std::move(*arguments), true};
    return out;
  }
  if (name.empty() || !args) return out;  // not ready to open
  out.call.name = std::move(name);
  if (args->value.status == ScanStatus::complete) {
    std::optional<std::string> arguments = arguments_json(args->value_text(text));
    if (!arguments) return invalid();
    out.call.arguments = std::move(*arguments);
  } else if (args->value_pos < text.size() && text[args->value_pos] == '{') {
    // An object in progress streams as written; a string holding JSON waits until it closes.
    std::string so_far = compact_json(text.substr(args->value_pos));
    so_far.resize(whole_utf8_prefix(so_far));
    out.call.arguments = std::move(so_far);
  } else if (args->value_pos < text.size() && text[args->value_pos] != '"' && text[args->value_pos] != 'n') {
    return invalid();  // arguments that can only be a number, list or boolean
  }
  return out;
}

CallScan scan_call_list(std::string_view text, size_t pos, const CallKeys& keys, const ToolSet& tools) {
  CallScan out;
  if (pos >= text.size() || text[pos] != '[') return CallScan::invalid();
  size_t i = pos + 1;
  bool first = true;
  while (true) {
    i = skip_json_space(text, i);
    if (i >= text.size()) return out;
    if (text[i] == ']' && first) break;
    if (text[i] != '{') return CallScan::invalid();
    ObjectCall c = scan_call_object(text, i, keys, tools);
    if (c.status == ScanStatus::invalid) return CallScan::invalid();
    out.calls.push_back(std::move(c.call));
    if (c.status == ScanStatus::incomplete) return out;
    i = skip_json_space(text, c.end);
    if (i >= text.size()) return out;
    if (text[i] == ']') break;
    if (text[i] != ',') return CallScan::invalid();
    ++i;
    first = false;
  }
  out.status = ScanStatus::complete;
  out.end = i + 1;
  return out;
}

CallScan scan_calls_then_close(std::string_view region, size_t i, const CallKeys& keys, const ToolSet& tools,
                               std::string_view close_marker, bool final) {
  if (i >= region.size()) return {};
  CallScan out;
  size_t end = 0;
  if (region[i] == '[') {
    out = scan_call_list(region, i, keys, tools);
    if (out.status != ScanStatus::complete) return out;
    end = out.end;
  } else if (region[i] == '{') {
    ObjectCall c = scan_call_object(region, i, keys, tools);
    if (c.status == ScanStatus::invalid) return CallScan::invalid();
    out.calls.push_back(std::move(c.call));
    if (c.status == ScanStatus::incomplete) return out;
    end = c.end;
  } else {
    return CallScan::invalid();
  }
  const size_t j = skip_json_space(region, end);
  const int close = match_word(region, j, close_marker);
  if (close == -1 && !final) {
    out.status = ScanStatus::incomplete;
    return out;
  }
  out.status = ScanStatus::complete;
  out.end = close == 1 ? j + close_marker.size() : end;
  return out;
}

}  // namespace openarc::llm
