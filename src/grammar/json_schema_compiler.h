// Inside JsonSchemaRules: the compiler's state and its parts, one file each:
//   json_schema.cpp          dispatch by keyword: types, enum/const, anyOf/oneOf, $ref, objects, arrays
//   json_schema_merge.cpp    allOf as one merged schema
//   json_text.cpp            the JSON syntax itself: whitespace, any value, strings, characters
//   json_numbers.cpp         integers and numbers within bounds (exact decimal digit ranges)
//   json_formats.cpp         format: date, time, date-time, uuid, email
//   json_schema_arguments.cpp  properties as Python keyword arguments or Qwen3-Coder parameters
//   regex_grammar.cpp        pattern
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grammar/json_schema.h"

namespace openarc::grammar {

using Json = nlohmann::ordered_json;

[[noreturn]] void schema_fail(const std::string& keyword, const std::string& pointer, const std::string& message);
// The schema is valid but no value satisfies it.
[[noreturn]] void schema_unsatisfiable(const std::string& keyword, const std::string& pointer, const std::string& message);
// The pointer of a child: "/properties/a~1b".
std::string pointer_child(const std::string& pointer, const std::string& token);
// The pointer as an error message names it ("the top level" for "").
std::string at_pointer(const std::string& pointer);

// A decimal number as digits: no sign on zero, no leading zeros (int "0" for zero), no trailing
// fraction zeros.
struct Decimal {
  bool negative = false;
  std::string integer = "0";
  std::string fraction;
  bool is_zero() const { return integer == "0" && fraction.empty(); }
};
// From a JSON number; nullopt when it is not a finite number small enough to write out.
std::optional<Decimal> to_decimal(const Json& number);
int compare(const Decimal& a, const Decimal& b);

class JsonSchemaRules::Compiler {
 public:
  Compiler(const Json& document, std::string prefix, LiteralSyntax syntax = LiteralSyntax::json)
      : document_(document), prefix_(std::move(prefix)), syntax_(syntax) {}

  Expr value(const Json& schema, const std::string& pointer);
  std::vector<RuleDef>& rules() { return rules_; }

  // json_text.cpp: rules of plain JSON (added once, on first use).
  Expr ws();
  Expr any_value();
  Expr any_object();
  Expr any_string();
  Expr json_boolean();
  // One JSON-string character (raw, or escaped where it must or may be) from a set of code points.
  Expr string_char(const std::vector<CodePointRange>& ranges);
  Expr any_string_char();
  // A whole JSON string: its characters between quotes, min..max of them.
  Expr string_of(Expr chars_expr);

  // json_numbers.cpp
  Expr any_number();
  Expr any_integer();
  Expr integer_in(const std::optional<Decimal>& lo, bool lo_open, const std::optional<Decimal>& hi, bool hi_open,
                  const std::string& pointer);
  Expr number_in(const std::optional<Decimal>& lo, bool lo_open, const std::optional<Decimal>& hi, bool hi_open,
                 const std::string& pointer);

  // json_formats.cpp: the string (quotes included) of a format.
  Expr format(const std::string& name, const std::string& pointer);

  // regex_grammar.cpp: the string (quotes included) whose content matches the pattern.
  Expr pattern(const std::string& regex, const std::string& pointer);

  // json_schema_merge.cpp: the schemas of allOf (refs followed) as one schema.
  Json merge_all_of(const Json& schemas, const std::string& pointer);

  // A rule named after `hint` (made unique) with the given body; returns a reference to it.
  Expr define(const std::string& hint, Expr body);
  // A unique rule name for a rule whose body comes later (add_rule): rules that refer to each other.
  std::string reserve(const std::string& hint);
  void add_rule(const std::string& name, Expr body) { rules_.push_back({name, std::move(body), {}}); }
  const Json& document() const { return document_; }
  LiteralSyntax syntax() const { return syntax_; }
  const std::string& prefix() const { return prefix_; }
  // A value's text in the literal syntax (enum and const values).
  std::string literal_text(const Json& value) const;
  // Members in order, each optional one skippable, `sep` only between present ones, then any
  // number of `extra` ones (when given).
  struct Member {
    Expr rule;
    bool required;
  };
  Expr member_chain(const std::vector<Member>& members, const std::optional<Expr>& extra, const Expr& sep);
  // The document as an object schema with its properties: (key, schema, pointer, required).
  struct Property {
    std::string key;
    const Json* schema;
    std::string pointer;
    bool required;
  };
  std::vector<Property> properties_of(const Json& schema, const std::string& pointer);
  // The rule `name` (prefixed) defined by `make` on first use.
  template <class Make>
  Expr shared(const std::string& name, Make make) {
    const std::string full = prefix_ + name;
    if (!defined_.count(full)) {
      defined_.insert(full);
      rules_.push_back({full, make(), {}});
    }
    return ref(full);
  }

  // The schema a local "$ref" names, and its pointer.
  std::pair<const Json*, std::string> resolve(const std::string& ref, const std::string& pointer) const;

 private:
  Expr typed(const std::string& type, const Json& schema, const std::string& pointer);
  Expr object(const Json& schema, const std::string& pointer);
  Expr array(const Json& schema, const std::string& pointer);
  Expr string(const Json& schema, const std::string& pointer);
  Expr numeric(bool integer, const Json& schema, const std::string& pointer);
  Expr literals(const Json& values, const Json& rest, const std::string& pointer, const char* keyword);
  Expr reference(const std::string& target, const std::string& pointer);
  Expr key_other_than(const std::vector<std::string>& keys);

  const Json& document_;
  std::string prefix_;
  LiteralSyntax syntax_;
  std::vector<RuleDef> rules_;
  std::set<std::string> defined_;
  std::map<std::string, std::string> ref_rules_;  // target pointer -> rule name
  int depth_ = 0;
};

}  // namespace openarc::grammar
