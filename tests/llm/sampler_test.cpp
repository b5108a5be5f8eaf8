#include "llm/sampler.h"

#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include <gtest/gtest.h>

namespace openarc::llm {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

GenerationConfig sampling(double temperature = 1.0) {
  GenerationConfig c;
  c.do_sample = true;
  c.temperature = temperature;
  return c;
}

// Logits whose softmax at temperature 1 is exactly proportional to probs.
std::vector<float> logits_of(std::vector<double> probs) {
  std::vector<float> out;
  for (double p : probs) out.push_back(static_cast<float>(std::log(p)));
  return out;
}

std::set<int64_t> ids(const std::vector<TokenProb>& dist) {
  std::set<int64_t> out;
  for (const auto& t : dist) out.insert(t.token);
  return out;
}

// A fixed pseudo-random row (a linear congruential walk), with ties.
std::vector<float> test_row(int64_t vocab, uint64_t salt) {
  std::vector<float> row(vocab);
  uint64_t x = salt;
  for (auto& v : row) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<float>((x >> 40) % 2000) / 100.0f - 10.0f;  // steps of 0.01: many ties
  }
  return row;
}

TEST(Sampler, GreedyTakesArgmaxWithTiesToLowestId) {
  GenerationConfig c;
  c.temperature = 0;
  Sampler s(c, 4, 1);
  EXPECT_EQ(s.sample(std::vector<float>{1, 3, 2, 3}).token, 1);

  GenerationConfig off;  // do_sample off: greedy whatever the temperature
  off.do_sample = false;
  off.temperature = 0.7;
  Sampler s2(off, 4, 1);
  EXPECT_EQ(s2.sample(std::vector<float>{1, 3, 2, 3}).token, 1);
  EXPECT_EQ(s2.sample(std::vector<float>{5, 3, 2, 5}).token, 0);
}

TEST(Sampler, TopK1EqualsGreedy) {
  GenerationConfig greedy;
  greedy.temperature = 0;
  GenerationConfig topk1 = sampling(0.8);
  topk1.top_k = 1;
  const int64_t vocab = 5000;
  for (uint64_t salt = 0; salt < 20; ++salt) {
    const auto row = test_row(vocab, salt);
    Sampler g(greedy, vocab, salt), k(topk1, vocab, salt + 100);
    const int64_t expected = std::max_element(row.begin(), row.end()) - row.begin();  // first max
    EXPECT_EQ(g.sample(row).token, expected);
    EXPECT_EQ(k.sample(row).token, expected);
  }
}

// The first outputs of std::mt19937_64 seeded with 42, worked out with an independent
// implementation of MT19937-64 from its published parameters (checked against the C++ standard's
// value for the 10000th output of the default seed). With 4 equally likely tokens the draw is
// floor(4u), u = (x >> 11) / 2^53: the top two bits of each output.
TEST(Sampler, SeedGivesTheSameTokensOnEveryMachine) {
  Sampler s(sampling(), 4, 42);
  std::vector<int64_t> got;
  for (int i = 0; i < 24; ++i) got.push_back(s.sample(std::vector<float>(4, 0.0f)).token);
  EXPECT_EQ(got, (std::vector<int64_t>{3, 2, 3, 0, 3, 0, 2, 1, 1, 1, 0, 2, 2, 2, 3, 3, 3, 1, 0, 0, 2, 0, 1, 0}));
}

TEST(Sampler, SameSeedSameTokensOtherSeedOtherTokens) {
  GenerationConfig c = sampling(0.9);
  c.top_p = 0.95;
  c.repetition_penalty = 1.1;
  const int64_t vocab = 300;
  const auto run = [&](uint64_t seed) {
    Sampler s(c, vocab, seed);
    s.set_prompt(std::vector<int64_t>{1, 2, 3});
    std::vector<int64_t> out;
    for (uint64_t i = 0; i < 64; ++i) out.push_back(s.sample(test_row(vocab, i % 5)).token);
    return out;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(Sampler, SequenceSeeds) {
  EXPECT_EQ(Sampler::sequence_seed(99, 0), 99u);
  std::set<uint64_t> seeds;
  for (int64_t i = 0; i < 16; ++i) seeds.insert(Sampler::sequence_seed(99, i));
  EXPECT_EQ(seeds.size(), 16u);
  EXPECT_EQ(Sampler::sequence_seed(99, 3), Sampler::sequence_seed(99, 3));
}

// logits {2, -1, 0.5, 3, -2}; prompt {0, 1}; output so far {3, 3, 4}.
struct PenaltyCase : ::testing::Test {
  std::vector<float> row{2.0f, -1.0f, 0.5f, 3.0f, -2.0f};
  std::vector<float> run(const GenerationConfig& c) {
    Sampler s(c, 5, 0);
    s.set_prompt(std::vector<int64_t>{0, 1});
    for (int64_t t : {3, 3, 4}) s.accept(t);
    return s.processed_logits(row);
  }
};

TEST_F(PenaltyCase, RepetitionPenaltyDividesPositiveAndMultipliesNegative) {
  GenerationConfig c;
  c.repetition_penalty = 2.0;
  // Seen: 0, 1 (prompt), 3, 4 (output). 2 -> 1, -1 -> -2, 3 -> 1.5, -2 -> -4; id 2 untouched.
  EXPECT_EQ(run(c), (std::vector<float>{1.0f, -2.0f, 0.5f, 1.5f, -4.0f}));
}

TEST_F(PenaltyCase, PresenceAndFrequencyCountOutputOnly) {
  GenerationConfig c;
  c.presence_penalty = 0.5;
  c.frequency_penalty = 0.25;
  // id 3 twice: 3 - (0.5 + 2 * 0.25) = 2; id 4 once: -2 - (0.5 + 0.25) = -2.75; prompt ids untouched.
  EXPECT_EQ(run(c), (std::vector<float>{2.0f, -1.0f, 0.5f, 2.0f, -2.75f}));
}

TEST_F(PenaltyCase, AllPenaltiesInOrder) {
  GenerationConfig c;
  c.repetition_penalty = 2.0;
  c.presence_penalty = 0.5;
  c.frequency_penalty = 0.25;
  // Repetition first: id 3 -> 1.5, then 1.5 - 1.0 = 0.5; id 4 -> -4, then -4.75.
  EXPECT_EQ(run(c), (std::vector<float>{1.0f, -2.0f, 0.5f, 0.5f, -4.75f}));
}

TEST_F(PenaltyCase, NegativePresencePenaltyRaises) {
  GenerationConfig c;
  c.presence_penalty = -1.0;
  EXPECT_EQ(run(c), (std::vector<float>{2.0f, -1.0f, 0.5f, 4.0f, -1.0f}));
}

TEST(Sampler, LogitBiasAndSuppression) {
  GenerationConfig c;
  c.logit_bias = {{2, 1.5}, {0, -100}};
  Sampler s(c, 4, 0);
  const std::vector<int64_t> suppressed{3};
  const auto x = s.processed_logits(std::vector<float>{1, 1, 1, 9}, suppressed);
  EXPECT_EQ(x[0], -99.0f);
  EXPECT_EQ(x[1], 1.0f);
  EXPECT_EQ(x[2], 2.5f);
  EXPECT_EQ(x[3], kNegInf);
  GenerationConfig g = c;
  g.temperature = 0;
  Sampler greedy(g, 4, 0);
  EXPECT_EQ(greedy.sample(std::vector<float>{1, 1, 1, 9}, suppressed).token, 2);
}

TEST(Sampler, PenaltyHistoryFollowsSampledTokens) {
  GenerationConfig c;
  c.temperature = 0;
  c.presence_penalty = 2.0;
  Sampler s(c, 3, 0);
  const std::vector<float> row{1.0f, 1.5f, 0.0f};
  // 1 wins, then is pushed to -0.5, so 0 wins, then both are down by 2: 1 (-0.5) vs 0 (-1) vs 2 (0).
  EXPECT_EQ(s.sample(row).token, 1);
  EXPECT_EQ(s.sample(row).token, 0);
  EXPECT_EQ(s.sample(row).token, 2);
  // A new prompt resets the output history.
  s.set_prompt({});
  EXPECT_EQ(s.sample(row).token, 1);
}

// probs 0.5, 0.3, 0.15, 0.05
const std::vector<double> kProbs{0.5, 0.3, 0.15, 0.05};

TEST(Sampler, TopPKeepsSmallestSetReachingP) {
  const auto check = [](double top_p, std::set<int64_t> expected) {
    GenerationConfig c = sampling();
    c.top_p = top_p;
    Sampler s(c, 4, 0);
    EXPECT_EQ(ids(s.distribution(logits_of(kProbs))), expected) << "top_p " << top_p;
  };
  check(0.45, {0});        // 0.5 already reaches 0.45
  check(0.75, {0, 1});     // 0.5 < 0.75 <= 0.8
  check(0.81, {0, 1, 2});  // 0.8 < 0.81 <= 0.95
  check(0.99, {0, 1, 2, 3});
  check(1.0, {0, 1, 2, 3});
  check(1e-9, {0});  // at least one
}

TEST(Sampler, TopPRenormalises) {
  GenerationConfig c = sampling();
  c.top_p = 0.75;
  Sampler s(c, 4, 0);
  const auto d = s.distribution(logits_of(kProbs));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].token, 0);
  EXPECT_NEAR(d[0].prob, 0.5 / 0.8, 1e-6);
  EXPECT_NEAR(d[1].prob, 0.3 / 0.8, 1e-6);
}

TEST(Sampler, MinPKeepsTokensNearTheBest) {
  const auto check = [](double min_p, std::set<int64_t> expected) {
    GenerationConfig c = sampling();
    c.min_p = min_p;
    Sampler s(c, 4, 0);
    EXPECT_EQ(ids(s.distribution(logits_of(kProbs))), expected) << "min_p " << min_p;
  };
  check(0.2, {0, 1, 2});  // threshold 0.1: 0.15 stays, 0.05 goes
  check(0.5, {0, 1});     // threshold 0.25
  check(0.7, {0});        // threshold 0.35
  check(0.05, {0, 1, 2, 3});
  check(1.0, {0});
}

TEST(Sampler, TopKThenTopP) {
  GenerationConfig c = sampling();
  c.top_k = 3;
  // After top_k: 0.5/0.95, 0.3/0.95, 0.15/0.95 = 0.526, 0.316, 0.158.
  c.top_p = 0.7;
  Sampler s(c, 4, 0);
  EXPECT_EQ(ids(s.distribution(logits_of(kProbs))), (std::set<int64_t>{0, 1}));
  c.top_p = 0.85;  // 0.842 < 0.85
  Sampler s2(c, 4, 0);
  EXPECT_EQ(ids(s2.distribution(logits_of(kProbs))), (std::set<int64_t>{0, 1, 2}));
}

TEST(Sampler, TemperatureReshapes) {
  GenerationConfig c = sampling(2.0);
  c.top_k = 2;
  Sampler s(c, 4, 0);
  const auto d = s.distribution(logits_of(kProbs));
  ASSERT_EQ(d.size(), 2u);
  // p ~ exp(log(p) / 2) = sqrt(p)
  const double a = std::sqrt(0.5), b = std::sqrt(0.3);
  EXPECT_NEAR(d[0].prob, a / (a + b), 1e-6);
  EXPECT_NEAR(d[1].prob, b / (a + b), 1e-6);
  // Temperature comes before top_p: at T = 0.5, p ~ p^2 = 0.25, 0.09, 0.0225, 0.0025 of 0.365,
  // so token 0 alone holds 0.685 (0.5 at T = 1).
  GenerationConfig cold = sampling(0.5);
  cold.top_p = 0.68;
  Sampler s2(cold, 4, 0);
  EXPECT_EQ(ids(s2.distribution(logits_of(kProbs))), (std::set<int64_t>{0}));
  cold.top_p = 0.69;  // 0.685 < 0.69 <= (0.25 + 0.09) / 0.365 = 0.932
  Sampler s3(cold, 4, 0);
  EXPECT_EQ(ids(s3.distribution(logits_of(kProbs))), (std::set<int64_t>{0, 1}));
}

// Reference for the filters over a large row: a full stable sort, then the definitions.
std::vector<int64_t> best_first(const std::vector<float>& row) {
  std::vector<int64_t> order(row.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return row[a] > row[b]; });
  return order;
}

// Large vocabularies, a flat row (the nucleus needs far more than 64 tokens: the chunked
// selection) and a peaked one (a few tokens hold the mass: the quick path): the kept set must
// be what a full sort gives.
TEST(Sampler, TopPOverLargeVocabularyMatchesFullSort) {
  const int64_t vocab = 20000;
  auto peaked = test_row(vocab, 4);
  for (int64_t i = 0; i < 12; ++i) peaked[i * 997] = 40.0f + 0.5f * static_cast<float>(i % 4);
  for (const auto& [row, flat] : {std::pair{test_row(vocab, 3), true}, std::pair{peaked, false}}) {
    for (double top_p : {0.3, 0.9, 0.999}) {
      GenerationConfig c = sampling(1.5);
      c.top_p = top_p;
      Sampler s(c, vocab, 0);
      const auto got = ids(s.distribution(row));

      const auto order = best_first(row);
      // Weights in float, as the sampler computes them, so a token at the very boundary of the
      // nucleus is decided the same way; the sums in double.
      std::vector<float> w(vocab);
      double total = 0;
      for (int64_t i = 0; i < vocab; ++i)
        total += w[i] = std::exp((row[i] - row[order[0]]) * static_cast<float>(1.0 / 1.5));
      std::set<int64_t> expected;
      double cum = 0;
      for (int64_t id : order) {
        expected.insert(id);
        cum += w[id];
        if (cum >= top_p * total) break;
      }
      if (flat) {
        EXPECT_GT(expected.size(), 64u);
      } else if (top_p < 0.99) {
        EXPECT_LE(expected.size(), 12u);
      }
      EXPECT_EQ(got, expected) << "top_p " << top_p << (flat ? " flat" : " peaked");
    }
  }
}

TEST(Sampler, TopKOverLargeVocabularyMatchesFullSort) {
  const int64_t vocab = 20000;
  const auto row = test_row(vocab, 5);  // many ties: the lowest ids must win them
  const auto order = best_first(row);
  for (int64_t k : {1, 5, 40, 1249, 1250, 5000, 19999}) {
    GenerationConfig c = sampling();
    c.top_k = k;
    Sampler s(c, vocab, 0);
    const auto d = s.distribution(row);
    ASSERT_EQ(static_cast<int64_t>(d.size()), k);
    for (int64_t i = 0; i < k; ++i) ASSERT_EQ(d[i].token, order[i]) << "k " << k << " rank " << i;
  }
}

TEST(Sampler, TinyTemperatureIsArgmaxAmongTies) {
  // 1 / 1e-30 overflows a float: the weights must still be 1 for the best and 0 for the rest.
  Sampler s(sampling(1e-30), 4, 3);
  const std::vector<float> row{1.0f, 3.0f, 2.0f, 3.0f};
  const auto d = s.distribution(row);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].token, 1);
  EXPECT_EQ(d[1].token, 3);
  EXPECT_EQ(d[0].prob, 0.5);
  for (int i = 0; i < 50; ++i) {
    const int64_t t = s.sample(row).token;
    EXPECT_TRUE(t == 1 || t == 3) << t;
  }
}

TEST(Sampler, UniformTopPKeepsLowestIdsOnTies) {
  GenerationConfig c = sampling();
  c.top_p = 0.5;
  Sampler s(c, 1000, 0);
  const auto got = ids(s.distribution(std::vector<float>(1000, 0.0f)));
  std::set<int64_t> expected;
  for (int64_t i = 0; i < 500; ++i) expected.insert(i);
  EXPECT_EQ(got, expected);
}

TEST(Sampler, DrawsFollowTheDistribution) {
  Sampler s(sampling(), 4, 1234);
  std::vector<int> counts(4);
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) ++counts[s.sample(logits_of(kProbs)).token];
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(counts[i] / double(draws), kProbs[i], 0.015) << "token " << i;

  GenerationConfig c = sampling();
  c.top_p = 0.75;
  Sampler filtered(c, 4, 1234);
  for (int i = 0; i < 2000; ++i) EXPECT_LT(filtered.sample(logits_of(kProbs)).token, 2);
}

// log_softmax {1, 2, 3}: lse = 3 + log(1 + e^-1 + e^-2) = 3.4076059644.
TEST(Sampler, LogprobsAreTheModelsDistribution) {
  GenerationConfig c;
  c.temperature = 0;
  c.logprobs = true;
  c.top_logprobs = 2;
  Sampler s(c, 3, 0);
  const auto t = s.sample(std::vector<float>{1, 2, 3});
  EXPECT_EQ(t.token, 2);
  EXPECT_NEAR(t.logprob, -0.4076059644, 1e-6);
  ASSERT_EQ(t.top_logprobs.size(), 2u);
  EXPECT_EQ(t.top_logprobs[0].token, 2);
  EXPECT_NEAR(t.top_logprobs[0].logprob, -0.4076059644, 1e-6);
  EXPECT_EQ(t.top_logprobs[1].token, 1);
  EXPECT_NEAR(t.top_logprobs[1].logprob, -1.4076059644, 1e-6);

  // Penalties, bias and temperature change the choice, not the reported logprobs.
  GenerationConfig p = sampling(0.3);
  p.logprobs = true;
  p.top_logprobs = 3;
  p.logit_bias = {{0, 50.0}};
  Sampler s2(p, 3, 0);
  const auto u = s2.sample(std::vector<float>{1, 2, 3});
  EXPECT_EQ(u.token, 0);
  EXPECT_NEAR(u.logprob, -2.4076059644, 1e-6);
  ASSERT_EQ(u.top_logprobs.size(), 3u);
  EXPECT_EQ(u.top_logprobs[2].token, 0);
}

TEST(Sampler, NoLogprobsUnlessAsked) {
  GenerationConfig c;
  c.temperature = 0;
  Sampler s(c, 3, 0);
  EXPECT_TRUE(s.sample(std::vector<float>{1, 2, 3}).top_logprobs.empty());
}

TEST(Sampler, BadInputsThrow) {
  GenerationConfig c;
  Sampler s(c, 3, 0);
  EXPECT_THROW(s.sample(std::vector<float>{1, 2}), Error);
  EXPECT_THROW(s.sample(std::vector<float>{kNegInf, kNegInf, std::nanf("")}), Error);
  EXPECT_THROW(s.accept(3), Error);
  GenerationConfig pen;
  pen.repetition_penalty = 1.2;
  Sampler sp(pen, 3, 0);
  EXPECT_THROW(sp.set_prompt(std::vector<int64_t>{0, 5}), Error);
  GenerationConfig bad;
  bad.stop_token_ids = {7};
  EXPECT_THROW(Sampler(bad, 3, 0), SettingError);
  EXPECT_THROW(Sampler(GenerationConfig{}, 0, 0), Error);
}

TEST(Sampler, NaNLogitsAreNeverPicked) {
  Sampler s(sampling(), 3, 5);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(s.sample(std::vector<float>{std::nanf(""), 0.0f, kNegInf}).token, 1);
}

}  // namespace
}  // namespace openarc::llm
