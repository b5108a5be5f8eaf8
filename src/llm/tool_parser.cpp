#include "llm/tool_parser.h"

#include <array>
#include <cctype>

#include "core/error.h"
#include "llm/tool_parser_families.h"

namespace openarc::llm {

ToolSet::ToolSet(const nlohmann::ordered_json& tools) {
  if (tools.is_null()) return;
  check(tools.is_array(), "\"tools\" must be a JSON array");
  for (size_t i = 0; i < tools.size(); ++i) {
    const auto& t = tools[i];
    check(t.is_object(), "tools[", i, "] must be an object");
    check(!t.contains("type") || t["type"] == "function", "tools[", i, "].type must be \"function\"");
    // OpenAI nests the function; some clients send it flat.
    const auto& f = t.contains("function") ? t["function"] : t;
    check(f.is_object() && f.contains("name") && f["name"].is_string() && !f["name"].get<std::string>().empty(),
          "tools[", i, "].function.name must be a non-empty string");
    tools_.push_back({f["name"].get<std::string>(), f.value("parameters", nlohmann::ordered_json::object())});
  }
}

bool ToolSet::allows(std::string_view name) const {
  if (!tools_.empty()) {
    for (const auto& t : tools_)
      if (t.name == name) return true;
    return false;
  }
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':')) return false;
  return true;
}

std::string ToolSet::parameter_type(std::string_view tool, std::string_view parameter) const {
  for (const auto& t : tools_) {
    if (t.name != tool) continue;
    if (!t.parameters.is_object() || !t.parameters.contains("properties")) return "";
    const auto& props = t.parameters["properties"];
    if (!props.is_object() || !props.contains(std::string(parameter))) return "";
    const auto& p = props[std::string(parameter)];
    if (!p.is_object() || !p.contains("type")) return "";
    const auto& type = p["type"];
    if (type.is_string()) return type.get<std::string>();
    // ["integer", "null"]: the first non-null type.
    if (type.is_array())
      for (const auto& x : type)
        if (x.is_string() && x != "null") return x.get<std::string>();
    return "";
  }
  return "";
}

namespace {

struct Registry {
  std::array<std::unique_ptr<ToolParser>, 12> parsers = {
      make_hermes_parser(),       make_qwen3_coder_parser(), make_llama3_json_parser(),  make_pythonic_parser(),
      make_mistral_parser(),      make_deepseek_r1_parser(), make_deepseek_v31_parser(), make_granite_parser(),
      make_phi4_mini_parser(),    make_command_r7b_parser(), make_generic_parser(),      make_none_parser(),
  };
  std::array<std::string_view, 12> names;
  Registry() {
    for (size_t i = 0; i < parsers.size(); ++i) names[i] = parsers[i]->name();
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

bool has(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

}  // namespace

std::span<const std::string_view> tool_parser_names() { return registry().names; }

const ToolParser* find_tool_parser(std::string_view name) {
  for (const auto& p : registry().parsers)
    if (p->name() == name) return p.get();
  return nullptr;
}

const ToolParser& detect_tool_parser(std::string_view t) {
  // Most specific cue first (tool-calling.md §6): the XML form before <tool_call>, DeepSeek V3.1
  // before R1, Llama 4's python_start before the ipython role all Llamas share.
  auto pick = [](std::string_view name) -> const ToolParser& { return *find_tool_parser(name); };
  if (has(t, "<function=") && has(t, "<parameter=")) return pick("qwen3_coder");
  if (has(t, "<\xEF\xBD\x9Ctool\xE2\x96\x81""calls\xE2\x96\x81""begin\xEF\xBD\x9C>"))  // <｜tool▁calls▁begin｜>
    return pick(has(t, "message['prefix']") ? "deepseek_v31" : "deepseek_r1");
  if (has(t, "<|START_ACTION|>")) return pick("command_r7b");
  if (has(t, "[TOOL_CALLS]") || has(t, "[AVAILABLE_TOOLS]")) return pick("mistral");
  if (has(t, "<|tool_call|>")) return pick("granite");
  if (has(t, "functools[") || has(t, "<|tool|>")) return pick("phi4_mini");
  if (has(t, "<tool_call>")) return pick("hermes");
  if (has(t, "<|python_start|>")) return pick("pythonic");
  if (has(t, "<|python_tag|>") || has(t, "ipython")) return pick("llama3_json");
  return pick("generic");
}

}  // namespace openarc::llm
