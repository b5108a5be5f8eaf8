// Llama 3.1 / 3.2 / 3.3 (tool-calling.md §1.3): a JSON object at the very start of the output,
//   {"name": "get_weather", "parameters": {"city": "Paris"}}
// or after <|python_tag|> anywhere, ending at <|eot_id|> / <|eom_id|>. Several calls may be
// separated by ';' (vLLM's llama3_json accepts that). After <|python_tag|> the 3.1 built-in tools
// are written as Python, `brave_search.call(query="...")`: a call named by its module.
#include "llm/python_call.h"
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kPythonTag = "<|python_tag|>";

CallScan scan_builtin(std::string_view region, size_t pos, const ToolSet& tools, bool final) {
  PythonCall c = scan_python_call(region, pos);
  if (c.status != ScanStatus::complete) return {c.status, 0, {}, {}};
  // brave_search.call(...) -> brave_search; a dotted name otherwise stays whole.
  std::string name = c.name;
  if (name.ends_with(".call")) name.resize(name.size() - 5);
  if (!tools.allows(name)) return CallScan::invalid();
  return {ScanStatus::complete, c.end, {{name, c.arguments, true}}, {}};
}

class Llama3JsonParser final : public ToolParser {
 public:
  std::string_view name() const override { return "llama3_json"; }
  std::vector<StartMarker> start_markers() const override {
    return {{std::string(kPythonTag), true}, {"{", false}};
  }
  std::vector<std::string> dropped_markers() const override { return {"<|eot_id|>", "<|eom_id|>"}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const bool tagged = region.starts_with(kPythonTag);
    size_t i = skip_json_space(region, tagged ? kPythonTag.size() : 0);
    if (i >= region.size()) return {};
    if (region[i] != '{') return tagged ? scan_builtin(region, i, tools, final) : CallScan::invalid();

    const CallKeys keys{{"name"}, {"parameters", "arguments"}};
    CallScan out;
    size_t last_end = 0;
    auto done = [&] {
      out.status = ScanStatus::complete;
      out.end = last_end;
      return out;
    };
    while (true) {
      ObjectCall c = scan_call_object(region, i, keys, tools);
      if (c.status == ScanStatus::invalid) return out.calls.empty() ? CallScan::invalid() : done();
      out.calls.push_back(std::move(c.call));
      if (c.status == ScanStatus::incomplete) return out;
      last_end = c.end;
      size_t j = skip_json_space(region, c.end);
      if (j >= region.size()) return final ? done() : out;
      if (region[j] != ';') return done();
      j = skip_json_space(region, j + 1);
      if (j >= region.size()) return final ? done() : out;
      if (region[j] != '{') return done();
      i = j;
    }
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_llama3_json_parser() { return std::make_unique<Llama3JsonParser>(); }

}  // namespace openarc::llm
