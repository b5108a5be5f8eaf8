// The grammar that makes a model call tools in its own format (tool-calling.md §4.5, §6):
// tool_choice "required" (one or more calls to declared tools) or a named function (a call to
// it), each call's arguments valid JSON for that tool's `parameters` schema; and for
// tool_choice "auto" the same calls as a lazy grammar that starts at the family's call marker.
#pragma once

#include <functional>
#include <vector>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "grammar/grammar.h"
#include "grammar/lazy_grammar.h"
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

// tool_choice "auto": the lazy grammar's triggers, each with the grammar of a well-formed call
// to a declared tool from there on. Per family: hermes and qwen3_coder <tool_call> (one call per
// trigger), mistral [TOOL_CALLS] (v11: one call per trigger; list form: the list), deepseek
// <｜tool▁calls▁begin｜>, granite <|tool_call|>, phi4_mini functools[, command_r7b
// <|START_ACTION|> (the block of calls); llama3_json {"name" at the start of the content or
// <|python_tag|>, pythonic [ at the start or <|python_start|>, generic {"tool_call at the start
// (the calls are the rest of the output). Without parallel, a block holds one call. Empty for
// the 'none' format, and when a tool's parameters use a keyword the grammar cannot enforce (the
// output is then only parsed, as before).
std::vector<grammar::LazyTrigger> tool_call_triggers(const ToolParser& parser, const nlohmann::ordered_json& tools,
                                                     bool parallel,
                                                     const std::function<bool(std::string_view)>& has_token);

}  // namespace openarc::llm
