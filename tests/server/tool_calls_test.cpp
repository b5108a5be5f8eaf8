// Chat completions with tools: the request fields (tools, tool_choice, parallel_tool_calls) and
// the response builders fed model output that holds calls, whole and streamed piece by piece.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/tool_parser.h"
#include "server/api_error.h"
#include "server/openai_request.h"
#include "server/response_format.h"
#include "tokenizer/tokenizer.h"

namespace openarc::server {
namespace {

using nlohmann::json;

const json kTools = json::parse(R"([{"type": "function", "function": {"name": "get_weather",
  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
  {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}])");

json chat_body(json extra = json::object()) {
  json b = {{"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}, {"tools", kTools}};
  for (auto it = extra.begin(); it != extra.end(); ++it) b[it.key()] = it.value();
  return b;
}

ParsedRequest parse(const json& body) { return parse_chat_request(body, llm::GenerationConfig(), RequestLimits()); }

ApiError parse_error(const json& body) {
  try {
    parse(body);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << body.dump();
  return ApiError(0, "", "");
}

TEST(ToolRequest, AutoIsTheDefaultWithTools) {
  ParsedRequest r = parse(chat_body());
  EXPECT_TRUE(r.parse_tool_calls);
  EXPECT_TRUE(r.parallel_tool_calls);
  EXPECT_TRUE(r.prompts[0].keep_tool_markers);
  EXPECT_FALSE(r.prompts[0].tools.is_null());
  EXPECT_TRUE(parse(chat_body({{"tool_choice", "auto"}})).parse_tool_calls);
  EXPECT_FALSE(parse(chat_body({{"parallel_tool_calls", false}})).parallel_tool_calls);
}

TEST(ToolRequest, NoToolsOrNoneMeansNoParsing) {
  json b = chat_body();
  b.erase("tools");
  EXPECT_FALSE(parse(b).parse_tool_calls);
  EXPECT_FALSE(parse(b).prompts[0].keep_tool_markers);
  EXPECT_FALSE(parse(chat_body({{"tools", json::array()}})).parse_tool_calls);
  ParsedRequest none = parse(chat_body({{"tool_choice", "none"}}));
  EXPECT_FALSE(none.parse_tool_calls);
  EXPECT_FALSE(none.prompts[0].keep_tool_markers);
}

TEST(ToolRequest, RequiredAndNamedFunctionForceCalls) {
  ParsedRequest required = parse(chat_body({{"tool_choice", "required"}}));
  ASSERT_TRUE(required.prompts[0].forced_tool_call);
  EXPECT_EQ(required.prompts[0].forced_tool_call->name, "");
  EXPECT_TRUE(required.prompts[0].forced_tool_call->parallel);
  EXPECT_TRUE(required.parse_tool_calls);
  EXPECT_TRUE(required.prompts[0].keep_tool_markers);
  EXPECT_FALSE(required.named_tool_choice);
  EXPECT_FALSE(parse(chat_body({{"tool_choice", "required"}, {"parallel_tool_calls", false}}))
                   .prompts[0].forced_tool_call->parallel);
  ParsedRequest named = parse(chat_body({{"tool_choice", {{"type", "function"}, {"function", {{"name", "get_weather"}}}}}}));
  ASSERT_TRUE(named.prompts[0].forced_tool_call);
  EXPECT_EQ(named.prompts[0].forced_tool_call->name, "get_weather");
  EXPECT_FALSE(named.prompts[0].forced_tool_call->parallel);
  EXPECT_TRUE(named.named_tool_choice);
  EXPECT_FALSE(parse(chat_body()).prompts[0].forced_tool_call);

  ApiError e = parse_error(chat_body({{"tool_choice", {{"type", "function"}, {"function", {{"name", "get_date"}}}}}}));
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.param, "tool_choice");
  EXPECT_NE(std::string(e.what()).find("get_date"), std::string::npos) << e.what();
  json no_tools = chat_body({{"tool_choice", "required"}});
  no_tools.erase("tools");
  EXPECT_EQ(parse_error(no_tools).param, "tool_choice");
}

TEST(ToolRequest, MalformedFieldsAre400NamingThem) {
  EXPECT_EQ(parse_error(chat_body({{"tool_choice", "sometimes"}})).param, "tool_choice");
  EXPECT_EQ(parse_error(chat_body({{"tool_choice", 3}})).param, "tool_choice");
  EXPECT_EQ(parse_error(chat_body({{"tool_choice", {{"type", "function"}}}})).param, "tool_choice");
  EXPECT_EQ(parse_error(chat_body({{"parallel_tool_calls", "no"}})).param, "parallel_tool_calls");
  EXPECT_EQ(parse_error(chat_body({{"tools", {{"type", "function"}}}})).param, "tools");
  EXPECT_EQ(parse_error(chat_body({{"tools", json::array({{{"type", "function"}, {"function", {{"name", 5}}}}})}})).param,
            "tools");
  EXPECT_EQ(parse_error(chat_body({{"tools", json::array({{{"type", "retrieval"}}})}})).param, "tools");
}

TEST(ToolRequest, HistoryArgumentsReachTheTemplateAsObjects) {
  json b = chat_body();
  b["messages"].push_back({{"role", "assistant"}, {"content", nullptr},
                           {"tool_calls", json::array({{{"id", "call_1"}, {"type", "function"},
                                                        {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}}})}});
  b["messages"].push_back({{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "sunny"}});
  ParsedRequest r = parse(b);
  const auto& m = *r.prompts[0].messages;
  EXPECT_EQ(m[1]["tool_calls"][0]["function"]["arguments"]["city"], "Paris");
  EXPECT_EQ(m[2]["tool_call_id"], "call_1");
}

class ToolResponse : public ::testing::Test {
 protected:
  static const tokenizer::Tokenizer& tok() {
    static tokenizer::Tokenizer t = tokenizer::Tokenizer::load(OPENARC_SOURCE_DIR "/models/stories260K");
    return t;
  }
  static llm::GenerationResult result(const std::string& text, llm::FinishReason reason = llm::FinishReason::stop) {
    llm::GenerationResult r;
    llm::SequenceResult s;
    s.text = s.raw_text = text;
    s.finish_reason = reason;
    r.sequences.push_back(s);
    return r;
  }
  std::unique_ptr<ResponseFormat> format(const ParsedRequest& r, const char* parser = "hermes") {
    return make_response_format(ApiKind::chat, r, "m", tok(), llm::find_tool_parser(parser));
  }
  // Every chunk of a stream fed `text` in pieces of `step` bytes.
  std::vector<json> stream(ResponseFormat& f, const std::string& text, size_t step,
                           llm::FinishReason reason = llm::FinishReason::stop) {
    std::vector<json> out = f.start(1);
    for (size_t i = 0; i < text.size(); i += step) {
      llm::StreamEvent ev;
      ev.text = text.substr(i, step);
      json c = f.event(0, ev);
      if (c.is_array()) out.insert(out.end(), c.begin(), c.end());
      else if (!c.is_null()) out.push_back(c);
    }
    for (json& c : f.finish({result(text, reason)})) out.push_back(c);
    return out;
  }
};

const std::string kTwoCalls =
    "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris \\\"Île\\\" {x}\"}}\n</tool_call>\n"
    "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>";

TEST_F(ToolResponse, BodyHasToolCallsAndFinishReason) {
  ParsedRequest r = parse(chat_body());
  json body = format(r)->body({result(kTwoCalls)});
  const json& choice = body["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "tool_calls");
  const json& msg = choice["message"];
  EXPECT_EQ(msg["content"], "Let me check.");
  ASSERT_EQ(msg["tool_calls"].size(), 2u);
  const json& c0 = msg["tool_calls"][0];
  EXPECT_EQ(c0["type"], "function");
  EXPECT_EQ(c0["id"].get<std::string>().rfind("call_", 0), 0u);
  EXPECT_EQ(c0["function"]["name"], "get_weather");
  ASSERT_TRUE(c0["function"]["arguments"].is_string());
  EXPECT_EQ(json::parse(c0["function"]["arguments"].get<std::string>())["city"], "Paris \"Île\" {x}");
  EXPECT_EQ(msg["tool_calls"][1]["function"]["name"], "get_time");
  EXPECT_EQ(msg["tool_calls"][1]["function"]["arguments"], "{}");
  EXPECT_NE(c0["id"], msg["tool_calls"][1]["id"]);
}

// OpenAI: tool_choice "required" finishes with "tool_calls", a named function with "stop".
TEST_F(ToolResponse, NamedToolChoiceFinishesWithStop) {
  const std::string call = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>";
  ParsedRequest required = parse(chat_body({{"tool_choice", "required"}}));
  EXPECT_EQ(format(required)->body({result(call)})["choices"][0]["finish_reason"], "tool_calls");
  ParsedRequest named = parse(chat_body({{"tool_choice", {{"type", "function"}, {"function", {{"name", "get_time"}}}}}}));
  json choice = format(named)->body({result(call)})["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "stop");
  EXPECT_EQ(choice["message"]["tool_calls"][0]["function"]["name"], "get_time");
  std::vector<json> chunks = stream(*format(named), call, 7);
  std::string reason;
  for (const json& c : chunks)
    if (c.contains("choices") && !c["choices"].empty() && c["choices"][0]["finish_reason"].is_string())
      reason = c["choices"][0]["finish_reason"];
  EXPECT_EQ(reason, "stop");
}

TEST_F(ToolResponse, OnlyCallsMeansNullContent) {
  ParsedRequest r = parse(chat_body());
  json msg = format(r)->body({result("<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>")})["choices"][0]["message"];
  EXPECT_TRUE(msg["content"].is_null());
  EXPECT_EQ(msg["tool_calls"].size(), 1u);
}

TEST_F(ToolResponse, NoCallsIsPlainContent) {
  ParsedRequest r = parse(chat_body());
  json choice = format(r)->body({result("Once upon a time", llm::FinishReason::length)})["choices"][0];
  EXPECT_EQ(choice["message"]["content"], "Once upon a time");
  EXPECT_FALSE(choice["message"].contains("tool_calls"));
  EXPECT_EQ(choice["finish_reason"], "length");
}

TEST_F(ToolResponse, MalformedCallStaysContent) {
  ParsedRequest r = parse(chat_body());
  const std::string text = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {]}\n</tool_call>";
  json choice = format(r)->body({result(text)})["choices"][0];
  EXPECT_EQ(choice["message"]["content"], text);
  EXPECT_EQ(choice["finish_reason"], "stop");
}

TEST_F(ToolResponse, ParallelToolCallsFalseKeepsTheFirst) {
  ParsedRequest r = parse(chat_body({{"parallel_tool_calls", false}}));
  json msg = format(r)->body({result(kTwoCalls)})["choices"][0]["message"];
  ASSERT_EQ(msg["tool_calls"].size(), 1u);
  EXPECT_EQ(msg["tool_calls"][0]["function"]["name"], "get_weather");
}

TEST_F(ToolResponse, WithoutParsingTheTextIsContent) {
  ParsedRequest r = parse(chat_body({{"tool_choice", "none"}}));
  json choice = format(r)->body({result(kTwoCalls)})["choices"][0];
  EXPECT_EQ(choice["message"]["content"], kTwoCalls);
  EXPECT_EQ(choice["finish_reason"], "stop");
}

TEST_F(ToolResponse, StreamSendsOpenAIToolCallDeltas) {
  ParsedRequest r = parse(chat_body());
  r.stream = true;
  for (size_t step : {size_t(1), size_t(3), size_t(7), kTwoCalls.size()}) {
    SCOPED_TRACE("step " + std::to_string(step));
    std::vector<json> chunks = stream(*format(r), kTwoCalls, step);
    std::string content;
    std::vector<std::string> ids, names, args;
    std::string finish;
    for (const json& c : chunks) {
      ASSERT_EQ(c["object"], "chat.completion.chunk");
      for (const json& ch : c["choices"]) {
        const json& d = ch["delta"];
        if (d.contains("content") && d["content"].is_string()) content += d["content"].get<std::string>();
        if (!ch["finish_reason"].is_null()) finish = ch["finish_reason"];
        if (!d.contains("tool_calls")) continue;
        ASSERT_EQ(d["tool_calls"].size(), 1u);
        const json& t = d["tool_calls"][0];
        size_t index = t["index"];
        if (t.contains("id")) {
          // The opening delta: index, id, type, name, empty arguments.
          ASSERT_EQ(index, ids.size());
          EXPECT_EQ(t["type"], "function");
          EXPECT_EQ(t["function"]["arguments"], "");
          ids.push_back(t["id"]);
          names.push_back(t["function"]["name"]);
          args.emplace_back();
        } else {
          // Later deltas: the index and an argument fragment only.
          ASSERT_LT(index, ids.size());
          EXPECT_EQ(t.size(), 2u);
          EXPECT_EQ(t["function"].size(), 1u);
          args[index] += t["function"]["arguments"].get<std::string>();
        }
      }
    }
    EXPECT_EQ(content, "Let me check.");
    ASSERT_EQ(names, (std::vector<std::string>{"get_weather", "get_time"}));
    EXPECT_EQ(json::parse(args[0])["city"], "Paris \"Île\" {x}");
    EXPECT_EQ(args[1], "{}");
    EXPECT_EQ(finish, "tool_calls");
    EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "tool_calls");
  }
}

TEST_F(ToolResponse, StreamWithoutCallsEndsWithStop) {
  ParsedRequest r = parse(chat_body());
  r.stream = true;
  std::vector<json> chunks = stream(*format(r), "Once upon a time <b>", 2);
  std::string content;
  for (const json& c : chunks)
    for (const json& ch : c["choices"]) {
      EXPECT_FALSE(ch["delta"].contains("tool_calls"));
      if (ch["delta"].contains("content")) content += ch["delta"]["content"].get<std::string>();
    }
  EXPECT_EQ(content, "Once upon a time <b>");
  EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "stop");
}

TEST_F(ToolResponse, StreamParallelFalseDropsLaterCalls) {
  ParsedRequest r = parse(chat_body({{"parallel_tool_calls", false}}));
  r.stream = true;
  int opened = 0;
  for (const json& c : stream(*format(r), kTwoCalls, 5))
    for (const json& ch : c["choices"])
      if (ch["delta"].contains("tool_calls")) {
        EXPECT_EQ(ch["delta"]["tool_calls"][0]["index"], 0);
        opened += ch["delta"]["tool_calls"][0].contains("id");
      }
  EXPECT_EQ(opened, 1);
}

}  // namespace
}  // namespace openarc::server
