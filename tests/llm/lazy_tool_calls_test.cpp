// tool_choice "auto" under its lazy grammar, and a forced grammar after reasoning, on a toy model:
// a vocabulary of single characters and a few words, and a "model" that wants to write a fixed
// script (its next bytes get the best logits; otherwise lower ids are preferred). Unconstrained it
// writes the script, malformed calls included; constrained, the text up to the trigger is the
// script's and every call parses with arguments valid for the tool's schema.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "grammar/automaton.h"
#include "grammar/lazy_grammar.h"
#include "grammar/match_util.h"
#include "llm/lazy_grammar_spec.h"
#include "llm/message_parser.h"
#include "llm/sampler.h"
#include "llm/tool_call_grammar.h"

namespace openarc::llm {
namespace {

using nlohmann::ordered_json;

const ordered_json kTools = ordered_json::parse(R"([
  {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object",
    "properties": {"city": {"type": "string", "maxLength": 10}}, "required": ["city"]}}},
  {"type": "function", "function": {"name": "get_time"}}])");

const ReasoningMarkers kThink{"<think>", "</think>"};

// 0: end of text; 1..95: printable ASCII and newline; then words.
std::vector<std::string> toy_pieces() {
  std::vector<std::string> v{""};
  for (char c = ' '; c <= '~'; ++c) v.emplace_back(1, c);
  v.emplace_back("\n");
  for (const char* w : {"<tool_call>", "</tool_call>", "Hello", " world", "get_weather", "city", "Paris", "</think>",
                        "hmm ", "\n\n"})
    v.emplace_back(w);
  return v;
}

struct ScriptRun {
  std::string text;
  int tokens = 0;
};

// Greedy decoding of the scripted model, under `constraint` when given.
ScriptRun generate(const std::string& script, grammar::TokenConstraint* constraint, int max_tokens = 200) {
  const std::vector<std::string> pieces = toy_pieces();
  GenerationConfig config;
  config.temperature = 0;
  Sampler sampler(config, static_cast<int64_t>(pieces.size()), 1);
  sampler.set_grammar(constraint);
  ScriptRun r;
  while (r.tokens < max_tokens) {
    std::vector<float> logits(pieces.size());
    for (size_t i = 0; i < pieces.size(); ++i) logits[i] = -0.001f * static_cast<float>(i);
    if (r.text.size() >= script.size()) {
      logits[0] = 10;
    } else {
      const std::string_view want = std::string_view(script).substr(r.text.size());
      for (size_t i = 1; i < pieces.size(); ++i)
        if (want.starts_with(pieces[i])) logits[i] = 1.0f + static_cast<float>(pieces[i].size());
    }
    const int64_t token = sampler.sample(logits).token;
    ++r.tokens;
    if (token == 0) break;
    r.text += pieces[static_cast<size_t>(token)];
    if (constraint && constraint->is_complete()) break;
  }
  return r;
}

std::shared_ptr<grammar::LazyGrammar> bind(grammar::LazyGrammarSpec spec) {
  return std::make_shared<grammar::LazyGrammar>(std::move(spec), std::make_shared<const grammar::TokenVocabulary>(toy_pieces()),
                                                std::vector<int32_t>{0});
}

std::shared_ptr<grammar::LazyGrammar> auto_grammar(const char* family, bool parallel,
                                                   std::optional<ReasoningMarkers> markers = std::nullopt,
                                                   bool opens_reasoning = false) {
  std::vector<grammar::LazyTrigger> triggers =
      tool_call_triggers(*find_tool_parser(family), kTools, parallel, [](std::string_view) { return false; });
  return bind(auto_tool_calls(std::move(triggers), markers, opens_reasoning, parallel));
}

ParsedMessage parse(const std::string& text, const char* family, std::optional<ReasoningMarkers> markers = std::nullopt,
                    bool starts_in_reasoning = false) {
  return parse_message(text, *find_tool_parser(family), ToolSet(kTools), markers, starts_in_reasoning);
}

void expect_valid_calls(const ParsedMessage& m, const std::string& text) {
  ASSERT_FALSE(m.tool_calls.empty()) << text;
  for (const ToolCall& c : m.tool_calls) {
    const ordered_json a = ordered_json::parse(c.arguments);
    if (c.name == "get_weather") {
      ASSERT_TRUE(a["city"].is_string()) << text;
      size_t code_points = 0;  // maxLength counts characters, not bytes
      for (char ch : a["city"].get<std::string>()) code_points += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
      EXPECT_LE(code_points, 10u) << text;
    } else {
      ASSERT_EQ(c.name, "get_time") << text;
      EXPECT_TRUE(a.empty()) << text;
    }
  }
}

const std::string kMalformedHermes =
    "Hello world <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": Paris}}\n</tool_call>";

TEST(LazyToolCalls, HermesCallAfterFreeTextIsWellFormed) {
  // Unconstrained: the script, whose call is not JSON, so it stays content.
  const ScriptRun unconstrained = generate(kMalformedHermes, nullptr);
  ASSERT_EQ(unconstrained.text, kMalformedHermes);
  EXPECT_TRUE(parse(unconstrained.text, "hermes").tool_calls.empty());

  grammar::LazyMatcher m(auto_grammar("hermes", true), 200);
  const ScriptRun r = generate(kMalformedHermes, &m);
  EXPECT_TRUE(r.text.starts_with("Hello world <tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": ")) << r.text;
  const ParsedMessage msg = parse(r.text, "hermes");
  expect_valid_calls(msg, r.text);
  EXPECT_EQ(msg.tool_calls.size(), 1u);
  EXPECT_EQ(msg.content, "Hello world") << r.text;
  EXPECT_EQ(m.spans(), 1u);
}

TEST(LazyToolCalls, ProseWithoutATriggerIsUntouched) {
  const std::string script = "Hello world {\"city\": Paris} </tool_call> [x]";
  grammar::LazyMatcher m(auto_grammar("hermes", true), 200);
  EXPECT_EQ(generate(script, &m).text, script);
  EXPECT_EQ(m.spans(), 0u);
}

TEST(LazyToolCalls, WithoutParallelCallsASecondCallCannotBegin) {
  const std::string call = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>";
  const std::string script = call + "\n" + call;
  EXPECT_EQ(parse(generate(script, nullptr).text, "hermes").tool_calls.size(), 2u);
  grammar::LazyMatcher m(auto_grammar("hermes", false), 200);
  const ScriptRun r = generate(script, &m);
  EXPECT_TRUE(r.text.starts_with(call + "\n")) << r.text;
  EXPECT_EQ(r.text.find("<tool_call>", call.size()), std::string::npos) << r.text;
  EXPECT_EQ(parse(r.text, "hermes").tool_calls.size(), 1u) << r.text;
  grammar::LazyMatcher parallel(auto_grammar("hermes", true), 200);
  EXPECT_EQ(parse(generate(script, &parallel).text, "hermes").tool_calls.size(), 2u);
}

TEST(LazyToolCalls, PythonicCallsAtTheStartOnly) {
  const std::string script = "[get_weather(city=Paris)]";
  EXPECT_TRUE(parse(generate(script, nullptr).text, "pythonic").tool_calls.empty());
  grammar::LazyMatcher m(auto_grammar("pythonic", true), 200);
  const ScriptRun r = generate(script, &m);
  EXPECT_TRUE(r.text.starts_with("[get_weather(city=")) << r.text;
  EXPECT_TRUE(m.is_complete());  // the calls are the whole turn
  expect_valid_calls(parse(r.text, "pythonic"), r.text);

  const std::string prose = "Sure: [get_weather(city=Paris)]";
  grammar::LazyMatcher n(auto_grammar("pythonic", true), 200);
  EXPECT_EQ(generate(prose, &n).text, prose);
}

TEST(LazyToolCalls, ACallDraftedWhileReasoningIsNotConstrained) {
  const std::string script = "<tool_call>{city: Paris}</think>\n\n" + kMalformedHermes.substr(12);
  grammar::LazyMatcher m(auto_grammar("hermes", true, kThink, true), 200);
  const ScriptRun r = generate(script, &m);
  EXPECT_TRUE(r.text.starts_with("<tool_call>{city: Paris}</think>\n\n<tool_call>\n{")) << r.text;
  const ParsedMessage msg = parse(r.text, "hermes", kThink, true);
  EXPECT_EQ(msg.reasoning_content, "<tool_call>{city: Paris}");
  expect_valid_calls(msg, r.text);
}

std::shared_ptr<grammar::LazyGrammar> forced_after_reasoning(const char* name) {
  const grammar::Grammar forced =
      tool_call_grammar(*find_tool_parser("hermes"), kTools, ForcedToolCall{name, false}, [](std::string_view) { return false; });
  return bind(after_reasoning(forced, kThink));
}

TEST(ReasoningThenForcedCall, TheModelFinishesItsReasoningFirst) {
  const std::string reasoning = "hmm I should ask for the weather.";
  const std::string script = reasoning + "</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": Paris}}";
  grammar::LazyMatcher m(forced_after_reasoning("get_weather"), 200);
  const ScriptRun r = generate(script, &m);
  EXPECT_TRUE(r.text.starts_with(reasoning + "</think>\n\n<tool_call>\n")) << r.text;
  EXPECT_TRUE(m.is_complete()) << r.text;
  const ParsedMessage msg = parse(r.text, "hermes", kThink, true);
  EXPECT_EQ(msg.reasoning_content, reasoning);
  expect_valid_calls(msg, r.text);
  EXPECT_EQ(msg.tool_calls[0].name, "get_weather");
}

TEST(ReasoningThenForcedCall, EndlessReasoningIsClosedInTimeForTheCall) {
  std::string script;
  for (int i = 0; i < 100; ++i) script += "hmm ";
  for (int budget : {80, 120}) {
    grammar::LazyMatcher m(forced_after_reasoning(""), budget);
    const ScriptRun r = generate(script, &m, budget);
    EXPECT_LE(r.tokens, budget);
    EXPECT_TRUE(r.text.starts_with("hmm hmm ")) << r.text;  // it reasoned ...
    EXPECT_TRUE(m.is_complete()) << r.text;                 // ... and still made its call
    const ParsedMessage msg = parse(r.text, "hermes", kThink, true);
    expect_valid_calls(msg, r.text);
    EXPECT_EQ(msg.content, "");
  }
}

// Every family's triggers: each grammar's texts begin with the trigger and parse as calls.
TEST(LazyToolCallTriggers, EveryFamilysSpansParseAsValidCalls) {
  std::mt19937 rng(9);
  for (std::string_view family : tool_parser_names()) {
    if (family == "none") continue;
    for (bool parallel : {true, false}) {
      const std::vector<grammar::LazyTrigger> triggers =
          tool_call_triggers(*find_tool_parser(family), kTools, parallel, [](std::string_view) { return false; });
      ASSERT_FALSE(triggers.empty()) << family;
      for (const grammar::LazyTrigger& t : triggers) {
        grammar::Automaton a(t.grammar);
        for (int i = 0; i < 20; ++i) {
          const std::string text = grammar::random_match(a, rng, 120);
          ASSERT_TRUE(text.starts_with(t.text)) << family << ": " << text;
          const ParsedMessage msg = parse_message(text, *find_tool_parser(family), ToolSet(kTools), std::nullopt, false);
          expect_valid_calls(msg, text);
          if (!parallel) EXPECT_EQ(msg.tool_calls.size(), 1u) << family << ": " << text;
        }
      }
    }
  }
  EXPECT_TRUE(tool_call_triggers(*find_tool_parser("none"), kTools, true, [](std::string_view) { return false; }).empty());
}

TEST(LazyToolCallTriggers, ASchemaTheGrammarCannotEnforceLeavesTheOutputFree) {
  const ordered_json tools = ordered_json::parse(R"([{"type": "function", "function": {"name": "f",
      "parameters": {"type": "object", "properties": {"x": {"type": "string", "format": "uri"}}}}}])");
  EXPECT_TRUE(tool_call_triggers(*find_tool_parser("hermes"), tools, true, [](std::string_view) { return false; }).empty());
}

}  // namespace
}  // namespace openarc::llm
