#include "llm/tool_call_grammar.h"

#include "grammar/json_schema.h"
#include "llm/generation_config.h"

namespace openarc::llm {

namespace {

using grammar::Expr;
using grammar::literal;
using nlohmann::ordered_json;

// How a family writes its calls: prefix, calls joined by sep, suffix; `call` frames one call
// around its arguments, written as a JSON object, Python keyword arguments or XML parameters.
enum class Arguments { json_object, python_kwargs, xml_parameters };
struct CallFormat {
  std::string prefix, sep, suffix;
  std::function<Expr(const std::string& name, Expr args)> call;
  Arguments arguments = Arguments::json_object;
};

// Where tool_choice "auto"'s lazy grammar starts (the family's start marker that its forced
// text begins with), and what it covers from there: one call (families that repeat the marker
// per call) or the whole block of calls, prefix to suffix; with to_end the block is the rest of
// the output (families whose whole turn is the calls). `wrappers` are other markers that may
// enclose the block (open anywhere, then the block, then close).
struct LazyFormat {
  std::string trigger;
  bool per_call = false;
  bool at_start = false;
  bool to_end = false;
  std::vector<std::pair<std::string, std::string>> wrappers;
};

LazyFormat lazy_format_of(const ToolParser& parser, const CallFormat& format) {
  const std::string_view family = parser.name();
  if (family == "hermes" || family == "qwen3_coder") return {"<tool_call>", true};
  // llama.cpp's trigger for Llama 3.x JSON, `{"name"` at the start: a JSON answer is no call.
  if (family == "llama3_json") return {"{\"name\"", false, true, true, {{"<|python_tag|>", ""}}};
  if (family == "mistral") return {"[TOOL_CALLS]", format.prefix.empty()};
  if (family == "deepseek_r1" || family == "deepseek_v31") return {"<｜tool▁calls▁begin｜>"};
  if (family == "granite") return {"<|tool_call|>"};
  if (family == "phi4_mini") return {"functools["};
  if (family == "command_r7b") return {"<|START_ACTION|>"};
  // {"tool_call": ...} and {"tool_calls": [...]}; {"response": ...} and other JSON stay free.
  if (family == "generic") return {"{\"tool_call", false, true, true};
  if (family == "pythonic") return {"[", false, true, true, {{"<|python_start|>", "<|python_end|>"}}};
  return {};
}

std::string quoted(const std::string& s) { return ordered_json(s).dump(); }

// {"<name_key>": "NAME", "<args_key>": ARGS}, with the spacing the family's templates use.
std::function<Expr(const std::string&, Expr)> json_call(const char* name_key, const char* args_key) {
  return [=](const std::string& name, Expr args) {
    return grammar::seq({literal(std::string("{\"") + name_key + "\": " + quoted(name) + ", \"" + args_key + "\": "),
                         std::move(args), literal("}")});
  };
}

CallFormat format_of(const ToolParser& parser, bool parallel, const std::function<bool(std::string_view)>& has_token) {
  const std::string_view family = parser.name();
  if (family == "hermes")
    return {"", "\n", "", [](const std::string& name, Expr args) {
              return grammar::seq({literal("<tool_call>\n{\"name\": " + quoted(name) + ", \"arguments\": "), std::move(args),
                                   literal("}\n</tool_call>")});
            }};
  if (family == "llama3_json") return {"", "; ", "", json_call("name", "parameters")};
  if (family == "mistral") {
    if (has_token("[ARGS]"))
      return {"", "", "", [](const std::string& name, Expr args) {
                return grammar::seq({literal("[TOOL_CALLS]" + name + "[ARGS]"), std::move(args)});
              }};
    return {"[TOOL_CALLS][", ", ", "]", json_call("name", "arguments")};
  }
  if (family == "deepseek_r1")
    return {"<｜tool▁calls▁begin｜>", "\n", "<｜tool▁calls▁end｜>", [](const std::string& name, Expr args) {
              return grammar::seq({literal("<｜tool▁call▁begin｜>function<｜tool▁sep｜>" + name + "\n```json\n"),
                                   std::move(args), literal("\n```<｜tool▁call▁end｜>")});
            }};
  if (family == "deepseek_v31")
    return {"<｜tool▁calls▁begin｜>", "", "<｜tool▁calls▁end｜>", [](const std::string& name, Expr args) {
              return grammar::seq({literal("<｜tool▁call▁begin｜>" + name + "<｜tool▁sep｜>"), std::move(args),
                                   literal("<｜tool▁call▁end｜>")});
            }};
  if (family == "granite") return {"<|tool_call|>[", ", ", "]", json_call("name", "arguments")};
  if (family == "phi4_mini") return {"functools[", ", ", "]", json_call("name", "arguments")};
  if (family == "command_r7b")
    return {"<|START_ACTION|>[", ", ", "]<|END_ACTION|>", [](const std::string& name, Expr args) {
              // The parser gives calls fresh ids; the model's positional one only has to be there.
              return grammar::seq({literal("{\"tool_call_id\": \""), grammar::repeat(grammar::chars({{'0', '9'}}), 1, 3),
                                   literal("\", \"tool_name\": " + quoted(name) + ", \"parameters\": "), std::move(args),
                                   literal("}")});
            }};
  if (family == "generic") {
    if (parallel) return {"{\"tool_calls\": [", ", ", "]}", json_call("name", "arguments")};
    return {"{\"tool_call\": ", "", "}", json_call("name", "arguments")};
  }
  if (family == "pythonic")
    return {"[", ", ", "]",
            [](const std::string& name, Expr args) {
              return grammar::seq({literal(name + "("), std::move(args), literal(")")});
            },
            Arguments::python_kwargs};
  if (family == "qwen3_coder")
    return {"", "\n", "",
            [](const std::string& name, Expr args) {
              return grammar::seq({literal("<tool_call>\n<function=" + name + ">\n"), std::move(args),
                                   literal("</function>\n</tool_call>")});
            },
            Arguments::xml_parameters};
  if (family == "none")
    throw SettingError("tool_choice", "tool_choice cannot force a call: this model's tool-call format is 'none' "
                                      "(load it with a tool_parser)");
  throw SettingError("tool_choice", "tool_choice \"required\" or a named function is not supported for the '" +
                                        std::string(family) + "' tool-call format; use \"auto\"");
}

// The rules of every callable tool's arguments, and the choice of their calls as rule "call".
std::vector<grammar::RuleDef> call_rules(const CallFormat& format, const ordered_json& tools, const std::string& only) {
  std::vector<grammar::RuleDef> rules;
  std::vector<Expr> calls;
  const ordered_json none = ordered_json::array();
  const ordered_json& list = tools.is_array() ? tools : none;
  for (size_t i = 0; i < list.size(); ++i) {
    const ordered_json& fn = list[i].at("function");
    const std::string name = fn.at("name").get<std::string>();
    if (!only.empty() && name != only) continue;
    // No parameters: the function takes none.
    const ordered_json params = fn.contains("parameters") && !fn["parameters"].is_null()
                                    ? fn["parameters"]
                                    : ordered_json{{"type", "object"}, {"properties", ordered_json::object()},
                                                   {"additionalProperties", false}};
    if (format.arguments == Arguments::python_kwargs) {
      bool identifier = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
      for (char ch : name) identifier = identifier && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
      if (!identifier)
        throw SettingError("tools", "tools[" + std::to_string(i) + "]: '" + name +
                                        "' is not a Python identifier, so a pythonic call cannot name it");
    }
    grammar::JsonSchemaRules schema(params, "tool" + std::to_string(i) + "-",
                                    format.arguments == Arguments::python_kwargs ? grammar::LiteralSyntax::python
                                                                                 : grammar::LiteralSyntax::json);
    Expr args;
    try {
      switch (format.arguments) {
        case Arguments::json_object: args = schema.document_object(); break;
        case Arguments::python_kwargs: args = schema.keyword_arguments(); break;
        case Arguments::xml_parameters: args = schema.xml_parameters(); break;
      }
    } catch (const grammar::SchemaError& e) {
      throw SettingError("tools", "tools[" + std::to_string(i) + "].function.parameters: " + e.what());
    }
    for (grammar::RuleDef& r : schema.take()) rules.push_back(std::move(r));
    calls.push_back(format.call(name, std::move(args)));
  }
  if (calls.empty()) {
    if (!only.empty())
      throw SettingError("tool_choice", "tool_choice names the function '" + only + "', which is not in tools");
    throw SettingError("tool_choice", "tool_choice \"required\" needs at least one tool");
  }
  rules.push_back({"call", grammar::choice(std::move(calls)), {}});
  return rules;
}

// prefix call (sep call)* suffix, or one call between prefix and suffix.
Expr block(const CallFormat& format, bool parallel) {
  std::vector<Expr> root{literal(format.prefix), grammar::ref("call")};
  if (parallel) root.push_back(grammar::star(grammar::seq({literal(format.sep), grammar::ref("call")})));
  root.push_back(literal(format.suffix));
  return grammar::seq(std::move(root));
}

std::shared_ptr<const grammar::Grammar> compile(std::vector<grammar::RuleDef> rules, Expr root) {
  rules.push_back({"root", std::move(root), {}});
  try {
    return std::make_shared<const grammar::Grammar>(grammar::Grammar::compile(rules, "root"));
  } catch (const Error& e) {
    throw SettingError("tools", std::string("the tools' parameters cannot produce a call: ") + e.what());
  }
}

}  // namespace

grammar::Grammar tool_call_grammar(const ToolParser& parser, const ordered_json& tools, const ForcedToolCall& forced,
                                   const std::function<bool(std::string_view)>& has_token) {
  const CallFormat format = format_of(parser, forced.parallel, has_token);
  return *compile(call_rules(format, tools, forced.name), block(format, forced.parallel));
}

std::vector<grammar::LazyTrigger> tool_call_triggers(const ToolParser& parser, const ordered_json& tools, bool parallel,
                                                     const std::function<bool(std::string_view)>& has_token) {
  if (parser.name() == "none") return {};
  const CallFormat format = format_of(parser, parallel, has_token);
  const LazyFormat lazy = lazy_format_of(parser, format);
  if (lazy.trigger.empty()) return {};
  std::vector<grammar::RuleDef> rules;
  try {
    rules = call_rules(format, tools, "");
  } catch (const SettingError&) {
    return {};  // a parameters schema the grammar cannot enforce: the output is only parsed
  }
  using Where = grammar::LazyTrigger::Where;
  std::vector<grammar::LazyTrigger> out;
  const Expr body = lazy.per_call ? grammar::ref("call") : block(format, parallel);
  out.push_back({lazy.trigger, lazy.at_start ? Where::at_start : Where::anywhere, compile(rules, body), lazy.to_end});
  for (const auto& [open, close] : lazy.wrappers)
    out.push_back({open, Where::anywhere, compile(rules, grammar::seq({literal(open), body, literal(close)})), lazy.to_end});
  return out;
}

}  // namespace openarc::llm
