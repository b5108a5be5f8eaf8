// Hermes 2 Pro / Hermes 3 / Qwen2.5 / QwQ / Qwen3 (tool-calling.md §1.1): one block per call,
//   <tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>
// A block still open at the end of the output counts once its JSON is complete (vLLM and OVMS
// accept it too: the model stopped on its end-of-turn token instead).
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kHermesOpen = "<tool_call>";
constexpr std::string_view kHermesClose = "</tool_call>";

class HermesParser final : public ToolParser {
 public:
  std::string_view name() const override { return "hermes"; }
  std::vector<StartMarker> start_markers() const override { return {{std::string(kHermesOpen)}}; }
  std::vector<std::string> dropped_markers() const override { return {"<|im_end|>", "<|endoftext|>"}; }
  std::vector<std::string> format_markers() const override { return {std::string(kHermesOpen), std::string(kHermesClose)}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const size_t body = skip_json_space(region, kHermesOpen.size());
    if (body >= region.size()) return {};
    if (region[body] != '{') return CallScan::invalid();
    ObjectCall c = scan_call_object(region, body, {{"name"}, {"arguments", "parameters"}}, tools);
    CallScan out;
    out.status = c.status;
    if (c.status == ScanStatus::invalid) return CallScan::invalid();
    out.calls.push_back(std::move(c.call));
    if (c.status == ScanStatus::incomplete) return out;
    const size_t after = skip_json_space(region, c.end);
    switch (match_word(region, after, kHermesClose)) {
      case 1:
        out.end = after + kHermesClose.size();
        break;
      case -1:
        if (!final) {
          out.status = ScanStatus::incomplete;
          return out;
        }
        out.end = after == region.size() ? after : c.end;
        break;
      default:
        out.end = c.end;  // the call is whole; what follows is content
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_hermes_parser() { return std::make_unique<HermesParser>(); }

}  // namespace openarc::llm
