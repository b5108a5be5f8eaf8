// Pythonic calls (tool-calling.md §1.4): Llama 3.2's alternative template, Llama 4, ToolACE and
// Gemma 3 with vLLM's template write the whole turn as a Python list of calls,
//   [get_weather(city="Paris"), search(query="x")]
// at the start of the output, Llama 4 optionally inside <|python_start|>...<|python_end|>.
// The list is held until it closes: a value is only known to be a literal once it is whole.
#include "llm/python_call.h"
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kStart = "<|python_start|>";
constexpr std::string_view kEnd = "<|python_end|>";

class PythonicParser final : public ToolParser {
 public:
  std::string_view name() const override { return "pythonic"; }
  std::vector<StartMarker> start_markers() const override { return {{std::string(kStart), true}, {"[", false}}; }
  std::vector<std::string> format_markers() const override { return {std::string(kStart), std::string(kEnd)}; }
  std::vector<std::string> dropped_markers() const override { return {"<|eot|>", "<|eom|>", "<|eot_id|>", "<|eom_id|>"}; }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    const bool tagged = region.starts_with(kStart);
    size_t i = skip_python_space(region, tagged ? kStart.size() : 0);
    if (i >= region.size()) return {};
    CallScan out;
    const bool listed = region[i] == '[';
    if (!listed && !tagged) return CallScan::invalid();
    if (listed) i = skip_python_space(region, i + 1);
    while (true) {
      if (i >= region.size()) return {};
      if (listed && region[i] == ']' && out.calls.empty()) break;
      PythonCall c = scan_python_call(region, i);
      if (c.status == ScanStatus::invalid || (c.status == ScanStatus::complete && !tools.allows(c.name)))
        return CallScan::invalid();
      if (c.status == ScanStatus::incomplete) return {};
      out.calls.push_back({c.name, c.arguments, true});
      i = skip_python_space(region, c.end);
      if (!listed) break;
      if (i >= region.size()) return {};
      if (region[i] == ']') break;
      if (region[i] != ',') return CallScan::invalid();
      i = skip_python_space(region, i + 1);
    }
    if (listed) ++i;  // ']'
    size_t end = i;
    if (tagged) {
      const size_t j = skip_python_space(region, i);
      const int closed = match_word(region, j, kEnd);
      if (closed == -1 && !final) return {};
      if (closed == 1) end = j + kEnd.size();
    }
    out.status = ScanStatus::complete;
    out.end = end;
    return out;
  }
};

}  // namespace

std::unique_ptr<ToolParser> make_pythonic_parser() { return std::make_unique<PythonicParser>(); }

}  // namespace openarc::llm
