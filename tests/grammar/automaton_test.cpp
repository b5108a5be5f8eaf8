#include "grammar/automaton.h"

#include <gtest/gtest.h>

#include "match_util.h"

namespace openarc::grammar {
namespace {

Automaton::StateId run(Automaton& a, std::string_view text) {
  Automaton::StateId s = a.start();
  for (unsigned char c : text) s = a.step(s, c);
  return s;
}

TEST(Automaton, EndAndCompletion) {
  Automaton a(gbnf(R"(root ::= "ab" "c"?)"));
  EXPECT_FALSE(a.can_end(a.start()));
  EXPECT_EQ(a.min_completion(a.start()), 2u);
  Automaton::StateId ab = run(a, "ab");
  EXPECT_TRUE(a.can_end(ab));
  EXPECT_FALSE(a.is_complete(ab));  // "c" may still follow
  EXPECT_EQ(a.min_completion(ab), 0u);
  EXPECT_TRUE(a.is_complete(run(a, "abc")));
  EXPECT_EQ(run(a, "abd"), Automaton::kDead);
  EXPECT_EQ(run(a, "x"), Automaton::kDead);
}

// The shortest completion follows the rules: here it closes the open brackets.
TEST(Automaton, MinCompletionCountsWhatIsStillOpen) {
  Automaton a(gbnf("root ::= value\nvalue ::= \"[\" (value (\",\" value)*)? \"]\" | \"null\""));
  EXPECT_EQ(a.min_completion(a.start()), 2u);
  EXPECT_EQ(a.min_completion(run(a, "[[[")), 3u);
  EXPECT_EQ(a.min_completion(run(a, "[[[n")), 6u);  // "ull" then "]]]"
  EXPECT_EQ(a.min_completion(run(a, "[[],")), 3u);  // a value ("[]") then "]"
}

// The same state is reached again by different texts (the automaton is a DFA over states), and
// a step already computed is answered from the table.
TEST(Automaton, StatesAreSharedAndStepsRemembered) {
  Automaton a(gbnf(R"(root ::= "\"" [a-z]* "\"")"));
  Automaton::StateId s1 = run(a, "\"abc");
  Automaton::StateId s2 = run(a, "\"xyzzy");
  EXPECT_EQ(s1, s2);
  size_t states = a.state_count();
  EXPECT_EQ(run(a, "\"qqqqqqqqqqqq"), s1);
  EXPECT_EQ(a.state_count(), states);
}

// Nested repetitions leave many parse stacks that differ only in which copy of an equal
// continuation they return to; those are one stack, so the state space stays small.
TEST(Automaton, NestedRepetitionsStayLinear) {
  Automaton a(gbnf(std::string("root ::= \"x\"") + std::string(60, '+') + " \"y\""));
  Automaton::StateId s = a.start();
  for (int i = 0; i < 200; ++i) s = a.step(s, 'x');
  EXPECT_TRUE(a.can_end(a.step(s, 'y')));
  EXPECT_LT(a.node_count(), 1000u);
  EXPECT_LT(a.state_count(), 20u);
}

TEST(Automaton, AmbiguousGrammarsKeepEveryParse) {
  // Both alternatives start alike; only the end decides.
  const char* g = R"(root ::= "a"* "b" | "a"* "c" | ("a" "a")* "d")";
  EXPECT_TRUE(gbnf_matches(g, "aaab"));
  EXPECT_TRUE(gbnf_matches(g, "aaac"));
  EXPECT_TRUE(gbnf_matches(g, "aaaad"));
  EXPECT_FALSE(gbnf_matches(g, "aaad"));
}

}  // namespace
}  // namespace openarc::grammar
