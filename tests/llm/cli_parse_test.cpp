// `openarc parse` end to end: JSON lines of raw model output in, parsed messages out, the format
// detected from a folder's chat template (only the template, no model) or named by --tool-parser.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "demo_model.h"
#include "run_openarc.h"

namespace openarc::llm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using nlohmann::json;

CliOutput run_parse(const std::string& args, const std::string& input) {
  return run_openarc_with_input(args, input, false);
}

std::vector<json> lines(const std::string& out) {
  std::vector<json> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) v.push_back(json::parse(line));
  return v;
}

// A folder holding only chat_template.jinja, copied from the chat corpus.
class CliParse : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(OPENARC_BINARY)) GTEST_SKIP() << "the openarc binary is not built";
  }
  std::string folder(const std::string& template_name) {
    const fs::path d = fs::path(dir_.file(template_name));
    fs::create_directories(d);
    fs::copy_file(fs::path(OPENARC_SOURCE_DIR) / "tests/chat/templates" / (template_name + ".jinja"), d / "chat_template.jinja");
    return d.string();
  }
  test::TempDir dir_;
};

TEST_F(CliParse, QwenCallsReasoningAndErrors) {
  const std::string model = folder("qwen3_0.6b");
  const json call_line = {{"text", "<think>\nweather?\n</think>\n\nChecking.\n<tool_call>\n{\"name\": \"get_weather\", "
                                   "\"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"},
                          {"tools", json::parse(R"([{"type": "function", "function": {"name": "get_weather"}}])")}};
  const std::string input = call_line.dump() + "\n" +
                            "not json\n" +
                            R"({"text": 3})" "\n" +
                            R"({"text": "x", "tools": [{"type": "function", "function": {}}]})" "\n" +
                            R"({"text": "x", "stream": true})" "\n" +
                            R"({"text": "still </think> thinking", "starts_in_reasoning": true})" "\n";
  const CliOutput r = run_parse("parse --model " + model + " --seed 1", input);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("tool parser hermes (detected from the chat template)"));
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 6u) << r.out;
  EXPECT_EQ(out[0]["content"], "Checking.");
  EXPECT_EQ(out[0]["reasoning_content"], "weather?");
  ASSERT_EQ(out[0]["tool_calls"].size(), 1u);
  const json& call = out[0]["tool_calls"][0];
  EXPECT_EQ(call["type"], "function");
  EXPECT_EQ(call["function"]["name"], "get_weather");
  EXPECT_EQ(call["function"]["arguments"], R"({"city":"Paris"})");
  EXPECT_TRUE(call["id"].get<std::string>().starts_with("call_"));
  EXPECT_THAT(out[1]["error"].get<std::string>(), HasSubstr("invalid JSON"));
  EXPECT_THAT(out[2]["error"].get<std::string>(), HasSubstr("\"text\" must be a string"));
  EXPECT_THAT(out[3]["error"].get<std::string>(), HasSubstr("tools[0].function.name"));
  EXPECT_THAT(out[4]["error"].get<std::string>(), HasSubstr("unknown field \"stream\""));
  EXPECT_EQ(out[5]["reasoning_content"], "still");
  EXPECT_EQ(out[5]["content"], "thinking");
  EXPECT_TRUE(out[5]["tool_calls"].empty());

  // The same seed gives the same ids.
  EXPECT_EQ(run_parse("parse --model " + model + " --seed 1", input).out, r.out);
}

TEST_F(CliParse, EachFamilyFromItsTemplate) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"llama3.1_8b", R"({"name": "search", "parameters": {"q": "x"}})"},
      {"lenml-mistral_nemo", R"([TOOL_CALLS][{"name": "search", "arguments": {"q": "x"}}])"},
      {"qwen3-coder_30b", "<tool_call>\n<function=search>\n<parameter=q>\nx\n</parameter>\n</function>\n</tool_call>"},
      {"llama4_latest", R"(<|python_start|>[search(q="x")]<|python_end|>)"},
      {"deepseek-v3.1_latest", "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>search<｜tool▁sep｜>{\"q\": \"x\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>"},
      {"granite3.3_2b", R"(<|tool_call|>[{"name": "search", "arguments": {"q": "x"}}])"},
      {"command-r7b_7b", R"(<|START_THINKING|>plan<|END_THINKING|><|START_ACTION|>[{"tool_call_id": "0", "tool_name": "search", "parameters": {"q": "x"}}]<|END_ACTION|>)"},
  };
  for (const auto& [name, text] : cases) {
    const CliOutput r = run_parse("parse --model " + folder(name), json({{"text", text}}).dump() + "\n");
    ASSERT_EQ(r.status, 0) << name << ": " << r.err;
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 1u) << name;
    ASSERT_EQ(out[0]["tool_calls"].size(), 1u) << name << ": " << r.out;
    EXPECT_EQ(out[0]["tool_calls"][0]["function"]["name"], "search") << name;
    EXPECT_EQ(out[0]["tool_calls"][0]["function"]["arguments"], R"({"q":"x"})") << name;
    EXPECT_TRUE(out[0]["content"].is_null()) << name << ": " << r.out;
  }
}

TEST_F(CliParse, ToolParserFlag) {
  const std::string model = folder("gemma3_1b");
  const std::string input = json({{"text", R"(<tool_call>{"name": "f", "arguments": {}}</tool_call>)"}}).dump() + "\n";
  CliOutput detected = run_parse("parse --model " + model, input);
  ASSERT_EQ(detected.status, 0) << detected.err;
  EXPECT_THAT(detected.err, HasSubstr("tool parser generic"));
  EXPECT_TRUE(lines(detected.out)[0]["tool_calls"].empty());

  CliOutput named = run_parse("parse --model " + model + " --tool-parser hermes", input);
  ASSERT_EQ(named.status, 0) << named.err;
  EXPECT_EQ(lines(named.out)[0]["tool_calls"][0]["function"]["name"], "f");

  CliOutput bad = run_parse("parse --model " + model + " --tool-parser hermes2", input);
  EXPECT_NE(bad.status, 0);
  EXPECT_THAT(bad.err, HasSubstr("unknown parser \"hermes2\""));
  EXPECT_THAT(bad.err, HasSubstr("qwen3_coder"));

  CliOutput missing = run_parse("parse --model " + dir_.file("nowhere"), input);
  EXPECT_NE(missing.status, 0);
  EXPECT_THAT(missing.err, HasSubstr("nowhere"));
}

}  // namespace
}  // namespace openarc::llm
