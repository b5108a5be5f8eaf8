#include "llm/prompt_lookup.h"

#include <gtest/gtest.h>

namespace openarc::llm {
namespace {

using Ids = std::vector<int64_t>;

Ids draft(const Ids& history, int64_t max_draft = 3, int64_t max_ngram = 3, int64_t min_ngram = 1) {
  return prompt_lookup_draft(history, PromptLookupOptions{max_draft, max_ngram, min_ngram});
}

TEST(PromptLookup, ProposesWhatFollowedTheLastTokensBefore) {
  // ... 7 8 9 | 1 2 ... 7 8: "9 1 2" followed "7 8" before.
  EXPECT_EQ(draft({7, 8, 9, 1, 2, 5, 6, 7, 8}), (Ids{9, 1, 2}));
  EXPECT_EQ(draft({7, 8, 9, 1, 2, 5, 6, 7, 8}, 2), (Ids{9, 1}));
  // Fewer tokens follow the match than asked for: as many as there are.
  EXPECT_EQ(draft({4, 5, 6, 4, 5}), (Ids{6, 4, 5}));
  EXPECT_EQ(draft({1, 2, 3, 1}, 5), (Ids{2, 3, 1}));
}

TEST(PromptLookup, TheLongestMatchWinsOverAMoreRecentShorterOne) {
  // Last tokens "1 2 3": "2 3" recurs most recently (followed by 9), "1 2 3" earlier (then 4).
  EXPECT_EQ(draft({1, 2, 3, 4, 5, 2, 3, 9, 1, 2, 3}), (Ids{4, 5, 2}));
  // With max_ngram 2 only "2 3" is looked for: its most recent occurrence wins.
  EXPECT_EQ(draft({1, 2, 3, 4, 5, 2, 3, 9, 1, 2, 3}, 3, 2), (Ids{9, 1, 2}));
}

TEST(PromptLookup, AmongEqualMatchesTheMostRecent) {
  EXPECT_EQ(draft({5, 1, 6, 5, 2, 7, 5}, 2), (Ids{2, 7}));
  EXPECT_EQ(draft({3, 5, 1, 3, 5, 2, 3, 5}, 1, 2), (Ids{2}));
}

TEST(PromptLookup, MinNgramRefusesShortMatches) {
  // Only the last token recurs.
  EXPECT_EQ(draft({4, 9, 1, 2, 9}, 3, 3, 1), (Ids{1, 2, 9}));
  EXPECT_TRUE(draft({4, 9, 1, 2, 9}, 3, 3, 2).empty());
  EXPECT_EQ(draft({8, 9, 1, 8, 9}, 3, 3, 2), (Ids{1, 8, 9}));
}

TEST(PromptLookup, NoDraftWithoutARecurrence) {
  EXPECT_TRUE(draft({}).empty());
  EXPECT_TRUE(draft({1}).empty());
  EXPECT_TRUE(draft({1, 2, 3, 4}).empty());
  EXPECT_TRUE(draft({1, 2, 1, 2}, 0).empty());  // max_draft 0: nothing asked
}

TEST(PromptLookup, PeriodicTextContinuesItsPeriod) {
  // A run of one token, and a period of two: the match may overlap the suffix.
  EXPECT_EQ(draft({6, 6, 6, 6}), (Ids{6}));
  EXPECT_EQ(draft({0, 6, 6, 6, 6}), (Ids{6}));
  EXPECT_EQ(draft({1, 2, 1, 2, 1}), (Ids{2, 1}));
}

}  // namespace
}  // namespace openarc::llm
