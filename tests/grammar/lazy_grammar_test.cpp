// Lazy grammars: free text until a trigger appears in the text (across tokens too), then the
// trigger's grammar from the byte after it; free again once the grammar's text is whole. The mask
// always says what allows() says.
#include "grammar/lazy_grammar.h"

#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "grammar/gbnf_parser.h"
#include "match_util.h"

namespace openarc::grammar {
namespace {

using Where = LazyTrigger::Where;

// 0: the end token, 1: a special token (no text).
const std::vector<std::string> kPieces = {"",  "",     "<ca", "ll>",     "<call>", "<call>{", "<call>!", "ab<call>{",
                                          "{", "}",    "x",   "hello",   " ",      "[",       " [",      "Hi",
                                          "<", "call", ">",   "<think>", "</think>", "</",    "think>",  "\n",
                                          "\n\n", "ok", "a}", "}<call>"};

int32_t id(std::string_view piece) {
  for (size_t i = 2; i < kPieces.size(); ++i)
    if (kPieces[i] == piece) return static_cast<int32_t>(i);
  ADD_FAILURE() << "no token '" << piece << "'";
  return 0;
}

std::shared_ptr<const TokenVocabulary> vocab() { return std::make_shared<const TokenVocabulary>(kPieces); }

std::shared_ptr<const Grammar> gbnf(const char* text) { return std::make_shared<const Grammar>(compile_gbnf(text)); }

// <call>{ one to five letters }
LazyTrigger call_trigger(Where where = Where::anywhere, bool to_end = false) {
  return {"<call>", where, gbnf(R"(root ::= "<call>{" [a-z]{1,5} "}")"), to_end};
}

std::shared_ptr<LazyGrammar> lazy(LazyGrammarSpec spec) {
  return std::make_shared<LazyGrammar>(std::move(spec), vocab(), std::vector<int32_t>{0});
}

// The mask and allows() agree on every token.
void expect_mask_agrees(LazyMatcher& m, const std::string& where) {
  std::vector<bool> allowed;
  for (size_t t = 0; t < kPieces.size(); ++t) allowed.push_back(m.allows(static_cast<int32_t>(t)));
  const auto mask = m.mask();
  for (size_t t = 0; t < kPieces.size(); ++t)
    ASSERT_EQ(bit(mask, t), allowed[t]) << where << ": token " << t << " '" << kPieces[t] << "'";
}

TEST(LazyGrammar, FreeUntilATriggerSplitAcrossTokensThenTheGrammarThenFreeAgain) {
  LazyMatcher m(lazy({{call_trigger()}}));
  for (const char* free : {"hello", "x", "}", "{", " "}) EXPECT_TRUE(m.allows(id(free))) << free;
  EXPECT_TRUE(m.allows(0));
  expect_mask_agrees(m, "start");
  m.accept(id("hello"));
  m.accept(id("<ca"));
  EXPECT_FALSE(m.in_span());
  expect_mask_agrees(m, "after <ca");
  m.accept(id("ll>"));  // "<call>" is complete: the grammar holds from here
  ASSERT_TRUE(m.in_span());
  EXPECT_TRUE(m.allows(id("{")));
  EXPECT_FALSE(m.allows(id("hello")));
  EXPECT_FALSE(m.allows(id("}")));
  EXPECT_FALSE(m.allows(0));
  expect_mask_agrees(m, "in the span");
  EXPECT_THROW(m.accept(id("}")), Error);
  m.accept(id("{"));
  m.accept(id("x"));
  m.accept(id("}"));
  EXPECT_FALSE(m.in_span());  // the call is whole: free text again
  EXPECT_FALSE(m.is_complete());
  EXPECT_TRUE(m.allows(id("hello")));
  EXPECT_TRUE(m.allows(0));
  m.accept(id("<call>"));  // a second call
  EXPECT_TRUE(m.in_span());
  EXPECT_EQ(m.spans(), 2u);
}

TEST(LazyGrammar, ATokenHoldingTheTriggerMustContinueTheGrammar) {
  LazyMatcher m(lazy({{call_trigger()}}));
  EXPECT_TRUE(m.allows(id("<call>{")));
  EXPECT_FALSE(m.allows(id("<call>!")));
  EXPECT_TRUE(m.allows(id("ab<call>{")));  // text before the trigger is free
  m.accept(id("<"));
  EXPECT_TRUE(m.allows(id("call")));  // "<call" is not the trigger yet
  m.accept(id("call"));
  EXPECT_TRUE(m.allows(id("}<call>")));  // "<call}" is text; its own "<call>" starts a call
  expect_mask_agrees(m, "after <call");
  m.accept(id(">"));
  EXPECT_TRUE(m.in_span());
  m.accept(id("{"));
  m.accept(id("x"));
  EXPECT_FALSE(m.allows(id("}<call>")));  // would run past the end of the call
  m.accept(id("a}"));
  EXPECT_FALSE(m.in_span());
}

TEST(LazyGrammar, OnceRefusesASecondCall) {
  LazyGrammarSpec spec{{call_trigger()}};
  spec.once = true;
  LazyMatcher m(lazy(spec));
  m.accept(id("<call>{"));
  m.accept(id("a}"));
  ASSERT_FALSE(m.in_span());
  EXPECT_FALSE(m.allows(id("<call>")));
  m.accept(id("<ca"));
  EXPECT_FALSE(m.allows(id("ll>")));
  expect_mask_agrees(m, "after a call and <ca");
  m.accept(id("x"));
  EXPECT_TRUE(m.allows(id("ll>")));  // "<cax" broke the marker
}

TEST(LazyGrammar, AtStartTriggersOnlyAtTheStartAfterWhitespace) {
  const LazyTrigger list{"[", Where::at_start, gbnf(R"(root ::= "[" [a-z]+ "]")"), true};
  {
    LazyMatcher m(lazy({{list}}));
    m.accept(id(" "));
    expect_mask_agrees(m, "after a space");
    m.accept(id(" ["));
    EXPECT_TRUE(m.in_span());
    m.accept(id("x"));
    EXPECT_FALSE(m.is_complete());
    EXPECT_FALSE(m.allows(0));
    EXPECT_FALSE(m.allows(id("}")));
  }
  {
    LazyMatcher m(lazy({{list}}));
    m.accept(id("Hi"));
    m.accept(id("["));  // not at the start: text
    EXPECT_FALSE(m.in_span());
    EXPECT_TRUE(m.allows(id("}")));
  }
}

TEST(LazyGrammar, ASpanToTheEndFinishesTheOutput) {
  const LazyTrigger list{"[", Where::at_start, gbnf(R"(root ::= "[x]")"), true};
  LazyMatcher m(lazy({{list}}));
  m.accept(id("["));
  m.accept(id("x"));
  EXPECT_FALSE(m.is_complete());
  std::vector<std::string> pieces = kPieces;
  pieces.push_back("]");
  LazyMatcher n(std::make_shared<LazyGrammar>(LazyGrammarSpec{{list}}, std::make_shared<const TokenVocabulary>(pieces),
                                              std::vector<int32_t>{0}));
  n.accept(id("["));
  n.accept(id("x"));
  n.accept(static_cast<int32_t>(pieces.size() - 1));
  EXPECT_TRUE(n.is_complete());
}

LazyGrammarSpec with_reasoning(std::vector<LazyTrigger> triggers, bool starts_in_reasoning) {
  LazyGrammarSpec spec{std::move(triggers)};
  spec.reasoning_open = "<think>";
  spec.reasoning_close = "</think>";
  spec.starts_in_reasoning = starts_in_reasoning;
  return spec;
}

TEST(LazyGrammar, NoTriggerCountsInsideReasoning) {
  {
    LazyMatcher m(lazy(with_reasoning({call_trigger()}, true)));
    m.accept(id("<call>!"));  // a call drafted while thinking is text
    EXPECT_FALSE(m.in_span());
    m.accept(id("</"));
    expect_mask_agrees(m, "after </");
    m.accept(id("think>"));
    m.accept(id("\n\n"));
    m.accept(id("<call>"));
    EXPECT_TRUE(m.in_span());
  }
  {
    // The output opens the block itself (after whitespace).
    LazyMatcher m(lazy(with_reasoning({call_trigger()}, false)));
    m.accept(id(" "));
    expect_mask_agrees(m, "lead");
    m.accept(id("<think>"));
    m.accept(id("<call>!"));
    EXPECT_FALSE(m.in_span());
    m.accept(id("</think>"));
    EXPECT_FALSE(m.allows(id("<call>!")));
  }
  {
    // "<" could open the block or start the trigger: the next token decides.
    LazyMatcher m(lazy(with_reasoning({call_trigger()}, false)));
    m.accept(id("<"));
    expect_mask_agrees(m, "after <");
    m.accept(id("call"));
    m.accept(id(">"));
    EXPECT_TRUE(m.in_span());
  }
  {
    // An at_start trigger counts at the start of the content, after the block.
    const LazyTrigger list{"[", Where::at_start, gbnf(R"(root ::= "[" [a-z]+ "]")"), true};
    LazyMatcher m(lazy(with_reasoning({list}, true)));
    m.accept(id("["));
    EXPECT_FALSE(m.in_span());
    m.accept(id("</think>"));
    m.accept(id("\n\n"));
    m.accept(id("["));
    EXPECT_TRUE(m.in_span());
  }
}

// A grammar that must follow the reasoning: "</think>\n\n" then {a..e}.
LazyGrammarSpec required_after_reasoning() {
  LazyGrammarSpec spec = with_reasoning(
      {{"</think>", Where::reasoning_end, gbnf(R"(root ::= "</think>\n\n{" [a-e]{1,3} "}")"), true}}, true);
  spec.required = true;
  return spec;
}

TEST(LazyGrammar, RequiredGrammarStartsAtTheModelsOwnClosingMarker) {
  LazyMatcher m(lazy(required_after_reasoning()), 40);
  EXPECT_FALSE(m.allows(0));  // no end before the grammar's text
  EXPECT_TRUE(m.allows(id("hello")));
  expect_mask_agrees(m, "reasoning");
  m.accept(id("hello"));
  m.accept(id("</"));
  m.accept(id("think>"));
  ASSERT_TRUE(m.in_span());
  EXPECT_FALSE(m.allows(id("hello")));
  m.accept(id("\n\n"));
  m.accept(id("{"));
  m.accept(id("a}"));
  EXPECT_TRUE(m.is_complete());
}

TEST(LazyGrammar, RequiredGrammarIsForcedWhenTheBudgetRunsOut) {
  // The grammar's shortest text, "</think>\n\n{a}", is 13 bytes: with 16 tokens the model may
  // reason for 3, then the grammar writes its closing marker itself.
  LazyMatcher m(lazy(required_after_reasoning()), 16);
  std::string text;
  int tokens = 0;
  while (!m.is_complete()) {
    ASSERT_LT(tokens, 16) << text;
    // A model that would reason forever: "hello" whenever allowed, else the longest allowed token.
    int32_t pick = id("hello");
    if (!m.allows(pick)) {
      const auto mask = m.mask();
      pick = -1;
      for (size_t t = 1; t < kPieces.size(); ++t)
        if (bit(mask, t) && (pick < 0 || kPieces[t].size() > kPieces[static_cast<size_t>(pick)].size()))
          pick = static_cast<int32_t>(t);
      ASSERT_GE(pick, 0) << text;
    }
    m.accept(pick);
    text += kPieces[static_cast<size_t>(pick)];
    ++tokens;
  }
  EXPECT_EQ(text.substr(0, 15), "hellohellohello");
  EXPECT_NE(text.find("</think>\n\n{"), std::string::npos) << text;
  EXPECT_LE(tokens, 16);
}

TEST(LazyGrammar, ACallThatCannotFinishInTheBudgetCannotStart) {
  LazyMatcher m(lazy({{call_trigger()}}), 4);
  // After "<call>" the call needs "{x}", 3 bytes, in the 3 tokens left.
  EXPECT_TRUE(m.allows(id("<call>")));
  m.accept(id("x"));
  EXPECT_FALSE(m.allows(id("<call>")));  // 2 tokens left after it
  EXPECT_TRUE(m.allows(id("<call>{")));  // "x}" fits in 2
  expect_mask_agrees(m, "tight budget");
}

TEST(LazyGrammar, RandomWalksKeepMaskAndAllowsTogetherAndSpansWellFormed) {
  std::mt19937 rng(3);
  for (bool reasoning : {false, true}) {
    for (int walk = 0; walk < 40; ++walk) {
      LazyGrammarSpec spec = reasoning ? with_reasoning({call_trigger()}, true) : LazyGrammarSpec{{call_trigger()}};
      spec.once = walk % 3 == 0;
      LazyMatcher m(lazy(spec), 30);
      std::string text;
      for (int step = 0; step < 30 && !m.is_complete(); ++step) {
        expect_mask_agrees(m, text);
        std::vector<int32_t> allowed;
        const auto mask = m.mask();
        for (size_t t = 1; t < kPieces.size(); ++t)
          if (bit(mask, t)) allowed.push_back(static_cast<int32_t>(t));
        if (allowed.empty()) break;
        const int32_t t = allowed[rng() % allowed.size()];
        m.accept(t);
        text += kPieces[static_cast<size_t>(t)];
      }
      // Every "<call>" outside reasoning is followed by a whole call (or the output was cut in it).
      const size_t content = reasoning ? text.find("</think>") : 0;
      if (content == std::string::npos) continue;
      for (size_t at = text.find("<call>", content); at != std::string::npos; at = text.find("<call>", at + 1)) {
        const size_t close = text.find('}', at);
        if (close == std::string::npos) break;
        const std::string body = text.substr(at + 7, close - at - 7);
        ASSERT_EQ(text[at + 6], '{') << text;
        ASSERT_TRUE(!body.empty() && body.size() <= 5 && body.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos)
            << text;
      }
    }
  }
}

TEST(LazyGrammar, ATriggerItsGrammarDoesNotBeginWithIsRefused) {
  EXPECT_THROW(lazy({{{"<call>", Where::anywhere, gbnf(R"(root ::= "{x}")"), false}}}), Error);
  LazyGrammarSpec spec = with_reasoning({{"</x>", Where::reasoning_end, gbnf(R"(root ::= "</x>")"), true}}, true);
  EXPECT_THROW(lazy(spec), Error);
}

}  // namespace
}  // namespace openarc::grammar
