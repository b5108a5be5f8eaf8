// The sampler under a grammar: refused tokens never come out (greedy or sampled), the allowed
// ones keep their relative probabilities, and each drawn token advances the matcher.
#include <gtest/gtest.h>

#include <map>

#include "grammar/gbnf_parser.h"
#include "grammar/token_matcher.h"
#include "llm/sampler.h"

namespace openarc::llm {
namespace {

// 0: end, 1..: pieces.
std::shared_ptr<grammar::TokenGrammar> digits_grammar() {
  auto vocab = std::make_shared<const grammar::TokenVocabulary>(
      std::vector<std::string>{"", "a", "1", "2", "12", "x", "3", "b"});
  auto g = std::make_shared<const grammar::Grammar>(grammar::compile_gbnf("root ::= [1-3]{1,4}"));
  return std::make_shared<grammar::TokenGrammar>(g, vocab, std::vector<int32_t>{0});
}

TEST(SamplerGrammar, GreedyTakesTheBestAllowedToken) {
  auto tg = digits_grammar();
  grammar::TokenMatcher m(tg);
  GenerationConfig c;
  c.temperature = 0;
  Sampler s(c, 8, 1);
  s.set_grammar(&m);
  // "a" (1) is the argmax but refused; "12" (4) is the best allowed.
  EXPECT_EQ(s.sample(std::vector<float>{0, 9, 1, 2, 5, 8, 3, 7}).token, 4);
  // Then two more digits at most; the end token becomes allowed.
  EXPECT_EQ(s.sample(std::vector<float>{6, 9, 1, 2, 5, 8, 3, 7}).token, 0);
  EXPECT_TRUE(m.ended());
}

TEST(SamplerGrammar, SamplingDrawsOnlyAllowedTokensInProportion) {
  auto tg = digits_grammar();
  GenerationConfig c;
  c.temperature = 1;
  std::map<int64_t, int> counts;
  const std::vector<float> logits{0, 5, 0, std::log(3.0f), 0, 5, 0, 5};  // allowed: 2 (w 1), 3 (w 3), 4, 6 (w 1)
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    grammar::TokenMatcher m(tg);
    Sampler s(c, 8, seed);
    s.set_grammar(&m);
    ++counts[s.sample(logits).token];
  }
  for (int64_t refused : {0, 1, 5, 7}) EXPECT_EQ(counts[refused], 0) << refused;
  // p(3) = 3/6: within a few percent over 4000 draws.
  EXPECT_NEAR(counts[3] / 4000.0, 0.5, 0.04);
  EXPECT_NEAR(counts[2] / 4000.0, 1.0 / 6, 0.03);
}

TEST(SamplerGrammar, DistributionAndProcessedLogitsSeeTheMask) {
  auto tg = digits_grammar();
  grammar::TokenMatcher m(tg);
  GenerationConfig c;
  Sampler s(c, 8, 1);
  s.set_grammar(&m);
  const std::vector<float> logits(8, 1.0f);
  for (const TokenProb& p : s.distribution(logits)) EXPECT_TRUE(p.token == 2 || p.token == 3 || p.token == 4 || p.token == 6);
  EXPECT_TRUE(std::isinf(s.processed_logits(logits)[1]));
  grammar::TokenMatcher wrong(std::make_shared<grammar::TokenGrammar>(
      std::make_shared<const grammar::Grammar>(grammar::compile_gbnf("root ::= \"a\"")),
      std::make_shared<const grammar::TokenVocabulary>(std::vector<std::string>{"a"}), std::vector<int32_t>{}));
  EXPECT_THROW(s.set_grammar(&wrong), Error);
}

}  // namespace
}  // namespace openarc::llm
