// Phi-4-mini (tool-calling.md §1.8), either of:
//   functools[{"name": "get_weather", "arguments": {"city": "Paris"}}, ...]   (the peer template; FireFunction v2 too)
//   <|tool_call|>[{...}, ...]<|/tool_call|>                                  (the model's own tokens)
// The list is read JSON-aware, so a ']' inside an argument does not end it (vLLM's regex does).
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kFunctools = "functools[";
constexpr std::string_view kPhi4Open = "<|tool_call|>";
constexpr std::string_view kPhi4Close = "<|/tool_call|>";

class Phi4MiniParser final : public ToolParser {
 public:
  std::string_view name() const override { return "phi4_mini"; }
  std::vector<StartMarker> start_markers() const override { return {{std::string(kFunctools)}, {std::string(kPhi4Open)}}; }
  std::vector<std::string> format_markers() const override { return {std::string(kFunctools), std::string(kPhi4Open), std::string(kPhi4Close)}; }
  std::vector<std::string> dropped_markers() const override { return {"<|end|>", "<|endoftext|>"}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const CallKeys keys{{"name"}, {"arguments", "parameters"}};
    if (region.starts_with(kFunctools)) return scan_call_list(region, kFunctools.size() - 1, keys, tools);

    return scan_calls_then_close(region, skip_json_space(region, kPhi4Open.size()), keys, tools, kPhi4Close, final);
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_phi4_mini_parser() { return std::make_unique<Phi4MiniParser>(); }

}  // namespace openarc::llm
