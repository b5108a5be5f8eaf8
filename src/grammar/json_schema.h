// JSON Schema -> grammar: text that matches the grammar is JSON that validates against the
// schema. Supported (tool-calling.md §4.2, §6): type (one or a list; `nullable`), properties,
// required, additionalProperties (false, true or a schema), enum, const, anyOf, oneOf (as
// anyOf), allOf (merged), $ref into the same document ($defs, definitions, any local pointer;
// recursion allowed), items, prefixItems, minItems, maxItems, minLength, maxLength, pattern (a
// regular-expression subset, regex_grammar.h), format date / time / date-time / uuid / email,
// minimum / maximum / exclusiveMinimum / exclusiveMaximum (integers and decimal numbers exactly).
// Annotations (title, description, examples, default, $schema, $id, $comment ...) are ignored.
// Any other keyword throws SchemaError naming it and its JSON pointer: a constraint that cannot
// be enforced is refused, never silently dropped.
//
// The grammar may be narrower than the schema (it never admits invalid JSON): properties come in
// `properties` order; without additionalProperties an object with properties takes no others;
// whitespace is bounded (none, a space, or a newline and up to 20 indent characters) so a model
// cannot spend its tokens on it; numbers have at most 16 integer and 16 fraction digits, and
// bounded numbers no exponent; generated strings never use \u escapes of surrogates; a date's
// day is within its month (February up to the 28th).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.h"
#include "grammar/expr.h"
#include "grammar/grammar.h"

namespace openarc::grammar {

class SchemaError : public Error {
 public:
  SchemaError(std::string keyword, std::string pointer, const std::string& message, bool unsatisfiable = false)
      : Error(message), keyword_(std::move(keyword)), pointer_(std::move(pointer)), unsatisfiable_(unsatisfiable) {}
  const std::string& keyword() const { return keyword_; }
  const std::string& pointer() const { return pointer_; }  // "" is the schema itself
  // No value can validate (contradictory bounds, an empty enum): an anyOf drops such an
  // alternative instead of failing.
  bool unsatisfiable() const { return unsatisfiable_; }

 private:
  std::string keyword_, pointer_;
  bool unsatisfiable_;
};

// How values are written: JSON; Python literals (True/False/None, strings without JSON's \b \f
// \/ escapes), as pythonic tool calls take them; raw text (strings unquoted and unescaped, no
// '<'), as Qwen3-Coder writes a string parameter.
enum class LiteralSyntax { json, python, raw };

// The rules for the schemas of one document (its "#/..." references resolve in it). Rule names
// start with `prefix`, so several documents (tools) can share one grammar.
class JsonSchemaRules {
 public:
  JsonSchemaRules(const nlohmann::ordered_json& document, std::string prefix,
                  LiteralSyntax syntax = LiteralSyntax::json);
  ~JsonSchemaRules();
  JsonSchemaRules(const JsonSchemaRules&) = delete;
  JsonSchemaRules& operator=(const JsonSchemaRules&) = delete;

  // An expression for JSON text valid under the document itself.
  Expr document();
  // The same, for the values that are also JSON objects (a tool's arguments).
  Expr document_object();
  // The document's properties (an object schema) as Python keyword arguments, `k=v, ...` in
  // `properties` order (pythonic tool calls; construct with LiteralSyntax::python). Keys must be
  // identifiers.
  Expr keyword_arguments();
  // The document's properties as Qwen3-Coder parameters, each "<parameter=K>\nVALUE\n</parameter>\n":
  // a parameter of type string is raw text, the others JSON (the parser types values by the
  // property's "type", so each property needs one).
  Expr xml_parameters();
  // Any JSON object (response_format json_object).
  Expr any_object();
  std::vector<RuleDef> take();

  class Compiler;  // json_schema_compiler.h

 private:
  std::unique_ptr<const nlohmann::ordered_json> document_;  // a copy: the rules may outlive the caller's
  std::unique_ptr<Compiler> impl_;
};

// root ::= the document's JSON.
Grammar compile_json_schema(const nlohmann::ordered_json& schema);
// root ::= any JSON object.
Grammar json_object_grammar();

}  // namespace openarc::grammar
