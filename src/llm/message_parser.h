// The assistant message a model generated, parsed as the API returns it: reasoning split off
// first (reasoning.h), then the family's tool calls found in what is left, so a call drafted
// inside a reasoning block stays reasoning (tool-calling.md §2.3). One parser serves streaming
// and non-streaming alike: parse_message is a stream fed the whole text at once.
#pragma once

#include <optional>
#include <string_view>

#include "llm/reasoning.h"
#include "llm/tool_call.h"
#include "llm/tool_parser.h"
#include "llm/tool_stream.h"

namespace openarc::llm {

class MessageParser {
 public:
  // reasoning: the template's markers (detect_reasoning_markers), nullopt for a model that does
  // not think; starts_in_reasoning: the generation prompt already opened the block.
  MessageParser(const ToolParser& parser, ToolSet tools, std::optional<ReasoningMarkers> reasoning,
                bool starts_in_reasoning, ToolCallIds ids = ToolCallIds(),
                CallStreaming mode = CallStreaming::arguments);

  MessageDelta feed(std::string_view piece);
  MessageDelta finish();
  // Everything released so far, accumulated as a client would.
  const ParsedMessage& message() const { return message_; }

 private:
  MessageDelta route(ReasoningDelta d, bool final);

  std::optional<ReasoningParser> reasoning_;
  ToolStream tools_;
  ParsedMessage message_;
};

ParsedMessage parse_message(std::string_view text, const ToolParser& parser, const ToolSet& tools,
                            const std::optional<ReasoningMarkers>& reasoning, bool starts_in_reasoning,
                            ToolCallIds ids = ToolCallIds());

}  // namespace openarc::llm
