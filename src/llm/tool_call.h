// A parsed assistant message as the OpenAI API returns it: content, reasoning_content and
// tool_calls (id, type "function", function name, arguments as a JSON string), and the deltas a
// stream sends for it. See ../shared/docs/tool-calling.md §0.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace openarc::llm {

struct ToolCall {
  std::string id;         // "call_" + 24 alphanumerics
  std::string name;       // function.name
  std::string arguments;  // function.arguments: a compact JSON object, as a string
  bool operator==(const ToolCall&) const = default;
};

struct ParsedMessage {
  std::string content;
  std::string reasoning_content;
  std::vector<ToolCall> tool_calls;
  bool operator==(const ParsedMessage&) const = default;
};

// One streamed tool-call delta. The first delta of a call carries its index, id and name (with
// empty arguments); later ones carry the same index and an argument fragment. Fragments of one
// index concatenate to the call's arguments.
struct ToolCallDelta {
  size_t index = 0;
  std::string id;    // only on the opening delta
  std::string name;  // only on the opening delta
  std::string arguments;
  bool opens() const { return !id.empty(); }
  bool operator==(const ToolCallDelta&) const = default;
};

struct MessageDelta {
  std::string content;
  std::string reasoning_content;
  std::vector<ToolCallDelta> tool_calls;
  bool empty() const { return content.empty() && reasoning_content.empty() && tool_calls.empty(); }
  void append(MessageDelta other);
};

// Applies a delta to an accumulated message the way an OpenAI client does.
void accumulate(ParsedMessage& message, const MessageDelta& delta);

// Tool-call ids. Seeded for reproducible tests; otherwise from std::random_device.
class ToolCallIds {
 public:
  ToolCallIds();
  explicit ToolCallIds(uint64_t seed) : rng_(seed) {}
  std::string next();
  // A seed for another generator drawn from this one (one sequence across many messages).
  uint64_t next_seed() { return rng_(); }

 private:
  std::mt19937_64 rng_;
};

// {"content", "reasoning_content", "tool_calls": [{"id", "type", "function": {"name", "arguments"}}]}
// content is null when it is empty and there are calls (OpenAI's shape); reasoning_content is null
// when empty.
nlohmann::ordered_json to_json(const ParsedMessage& message);
// The OpenAI delta object: {"content"?, "reasoning_content"?, "tool_calls"?}.
nlohmann::ordered_json to_json(const MessageDelta& delta);

}  // namespace openarc::llm
