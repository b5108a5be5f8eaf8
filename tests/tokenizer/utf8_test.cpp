#include "tokenizer/utf8.h"

#include <gtest/gtest.h>

namespace openarc::tokenizer {
namespace {

const std::string kFFFD = "\xEF\xBF\xBD";

TEST(Utf8, LossyReplacesEachMaximalSubpart) {
  EXPECT_EQ(utf8_lossy("abc"), "abc");
  EXPECT_EQ(utf8_lossy("a\xE2\x82"), "a" + kFFFD);               // truncated 3-byte sequence: one
  EXPECT_EQ(utf8_lossy("\xF0\x9F\x98" "a"), kFFFD + "a");        // truncated 4-byte, then ASCII
  EXPECT_EQ(utf8_lossy("\xC0\x80"), kFFFD + kFFFD);              // C0 is never a lead byte
  EXPECT_EQ(utf8_lossy("\xED\xA0\x80"), kFFFD + kFFFD + kFFFD);  // a surrogate: ED then A0 out of range
  EXPECT_EQ(utf8_lossy("\x80\x80"), kFFFD + kFFFD);              // stray continuation bytes
  EXPECT_EQ(utf8_lossy("\xE4\xBD\xA0"), "\xE4\xBD\xA0");         // 你
  EXPECT_EQ(utf8_lossy("\xF4\x90\x80\x80"), kFFFD + kFFFD + kFFFD + kFFFD);  // above U+10FFFF
}

TEST(Utf8, ValidPrefixAndCodePoints) {
  EXPECT_EQ(valid_utf8_prefix("ab\xC3\xA9\xC3"), 4u);
  EXPECT_TRUE(is_valid_utf8(""));
  std::string s = "a\xC3\xA9\xE4\xBD\xA0\xF0\x9F\x99\x82";
  size_t i = 0;
  EXPECT_EQ(next_code_point(s, i), U'a');
  EXPECT_EQ(next_code_point(s, i), U'\u00E9');
  EXPECT_EQ(next_code_point(s, i), U'\u4F60');
  EXPECT_EQ(next_code_point(s, i), U'\U0001F642');
  EXPECT_EQ(i, s.size());
  std::string out;
  for (char32_t c : {U'a', U'\u00E9', U'\u4F60', U'\U0001F642'}) append_utf8(out, c);
  EXPECT_EQ(out, s);
}

TEST(Utf8, RustCharClasses) {
  EXPECT_TRUE(is_whitespace(U'\u3000'));
  EXPECT_TRUE(is_whitespace(U'\u0085'));
  EXPECT_FALSE(is_whitespace(U'\u200B'));  // zero width space is not White_Space
  EXPECT_TRUE(is_numeric(U'\u00BD'));      // ½ is No
  EXPECT_TRUE(is_alphanumeric(U'\u24D0'));  // ⓐ is Alphabetic
  EXPECT_TRUE(is_bert_punctuation(U'$'));   // ASCII symbol counts for BERT
  EXPECT_TRUE(is_bert_punctuation(U'\u3002'));
  EXPECT_FALSE(is_bert_punctuation(U'\u20AC'));  // € is Sc, not punctuation
}

}  // namespace
}  // namespace openarc::tokenizer
