#include "grammar/json_schema.h"


#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "match_util.h"

namespace openarc::grammar {
namespace {

using nlohmann::ordered_json;
using ::testing::HasSubstr;

struct Schema {
  explicit Schema(const std::string& text)
      : automaton(std::make_shared<const Grammar>(compile_json_schema(ordered_json::parse(text)))) {}
  bool ok(std::string_view json) { return matches(automaton, json); }
  Automaton automaton;
};

std::string schema_error(const std::string& schema) {
  try {
    compile_json_schema(ordered_json::parse(schema));
  } catch (const SchemaError& e) {
    return std::string(e.what()) + " [keyword " + e.keyword() + " pointer " + e.pointer() + "]";
  }
  return "(no error)";
}

TEST(JsonSchema, TypesAndNullable) {
  Schema s(R"({"type": ["string", "null"]})");
  EXPECT_TRUE(s.ok(R"("hi")"));
  EXPECT_TRUE(s.ok("null"));
  EXPECT_FALSE(s.ok("1"));
  Schema n(R"({"type": "integer", "nullable": true})");
  EXPECT_TRUE(n.ok("-12"));
  EXPECT_TRUE(n.ok("null"));
  EXPECT_FALSE(n.ok("1.5"));
  Schema b(R"({"type": "boolean"})");
  EXPECT_TRUE(b.ok("true"));
  EXPECT_FALSE(b.ok("\"true\""));
  Schema any(R"({})");
  EXPECT_TRUE(any.ok(R"({"a": [1, 2.5e3, "x", null, true, {"b": {}}]})"));
  EXPECT_FALSE(any.ok(R"({"a": })"));
  Schema num(R"({"type": "number"})");
  for (const char* v : {"0", "-0", "1.25", "-3e-7", "12E+10", "1234567890123456"}) EXPECT_TRUE(num.ok(v)) << v;
  for (const char* v : {"01", "1.", ".5", "+1", "1e", "--1"}) EXPECT_FALSE(num.ok(v)) << v;
}

TEST(JsonSchema, ObjectsInPropertyOrderWithRequiredAndOptional) {
  Schema s(R"({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"},
               "c": {"type": "boolean"}}, "required": ["b"]})");
  EXPECT_TRUE(s.ok(R"({"b": "x"})"));
  EXPECT_TRUE(s.ok(R"({"a": 1, "b": "x", "c": true})"));
  EXPECT_TRUE(s.ok(R"({"a":1,"b":"x"})"));
  EXPECT_TRUE(s.ok("{\n  \"b\": \"x\",\n  \"c\": false\n}"));
  EXPECT_FALSE(s.ok(R"({"a": 1})"));            // b is required
  EXPECT_FALSE(s.ok(R"({"b": "x", "d": 1})"));  // no other properties without additionalProperties
  EXPECT_FALSE(s.ok(R"({"b": "x",})"));
  EXPECT_FALSE(s.ok(R"({, "b": "x"})"));
  EXPECT_FALSE(s.ok(R"({"b": 1})"));
  EXPECT_FALSE(s.ok("{\"b\":\"x\"             }"));  // bounded whitespace
  Schema empty(R"({"type": "object"})");
  EXPECT_TRUE(empty.ok(R"({"anything": [1]})"));
}

TEST(JsonSchema, AdditionalPropertiesNeverRepeatAKnownKey) {
  Schema s(R"({"type": "object", "properties": {"id": {"type": "integer"}},
               "additionalProperties": {"type": "string"}})");
  EXPECT_TRUE(s.ok(R"({"id": 1, "x": "a", "idx": "b", "i": "c"})"));
  EXPECT_TRUE(s.ok(R"({"name": "a"})"));
  EXPECT_FALSE(s.ok(R"({"id": 1, "id": "a"})"));
  EXPECT_FALSE(s.ok(R"({"x": 1})"));
  Schema closed(R"({"properties": {"a": {}}, "additionalProperties": false})");
  EXPECT_TRUE(closed.ok(R"({"a": 1})"));
  EXPECT_FALSE(closed.ok(R"({"b": 1})"));
  Schema open(R"({"properties": {"a": {}}, "additionalProperties": true, "required": ["a", "z"]})");
  EXPECT_TRUE(open.ok(R"({"a": 1, "z": 2, "q": [3]})"));
  EXPECT_FALSE(open.ok(R"({"a": 1})"));
}

TEST(JsonSchema, ArraysItemsPrefixItemsAndCounts) {
  Schema s(R"({"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 3})");
  EXPECT_FALSE(s.ok("[1]"));
  EXPECT_TRUE(s.ok("[1, 2]"));
  EXPECT_TRUE(s.ok("[1,2,3]"));
  EXPECT_FALSE(s.ok("[1, 2, 3, 4]"));
  EXPECT_FALSE(s.ok("[1, \"a\"]"));
  Schema t(R"({"prefixItems": [{"type": "string"}, {"type": "boolean"}], "items": {"type": "null"}})");
  EXPECT_TRUE(t.ok("[]"));
  EXPECT_TRUE(t.ok(R"(["a"])"));
  EXPECT_TRUE(t.ok(R"(["a", true, null, null])"));
  EXPECT_FALSE(t.ok(R"([true])"));
  EXPECT_FALSE(t.ok(R"(["a", true, 1])"));
  Schema closed(R"({"prefixItems": [{"type": "string"}], "minItems": 1})");
  EXPECT_TRUE(closed.ok(R"(["a"])"));
  EXPECT_FALSE(closed.ok(R"(["a", "b"])"));
  EXPECT_FALSE(closed.ok("[]"));
  Schema old(R"({"items": [{"const": 1}], "additionalItems": {"const": 2}})");
  EXPECT_TRUE(old.ok("[1, 2, 2]"));
  EXPECT_FALSE(old.ok("[2]"));
  Schema none(R"({"type": "array", "maxItems": 0})");
  EXPECT_TRUE(none.ok("[]"));
  EXPECT_FALSE(none.ok("[1]"));
}

TEST(JsonSchema, EnumConstAndTheirSiblings) {
  Schema e(R"({"enum": ["red", 1, null, {"a": [true]}]})");
  EXPECT_TRUE(e.ok(R"("red")"));
  EXPECT_TRUE(e.ok("1"));
  EXPECT_TRUE(e.ok("null"));
  EXPECT_TRUE(e.ok(R"({"a":[true]})"));
  EXPECT_FALSE(e.ok(R"("blue")"));
  Schema c(R"({"const": "x"})");
  EXPECT_TRUE(c.ok(R"("x")"));
  EXPECT_FALSE(c.ok(R"("y")"));
  // Values the rest of the schema refuses are left out.
  Schema typed(R"({"type": "string", "maxLength": 2, "enum": ["ab", "abc", 7]})");
  EXPECT_TRUE(typed.ok(R"("ab")"));
  EXPECT_FALSE(typed.ok(R"("abc")"));
  EXPECT_FALSE(typed.ok("7"));
  EXPECT_THAT(schema_error(R"({"type": "integer", "enum": ["a"]})"), HasSubstr("no value of enum"));
}

TEST(JsonSchema, AnyOfOneOfAllOf) {
  Schema s(R"({"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 1}]})");
  EXPECT_TRUE(s.ok("3"));
  EXPECT_TRUE(s.ok(R"("a")"));
  EXPECT_FALSE(s.ok(R"("ab")"));
  Schema o(R"({"oneOf": [{"const": 1}, {"const": 2}]})");
  EXPECT_TRUE(o.ok("2"));
  EXPECT_FALSE(o.ok("3"));
  Schema a(R"({"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                         {"properties": {"b": {"type": "string"}}, "required": ["b"]}]})");
  EXPECT_TRUE(a.ok(R"({"a": 1, "b": "x"})"));
  EXPECT_FALSE(a.ok(R"({"a": 1})"));
  // A member's additionalProperties false forbids the other member's keys.
  Schema strict(R"({"allOf": [{"properties": {"a": {}}, "additionalProperties": false},
                              {"properties": {"b": {}}}]})");
  EXPECT_TRUE(strict.ok(R"({"a": 1})"));
  EXPECT_FALSE(strict.ok(R"({"b": 1})"));
  // Bounds tighten; an anyOf inside allOf distributes.
  Schema bounds(R"({"allOf": [{"type": "integer", "minimum": 0}, {"maximum": 5, "minimum": 2},
                              {"anyOf": [{"const": 1}, {"const": 3}, {"const": 9}]}]})");
  EXPECT_TRUE(bounds.ok("3"));
  EXPECT_FALSE(bounds.ok("1"));
  EXPECT_FALSE(bounds.ok("9"));
  // Keywords beside anyOf apply to each alternative.
  Schema side(R"({"type": "object", "required": ["k"], "anyOf": [{"properties": {"k": {"const": 1}}},
                                                                   {"properties": {"k": {"const": 2}}}]})");
  EXPECT_TRUE(side.ok(R"({"k": 2})"));
  EXPECT_FALSE(side.ok(R"({})"));
}

TEST(JsonSchema, RefsLocalAndRecursive) {
  Schema s(R"({"$defs": {"node": {"type": "object", "properties": {"v": {"type": "integer"},
                "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["v"]}},
               "$ref": "#/$defs/node"})");
  EXPECT_TRUE(s.ok(R"({"v": 1})"));
  EXPECT_TRUE(s.ok(R"({"v": 1, "kids": [{"v": 2, "kids": [{"v": 3}]}, {"v": 4}]})"));
  EXPECT_FALSE(s.ok(R"({"v": 1, "kids": [{"kids": []}]})"));
  Schema old(R"({"definitions": {"a b": {"const": "x"}, "c/d": {"const": "y"}},
                 "properties": {"p": {"$ref": "#/definitions/a%20b"}, "q": {"$ref": "#/definitions/c~1d"}},
                 "required": ["p", "q"]})");
  EXPECT_TRUE(old.ok(R"({"p": "x", "q": "y"})"));
  Schema root(R"({"type": "array", "items": {"$ref": "#"}, "maxItems": 2})");
  EXPECT_TRUE(root.ok("[[], [[]]]"));
  EXPECT_FALSE(root.ok("[1]"));
  // $ref with siblings: both hold.
  Schema sib(R"({"$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n", "minimum": 3})");
  EXPECT_TRUE(sib.ok("3"));
  EXPECT_FALSE(sib.ok("2"));
  EXPECT_THAT(schema_error(R"({"$ref": "#/$defs/missing"})"), HasSubstr("names nothing"));
  EXPECT_THAT(schema_error(R"({"$ref": "other.json#/a"})"), HasSubstr("not a local reference"));
  EXPECT_THAT(schema_error(R"({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})"), HasSubstr("left recursion"));
  EXPECT_THAT(schema_error(R"({"allOf": [{"$ref": "#"}]})"), HasSubstr("cycle"));
}

TEST(JsonSchema, StringLengthsCountCharacters) {
  Schema s(R"({"type": "string", "minLength": 2, "maxLength": 3})");
  EXPECT_FALSE(s.ok(R"("a")"));
  EXPECT_TRUE(s.ok(R"("ab")"));
  EXPECT_TRUE(s.ok(R"("é世")"));
  EXPECT_TRUE(s.ok(R"("a\nb")"));
  EXPECT_TRUE(s.ok(R"("\u00e9\"x")"));
  EXPECT_FALSE(s.ok(R"("abcd")"));
  EXPECT_FALSE(s.ok(R"("\ud83d\ude00")"));  // surrogate escapes are never generated
  EXPECT_FALSE(s.ok("\"a\tb\""));            // a raw control character is not JSON
}

TEST(JsonSchema, Patterns) {
  Schema s(R"({"type": "string", "pattern": "^[A-Z]{2}-\\d{3,4}$"})");
  EXPECT_TRUE(s.ok(R"("AB-123")"));
  EXPECT_TRUE(s.ok(R"("XY-1234")"));
  EXPECT_FALSE(s.ok(R"("AB-12")"));
  EXPECT_FALSE(s.ok(R"("ab-123")"));
  EXPECT_FALSE(s.ok(R"(" AB-123")"));
  Schema search(R"({"pattern": "cat|dog"})");  // unanchored: anywhere in the string
  EXPECT_TRUE(search.ok(R"("a cat!")"));
  EXPECT_TRUE(search.ok(R"("dog")"));
  EXPECT_FALSE(search.ok(R"("cow")"));
  Schema esc(R"j({"pattern": "^a\"b\\\\c\\.(?:x|y)+[^a-z]?$"})j");
  EXPECT_TRUE(esc.ok(R"("a\"b\\c.xyx")"));
  EXPECT_TRUE(esc.ok(R"("a\"b\\c.y\"")"));  // [^a-z] takes '"', escaped in JSON
  EXPECT_FALSE(esc.ok(R"("a\"b\\cxx")"));
  Schema dot(R"({"pattern": "^.{2}$"})");
  EXPECT_TRUE(dot.ok(R"("é\t")"));
  EXPECT_FALSE(dot.ok(R"("a\n")"));  // '.' is not a line terminator
  EXPECT_THAT(schema_error(R"j({"pattern": "(a)\\1"})j"), HasSubstr("backreferences"));
  EXPECT_THAT(schema_error(R"j({"pattern": "a(?=b)"})j"), HasSubstr("lookaround"));
  EXPECT_THAT(schema_error(R"({"pattern": "a^b"})"), HasSubstr("'^' is supported only"));
  EXPECT_THAT(schema_error(R"j({"pattern": "(ab"})j"), HasSubstr("missing ')'"));
  EXPECT_THAT(schema_error(R"({"pattern": "*a"})"), HasSubstr("nothing to repeat"));
  EXPECT_THAT(schema_error(R"({"pattern": "\\p{L}"})"), HasSubstr("[keyword pattern pointer /pattern]"));
}

TEST(JsonSchema, Formats) {
  Schema date(R"({"type": "string", "format": "date"})");
  EXPECT_TRUE(date.ok(R"("2024-01-31")"));
  EXPECT_TRUE(date.ok(R"("1999-11-30")"));
  EXPECT_FALSE(date.ok(R"("2024-11-31")"));
  EXPECT_FALSE(date.ok(R"("2024-13-01")"));
  EXPECT_FALSE(date.ok(R"("2024-02-30")"));
  EXPECT_FALSE(date.ok(R"("2024-1-01")"));
  Schema time(R"({"format": "time"})");
  EXPECT_TRUE(time.ok(R"("23:59:59Z")"));
  EXPECT_TRUE(time.ok(R"("08:00:00.123+02:00")"));
  EXPECT_FALSE(time.ok(R"("24:00:00Z")"));
  EXPECT_FALSE(time.ok(R"("12:00:00")"));
  Schema dt(R"({"format": "date-time"})");
  EXPECT_TRUE(dt.ok(R"("2024-05-06T07:08:09-05:30")"));
  EXPECT_FALSE(dt.ok(R"("2024-05-06 07:08:09Z")"));
  Schema uuid(R"({"format": "uuid"})");
  EXPECT_TRUE(uuid.ok(R"("123e4567-e89b-12d3-a456-426614174000")"));
  EXPECT_FALSE(uuid.ok(R"("123e4567-e89b-12d3-a456-42661417400")"));
  Schema email(R"({"format": "email"})");
  EXPECT_TRUE(email.ok(R"("first.last+tag@mail.example.com")"));
  EXPECT_FALSE(email.ok(R"("no-at.example.com")"));
  EXPECT_FALSE(email.ok(R"("a@b")"));
  EXPECT_FALSE(email.ok(R"("a..b@c.de")"));
  EXPECT_THAT(schema_error(R"({"format": "uri"})"), HasSubstr("format 'uri'"));
}

// Integer bounds exactly: every integer in a window around them.
TEST(JsonSchema, IntegerRangesAreExact) {
  struct Case {
    std::string bounds;
    long lo, hi;
  };
  const std::vector<Case> cases = {
      {R"("minimum": 0, "maximum": 100)", 0, 100},
      {R"("minimum": -37, "maximum": 1205)", -37, 1205},
      {R"("minimum": -1000, "maximum": -90)", -1000, -90},
      {R"("exclusiveMinimum": 9, "exclusiveMaximum": 1000)", 10, 999},
      {R"("minimum": 2.5, "maximum": 7.9)", 3, 7},
      {R"("minimum": -2.5, "maximum": -0.5)", -2, -1},
      {R"("minimum": 5, "exclusiveMinimum": true, "maximum": 19)", 6, 19},
      {R"("minimum": 199, "maximum": 199)", 199, 199},
  };
  for (const Case& c : cases) {
    Schema s(R"({"type": "integer", )" + c.bounds + "}");
    for (long v = -1500; v <= 1500; ++v) ASSERT_EQ(s.ok(std::to_string(v)), v >= c.lo && v <= c.hi) << c.bounds << " " << v;
  }
  Schema lower(R"({"type": "integer", "minimum": 1234})");
  EXPECT_TRUE(lower.ok("1234"));
  EXPECT_TRUE(lower.ok("99999999"));
  EXPECT_FALSE(lower.ok("1233"));
  EXPECT_FALSE(lower.ok("-5000"));
  Schema upper(R"({"type": "integer", "exclusiveMaximum": -7})");
  EXPECT_TRUE(upper.ok("-8"));
  EXPECT_TRUE(upper.ok("-123456"));
  EXPECT_FALSE(upper.ok("-7"));
  EXPECT_FALSE(upper.ok("0"));
  EXPECT_THAT(schema_error(R"({"type": "integer", "minimum": 3, "maximum": 2})"), HasSubstr("no integer"));
}

// Decimal bounds exactly: numbers on a grid of hundredths, plus longer fractions, against the
// bounds compared as exact decimals (values are written with two fraction digits or more).
TEST(JsonSchema, NumberRangesAreExact) {
  struct Case {
    std::string bounds;
    double lo;
    bool lo_open;
    double hi;
    bool hi_open;
  };
  const std::vector<Case> cases = {
      {R"("minimum": 0, "maximum": 1)", 0, false, 1, false},
      {R"("exclusiveMinimum": -1.25, "exclusiveMaximum": 3.5)", -1.25, true, 3.5, true},
      {R"("minimum": 0.05, "maximum": 0.3)", 0.05, false, 0.3, false},
      {R"("minimum": -2.75, "maximum": -2.25)", -2.75, false, -2.25, false},
      {R"("exclusiveMinimum": 0, "maximum": 12.5)", 0, true, 12.5, false},
      {R"("minimum": -3, "exclusiveMaximum": 0)", -3, false, 0, true},
  };
  for (const Case& c : cases) {
    Schema s(R"({"type": "number", )" + c.bounds + "}");
    for (long k = -500; k <= 1500; ++k) {
      // v = k / 100 exactly, written as text.
      const long a = std::labs(k);
      std::string text = std::string(k < 0 ? "-" : "") + std::to_string(a / 100) + "." +
                         std::to_string(a % 100 / 10) + std::to_string(a % 10);
      const double v = static_cast<double>(k) / 100.0;
      const bool in = (c.lo_open ? v > c.lo + 1e-9 : v >= c.lo - 1e-9) && (c.hi_open ? v < c.hi - 1e-9 : v <= c.hi + 1e-9);
      ASSERT_EQ(s.ok(text), in) << c.bounds << " " << text;
      // The same value with an extra digit just above and below.
      if (k < 0) continue;
      ASSERT_EQ(s.ok(text + "1"), (c.lo_open ? v + 0.001 > c.lo + 1e-9 : v + 0.001 >= c.lo - 1e-9) &&
                                      (c.hi_open ? v + 0.001 < c.hi - 1e-9 : v + 0.001 <= c.hi + 1e-9))
          << c.bounds << " " << text << "1";
    }
  }
  Schema pos(R"({"type": "number", "exclusiveMinimum": 0})");
  EXPECT_TRUE(pos.ok("0.0001"));
  EXPECT_TRUE(pos.ok("17"));
  EXPECT_FALSE(pos.ok("0"));
  EXPECT_FALSE(pos.ok("0.000"));
  EXPECT_FALSE(pos.ok("-0.5"));
}

TEST(JsonSchema, UnsupportedKeywordsNameKeywordAndPointer) {
  EXPECT_THAT(schema_error(R"({"type": "object", "properties": {"a": {"minProperties": 1}}})"),
              HasSubstr("unsupported JSON schema keyword 'minProperties' at /properties/a [keyword minProperties pointer /properties/a]"));
  EXPECT_THAT(schema_error(R"({"type": "array", "uniqueItems": true})"), HasSubstr("[keyword uniqueItems pointer ]"));
  EXPECT_THAT(schema_error(R"({"not": {}})"), HasSubstr("'not'"));
  EXPECT_THAT(schema_error(R"({"multipleOf": 3})"), HasSubstr("'multipleOf'"));
  EXPECT_THAT(schema_error(R"({"items": {"if": {}}})"), HasSubstr("at /items"));
  EXPECT_THAT(schema_error(R"({"type": "strin"})"), HasSubstr("unknown type 'strin'"));
  EXPECT_THAT(schema_error(R"({"type": "object", "properties": {"a": false}, "required": ["a"]})"), HasSubstr("schema false"));
  EXPECT_THAT(schema_error(R"({"required": ["x"], "properties": {}, "additionalProperties": false})"), HasSubstr("'x'"));
  EXPECT_THAT(schema_error(R"({"pattern": "a", "maxLength": 3})"), HasSubstr("[keyword maxLength"));
  // Annotations are ignored.
  EXPECT_EQ(schema_error(R"({"title": "t", "description": "d", "examples": [1], "default": 1, "$schema": "x",
                         "$id": "y", "$comment": "z", "type": "integer"})"),
            "(no error)");
}

// Every text generated at random from a schema's grammar is JSON with the promised shape.
TEST(JsonSchema, RandomMatchesAreValidJson) {
  const std::string schema = R"({"type": "object", "properties": {
      "name": {"type": "string", "maxLength": 8},
      "age": {"type": "integer", "minimum": 0, "maximum": 150},
      "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 3},
      "when": {"type": "string", "format": "date-time"},
      "score": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
      "extra": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/point"}]}},
      "required": ["name", "age", "extra"],
      "$defs": {"point": {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}}})";
  Schema s(schema);
  std::mt19937 rng(42);
  for (int i = 0; i < 300; ++i) {
    const std::string text = random_match(s.automaton, rng, 120);
    ordered_json j;
    ASSERT_NO_THROW(j = ordered_json::parse(text)) << text;
    ASSERT_TRUE(j.contains("name") && j["name"].is_string()) << text;
    ASSERT_TRUE(j["age"].is_number_integer() && j["age"] >= 0 && j["age"] <= 150) << text;
    if (j.contains("tags")) ASSERT_LE(j["tags"].size(), 3u) << text;
    if (j.contains("score")) ASSERT_TRUE(j["score"] > 0 && j["score"] <= 1) << text;
    ASSERT_TRUE(j["extra"].is_null() || j["extra"]["x"].is_number()) << text;
  }
}

std::shared_ptr<const Grammar> arguments_grammar(const std::string& schema, bool python) {
  JsonSchemaRules rules(ordered_json::parse(schema), "", python ? LiteralSyntax::python : LiteralSyntax::json);
  Expr root = python ? rules.keyword_arguments() : rules.xml_parameters();
  std::vector<RuleDef> defs = rules.take();
  defs.push_back({"root", std::move(root), {}});
  return std::make_shared<const Grammar>(Grammar::compile(defs));
}

TEST(JsonSchema, PythonKeywordArguments) {
  Automaton a(arguments_grammar(R"({"type": "object", "properties": {"q": {"type": "string"}, "on": {"type": "boolean"},
      "x": {"type": ["null", "integer"]}, "e": {"enum": [true, "t\b"]}}, "required": ["q"]})", true));
  EXPECT_TRUE(matches(a, R"x(q="a\nb", on=True)x"));
  EXPECT_TRUE(matches(a, R"x(q="", x=None, e=True)x"));
  EXPECT_TRUE(matches(a, R"x(q="z", e="t\u0008")x"));
  EXPECT_FALSE(matches(a, R"x(q="a", on=true)x"));
  EXPECT_FALSE(matches(a, R"x(q="a\/b")x"));  // Python keeps the backslash of \/
  EXPECT_FALSE(matches(a, R"x(on=True)x"));
  EXPECT_FALSE(matches(a, R"x(on=True, q="a")x"));
}

TEST(JsonSchema, XmlParametersRawStringsAndJsonOthers) {
  Automaton a(arguments_grammar(R"({"type": "object", "properties": {"path": {"type": "string", "maxLength": 5},
      "n": {"type": "integer"}, "u": {"enum": ["c", "1"]}}, "required": ["path"]})", false));
  EXPECT_TRUE(matches(a, "<parameter=path>\na \"b\n</parameter>\n<parameter=n>\n-3\n</parameter>\n"));
  EXPECT_TRUE(matches(a, "<parameter=path>\n\n</parameter>\n<parameter=u>\nc\n</parameter>\n"));
  EXPECT_FALSE(matches(a, "<parameter=path>\n\"ab\"x\"\n</parameter>\n"));  // 6 characters raw
  EXPECT_FALSE(matches(a, "<parameter=path>\na<b\n</parameter>\n"));
  EXPECT_FALSE(matches(a, "<parameter=path>\nab\n</parameter>\n<parameter=u>\n1\n</parameter>\n"));  // reads as 1
}

TEST(JsonSchema, JsonObjectGrammarTakesAnyObject) {
  Automaton a(std::make_shared<const Grammar>(json_object_grammar()));
  EXPECT_TRUE(matches(a, "{}"));
  EXPECT_TRUE(matches(a, R"({"a": [1, {"b": null}], "c": "d"})"));
  EXPECT_FALSE(matches(a, "[]"));
  EXPECT_FALSE(matches(a, "\"x\""));
  EXPECT_FALSE(matches(a, " {}"));
  EXPECT_TRUE(a.is_complete([&] {
    Automaton::StateId st = a.start();
    for (char c : std::string("{}")) st = a.step(st, static_cast<uint8_t>(c));
    return st;
  }()));
}

}  // namespace
}  // namespace openarc::grammar
