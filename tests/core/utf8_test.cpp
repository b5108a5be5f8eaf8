// core/utf8.h: validity and lossy repair as Unicode and Rust define them; code points in and out,
// with a byte that starts no valid sequence decoding to U+FFFD.
#include "core/utf8.h"

#include <gtest/gtest.h>

namespace openarc {
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

TEST(Utf8, InvalidBytesDecodeToReplacementOneByteAtATime) {
  // A truncated sequence, an overlong form, a surrogate, a stray continuation byte.
  for (std::string s : {std::string("\xE2\x82"), std::string("\xC0\x80"), std::string("\xED\xA0\x80"), std::string("\x80")}) {
    size_t i = 0;
    std::u32string out;
    while (i < s.size()) out.push_back(next_code_point(s, i));
    EXPECT_EQ(out, std::u32string(s.size(), U'\uFFFD')) << s.size() << " bytes";
  }
  size_t i = 0;
  EXPECT_EQ(next_code_point("\xC3" "a", i), U'\uFFFD');
  EXPECT_EQ(next_code_point("\xC3" "a", i), U'a');  // the byte after a bad lead is read again
  std::string out;
  append_utf8(out, 0x110000);
  EXPECT_EQ(out, kFFFD);
}

}  // namespace
}  // namespace openarc
