#include "tokenizer/regex.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenizer/pattern.h"

namespace openarc::tokenizer {
namespace {

using Ranges = std::vector<std::pair<size_t, size_t>>;

std::vector<std::string> pieces(const std::string& text, const Ranges& r) {
  std::vector<std::string> out;
  for (auto [b, e] : r) out.push_back(text.substr(b, e - b));
  return out;
}

TEST(Regex, TranslatesOnigurumaClasses) {
  EXPECT_EQ(translate_onig_pattern(R"(\s+(?!\S))"), R"([\t-\r\x{85}\p{Z}]+(?![^\t-\r\x{85}\p{Z}]))");
  EXPECT_EQ(translate_onig_pattern(R"([^\s\p{L}])"), R"([^\t-\r\x{85}\p{Z}\p{L}])");
  EXPECT_EQ(translate_onig_pattern(R"(\u00e9\h)"), R"(\x{00e9}[0-9a-fA-F])");
  EXPECT_EQ(translate_onig_pattern(R"([]a]\\s)"), R"([\]a]\\s)");  // literal ']' and an escaped backslash
}

TEST(Regex, Gpt2Pieces) {
  Regex re(R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)");
  std::string text = "Hello world  123!! it's";
  // "\s+(?!\S)" takes one of the two spaces, leaving the other to prefix " 123".
  EXPECT_EQ(pieces(text, re.find_all(text)),
            (std::vector<std::string>{"Hello", " world", " ", " 123", "!!", " it", "'s"}));
}

TEST(Regex, UnicodeClassesScopedCaseAndCounts) {
  Regex re(R"((?i:'s)|\p{N}{1,3}|[一-龥]+)");
  std::string text = "IT'S 12345 日本";
  EXPECT_EQ(pieces(text, re.find_all(text)), (std::vector<std::string>{"'S", "123", "45", "日本"}));
}

TEST(Regex, EmptyMatchesStepLikeTheOnigCrate) {
  Regex re("a*");
  // (0,0), then "aa"; the empty match at 3 touches the previous match and is skipped.
  EXPECT_EQ(re.find_all("baab"), (Ranges{{0, 0}, {1, 3}, {4, 4}}));
}

TEST(Regex, LiteralLineBreaksInPatternsAreCharacters) {
  Regex re("[\r\n]+");
  std::string text = "a\r\nb";
  EXPECT_EQ(re.find_all(text), (Ranges{{1, 3}}));
}

TEST(Regex, InvalidPatternNamesItself) {
  try {
    Regex re("(abc");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(abc"), std::string::npos) << e.what();
  }
}

// Split behaviours on "a,b,,c" with the literal ",", worked out from their definitions.
TEST(Pattern, SplitBehaviours) {
  std::string text = "a,b,,c";
  auto spans = Pattern::literal(",").find_matches(text);
  auto run = [&](SplitBehavior b) { return pieces(text, apply_split_behavior(spans, b)); };
  using V = std::vector<std::string>;
  EXPECT_EQ(run(SplitBehavior::Removed), (V{"a", "b", "c"}));
  EXPECT_EQ(run(SplitBehavior::Isolated), (V{"a", ",", "b", ",", ",", "c"}));
  EXPECT_EQ(run(SplitBehavior::MergedWithPrevious), (V{"a,", "b,", ",", "c"}));
  EXPECT_EQ(run(SplitBehavior::MergedWithNext), (V{"a", ",b", ",", ",c"}));
  EXPECT_EQ(run(SplitBehavior::Contiguous), (V{"a", ",", "b", ",,", "c"}));
  invert_spans(spans);
  EXPECT_EQ(pieces(text, apply_split_behavior(spans, SplitBehavior::Removed)), (V{",", ",", ","}));
}

TEST(Pattern, ReplaceAllAndEmptyLiteral) {
  EXPECT_EQ(Pattern::literal(" ").replace_all("a b  c", "\xE2\x96\x81"), "a\xE2\x96\x81" "b\xE2\x96\x81\xE2\x96\x81" "c");
  EXPECT_EQ(Pattern::literal("").replace_all("abc", "x"), "abc");
  EXPECT_EQ(Pattern::regex(R"(\s+)").replace_all("a \t b", "_"), "a_b");
}

}  // namespace
}  // namespace openarc::tokenizer
