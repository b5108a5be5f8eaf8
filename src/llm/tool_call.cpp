#include "llm/tool_call.h"

#include <cassert>

namespace openarc::llm {

void MessageDelta::append(MessageDelta other) {
  content += other.content;
  reasoning_content += other.reasoning_content;
  for (auto& d : other.tool_calls) {
    // Consecutive fragments of one call merge; the opening delta stays apart (arguments "").
    if (!tool_calls.empty() && !d.opens() && !tool_calls.back().opens() && tool_calls.back().index == d.index)
      tool_calls.back().arguments += d.arguments;
    else
      tool_calls.push_back(std::move(d));
  }
}

void accumulate(ParsedMessage& message, const MessageDelta& delta) {
  message.content += delta.content;
  message.reasoning_content += delta.reasoning_content;
  for (const auto& d : delta.tool_calls) {
    if (d.opens()) {
      assert(d.index == message.tool_calls.size());
      message.tool_calls.push_back({d.id, d.name, d.arguments});
    } else {
      assert(d.index < message.tool_calls.size());
      message.tool_calls[d.index].arguments += d.arguments;
    }
  }
}

ToolCallIds::ToolCallIds() : rng_((static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()) {}

std::string ToolCallIds::next() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string id = "call_";
  for (int i = 0; i < 24; ++i) id += kAlphabet[pick(rng_)];
  return id;
}

nlohmann::ordered_json to_json(const ParsedMessage& message) {
  nlohmann::ordered_json calls = nlohmann::ordered_json::array();
  for (const auto& c : message.tool_calls)
    calls.push_back({{"id", c.id}, {"type", "function"}, {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
  nlohmann::ordered_json out;
  if (message.content.empty() && !message.tool_calls.empty()) out["content"] = nullptr;
  else out["content"] = message.content;
  if (message.reasoning_content.empty()) out["reasoning_content"] = nullptr;
  else out["reasoning_content"] = message.reasoning_content;
  out["tool_calls"] = std::move(calls);
  return out;
}

nlohmann::ordered_json to_json(const MessageDelta& delta) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  if (!delta.content.empty()) out["content"] = delta.content;
  if (!delta.reasoning_content.empty()) out["reasoning_content"] = delta.reasoning_content;
  if (!delta.tool_calls.empty()) {
    nlohmann::ordered_json calls = nlohmann::ordered_json::array();
    for (const auto& d : delta.tool_calls) {
      nlohmann::ordered_json c = {{"index", d.index}};
      if (d.opens()) {
        c["id"] = d.id;
        c["type"] = "function";
        c["function"] = {{"name", d.name}, {"arguments", d.arguments}};
      } else {
        c["function"] = {{"arguments", d.arguments}};
      }
      calls.push_back(std::move(c));
    }
    out["tool_calls"] = std::move(calls);
  }
  return out;
}

}  // namespace openarc::llm
