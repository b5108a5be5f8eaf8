// Command R7B (tool-calling.md §1.9): the plan in <|START_THINKING|>...<|END_THINKING|> (split off
// as reasoning, reasoning.h), then
//   <|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather", "parameters": {...}}, ...]<|END_ACTION|>
// The model's positional tool_call_id is not unique across turns, so calls get fresh ids. The
// answer's <|START_RESPONSE|> ... <|END_RESPONSE|> frame is dropped.
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kActionOpen = "<|START_ACTION|>";
constexpr std::string_view kActionClose = "<|END_ACTION|>";

class CommandR7bParser final : public ToolParser {
 public:
  std::string_view name() const override { return "command_r7b"; }
  std::vector<StartMarker> start_markers() const override { return {{std::string(kActionOpen)}}; }
  std::vector<std::string> format_markers() const override { return {std::string(kActionOpen), std::string(kActionClose)}; }
  std::vector<std::string> dropped_markers() const override {
    return {"<|START_RESPONSE|>", "<|END_RESPONSE|>", "<|END_OF_TURN_TOKEN|>"};
  }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const size_t i = skip_json_space(region, kActionOpen.size());
    if (i >= region.size()) return {};
    if (region[i] != '[') return CallScan::invalid();
    CallScan out = scan_call_list(region, i, {{"tool_name", "name"}, {"parameters", "arguments"}}, tools);
    if (out.status != ScanStatus::complete) return out;
    const size_t j = skip_json_space(region, out.end);
    const int close = match_word(region, j, kActionClose);
    if (close == -1 && !final) {
      out.status = ScanStatus::incomplete;
      return out;
    }
    if (close == 1) out.end = j + kActionClose.size();
    return out;
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_command_r7b_parser() { return std::make_unique<CommandR7bParser>(); }

}  // namespace openarc::llm
