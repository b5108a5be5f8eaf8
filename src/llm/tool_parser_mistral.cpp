// Mistral (tool-calling.md §1.5), both forms after the [TOOL_CALLS] control token:
//   list (v3/v7: 7B v0.3, Nemo, Small 3/3.1):  [TOOL_CALLS] [{"name": "f", "arguments": {...}}, ...]
//   v11+ (Magistral, Devstral, Ministral 3):   [TOOL_CALLS]f[ARGS]{...}[TOOL_CALLS]g[ARGS]{...}
//   Small 3.2 in history:                      [TOOL_CALLS]f[CALL_ID]abcdefghi[ARGS]{...}
// In the v11 form the arguments are one JSON value read JSON-aware (they may contain "[TOOL_CALLS]").
#include <cctype>

#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kToolCalls = "[TOOL_CALLS]";
constexpr std::string_view kArgs = "[ARGS]";
constexpr std::string_view kCallId = "[CALL_ID]";

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

// f[ARGS]{...} or f[CALL_ID]id[ARGS]{...} at region[pos].
CallScan scan_named(std::string_view region, size_t pos, const ToolSet& tools) {
  size_t i = pos;
  while (i < region.size() && name_char(region[i])) ++i;
  if (i >= region.size()) return {};
  if (i == pos || region[i] != '[') return CallScan::invalid();
  const std::string name(region.substr(pos, i - pos));
  const int call_id = match_word(region, i, kCallId);
  if (call_id == -1) return {};
  if (call_id == 1) {
    i += kCallId.size();
    while (i < region.size() && std::isalnum(static_cast<unsigned char>(region[i]))) ++i;
    if (i >= region.size()) return {};
  }
  const int args = match_word(region, i, kArgs);
  if (args == 0) return CallScan::invalid();
  if (args == -1) return {};
  if (!tools.allows(name)) return CallScan::invalid();
  i = skip_json_space(region, i + kArgs.size());

  CallScan out;
  out.calls.push_back({name, "", false});
  if (i >= region.size()) return out;
  if (region[i] != '{') return CallScan::invalid();
  const JsonScan v = scan_json_value(region, i);
  if (v.status == ScanStatus::invalid) return CallScan::invalid();
  if (v.status == ScanStatus::incomplete) {
    std::string so_far = compact_json(region.substr(i));
    so_far.resize(whole_utf8_prefix(so_far));
    out.calls[0].arguments = std::move(so_far);
    return out;
  }
  std::optional<std::string> arguments = arguments_json(region.substr(i, v.end - i));
  if (!arguments) return CallScan::invalid();
  out.calls[0] = {name, std::move(*arguments), true};
  out.status = ScanStatus::complete;
  out.end = v.end;
  return out;
}

class MistralParser final : public ToolParser {
 public:
  std::string_view name() const override { return "mistral"; }
  std::vector<StartMarker> start_markers() const override { return {{std::string(kToolCalls)}}; }
  std::vector<std::string> format_markers() const override { return {std::string(kToolCalls), std::string(kArgs), std::string(kCallId)}; }
  std::vector<std::string> dropped_markers() const override { return {"</s>"}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const size_t i = skip_json_space(region, kToolCalls.size());
    if (i >= region.size()) return {};
    if (region[i] == '[') return scan_call_list(region, i, {{"name"}, {"arguments", "parameters"}}, tools);
    return scan_named(region, i, tools);
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_mistral_parser() { return std::make_unique<MistralParser>(); }

}  // namespace openarc::llm
