// The generic JSON form for templates without a native one (tool-calling.md §1.10, llama.cpp's
// "Generic" handler): the whole output is one JSON object,
//   {"tool_call": {"name": "f", "arguments": {...}}}
//   {"tool_calls": [{"name": "f", "arguments": {...}}, ...]}
//   {"response": "text"}                       (the answer: content)
// It is held until it closes; any other output is content.
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

using nlohmann::ordered_json;

class GenericParser final : public ToolParser {
 public:
  std::string_view name() const override { return "generic"; }
  std::vector<StartMarker> start_markers() const override { return {{"{", false}}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const JsonScan v = scan_json_value(region, 0);
    if (v.status == ScanStatus::incomplete) return {};
    if (v.status == ScanStatus::invalid) return CallScan::invalid();
    ordered_json j;
    try {
      j = ordered_json::parse(region.substr(0, v.end));
    } catch (const nlohmann::json::exception&) {
      return CallScan::invalid();
    }
    CallScan out{ScanStatus::complete, v.end, {}, {}};
    if (j.size() != 1) return CallScan::invalid();
    if (j.contains("response")) {
      if (!j["response"].is_string()) return CallScan::invalid();
      out.content = j["response"].get<std::string>();
      return out;
    }
    ordered_json calls;
    if (j.contains("tool_call")) calls = ordered_json::array({j["tool_call"]});
    else if (j.contains("tool_calls")) calls = j["tool_calls"];
    if (!calls.is_array() || calls.empty()) return CallScan::invalid();
    for (const auto& c : calls) {
      if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) return CallScan::invalid();
      const std::string name = c["name"].get<std::string>();
      if (!tools.allows(name)) return CallScan::invalid();
      std::optional<std::string> arguments =
          c.contains("arguments") ? arguments_json(c["arguments"].dump()) : std::string("{}");
      if (!arguments) return CallScan::invalid();
      out.calls.push_back({name, std::move(*arguments), true});
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_generic_parser() { return std::make_unique<GenericParser>(); }

}  // namespace openarc::llm
