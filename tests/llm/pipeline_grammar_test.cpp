// Grammar-constrained generation on the demo model (stories260K, which writes stories, not JSON):
// whatever it would write, the grammar makes the output match; the token budget makes it close
// within max_new_tokens; forced tool calls come back in the model's format.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "demo_model.h"
#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "llm/pipeline.h"
#include "llm/tool_stream.h"

namespace openarc::llm {
namespace {

using nlohmann::ordered_json;
using ::testing::HasSubstr;

const char* kSchema = R"({"type": "object", "properties": {
    "name": {"type": "string", "maxLength": 20},
    "age": {"type": "integer", "minimum": 1, "maximum": 99},
    "pets": {"type": "array", "items": {"enum": ["cat", "dog"]}, "maxItems": 3},
    "home": {"$ref": "#/$defs/place"}},
    "required": ["name", "age", "home"],
    "$defs": {"place": {"type": "object", "properties": {"town": {"type": "string"}}, "required": ["town"]}}})";

void expect_valid(const std::string& text) {
  ordered_json j;
  ASSERT_NO_THROW(j = ordered_json::parse(text)) << text;
  ASSERT_TRUE(j["name"].is_string() && j["name"].get<std::string>().size() <= 80) << text;
  ASSERT_TRUE(j["age"].is_number_integer() && j["age"] >= 1 && j["age"] <= 99) << text;
  if (j.contains("pets"))
    for (const auto& p : j["pets"]) ASSERT_TRUE(p == "cat" || p == "dog") << text;
  ASSERT_TRUE(j["home"]["town"].is_string()) << text;
}

GenerationRequest request(const Pipeline& pipe, int64_t max_new_tokens, double temperature, uint64_t seed) {
  GenerationRequest req;
  req.prompt = "Once upon a time";
  req.config = pipe.default_config();
  req.config.max_new_tokens = max_new_tokens;
  req.config.temperature = temperature;
  req.config.seed = seed;
  req.grammar = std::make_shared<const grammar::Grammar>(grammar::compile_json_schema(ordered_json::parse(kSchema)));
  return req;
}

TEST(PipelineGrammar, JsonSchemaOutputValidatesGreedyAndSampled) {
  auto pipe = Pipeline::open(test::demo_model());
  for (double temperature : {0.0, 1.0}) {
    for (uint64_t seed = 0; seed < (temperature > 0 ? 8 : 1); ++seed) {
      GenerationResult r = pipe->generate(request(*pipe, 150, temperature, seed));
      const SequenceResult& s = r.sequences[0];
      expect_valid(s.text);
      EXPECT_EQ(s.finish_reason, FinishReason::stop) << s.text;
    }
  }
}

// The fewest tokens the schema's shortest document needs, and a few more: still valid JSON.
TEST(PipelineGrammar, TightBudgetsStillClose) {
  auto pipe = Pipeline::open(test::demo_model());
  const size_t shortest = std::string(R"({"name":"","age":1,"home":{"town":""}})").size();
  for (int64_t budget : {static_cast<int64_t>(shortest), static_cast<int64_t>(shortest) + 3, int64_t{45}}) {
    for (uint64_t seed = 0; seed < 4; ++seed) {
      GenerationResult r = pipe->generate(request(*pipe, budget, 1.0, seed));
      expect_valid(r.sequences[0].text);
      EXPECT_LE(static_cast<int64_t>(r.sequences[0].token_ids.size()), budget);
    }
  }
}

TEST(PipelineGrammar, GbnfAlternativesEndWithoutEos) {
  auto pipe = Pipeline::open(test::demo_model());
  GenerationRequest req = request(*pipe, 20, 1.0, 3);
  req.grammar = std::make_shared<const grammar::Grammar>(grammar::compile_gbnf(R"(root ::= "yes" | "no" | "maybe so")"));
  req.config.n = 3;
  for (const SequenceResult& s : pipe->generate(req).sequences) {
    EXPECT_THAT((std::vector<std::string>{"yes", "no", "maybe so"}), ::testing::Contains(s.text));
    EXPECT_EQ(s.finish_reason, FinishReason::stop);
  }
}

const ordered_json kTools = ordered_json::parse(R"([{"type": "function", "function": {"name": "get_weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 10}}, "required": ["city"]}}},
    {"type": "function", "function": {"name": "get_time"}}])");

TEST(PipelineGrammar, ForcedToolCallsInTheModelsFormat) {
  auto pipe = Pipeline::open(test::demo_model());
  ASSERT_EQ(pipe->tool_parser().name(), "generic");
  for (const ForcedToolCall& forced : {ForcedToolCall{"", true}, ForcedToolCall{"get_weather", false}}) {
    GenerationRequest req;
    req.messages = ordered_json::parse(R"([{"role": "user", "content": "Once upon a time"}])");
    req.tools = kTools;
    req.keep_tool_markers = true;
    req.forced_tool_call = forced;
    req.config = pipe->default_config();
    req.config.max_new_tokens = 120;
    req.config.temperature = 1.0;
    req.config.seed = 11;
    const SequenceResult s = pipe->generate(req).sequences[0];
    ToolStream stream(pipe->tool_parser(), ToolSet(kTools), ToolCallIds(1), CallStreaming::whole_calls);
    ParsedMessage m;
    accumulate(m, stream.feed(s.text));
    accumulate(m, stream.finish());
    ASSERT_FALSE(m.tool_calls.empty()) << s.text;
    if (!forced.name.empty()) {
      ASSERT_EQ(m.tool_calls.size(), 1u) << s.text;
      EXPECT_EQ(m.tool_calls[0].name, "get_weather");
    }
    for (const ToolCall& c : m.tool_calls)
      if (c.name == "get_weather") EXPECT_TRUE(ordered_json::parse(c.arguments)["city"].is_string()) << s.text;
  }
}

TEST(PipelineGrammar, ForcedCallMistakesAreSettingErrors) {
  auto pipe = Pipeline::open(test::demo_model());
  GenerationRequest req;
  req.messages = ordered_json::parse(R"([{"role": "user", "content": "hi"}])");
  req.tools = kTools;
  req.keep_tool_markers = true;
  req.forced_tool_call = ForcedToolCall{"get_date", false};
  req.config = pipe->default_config();
  try {
    pipe->prepare(req);
    FAIL() << "no error";
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting(), "tool_choice");
    EXPECT_THAT(e.what(), HasSubstr("get_date"));
  }
}

}  // namespace
}  // namespace openarc::llm
