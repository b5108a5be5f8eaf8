// Qwen3-Coder and Qwen3.5/3.6 XML calls (tool-calling.md §1.2):
//   <tool_call>
//   <function=get_weather>
//   <parameter=city>
//   Paris
//   </parameter>
//   </function>
//   </tool_call>
// Values are raw text: one leading and one trailing newline are stripped, then the value is typed
// by the tool's schema (strings stay raw; numbers, booleans, objects and arrays are parsed). The
// model sometimes leaves out <tool_call>, so <function=NAME> starts a call too, but only with a
// name that is a declared tool ("#include <functional>" is not a call).
// Streaming: the name once <function=...> closes, then "{", one "key":value per finished
// parameter, and "}" at </function>.
#include <cctype>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

using nlohmann::ordered_json;

constexpr std::string_view kToolCall = "<tool_call>";
constexpr std::string_view kToolCallEnd = "</tool_call>";
constexpr std::string_view kFunction = "<function=";
constexpr std::string_view kFunctionEnd = "</function>";
constexpr std::string_view kParameter = "<parameter=";
constexpr std::string_view kParameterEnd = "</parameter>";

std::string dump(const ordered_json& v) { return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// The JSON a raw parameter value stands for, given its schema type ("" when unknown).
std::string typed_value(std::string_view raw, const std::string& type) {
  if (raw.starts_with('\n')) raw.remove_prefix(1);
  if (raw.ends_with('\n')) raw.remove_suffix(1);
  if (type == "string") return dump(raw);
  const std::string_view t = trim(raw, kAsciiWhitespace);
  ordered_json v;
  try {
    v = ordered_json::parse(t);
  } catch (const nlohmann::json::exception&) {
    if (type == "boolean" && (t == "True" || t == "False")) return t == "True" ? "true" : "false";
    if (type == "null" && t == "None") return "null";
    return dump(raw);  // not valid for its type: the text as a string rather than nothing
  }
  const bool fits = type.empty() ? !v.is_string()
                    : type == "integer" || type == "number" ? v.is_number()
                    : type == "boolean"                     ? v.is_boolean()
                    : type == "object"                      ? v.is_object()
                    : type == "array"                       ? v.is_array()
                    : type == "null"                        ? v.is_null()
                                                            : false;
  return fits ? compact_json(t) : dump(raw);
}

// A tag's value up to '>' at text[i]: the function or parameter name. Empty: incomplete;
// nullopt: not a name.
std::optional<std::string_view> tag_name(std::string_view text, size_t i, size_t& end) {
  const size_t close = text.find('>', i);
  const std::string_view upto = text.substr(i, close == std::string_view::npos ? std::string_view::npos : close - i);
  if (upto.find_first_of("\n<") != std::string_view::npos || upto.size() > 128) return std::nullopt;
  if (close == std::string_view::npos) return std::string_view();
  if (upto.empty()) return std::nullopt;
  end = close + 1;
  return upto;
}

class Qwen3CoderParser final : public ToolParser {
 public:
  std::string_view name() const override { return "qwen3_coder"; }
  std::vector<StartMarker> start_markers() const override {
    return {{std::string(kToolCall)}, {std::string(kFunction)}};
  }
  std::vector<std::string> dropped_markers() const override { return {"<|im_end|>", "<|endoftext|>"}; }
  std::vector<std::string> format_markers() const override { return {std::string(kToolCall), std::string(kToolCallEnd)}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const bool wrapped = region.starts_with(kToolCall);
    size_t i = wrapped ? skip_json_space(region, kToolCall.size()) : 0;
    const int fn = match_word(region, i, kFunction);
    if (fn != 1) return fn == -1 ? CallScan{} : CallScan::invalid();
    size_t end = 0;
    const auto name = tag_name(region, i + kFunction.size(), end);
    if (!name) return CallScan::invalid();
    if (name->empty()) return {};
    // A bare <function=...> must name a declared tool; with none declared only <tool_call> opens.
    if (!tools.allows(*name) || (!wrapped && tools.empty())) return CallScan::invalid();

    CallScan out;
    out.calls.push_back({std::string(*name), "{", false});
    PartialCall& call = out.calls.back();
    i = end;
    while (true) {
      i = skip_json_space(region, i);
      const int param = match_word(region, i, kParameter);
      if (param == 1) {
        size_t value_start = 0;
        const auto key = tag_name(region, i + kParameter.size(), value_start);
        if (!key) return CallScan::invalid();
        if (key->empty()) return out;
        const size_t value_end = region.find(kParameterEnd, value_start);
        if (value_end == std::string_view::npos) return out;  // the value is held until it closes
        if (call.arguments.size() > 1) call.arguments += ',';
        call.arguments += dump(std::string(*key));
        call.arguments += ':';
        call.arguments += typed_value(region.substr(value_start, value_end - value_start),
                                      tools.parameter_type(call.name, *key));
        i = value_end + kParameterEnd.size();
        continue;
      }
      const int close = match_word(region, i, kFunctionEnd);
      if (param == -1 || close == -1) return out;
      if (close == 0) return CallScan::invalid();
      i += kFunctionEnd.size();
      break;
    }
    call.arguments += '}';
    call.complete = true;
    out.status = ScanStatus::complete;
    out.end = i;
    if (wrapped) {
      const size_t j = skip_json_space(region, i);
      const int close = match_word(region, j, kToolCallEnd);
      if (close == -1 && !final) {
        out.status = ScanStatus::incomplete;
        return out;
      }
      if (close == 1) out.end = j + kToolCallEnd.size();
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_qwen3_coder_parser() { return std::make_unique<Qwen3CoderParser>(); }

}  // namespace openarc::llm
