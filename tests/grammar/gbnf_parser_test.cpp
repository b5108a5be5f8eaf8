#include "grammar/gbnf_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "match_util.h"

namespace openarc::grammar {
namespace {

using ::testing::HasSubstr;

std::string gbnf_error(std::string_view text) {
  try {
    compile_gbnf(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(GbnfParser, LiteralsAlternativesAndGroups) {
  const char* g = R"(root ::= "yes" | "no" | ("may" "be"))";
  EXPECT_TRUE(gbnf_matches(g, "yes"));
  EXPECT_TRUE(gbnf_matches(g, "no"));
  EXPECT_TRUE(gbnf_matches(g, "maybe"));
  EXPECT_FALSE(gbnf_matches(g, "ye"));
  EXPECT_FALSE(gbnf_matches(g, "yess"));
  EXPECT_FALSE(gbnf_matches(g, ""));
}

TEST(GbnfParser, RulesReferToEachOtherInAnyOrder) {
  const char* g =
      "root ::= greeting \" \" name\n"
      "name ::= [A-Z] [a-z]*\n"
      "greeting ::= \"hi\" | \"hello\"\n";
  EXPECT_TRUE(gbnf_matches(g, "hi Bob"));
  EXPECT_TRUE(gbnf_matches(g, "hello X"));
  EXPECT_FALSE(gbnf_matches(g, "hi bob"));
  EXPECT_FALSE(gbnf_matches(g, "hey Bob"));
}

TEST(GbnfParser, RepetitionOperators) {
  EXPECT_TRUE(gbnf_matches(R"(root ::= "a"*)", ""));
  EXPECT_TRUE(gbnf_matches(R"(root ::= "a"*)", "aaaa"));
  EXPECT_FALSE(gbnf_matches(R"(root ::= "a"+)", ""));
  EXPECT_TRUE(gbnf_matches(R"(root ::= "a"+)", "aaa"));
  EXPECT_TRUE(gbnf_matches(R"(root ::= "a"? "b")", "b"));
  EXPECT_TRUE(gbnf_matches(R"(root ::= "a"? "b")", "ab"));
  EXPECT_FALSE(gbnf_matches(R"(root ::= "a"? "b")", "aab"));
  const char* counted = R"(root ::= [0-9]{2,4} "-" "x"{3} "-" "y"{1,} "-" "z"{,2})";
  EXPECT_TRUE(gbnf_matches(counted, "12-xxx-y-"));
  EXPECT_TRUE(gbnf_matches(counted, "1234-xxx-yyyy-zz"));
  EXPECT_FALSE(gbnf_matches(counted, "1-xxx-y-"));
  EXPECT_FALSE(gbnf_matches(counted, "12345-xxx-y-"));
  EXPECT_FALSE(gbnf_matches(counted, "12-xx-y-"));
  EXPECT_FALSE(gbnf_matches(counted, "12-xxx--"));
  EXPECT_FALSE(gbnf_matches(counted, "12-xxx-y-zzz"));
  // A group repeated: the count applies to the whole group.
  EXPECT_TRUE(gbnf_matches(R"(root ::= ("ab"){2})", "abab"));
  EXPECT_FALSE(gbnf_matches(R"(root ::= ("ab"){2})", "aba"));
}

TEST(GbnfParser, CharacterClassesAndEscapes) {
  const char* g = R"(root ::= [a-cx] [^a-z] [\]\\] [\x41-\x43] "\t\n\"\u00e9\U0001F600")";
  EXPECT_TRUE(gbnf_matches(g, "b9]B\t\n\"\xC3\xA9\xF0\x9F\x98\x80"));
  EXPECT_TRUE(gbnf_matches(g, "xZ\\A\t\n\"é😀"));
  EXPECT_FALSE(gbnf_matches(g, "dZ\\A\t\n\"é😀"));
  EXPECT_FALSE(gbnf_matches(g, "aa\\A\t\n\"é😀"));
  // A negated class takes any character outside it, multi-byte ones included, but never a
  // surrogate or invalid UTF-8.
  EXPECT_TRUE(gbnf_matches(R"(root ::= [^"]+)", "héllo 世界 😀"));
  EXPECT_FALSE(gbnf_matches(R"(root ::= [^"]+)", "a\"b"));
  EXPECT_FALSE(gbnf_matches(R"(root ::= [^"]+)", "\xED\xA0\x80"));  // U+D800 encoded
  EXPECT_FALSE(gbnf_matches(R"(root ::= [^"]+)", "\xC0\xAF"));      // overlong
  EXPECT_FALSE(gbnf_matches(R"(root ::= [^"]+)", "\xFF"));
  // `.` is any character; a '-' at the end of a class is itself.
  EXPECT_TRUE(gbnf_matches(R"(root ::= . . .)", "a\n€"));
  EXPECT_TRUE(gbnf_matches(R"(root ::= [a-]+)", "a-a"));
  // \x escapes are code points (llama.cpp): \xE9 is é, two bytes in UTF-8.
  EXPECT_TRUE(gbnf_matches(R"(root ::= "\xE9")", "\xC3\xA9"));
}

TEST(GbnfParser, CommentsAndLineRules) {
  const char* g =
      "# a comment line\n"
      "root ::= item (\",\" item)*   # trailing comment\n"
      "\n"
      "item ::=\n"
      "  \"a\" |\n"
      "  \"b\"\n"
      "pair ::= (\n"
      "   \"x\"\n"
      "   \"y\" )\n";
  EXPECT_TRUE(gbnf_matches(g, "a,b,a"));
  EXPECT_FALSE(gbnf_matches(g, "a,"));
}

TEST(GbnfParser, EmptyAlternativeMatchesNothing) {
  EXPECT_TRUE(gbnf_matches(R"(root ::= "a" ( "b" | ))", "a"));
  EXPECT_TRUE(gbnf_matches(R"(root ::= "a" ( "b" | ))", "ab"));
}

TEST(GbnfParser, ErrorsNameTheProblemAndPosition) {
  EXPECT_THAT(gbnf_error(""), HasSubstr("empty"));
  EXPECT_THAT(gbnf_error("# only a comment\n"), HasSubstr("empty"));
  EXPECT_THAT(gbnf_error("root ::= \"abc"), HasSubstr("1:10: unterminated string literal"));
  EXPECT_THAT(gbnf_error("root ::= [a-z"), HasSubstr("1:10: unterminated character class"));
  EXPECT_THAT(gbnf_error("root ::= \"a\nb\""), HasSubstr("1:10: unterminated string literal"));
  EXPECT_THAT(gbnf_error("root ::= \"a\"\nnext = \"b\""), HasSubstr("2:6: expected '::='"));
  EXPECT_THAT(gbnf_error("root ::= (\"a\""), HasSubstr("1:14: expected ')'"));
  EXPECT_THAT(gbnf_error("root ::= \"a\" )"), HasSubstr("1:14: expected a newline"));
  EXPECT_THAT(gbnf_error("root ::= * \"a\""), HasSubstr("1:10: '*' repeats nothing"));
  EXPECT_THAT(gbnf_error("root ::= \"a\"{3,1}"), HasSubstr("maximum below its minimum"));
  EXPECT_THAT(gbnf_error("root ::= \"a\"{2"), HasSubstr("expected '}'"));
  EXPECT_THAT(gbnf_error("root ::= \"\\q\""), HasSubstr("1:11: unknown escape '\\q'"));
  EXPECT_THAT(gbnf_error("root ::= \"\\x4\""), HasSubstr("hex digits"));
  EXPECT_THAT(gbnf_error("root ::= \"\\uD800\""), HasSubstr("not a Unicode character"));
  EXPECT_THAT(gbnf_error("root ::= [z-a]"), HasSubstr("range ends below its start"));
  EXPECT_THAT(gbnf_error("root ::= \"\xFF\""), HasSubstr("invalid UTF-8"));
  EXPECT_THAT(gbnf_error("root ::= <think>"), HasSubstr("token terminals"));
  EXPECT_THAT(gbnf_error("root ::= [^\\x00-\\U0010FFFF]"), HasSubstr("1:10: the character class matches no character"));
  EXPECT_THAT(gbnf_error("root ::= ::="), HasSubstr("1:10"));
}

TEST(GbnfParser, GrammarErrorsNameTheRule) {
  EXPECT_THAT(gbnf_error("item ::= \"a\""), HasSubstr("no 'root' rule"));
  EXPECT_THAT(gbnf_error("root ::= item\n"), HasSubstr("rule 'item' is used at 1:10 but never defined"));
  EXPECT_THAT(gbnf_error("root ::= \"a\"\nroot ::= \"b\"\n"), HasSubstr("rule 'root' is defined twice at 2:1"));
  EXPECT_THAT(gbnf_error("root ::= root \"a\" | \"b\""), HasSubstr("left recursion: rule 'root' (at 1:1)"));
  EXPECT_THAT(gbnf_error("root ::= a\na ::= b \"x\"\nb ::= \"\" | a"), HasSubstr("left recursion"));
  // Hidden behind a nullable prefix it is still left recursion.
  EXPECT_THAT(gbnf_error("root ::= e root \"x\" | \"y\"\ne ::= \"z\"?"), HasSubstr("left recursion"));
  EXPECT_THAT(gbnf_error("root ::= \"a\" root"), HasSubstr("rule 'root' (at 1:1) can never finish"));
  EXPECT_THAT(gbnf_error("root ::= \"x\" | loop\nloop ::= \"a\" loop"), HasSubstr("rule 'loop' (at 2:1) can never finish"));
  EXPECT_THAT(gbnf_error("root ::= (\"a\"?)*"), HasSubstr("repeats something that can match the empty string"));
  EXPECT_THAT(gbnf_error("root ::= \"a\"{0,200000}"), HasSubstr("counts beyond"));
}

TEST(GbnfParser, RightRecursionAndNestingWork) {
  const char* g =
      "root ::= value\n"
      "value ::= \"[\" (value (\",\" value)*)? \"]\" | [0-9]\n";
  EXPECT_TRUE(gbnf_matches(g, "[]"));
  EXPECT_TRUE(gbnf_matches(g, "[1,[2,[3,[]]],4]"));
  EXPECT_FALSE(gbnf_matches(g, "[1,]"));
  EXPECT_FALSE(gbnf_matches(g, "[[1]"));
  std::string deep(500, '[');
  deep += std::string(500, ']');
  EXPECT_TRUE(gbnf_matches(g, deep));
}

TEST(GbnfParser, DeepParenthesesAreRefusedNotACrash) {
  std::string g = "root ::= " + std::string(1000, '(') + "\"a\"" + std::string(1000, ')');
  EXPECT_THAT(gbnf_error(g), HasSubstr("nest deeper"));
}

}  // namespace
}  // namespace openarc::grammar
