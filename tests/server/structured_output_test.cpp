// response_format, grammar and json_schema in generation requests: what they compile to, and the
// 400s that name the field (with the GBNF position or the schema keyword and pointer).
#include "server/structured_output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "grammar/automaton.h"
#include "server/api_error.h"

namespace openarc::server {
namespace {

using nlohmann::ordered_json;

ParsedRequest apply(const std::string& body_text, bool chat = true) {
  const nlohmann::json body = nlohmann::json::parse(body_text);
  ParsedRequest r = chat ? parse_chat_request(body, llm::GenerationConfig(), RequestLimits())
                         : parse_completion_request(body, llm::GenerationConfig(), RequestLimits());
  apply_structured_output(ordered_json::parse(body_text), r);
  return r;
}

ApiError request_error(const std::string& body_text, bool chat = true) {
  try {
    apply(body_text, chat);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << body_text;
  return ApiError(0, "", "");
}

bool accepts(const grammar::Grammar& g, const std::string& text) {
  grammar::Automaton a(std::make_shared<const grammar::Grammar>(g));
  grammar::Automaton::StateId s = a.start();
  for (unsigned char c : text)
    if ((s = a.step(s, c)) == grammar::Automaton::kDead) return false;
  return a.can_end(s);
}

const std::string kMessages = R"("messages": [{"role": "user", "content": "hi"}])";

TEST(StructuredOutput, ResponseFormats) {
  EXPECT_FALSE(apply("{" + kMessages + R"(, "response_format": {"type": "text"}})").prompts[0].grammar);
  auto obj = apply("{" + kMessages + R"(, "response_format": {"type": "json_object"}})").prompts[0].grammar;
  ASSERT_TRUE(obj);
  EXPECT_TRUE(accepts(*obj, R"({"a": [1]})"));
  EXPECT_FALSE(accepts(*obj, "[1]"));
  // The schema's property order is the client's, not alphabetical.
  auto schema = apply("{" + kMessages + R"(, "response_format": {"type": "json_schema", "json_schema": {"name": "x",
      "schema": {"type": "object", "properties": {"z": {"type": "integer"}, "a": {"type": "string"}},
                 "required": ["z", "a"]}}}})").prompts[0].grammar;
  ASSERT_TRUE(schema);
  EXPECT_TRUE(accepts(*schema, R"({"z": 1, "a": "b"})"));
  EXPECT_FALSE(accepts(*schema, R"({"a": "b", "z": 1})"));
  auto llama = apply("{" + kMessages + R"(, "response_format": {"type": "json_object", "schema": {"const": 3}}})").prompts[0].grammar;
  EXPECT_TRUE(accepts(*llama, "3"));
}

TEST(StructuredOutput, GrammarAndJsonSchemaFieldsOnCompletions) {
  ParsedRequest r = apply(R"({"prompt": ["a", "b"], "grammar": "root ::= \"yes\" | \"no\""})", false);
  ASSERT_EQ(r.prompts.size(), 2u);
  ASSERT_TRUE(r.prompts[1].grammar);
  EXPECT_TRUE(accepts(*r.prompts[1].grammar, "no"));
  EXPECT_FALSE(accepts(*r.prompts[0].grammar, "maybe"));
  auto s = apply(R"({"prompt": "a", "json_schema": {"type": "boolean"}})", false).prompts[0].grammar;
  EXPECT_TRUE(accepts(*s, "false"));
}

TEST(StructuredOutput, MistakesAre400NamingTheFieldAndWhere) {
  ApiError e = request_error("{" + kMessages + R"(, "response_format": {"type": "json_schema", "json_schema": {"schema":
      {"type": "object", "properties": {"a": {"type": "array", "uniqueItems": true}}}}}})");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.param, "response_format");
  EXPECT_NE(std::string(e.what()).find("uniqueItems"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("/properties/a"), std::string::npos) << e.what();
  e = request_error(R"({"prompt": "a", "grammar": "root ::= \"a\"\nitem ::= (\"b\""})", false);
  EXPECT_EQ(e.param, "grammar");
  EXPECT_NE(std::string(e.what()).find("2:"), std::string::npos) << e.what();
  EXPECT_EQ(request_error(R"({"prompt": "a", "grammar": 5})", false).param, "grammar");
  EXPECT_EQ(request_error(R"({"prompt": "a", "json_schema": {"not": {}}})", false).param, "json_schema");
  EXPECT_EQ(request_error("{" + kMessages + R"(, "response_format": {"type": "json_schema"}})").param, "response_format");
  EXPECT_EQ(request_error("{" + kMessages + R"(, "response_format": {"type": "xml"}})").param, "response_format");
  EXPECT_EQ(request_error("{" + kMessages + R"(, "response_format": {"type": "json_object"}, "grammar": "root ::= \"x\""})").param,
            "grammar");
  EXPECT_EQ(request_error("{" + kMessages + R"(, "response_format": {"type": "json_object"}, "tool_choice": "required",
      "tools": [{"type": "function", "function": {"name": "f"}}]})").param, "response_format");
}

TEST(StructuredOutput, ToolsKeepTheClientsOrder) {
  ParsedRequest r = apply("{" + kMessages + R"(, "tools": [{"type": "function", "function": {"name": "f",
      "parameters": {"type": "object", "properties": {"zeta": {}, "alpha": {}}}}}]})");
  const auto& props = r.prompts[0].tools[0]["function"]["parameters"]["properties"];
  EXPECT_EQ(props.begin().key(), "zeta");
}

}  // namespace
}  // namespace openarc::server
