// The grammar that makes a model call tools in its own format (tool-calling.md §4.5, §6):
// tool_choice "required" (one or more calls to declared tools) or a named function (a call to
// it), each call's arguments valid JSON for that tool's `parameters` schema.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "grammar/grammar.h"
#include "llm/tool_parser.h"

namespace openarc::llm {

struct ForcedToolCall {
  std::string name;      // empty: any declared tool (tool_choice "required")
  bool parallel = true;  // one or more calls; false: exactly one
};

// `tools` in the OpenAI shape; `has_token(text)` says whether the tokenizer has a token with that
// text (Mistral's [ARGS] picks the v11 form). Throws SettingError naming "tools" (a parameters
// schema with a keyword that cannot be enforced, with its pointer) or "tool_choice" (an unknown
// name, a format that has no calls).
grammar::Grammar tool_call_grammar(const ToolParser& parser, const nlohmann::ordered_json& tools,
                                   const ForcedToolCall& forced, const std::function<bool(std::string_view)>& has_token);

}  // namespace openarc::llm
