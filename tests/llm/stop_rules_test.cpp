#include "llm/stop_rules.h"

#include <gtest/gtest.h>

#include "llm/sampler.h"

namespace openarc::llm {
namespace {

constexpr int64_t kLots = 1000;

GenerationConfig with_stops(std::vector<std::string> stops, bool include = false) {
  GenerationConfig c;
  c.stop = std::move(stops);
  c.include_stop_str_in_output = include;
  return c;
}

// Feeds pieces as one token each; returns what was released per piece, then the flush.
std::vector<std::string> feed(StopRules& rules, const std::vector<std::string>& pieces) {
  std::vector<std::string> out;
  for (const auto& p : pieces) {
    if (rules.finished()) break;
    rules.on_token(100);
    out.push_back(rules.on_text(p));
  }
  out.push_back(rules.flush());
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += p;
  return s;
}

TEST(StopRules, StopStringSplitAcrossPiecesIsCaught) {
  StopRules r(with_stops({"END"}), kLots);
  EXPECT_EQ(feed(r, {"Hello E", "N", "D more", "never fed"}), (std::vector<std::string>{"Hello ", "", "", ""}));
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
  EXPECT_EQ(r.matched_stop_string(), "END");
  EXPECT_EQ(r.generated(), 3);
}

TEST(StopRules, IncludeStopString) {
  StopRules r(with_stops({"END"}, true), kLots);
  EXPECT_EQ(joined(feed(r, {"Hello E", "N", "D more"})), "Hello END");
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
}

TEST(StopRules, HeldBackTextIsReleasedWhenTheMatchFails) {
  StopRules r(with_stops({"END"}), kLots);
  EXPECT_EQ(r.on_text("abc E"), "abc ");  // "E" may start "END"
  EXPECT_EQ(r.on_text("N"), "");          // "EN" still may
  EXPECT_EQ(r.on_text("x"), "ENx");       // "ENx" cannot
  EXPECT_FALSE(r.finished());
  EXPECT_EQ(r.on_text("EN"), "");
  EXPECT_EQ(r.flush(), "EN");  // the end: held text was not a stop
}

TEST(StopRules, OverlappingPrefixes) {
  // "aab" in "aaab": after "aaa" only the last "aa" can still start it.
  StopRules r(with_stops({"aab"}), kLots);
  EXPECT_EQ(feed(r, {"a", "a", "a", "b"}), (std::vector<std::string>{"", "", "a", "", ""}));
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
}

TEST(StopRules, FirstCompletedStopWinsWhateverThePieces) {
  // "b" completes before "abc" does, so the output is "xa" however the text is cut.
  for (const auto& pieces : std::vector<std::vector<std::string>>{{"xabc"}, {"x", "a", "b", "c"}, {"xa", "bc"}}) {
    StopRules r(with_stops({"abc", "b"}), kLots);
    EXPECT_EQ(joined(feed(r, pieces)), "xa");
    EXPECT_EQ(r.matched_stop_string(), "b");
  }
  // Two stops complete at once: the longer (earlier start) one.
  for (const auto& pieces : std::vector<std::vector<std::string>>{{"xabc"}, {"x", "a", "b", "c"}}) {
    StopRules r(with_stops({"bc", "abc"}), kLots);
    EXPECT_EQ(joined(feed(r, pieces)), "x");
    EXPECT_EQ(r.matched_stop_string(), "abc");
  }
}

TEST(StopRules, MultiByteStopString) {
  StopRules r(with_stops({"\xC3\xA9t\xC3\xA9"}), kLots);  // "été"
  // The first piece ends inside "é": held until the stop is decided.
  EXPECT_EQ(joined(feed(r, {"un \xC3\xA9", "t\xC3\xA9 chaud"})), "un ");
}

TEST(StopRules, EosEndsWithoutText) {
  GenerationConfig c;
  c.eos_token_ids = {2, 1};
  StopRules r(c, kLots);
  EXPECT_TRUE(r.on_token(5));
  EXPECT_FALSE(r.finished());
  EXPECT_FALSE(r.on_token(1));
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
  EXPECT_EQ(r.matched_stop_token(), 1);
}

TEST(StopRules, IgnoreEos) {
  GenerationConfig c;
  c.eos_token_ids = {2};
  c.ignore_eos = true;
  c.stop_token_ids = {7};
  StopRules r(c, kLots);
  EXPECT_TRUE(r.on_token(2));
  EXPECT_FALSE(r.finished());
  EXPECT_TRUE(r.suppressed_tokens().empty());
  EXPECT_FALSE(r.on_token(7));  // stop ids still stop
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
}

TEST(StopRules, StopTokenTextWithInclude) {
  GenerationConfig c;
  c.stop_token_ids = {7};
  c.include_stop_str_in_output = true;
  StopRules r(c, kLots);
  EXPECT_TRUE(r.on_token(7));
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
}

TEST(StopRules, MaxTokensGivesLength) {
  StopRules r(with_stops({"zzz"}), 3);
  EXPECT_EQ(joined(feed(r, {"a", "b", "cz", "d"})), "abcz");  // held "z" released at the end
  EXPECT_EQ(r.finish_reason(), FinishReason::length);
  EXPECT_EQ(r.generated(), 3);
}

TEST(StopRules, EosOnTheLastAllowedTokenIsStop) {
  GenerationConfig c;
  c.eos_token_ids = {2};
  StopRules r(c, 2);
  r.on_token(5);
  r.on_token(2);
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
}

TEST(StopRules, MinNewTokensHoldsOffEosStopIdsAndStopStrings) {
  GenerationConfig c;
  c.eos_token_ids = {2};
  c.stop_token_ids = {9};
  c.stop = {"!"};
  c.min_new_tokens = 2;
  StopRules r(c, kLots);
  EXPECT_EQ(std::vector<int64_t>(r.suppressed_tokens().begin(), r.suppressed_tokens().end()),
            (std::vector<int64_t>{2, 9}));
  r.on_token(5);
  EXPECT_EQ(r.on_text("hi!"), "hi!");  // 1 token < 2: the stop string is plain text
  EXPECT_EQ(r.suppressed_tokens().size(), 2u);
  r.on_token(5);
  EXPECT_TRUE(r.suppressed_tokens().empty());
  EXPECT_EQ(r.on_text(" yo! no"), " yo");  // the 2nd token may stop
  EXPECT_EQ(r.finish_reason(), FinishReason::stop);
}

// The sampler with the stop rules' suppression: eos is the model's favourite but cannot come
// before min_new_tokens tokens exist.
TEST(StopRules, MinNewTokensBlocksEosInTheSampler) {
  GenerationConfig c;
  c.temperature = 0;
  c.eos_token_ids = {2};
  c.min_new_tokens = 3;
  Sampler sampler(c, 3, 0);
  StopRules rules(c, kLots);
  const std::vector<float> row{0.0f, 1.0f, 5.0f};
  std::vector<int64_t> tokens;
  while (!rules.finished()) {
    const int64_t t = sampler.sample(row, rules.suppressed_tokens()).token;
    tokens.push_back(t);
    rules.on_token(t);
  }
  EXPECT_EQ(tokens, (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(rules.finish_reason(), FinishReason::stop);
}

TEST(StopRules, CancelAndReasonNames) {
  StopRules r(with_stops({"END"}), kLots);
  r.on_token(1);
  EXPECT_EQ(r.on_text("abc E"), "abc ");
  r.cancel();
  EXPECT_EQ(r.finish_reason(), FinishReason::cancelled);
  EXPECT_EQ(r.flush(), "E");
  EXPECT_EQ(to_string(FinishReason::cancelled), "cancelled");
  EXPECT_EQ(to_string(FinishReason::length), "length");
  EXPECT_EQ(to_string(FinishReason::stop), "stop");
}

TEST(StopRules, BadLimit) { EXPECT_THROW(StopRules(GenerationConfig{}, 0), Error); }

}  // namespace
}  // namespace openarc::llm
