// "none": tool parsing off, every byte is content (tool_choice none, or a model without tools).
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

class NoneParser final : public ToolParser {
 public:
  std::string_view name() const override { return "none"; }
  std::vector<StartMarker> start_markers() const override { return {}; }
  CallScan scan(std::string_view, const ToolSet&, bool) const override { return CallScan::invalid(); }
};

}  // namespace

std::unique_ptr<ToolParser> make_none_parser() { return std::make_unique<NoneParser>(); }

}  // namespace openarc::llm
