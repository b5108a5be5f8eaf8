// Lazy grammars (tool-calling.md §4.5): the output is free text until a trigger appears in it,
// then the trigger's grammar holds from the byte after the trigger's text, until that grammar has
// matched a whole text nothing may extend; then the text is free again (or the grammar runs to
// the end of the output).
//
// Triggers are found in the text, not in token ids, so a trigger written across several tokens
// counts, and a token that holds a trigger and more must continue it the way its grammar allows
// (its bytes after the trigger go through the grammar). A token that would start a span the
// grammar refuses, or one that could not finish within the token budget, is masked, so every
// span that begins also ends well formed.
//
// Inside a reasoning block no trigger counts (a call drafted while thinking is not a call), except
// a trigger at the block's end: a grammar that must follow the reasoning (a forced tool call, a
// response format) then starts after the model's own closing marker. With `required`, the span
// must happen: end tokens wait for it, and when the token budget leaves just room for its shortest
// text, the first trigger's grammar starts by itself, at its own first byte.
//
// LazyGrammar binds a specification to a vocabulary (shared by the n samples of a request, like
// TokenGrammar); LazyMatcher is one sequence's position in it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/grammar.h"
#include "grammar/token_constraint.h"
#include "grammar/token_matcher.h"

namespace openarc::grammar {

struct LazyTrigger {
  enum class Where : uint8_t {
    anywhere,       // anywhere in the content
    at_start,       // at the start of the content, after whitespace
    reasoning_end,  // the end of the reasoning block: `text` is its closing marker
  };
  std::string text;
  Where where = Where::anywhere;
  std::shared_ptr<const Grammar> grammar;  // matches texts that begin with `text`
  // The grammar runs to the end of the output (end tokens where it can end); otherwise the text
  // is free again once the grammar has matched a whole text.
  bool to_end = false;
};

struct LazyGrammarSpec {
  std::vector<LazyTrigger> triggers;
  // The reasoning block's markers (both empty: none). The block is open from the first byte with
  // starts_in_reasoning, or when the output starts with `reasoning_open` after whitespace, as
  // ReasoningParser reads it.
  std::string reasoning_open, reasoning_close;
  bool starts_in_reasoning = false;
  bool once = false;      // after one span no trigger may appear (parallel_tool_calls false)
  bool required = false;  // a span must happen (see above)
};

class LazyGrammar {
 public:
  // Throws Error when a trigger's grammar does not begin with the trigger's text, or a
  // reasoning_end trigger is not the closing marker.
  LazyGrammar(LazyGrammarSpec spec, std::shared_ptr<const TokenVocabulary> vocabulary, std::vector<int32_t> end_tokens);

  const LazyGrammarSpec& spec() const { return spec_; }
  const TokenVocabulary& vocabulary() const { return *vocabulary_; }

 private:
  friend class LazyMatcher;
  // A marker whose completion changes what the text is: for the mask, the tokens that can
  // complete it (the others leave the free text free).
  struct Watch {
    std::string text;
    std::vector<int32_t> containing;              // tokens whose bytes hold the whole text
    std::vector<std::vector<int32_t>> finishing;  // [j]: tokens that start with text[j..] (1 <= j < size)
  };
  bool is_end_token(int32_t id) const;

  LazyGrammarSpec spec_;
  std::shared_ptr<const TokenVocabulary> vocabulary_;
  std::vector<int32_t> end_tokens_;
  std::vector<std::shared_ptr<TokenGrammar>> grammars_;  // per trigger
  std::vector<Automaton::StateId> after_text_;           // per trigger: its grammar after its text
  std::vector<Watch> watches_;
  std::vector<uint8_t> first_byte_;  // per token: its first byte that is not whitespace (0: none)
  size_t longest_ = 0;               // the longest marker or trigger text
};

class LazyMatcher final : public TokenConstraint {
 public:
  // max_tokens: how many tokens the sequence may generate (TokenMatcher::kNoBudget: no limit).
  explicit LazyMatcher(std::shared_ptr<LazyGrammar> grammar, int64_t max_tokens = TokenMatcher::kNoBudget);

  bool allows(int32_t token) override;
  std::span<const uint64_t> mask() override;
  void accept(int32_t token) override;
  // A span that runs to the end of the output is finished (or an end token was accepted).
  bool is_complete() const override;
  size_t vocab_size() const override { return grammar_->vocabulary().size(); }

  bool in_span() const { return span_.has_value(); }  // a trigger's grammar holds now
  size_t spans() const { return spans_; }             // spans begun so far

 private:
  enum class Phase : uint8_t { lead, reasoning, content };
  // Where the free text stands, which decides whether a trigger appears.
  struct Text {
    Phase phase = Phase::content;
    std::string tail;        // the last bytes of the output (up to the longest marker)
    std::string head;        // lead: the output so far; content: the content so far, while head_live
    bool head_live = false;  // an at_start trigger may still match
  };
  // What a token does from the free text.
  struct Outcome {
    bool allowed = true;
    int trigger = -1;  // the trigger it completes (a span starts)
    std::string span_text;  // what the span's grammar reads after the trigger's text
    Text text;              // the free text after it (no trigger)
  };
  Text content_text(bool at_start) const;
  // One byte of free text; returns the trigger it completes, if any, with the bytes already seen
  // that come after the trigger's text (when a lead turned out to be content) in `carried`.
  int feed(Text& t, char c, std::string& carried) const;
  Outcome evaluate(int32_t token) const;
  void start_span(int trigger);  // at the grammar's first byte (required, by the budget)
  void end_span();
  void check_required();

  std::shared_ptr<LazyGrammar> grammar_;
  Text text_;
  std::optional<TokenMatcher> span_;
  int span_trigger_ = -1;
  int64_t remaining_;
  size_t spans_ = 0;
  bool ended_ = false;
  std::vector<uint64_t> bits_;  // the free text's mask
};

}  // namespace openarc::grammar
