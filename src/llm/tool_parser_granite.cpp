// Granite 3.x (tool-calling.md §1.7): <|tool_call|> (a special token; 3.1 writes the plain text
// <tool_call>) and a JSON list of {"name", "arguments"}. Granite 4 writes Hermes blocks,
// <tool_call>{...}</tool_call>, which this parser reads too. With thinking on, 3.2/3.3 answer in
// <response>...</response> after the <think> block: the tags frame the content and are dropped.
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kSpecial = "<|tool_call|>";
constexpr std::string_view kPlain = "<tool_call>";
constexpr std::string_view kPlainClose = "</tool_call>";

class GraniteParser final : public ToolParser {
 public:
  std::string_view name() const override { return "granite"; }
  std::vector<StartMarker> start_markers() const override { return {{std::string(kSpecial)}, {std::string(kPlain)}}; }
  std::vector<std::string> format_markers() const override { return {std::string(kSpecial), std::string(kPlain), std::string(kPlainClose)}; }
  std::vector<std::string> dropped_markers() const override { return {"<response>", "</response>", "<|end_of_text|>"}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const CallKeys keys{{"name"}, {"arguments", "parameters"}};
    const size_t i = skip_json_space(region, region.starts_with(kSpecial) ? kSpecial.size() : kPlain.size());
    // The closing tag is optional (Granite 4's Hermes form has one).
    return scan_calls_then_close(region, i, keys, tools, kPlainClose, final);
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_granite_parser() { return std::make_unique<GraniteParser>(); }

}  // namespace openarc::llm
