#include "grammar/utf8_ranges.h"

#include <gtest/gtest.h>

#include "grammar/automaton.h"
#include "match_util.h"

namespace openarc::grammar {
namespace {

bool member(const std::vector<CodePointRange>& ranges, char32_t cp) {
  for (const auto& r : ranges)
    if (cp >= r.lo && cp <= r.hi) return true;
  return false;
}

std::shared_ptr<const Grammar> class_grammar(const std::vector<CodePointRange>& ranges) {
  RuleDef root{"root", chars(ranges), {}};
  return std::make_shared<const Grammar>(Grammar::compile({root}));
}

TEST(Utf8Ranges, NormalizeMergesAndCutsSurrogates) {
  auto r = normalize_ranges({{'d', 'f'}, {'a', 'c'}, {'x', 'x'}, {0xD000, 0xE000}, {0x10FFF0, 0x20FFFF}});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0], (CodePointRange{'a', 'f'}));
  EXPECT_EQ(r[1], (CodePointRange{'x', 'x'}));
  EXPECT_EQ(r[2], (CodePointRange{0xD000, 0xD7FF}));
  EXPECT_EQ(r[3], (CodePointRange{0xE000, 0xE000}));
  EXPECT_EQ(r[4], (CodePointRange{0x10FFF0, 0x10FFFF}));
  auto c = complement_ranges(normalize_ranges({{0, 0x60}, {0x62, kMaxCodePoint}}));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0], (CodePointRange{0x61, 0x61}));
}

// Every code point's encoding is matched exactly when it is a member, for classes whose edges
// sit on and beside the encoding-length and continuation-byte boundaries.
TEST(Utf8Ranges, EveryCodePointMatchesExactlyItsMembers) {
  const std::vector<std::vector<CodePointRange>> classes = {
      {{0, kMaxCodePoint}},
      {{'a', 'z'}, {0xE9, 0xE9}},
      {{0x7E, 0x81}, {0x7FF, 0x801}, {0xFFF, 0x1001}, {0xFFFE, 0x10001}},
      {{0x3F, 0x40}, {0x10FFFE, 0x10FFFF}, {0x1F600, 0x1F64F}, {0xD7FF, 0xE000}},
      complement_ranges(normalize_ranges({{'"', '"'}, {'\\', '\\'}, {0, 0x1F}})),
  };
  for (const auto& raw : classes) {
    const auto ranges = normalize_ranges(raw);
    Automaton a(class_grammar(ranges));
    for (char32_t cp = 0; cp <= kMaxCodePoint; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      std::string s;
      append_utf8(s, cp);
      ASSERT_EQ(matches(a, s), member(ranges, cp)) << "U+" << std::hex << static_cast<uint32_t>(cp);
    }
  }
}

// Byte strings that are not UTF-8 (overlong, surrogates, stray continuation bytes, beyond
// U+10FFFF) never match, even the class of everything.
TEST(Utf8Ranges, InvalidUtf8NeverMatches) {
  Automaton a(class_grammar({{0, kMaxCodePoint}}));
  for (unsigned b0 = 0x80; b0 < 0x100; ++b0) {
    for (unsigned b1 = 0; b1 < 0x100; ++b1) {
      std::string two{static_cast<char>(b0), static_cast<char>(b1)};
      const bool valid2 = b0 >= 0xC2 && b0 <= 0xDF && b1 >= 0x80 && b1 <= 0xBF;
      ASSERT_EQ(matches(a, two), valid2) << std::hex << b0 << " " << b1;
      if (b0 < 0xE0 || b0 > 0xEF) continue;
      for (unsigned b2 = 0x70; b2 < 0xD0; ++b2) {
        std::string three = two + static_cast<char>(b2);
        const char32_t cp = ((b0 & 0xF) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
        const bool valid3 = b1 >= 0x80 && b1 <= 0xBF && b2 >= 0x80 && b2 <= 0xBF && cp >= 0x800 &&
                            !(cp >= 0xD800 && cp <= 0xDFFF);
        ASSERT_EQ(matches(a, three), valid3) << std::hex << b0 << " " << b1 << " " << b2;
      }
    }
  }
  EXPECT_FALSE(matches(a, "\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(matches(a, "\xF0\x80\x80\x80"));  // overlong
  EXPECT_TRUE(matches(a, "\xF4\x8F\xBF\xBF"));   // U+10FFFF
}

}  // namespace
}  // namespace openarc::grammar
