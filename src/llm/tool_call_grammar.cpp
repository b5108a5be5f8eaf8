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

}  // namespace

grammar::Grammar tool_call_grammar(const ToolParser& parser, const ordered_json& tools, const ForcedToolCall& forced,
                                   const std::function<bool(std::string_view)>& has_token) {
  const CallFormat format = format_of(parser, forced.parallel, has_token);
  std::vector<grammar::RuleDef> rules;
  std::vector<Expr> calls;
  const ordered_json none = ordered_json::array();
  const ordered_json& list = tools.is_array() ? tools : none;
  for (size_t i = 0; i < list.size(); ++i) {
    const ordered_json& fn = list[i].at("function");
    const std::string name = fn.at("name").get<std::string>();
    if (!forced.name.empty() && name != forced.name) continue;
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
    if (!forced.name.empty())
      throw SettingError("tool_choice", "tool_choice names the function '" + forced.name + "', which is not in tools");
    throw SettingError("tool_choice", "tool_choice \"required\" needs at least one tool");
  }
  rules.push_back({"call", grammar::choice(std::move(calls)), {}});
  std::vector<Expr> root{literal(format.prefix), grammar::ref("call")};
  if (forced.parallel) root.push_back(grammar::star(grammar::seq({literal(format.sep), grammar::ref("call")})));
  root.push_back(literal(format.suffix));
  rules.push_back({"root", grammar::seq(std::move(root)), {}});
  try {
    return grammar::Grammar::compile(rules, "root");
  } catch (const Error& e) {
    throw SettingError("tools", std::string("the tools' parameters cannot produce a call: ") + e.what());
  }
}

}  // namespace openarc::llm
