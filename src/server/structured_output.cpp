#include "server/structured_output.h"

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "server/api_error.h"

namespace openarc::server {

namespace {

using nlohmann::ordered_json;

std::shared_ptr<const grammar::Grammar> from_schema(const ordered_json& schema, const std::string& param,
                                                    const std::string& where) {
  if (!schema.is_object() && !schema.is_boolean()) throw bad_request(where + " must be a JSON schema (an object)", param);
  try {
    return std::make_shared<const grammar::Grammar>(grammar::compile_json_schema(schema));
  } catch (const grammar::SchemaError& e) {
    throw bad_request(where + ": " + e.what(), param, "unsupported_schema");
  }
}

// The grammar response_format asks for; null for {"type": "text"}.
std::shared_ptr<const grammar::Grammar> from_response_format(const ordered_json& rf) {
  if (!rf.is_object() || !rf.contains("type") || !rf["type"].is_string())
    throw bad_request("response_format must be an object with a string 'type'", "response_format");
  const std::string type = rf["type"];
  if (type == "text") return nullptr;
  if (type == "json_object") {
    // llama.cpp also takes a schema here.
    if (const ordered_json* schema = request_field(rf, "schema")) return from_schema(*schema, "response_format", "response_format.schema");
    return std::make_shared<const grammar::Grammar>(grammar::json_object_grammar());
  }
  if (type == "json_schema") {
    const ordered_json* js = request_field(rf, "json_schema");
    if (!js || !js->is_object())
      throw bad_request("response_format of type json_schema needs a 'json_schema' object", "response_format");
    const ordered_json* schema = request_field(*js, "schema");
    if (!schema) throw bad_request("response_format.json_schema.schema is required", "response_format");
    return from_schema(*schema, "response_format", "response_format.json_schema.schema");
  }
  throw bad_request("response_format of type '" + type + "' is not supported (text, json_object, json_schema are)",
                    "response_format");
}

}  // namespace

void apply_structured_output(const ordered_json& body, ParsedRequest& request) {
  std::shared_ptr<const grammar::Grammar> g;
  const char* source = nullptr;
  auto take = [&](std::shared_ptr<const grammar::Grammar> next, const char* name) {
    if (!next) return;
    if (g) throw bad_request(std::string("give only one of response_format, grammar and json_schema (") + source +
                                 " and " + name + " are both set)",
                             name);
    g = std::move(next);
    source = name;
  };
  if (const ordered_json* rf = request_field(body, "response_format")) take(from_response_format(*rf), "response_format");
  if (const ordered_json* text = request_field(body, "grammar")) {
    if (!text->is_string()) throw bad_request("'grammar' must be a string (GBNF)", "grammar");
    if (!text->get<std::string>().empty()) {
      try {
        take(std::make_shared<const grammar::Grammar>(grammar::compile_gbnf(text->get<std::string>())), "grammar");
      } catch (const Error& e) {
        throw bad_request(std::string("grammar: ") + e.what(), "grammar", "invalid_grammar");
      }
    }
  }
  if (const ordered_json* schema = request_field(body, "json_schema")) take(from_schema(*schema, "json_schema", "json_schema"), "json_schema");

  for (llm::GenerationRequest& p : request.prompts) {
    // Tools in the client's order (the parse kept them sorted).
    if (!p.tools.is_null())
      if (const ordered_json* tools = request_field(body, "tools")) p.tools = *tools;
    if (!g) continue;
    if (p.forced_tool_call)
      throw bad_request(std::string(source) + " cannot be combined with tool_choice \"required\" or a named function",
                        source);
    p.grammar = g;
  }
}

}  // namespace openarc::server
