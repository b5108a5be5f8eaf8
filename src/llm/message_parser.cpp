#include "llm/message_parser.h"

namespace openarc::llm {

MessageParser::MessageParser(const ToolParser& parser, ToolSet tools, std::optional<ReasoningMarkers> reasoning,
                             bool starts_in_reasoning, ToolCallIds ids, CallStreaming mode)
    : tools_(parser, std::move(tools), std::move(ids), mode) {
  if (reasoning) reasoning_.emplace(std::move(*reasoning), starts_in_reasoning);
}

MessageDelta MessageParser::route(ReasoningDelta d, bool final) {
  MessageDelta out = tools_.feed(d.content);
  if (final) out.append(tools_.finish());
  out.reasoning_content = std::move(d.reasoning);
  accumulate(message_, out);
  return out;
}

MessageDelta MessageParser::feed(std::string_view piece) {
  if (!reasoning_) return route({"", std::string(piece)}, false);
  return route(reasoning_->feed(piece), false);
}

MessageDelta MessageParser::finish() {
  if (!reasoning_) return route({}, true);
  return route(reasoning_->flush(), true);
}

ParsedMessage parse_message(std::string_view text, const ToolParser& parser, const ToolSet& tools,
                            const std::optional<ReasoningMarkers>& reasoning, bool starts_in_reasoning,
                            ToolCallIds ids) {
  MessageParser p(parser, tools, reasoning, starts_in_reasoning, std::move(ids), CallStreaming::whole_calls);
  p.feed(text);
  p.finish();
  return p.message();
}

}  // namespace openarc::llm
