// The grammar that forces tool calls, per family: every text it lets a model write is read back by
// that family's parser as calls to declared tools (the named one, when one is named) whose
// arguments are JSON objects valid for the tool's parameters.
#include "llm/tool_call_grammar.h"

#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "grammar/automaton.h"
#include "grammar/match_util.h"
#include "llm/generation_config.h"
#include "llm/tool_stream.h"

namespace openarc::llm {
namespace {

using nlohmann::ordered_json;
using ::testing::HasSubstr;

const ordered_json kTools = ordered_json::parse(R"([
  {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object",
    "properties": {"city": {"type": "string", "maxLength": 12}, "days": {"type": "integer", "minimum": 1, "maximum": 7},
                   "unit": {"enum": ["c", "f"]}}, "required": ["city", "days"]}}},
  {"type": "function", "function": {"name": "get_time"}},
  {"type": "function", "function": {"name": "search", "parameters": {"type": "object",
    "properties": {"q": {"type": "string", "maxLength": 8}, "tags": {"type": "array", "items": {"type": "boolean"}, "maxItems": 2},
                   "opts": {"type": "object", "properties": {"n": {"type": ["null", "integer"]}, "s": {"enum": ["a\"b", "c\\d"]}}}},
    "required": ["q"]}}}])");

size_t characters(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void check_arguments(const std::string& name, const std::string& arguments, const std::string& text) {
  const ordered_json a = ordered_json::parse(arguments);
  ASSERT_TRUE(a.is_object()) << text;
  if (name == "get_weather") {
    ASSERT_TRUE(a.contains("city") && a["city"].is_string() && characters(a["city"]) <= 12) << text;
    ASSERT_TRUE(a["days"].is_number_integer() && a["days"] >= 1 && a["days"] <= 7) << text;
    if (a.contains("unit")) ASSERT_TRUE(a["unit"] == "c" || a["unit"] == "f") << text;
  } else if (name == "get_time") {
    ASSERT_TRUE(a.empty()) << text;
  } else {
    ASSERT_EQ(name, "search") << text;
    ASSERT_TRUE(a["q"].is_string() && characters(a["q"]) <= 8) << text;
    if (a.contains("tags"))
      for (const auto& t : a["tags"]) ASSERT_TRUE(t.is_boolean()) << text;
    if (a.contains("opts") && a["opts"].contains("s")) ASSERT_TRUE(a["opts"]["s"] == "a\"b" || a["opts"]["s"] == "c\\d") << text;
    if (a.contains("opts") && a["opts"].contains("n")) ASSERT_TRUE(a["opts"]["n"].is_null() || a["opts"]["n"].is_number_integer()) << text;
  }
}

struct GrammarCase {
  std::string family;
  bool mistral_v11 = false;
};

class ToolCallGrammar : public ::testing::TestWithParam<GrammarCase> {};

TEST_P(ToolCallGrammar, EveryTextParsesAsValidCalls) {
  const GrammarCase& c = GetParam();
  const ToolParser* parser = find_tool_parser(c.family);
  ASSERT_TRUE(parser);
  auto has_token = [&](std::string_view t) { return c.mistral_v11 && t == "[ARGS]"; };
  std::mt19937 rng(5);
  for (const ForcedToolCall& forced : {ForcedToolCall{"", true}, ForcedToolCall{"", false}, ForcedToolCall{"search", false}}) {
    grammar::Automaton a(std::make_shared<const grammar::Grammar>(tool_call_grammar(*parser, kTools, forced, has_token)));
    for (int i = 0; i < 60; ++i) {
      const std::string text = grammar::random_match(a, rng, 150);
      ToolStream stream(*parser, ToolSet(kTools), ToolCallIds(1), CallStreaming::whole_calls);
      ParsedMessage m;
      accumulate(m, stream.feed(text));
      accumulate(m, stream.finish());
      ASSERT_FALSE(m.tool_calls.empty()) << c.family << ": " << text;
      EXPECT_EQ(m.content, "") << c.family << ": " << text;
      if (!forced.parallel) ASSERT_EQ(m.tool_calls.size(), 1u) << text;
      for (const ToolCall& call : m.tool_calls) {
        if (!forced.name.empty()) ASSERT_EQ(call.name, forced.name) << text;
        check_arguments(call.name, call.arguments, text);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Families, ToolCallGrammar,
                         ::testing::Values(GrammarCase{"hermes"}, GrammarCase{"llama3_json"}, GrammarCase{"mistral"}, GrammarCase{"mistral", true},
                                           GrammarCase{"deepseek_r1"}, GrammarCase{"deepseek_v31"}, GrammarCase{"granite"}, GrammarCase{"phi4_mini"},
                                           GrammarCase{"command_r7b"}, GrammarCase{"generic"}, GrammarCase{"pythonic"}, GrammarCase{"qwen3_coder"}),
                         [](const auto& info) { return info.param.family + (info.param.mistral_v11 ? "_v11" : ""); });

std::string error_of(const char* family, const ordered_json& tools, const ForcedToolCall& forced, std::string* setting) {
  try {
    tool_call_grammar(*find_tool_parser(family), tools, forced, [](std::string_view) { return false; });
  } catch (const SettingError& e) {
    *setting = e.setting();
    return e.what();
  }
  return "(no error)";
}

TEST(ToolCallGrammarErrors, NameTheSettingAndWhere) {
  std::string setting;
  EXPECT_THAT(error_of("hermes", kTools, {"nope", false}, &setting), HasSubstr("'nope'"));
  EXPECT_EQ(setting, "tool_choice");
  EXPECT_THAT(error_of("none", kTools, {"", true}, &setting), HasSubstr("'none'"));
  EXPECT_EQ(setting, "tool_choice");
  const ordered_json dotted = ordered_json::parse(R"([{"type": "function", "function": {"name": "a-b"}}])");
  EXPECT_THAT(error_of("pythonic", dotted, {"", true}, &setting), HasSubstr("not a Python identifier"));
  EXPECT_EQ(setting, "tools");
  const ordered_json untyped = ordered_json::parse(R"([{"type": "function", "function": {"name": "f",
      "parameters": {"type": "object", "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}}}])");
  EXPECT_THAT(error_of("qwen3_coder", untyped, {"", true}, &setting), HasSubstr("needs a \"type\""));
  EXPECT_EQ(setting, "tools");
  const ordered_json bad = ordered_json::parse(R"([{"type": "function", "function": {"name": "f",
      "parameters": {"type": "object", "properties": {"x": {"type": "string", "format": "uri"}}}}}])");
  EXPECT_THAT(error_of("hermes", bad, {"", true}, &setting), HasSubstr("tools[0].function.parameters: format 'uri' at /properties/x"));
  EXPECT_EQ(setting, "tools");
}

}  // namespace
}  // namespace openarc::llm
