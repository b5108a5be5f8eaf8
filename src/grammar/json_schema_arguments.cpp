// A document's properties as call arguments in the syntaxes tool-call formats use besides a JSON
// object: Python keyword arguments (pythonic calls) and Qwen3-Coder's XML parameters. Members
// come in `properties` order, required ones always, optional ones skippable, no others.
#include "grammar/json_schema_compiler.h"

namespace openarc::grammar {

namespace {

bool identifier(const std::string& k) {
  if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_')) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

std::vector<JsonSchemaRules::Compiler::Property> JsonSchemaRules::Compiler::properties_of(const Json& schema,
                                                                                         const std::string& pointer) {
  if (!schema.is_object()) schema_fail("", pointer, "the parameters schema must be an object");
  for (const char* key : {"anyOf", "oneOf", "$ref", "allOf", "enum", "const"})
    if (schema.contains(key))
      schema_fail(key, pointer, std::string(key) + " at the top of the parameters is not supported in this call format");
  if (schema.contains("type") && schema["type"] != "object")
    schema_fail("type", pointer, "the parameters of a call must be an object schema");
  for (auto it = schema.begin(); it != schema.end(); ++it)
    if (it.key() == "patternProperties" || it.key() == "minProperties" || it.key() == "maxProperties")
      schema_fail(it.key(), pointer, "unsupported JSON schema keyword '" + it.key() + "' at " + at_pointer(pointer));
  const Json empty = Json::object();
  const Json& props = schema.contains("properties") ? schema["properties"] : empty;
  if (!props.is_object()) schema_fail("properties", pointer, "properties at " + at_pointer(pointer) + " must be an object");
  std::vector<std::string> required;
  if (schema.contains("required") && schema["required"].is_array())
    for (const Json& r : schema["required"])
      if (r.is_string()) required.push_back(r.get<std::string>());
  for (const std::string& r : required)
    if (!props.contains(r))
      schema_fail("required", pointer, "required parameter '" + r + "' is not in properties (this call format takes no others)");
  std::vector<Property> out;
  for (auto it = props.begin(); it != props.end(); ++it) {
    const bool req = std::find(required.begin(), required.end(), it.key()) != required.end();
    if (it.value().is_boolean() && !it.value().get<bool>()) continue;  // must be absent
    out.push_back({it.key(), &it.value(), pointer_child(pointer_child(pointer, "properties"), it.key()), req});
  }
  return out;
}

Expr JsonSchemaRules::keyword_arguments() {
  Compiler& c = *impl_;
  std::vector<Compiler::Member> members;
  for (const Compiler::Property& p : c.properties_of(c.document(), "")) {
    if (!identifier(p.key))
      schema_fail("properties", p.pointer, "parameter '" + p.key + "' is not a Python identifier, so no keyword argument can name it");
    members.push_back({c.define("kwarg-" + p.key, seq({literal(p.key + "="), c.value(*p.schema, p.pointer)})), p.required});
  }
  return c.member_chain(members, std::nullopt, literal(", "));
}

Expr JsonSchemaRules::xml_parameters() {
  Compiler& c = *impl_;
  // String parameters are raw text: their own compiler (own rule names) in the raw syntax.
  Compiler raw(c.document(), c.prefix() + "raw-", LiteralSyntax::raw);
  std::vector<Compiler::Member> members;
  for (const Compiler::Property& p : c.properties_of(c.document(), "")) {
    // The parser types a value by the property's "type" (its first non-null one): that type alone.
    std::string type;
    if (p.schema->is_object() && p.schema->contains("type")) {
      const Json& t = (*p.schema)["type"];
      if (t.is_string()) type = t.get<std::string>();
      else if (t.is_array())
        for (const Json& x : t)
          if (x.is_string() && x != "null") {
            type = x.get<std::string>();
            break;
          }
    }
    Expr value;
    if (type.empty() && p.schema->is_object() && (p.schema->contains("enum") || p.schema->contains("const"))) {
      // Untyped, the parser reads the value as JSON when it parses as something other than a
      // string, else as raw text: strings are written raw (those that read as JSON cannot be).
      const Json values = p.schema->contains("const") ? Json::array({(*p.schema)["const"]}) : (*p.schema)["enum"];
      std::vector<Expr> options;
      for (const Json& v : values.is_array() ? values : Json::array()) {
        if (!v.is_string()) {
          options.push_back(literal(v.dump()));
          continue;
        }
        const Json parsed = Json::parse(v.get<std::string>(), nullptr, false);
        if (parsed.is_discarded() || parsed.is_string()) options.push_back(literal(v.get<std::string>()));
      }
      if (options.empty())
        schema_fail("enum", p.pointer, "no value of parameter '" + p.key + "' can be written as a Qwen3-Coder value");
      value = choice(std::move(options));
    } else {
      if (type.empty())
        schema_fail("type", p.pointer, "parameter '" + p.key + "' needs a \"type\": Qwen3-Coder calls type values by it");
      Json typed = *p.schema;
      typed["type"] = type;
      typed.erase("nullable");
      value = type == "string" ? raw.value(typed, p.pointer) : c.value(typed, p.pointer);
    }
    if (p.key.find_first_of("<>\n") != std::string::npos)
      schema_fail("properties", p.pointer, "parameter '" + p.key + "' cannot be written as a Qwen3-Coder parameter tag");
    members.push_back({c.define("param-" + p.key, seq({literal("<parameter=" + p.key + ">\n"), std::move(value),
                                                       literal("\n</parameter>\n")})),
                       p.required});
  }
  for (RuleDef& r : raw.rules()) c.rules().push_back(std::move(r));
  return c.member_chain(members, std::nullopt, seq({}));
}

}  // namespace openarc::grammar
