// Whitespace control as Jinja2 does it with trim_blocks and lstrip_blocks on (transformers' setting).
// Each expected string is worked out by hand from the rules in Jinja's template designer docs.
#include <gtest/gtest.h>

#include "render_helper.h"

namespace openarc::chat {
namespace {

using testing::render;

TEST(Whitespace, TrimBlocksDropsTheNewlineAfterABlockTag) {
  EXPECT_EQ(render("{% if true %}\nyes\n{% endif %}\nafter"), "yes\nafter");
  // ...but not after a print tag.
  EXPECT_EQ(render("{{ 'a' }}\nb"), "a\nb");
  // Only one newline is dropped.
  EXPECT_EQ(render("{% if true %}\n\nx{% endif %}"), "\nx");
}

TEST(Whitespace, LstripBlocksDropsIndentBeforeABlockTagOnItsOwnLine) {
  EXPECT_EQ(render("a\n    {% if true %}\n    b\n    {% endif %}\nc"), "a\n    b\nc");
  // Text before the tag on the same line keeps the spaces.
  EXPECT_EQ(render("a  {% if true %}b{% endif %}"), "a  b");
  // Print tags are not lstripped.
  EXPECT_EQ(render("x\n  {{ 'y' }}"), "x\n  y");
  // At the very start of the template a tag counts as starting a line.
  EXPECT_EQ(render("  \t{% if true %}z{% endif %}"), "z");
}

TEST(Whitespace, MinusStripsAllWhitespaceOnItsSide) {
  EXPECT_EQ(render("a  \n\n  {{- 'b' -}}  \n\n c"), "abc");
  EXPECT_EQ(render("a \n{%- if true %} b {% endif -%}\n\n d"), "a b d");
  EXPECT_EQ(render("1 {#- comment -#} 2"), "12");
}

TEST(Whitespace, PlusDisablesTrimAndLstrip) {
  EXPECT_EQ(render("{% if true +%}\nx{% endif %}"), "\nx");
  EXPECT_EQ(render("a\n  {%+ if true %}b{% endif %}"), "a\n  b");
}

TEST(Whitespace, CommentsFollowBlockRules) {
  EXPECT_EQ(render("a\n  {# note #}\nb"), "a\nb");
  EXPECT_EQ(render("{# multi\nline #}x"), "x");
}

TEST(Whitespace, LineStartAfterATrimmedTagCountsForLstrip) {
  // The newline after `%}` is eaten by trim_blocks, yet the next tag still starts a line, so its
  // indent goes too; the newline after `{% endif %}` is trimmed as well.
  EXPECT_EQ(render("{% for i in [1, 2] %}\n  {% if i %}{{ i }}{% endif %}\n{% endfor %}"), "12");
  EXPECT_EQ(render("{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}"), "  1\n  2\n");
}

TEST(Whitespace, OneTrailingNewlineOfTheSourceIsDropped) {
  EXPECT_EQ(render("x\n"), "x");
  EXPECT_EQ(render("x\n\n"), "x\n");
  EXPECT_EQ(render("a\r\nb"), "a\nb");
}

TEST(Whitespace, RawBlocksKeepTagsLiterally) {
  EXPECT_EQ(render("{% raw %}{{ not }}{% if %}{% endraw %}!"), "{{ not }}{% if %}!");
  EXPECT_EQ(render("{%- raw -%}  {{ x }}  {%- endraw %}"), "{{ x }}");
}

TEST(Whitespace, EndTagsInsideBracketsAreOperators) {
  EXPECT_EQ(render("{{ {'a': {'b': 1}}['a']['b'] }}"), "1");
}

}  // namespace
}  // namespace openarc::chat
