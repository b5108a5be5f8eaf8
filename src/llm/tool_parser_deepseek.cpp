// DeepSeek tool-call tokens (tool-calling.md §1.6), not special in the tokenizer:
//   R1 / V3: <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{...}\n```<｜tool▁call▁end｜>
//            (more calls after a "\n") <｜tool▁calls▁end｜>
//   V3.1:    <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{...}<｜tool▁call▁end｜>...<｜tool▁calls▁end｜>
// R1 distills misspell the outer begin token (llama.cpp accepts the variants below) or leave it
// out; the fence and the "function" type are optional as V3 variants write them.
#include "llm/tool_call_json.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

namespace {

constexpr std::string_view kCallsBegin = "<｜tool▁calls▁begin｜>";
constexpr std::string_view kCallsEnd = "<｜tool▁calls▁end｜>";
constexpr std::string_view kCallBegin = "<｜tool▁call▁begin｜>";
constexpr std::string_view kCallEnd = "<｜tool▁call▁end｜>";
constexpr std::string_view kSep = "<｜tool▁sep｜>";
constexpr std::string_view kMisspelledBegins[] = {"<｜tool_calls_begin｜>", "<｜tool calls begin｜>", "<｜tool▁calls｜>"};

struct Step {
  ScanStatus status;
  size_t end = 0;
  PartialCall call;
};

Step incomplete(PartialCall call = {}) { return {ScanStatus::incomplete, 0, std::move(call)}; }
Step invalid() { return {ScanStatus::invalid, 0, {}}; }

// The arguments JSON at region[i] up to the call's end token; `call` has its name.
Step scan_arguments(std::string_view region, size_t i, PartialCall call, bool fenced) {
  if (fenced) {
    const int fence = match_word(region, i, "```");
    if (fence == -1) return incomplete(std::move(call));
    if (fence == 1) {
      i += 3;
      const int lang = match_word(region, i, "json");
      if (lang == -1) return incomplete(std::move(call));
      if (lang == 1) i += 4;
    }
  }
  i = skip_json_space(region, i);
  if (i >= region.size()) return incomplete(std::move(call));
  if (region[i] != '{') return invalid();
  const JsonScan v = scan_json_value(region, i);
  if (v.status == ScanStatus::invalid) return invalid();
  if (v.status == ScanStatus::incomplete) {
    call.arguments = compact_json(region.substr(i));
    call.arguments.resize(whole_utf8_prefix(call.arguments));
    return incomplete(std::move(call));
  }
  std::optional<std::string> arguments = arguments_json(region.substr(i, v.end - i));
  if (!arguments) return invalid();
  call.arguments = std::move(*arguments);
  size_t j = skip_json_space(region, v.end);
  if (fenced) {
    const int fence = match_word(region, j, "```");
    if (fence == -1) return incomplete(std::move(call));
    if (fence == 1) j = skip_json_space(region, j + 3);
  }
  const int end = match_word(region, j, kCallEnd);
  if (end == -1) return incomplete(std::move(call));
  if (end == 0) return invalid();
  call.complete = true;
  return {ScanStatus::complete, j + kCallEnd.size(), std::move(call)};
}

// One call at region[i], which starts with <｜tool▁call▁begin｜>.
Step scan_call(std::string_view region, size_t i, const ToolSet& tools, bool v31) {
  i += kCallBegin.size();
  if (!v31) {
    const int type = match_word(region, i, "function");
    if (type == -1) return incomplete();
    if (type == 1) i += 8;
    const int sep = match_word(region, i, kSep);
    if (sep != 1) return sep == -1 ? incomplete() : invalid();
    i += kSep.size();
  }
  // R1: the name runs to the end of the line; V3.1: to the separator.
  const std::string_view stop = v31 ? kSep : "\n";
  const size_t name_end = region.find(stop, i);
  if (name_end == std::string_view::npos) {
    // A name has no line break and is not long; anything else is not a call.
    if (v31 && region.find('\n', i) != std::string_view::npos) return invalid();
    return region.size() - i > 256 ? invalid() : incomplete();
  }
  std::string_view name = region.substr(i, name_end - i);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\r')) name.remove_suffix(1);
  if (!tools.allows(name)) return invalid();
  return scan_arguments(region, name_end + stop.size(), {std::string(name), "", false}, !v31);
}

class DeepSeekParser final : public ToolParser {
 public:
  explicit DeepSeekParser(bool v31) : v31_(v31) {}
  std::string_view name() const override { return v31_ ? "deepseek_v31" : "deepseek_r1"; }
  std::vector<StartMarker> start_markers() const override {
    std::vector<StartMarker> m = {{std::string(kCallsBegin)}, {std::string(kCallBegin)}};
    for (auto b : kMisspelledBegins) m.push_back({std::string(b)});
    return m;
  }
  std::vector<std::string> dropped_markers() const override { return {"<｜end▁of▁sentence｜>"}; }
  std::vector<std::string> format_markers() const override {
    std::vector<std::string> m = {std::string(kCallsBegin), std::string(kCallsEnd), std::string(kCallBegin),
                                  std::string(kCallEnd), std::string(kSep)};
    for (auto b : kMisspelledBegins) m.push_back(std::string(b));
    return m;
  }

  CallScan scan(std::string_view region, const ToolSet& tools, bool final) const override {
    size_t i = 0;
    for (auto b : {kCallsBegin, kMisspelledBegins[0], kMisspelledBegins[1], kMisspelledBegins[2]})
      if (region.starts_with(b)) i = b.size();
    CallScan out;
    while (true) {
      i = skip_json_space(region, i);
      const int call = match_word(region, i, kCallBegin);
      if (call == 1) {
        Step s = scan_call(region, i, tools, v31_);
        if (s.status == ScanStatus::invalid) return CallScan::invalid();
        out.calls.push_back(std::move(s.call));
        if (s.status == ScanStatus::incomplete) {
          if (out.calls.back().name.empty()) out.calls.pop_back();
          return out;
        }
        i = s.end;
        continue;
      }
      const int end = match_word(region, i, kCallsEnd);
      if ((call == -1 || end == -1) && !final) return out;
      if (out.calls.empty()) return CallScan::invalid();
      out.status = ScanStatus::complete;
      out.end = end == 1 ? i + kCallsEnd.size() : i;  // a missing end token ends the calls too
      return out;
    }
  }

 private:
  bool v31_;
};

}  // namespace

std::unique_ptr<ToolParser> make_deepseek_r1_parser() { return std::make_unique<DeepSeekParser>(false); }
std::unique_ptr<ToolParser> make_deepseek_v31_parser() { return std::make_unique<DeepSeekParser>(true); }

}  // namespace openarc::llm
