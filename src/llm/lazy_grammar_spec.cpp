#include "llm/lazy_grammar_spec.h"

namespace openarc::llm {

grammar::LazyGrammarSpec after_reasoning(const grammar::Grammar& grammar, const ReasoningMarkers& markers) {
  grammar::LazyGrammarSpec spec;
  // The templates write the closing marker and a blank line before the answer.
  spec.triggers.push_back({markers.close, grammar::LazyTrigger::Where::reasoning_end,
                           std::make_shared<const grammar::Grammar>(grammar.with_prefix(markers.close + "\n\n")), true});
  spec.reasoning_open = markers.open;
  spec.reasoning_close = markers.close;
  spec.starts_in_reasoning = true;
  spec.required = true;
  return spec;
}

grammar::LazyGrammarSpec auto_tool_calls(std::vector<grammar::LazyTrigger> triggers,
                                         const std::optional<ReasoningMarkers>& markers, bool opens_reasoning,
                                         bool parallel) {
  grammar::LazyGrammarSpec spec;
  spec.triggers = std::move(triggers);
  if (markers) {
    spec.reasoning_open = markers->open;
    spec.reasoning_close = markers->close;
    spec.starts_in_reasoning = opens_reasoning;
  }
  spec.once = !parallel;
  return spec;
}

}  // namespace openarc::llm
