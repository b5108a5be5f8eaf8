// The two lazy grammars a chat request can get (grammar/lazy_grammar.h):
// - after_reasoning: a grammar the output must match (a forced tool call, a response format)
//   when the prompt opened a reasoning block: the model reasons freely and the grammar starts at
//   its closing marker, which is forced once the token budget leaves just room for it and the
//   grammar's shortest text;
// - auto_tool_calls: tool_choice "auto", free text in which each call the model begins (at its
//   family's trigger, tool_call_triggers) is well formed; calls drafted inside reasoning are not
//   calls, so no trigger counts there.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "grammar/lazy_grammar.h"
#include "llm/reasoning.h"

namespace openarc::llm {

grammar::LazyGrammarSpec after_reasoning(const grammar::Grammar& grammar, const ReasoningMarkers& markers);

// `markers`: the model's reasoning markers, when it has them; `opens_reasoning`: the prompt opened
// the block. Without parallel, one call at most.
grammar::LazyGrammarSpec auto_tool_calls(std::vector<grammar::LazyTrigger> triggers,
                                         const std::optional<ReasoningMarkers>& markers, bool opens_reasoning,
                                         bool parallel);

}  // namespace openarc::llm
