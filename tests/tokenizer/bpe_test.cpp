#include "tokenizer/bpe.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace openarc::tokenizer {
namespace {

using Ids = std::vector<TokenId>;
using Merges = std::vector<std::pair<std::string, std::string>>;

Ids run(const Bpe& bpe, std::string_view text) {
  Ids out;
  bpe.tokenize(text, out);
  return out;
}

Vocab small_vocab() {
  return {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}, {"bc", 4}, {"abc", 5}, {"<unk>", 6}, {"ba", 7}};
}

TEST(Bpe, AppliesLowestRankFirst) {
  Bpe bpe(small_vocab(), Merges{{"a", "b"}, {"ab", "c"}, {"b", "c"}}, {});
  EXPECT_EQ(run(bpe, "abc"), (Ids{5}));     // a+b (rank 0), then ab+c (rank 1)
  EXPECT_EQ(run(bpe, "bcab"), (Ids{4, 3}));  // a+b first, then b+c; "c ab" has no merge
  EXPECT_EQ(run(bpe, "ba"), (Ids{1, 0}));    // "ba" is in the vocab but no merge makes it
  EXPECT_EQ(run(bpe, ""), (Ids{}));
}

TEST(Bpe, LeftmostWinsAmongEqualRanks) {
  Bpe bpe(small_vocab(), Merges{{"a", "b"}}, {});
  EXPECT_EQ(run(bpe, "ababa"), (Ids{3, 3, 0}));
}

TEST(Bpe, IgnoreMergesTakesWholeVocabWords) {
  BpeOptions o;
  o.ignore_merges = true;
  Bpe bpe(small_vocab(), Merges{{"a", "b"}}, o);
  EXPECT_EQ(run(bpe, "ba"), (Ids{7}));
  EXPECT_EQ(run(bpe, "bab"), (Ids{1, 3}));
}

TEST(Bpe, UnknownCharactersFuseOrNot) {
  BpeOptions o;
  o.unk_token = "<unk>";
  Bpe split(small_vocab(), {}, o);
  EXPECT_EQ(run(split, "xya\xC3\xA9"), (Ids{6, 6, 0, 6}));
  o.fuse_unk = true;
  Bpe fused(small_vocab(), {}, o);
  EXPECT_EQ(run(fused, "xya\xC3\xA9"), (Ids{6, 0, 6}));
  BpeOptions none;  // no unk token: unknown characters vanish
  Bpe drop(small_vocab(), {}, none);
  EXPECT_EQ(run(drop, "xay"), (Ids{0}));
}

TEST(Bpe, ByteFallbackUsesByteTokens) {
  Vocab v = small_vocab();
  v["<0xC3>"] = 10;
  v["<0xA9>"] = 11;
  BpeOptions o;
  o.byte_fallback = true;
  o.unk_token = "<unk>";
  Bpe bpe(v, {}, o);
  EXPECT_EQ(run(bpe, "a\xC3\xA9" "b"), (Ids{0, 10, 11, 1}));
  EXPECT_EQ(run(bpe, "\xE4\xBD\xA0"), (Ids{6}));  // 你: its bytes are not all in the vocab
}

TEST(Bpe, ContinuingSubwordPrefixAndSuffix) {
  Vocab v{{"a", 0}, {"##b", 1}, {"ab", 2}, {"##c", 3}, {"abc", 4}, {"b", 5}};
  BpeOptions o;
  o.continuing_subword_prefix = "##";
  Bpe bpe(v, Merges{{"a", "##b"}, {"ab", "##c"}}, o);
  EXPECT_EQ(run(bpe, "abc"), (Ids{4}));
  EXPECT_EQ(run(bpe, "ab"), (Ids{2}));
  Vocab w{{"a", 0}, {"b</w>", 1}, {"ab</w>", 2}};
  BpeOptions s;
  s.end_of_word_suffix = "</w>";
  Bpe suffix(w, Merges{{"a", "b</w>"}}, s);
  EXPECT_EQ(run(suffix, "ab"), (Ids{2}));
}

TEST(Bpe, LongInputMergesCompletely) {
  Vocab v{{"a", 0}, {"b", 1}, {"ab", 2}, {"abab", 3}};
  Bpe bpe(v, Merges{{"a", "b"}, {"ab", "ab"}}, {});
  std::string text;
  for (int i = 0; i < 2500; ++i) text += "ab";  // 5000 characters
  Ids ids = run(bpe, text);
  EXPECT_EQ(ids.size(), 1250u);
  EXPECT_EQ(ids, Ids(1250, 3));  // 2500 "ab", then pairs of them left to right
}

TEST(Bpe, RejectsMergesOutsideTheVocab) {
  try {
    Bpe bpe(small_vocab(), Merges{{"a", "b"}, {"c", "a"}}, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("merges[1]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace openarc::tokenizer
