// Filters and tests, with expected values from Jinja 3.1's documented behaviour and Python's
// json.dumps for tojson.
#include <gtest/gtest.h>

#include "render_helper.h"

namespace openarc::chat {
namespace {

using testing::error_of;
using testing::render;

TEST(Filters, TojsonIsPythonsJsonDumps) {
  nlohmann::ordered_json v = {{"b", 1}, {"a", {1.5, true, nullptr, "é\"\n"}}, {"e", nlohmann::ordered_json::object()}};
  EXPECT_EQ(render("{{ v | tojson }}", {{"v", v}}), "{\"b\": 1, \"a\": [1.5, true, null, \"é\\\"\\n\"], \"e\": {}}");
  EXPECT_EQ(render("{{ v | tojson(indent=2) }}", {{"v", {{"k", {1, 2}}, {"z", nlohmann::ordered_json::array()}}}}),
            "{\n  \"k\": [\n    1,\n    2\n  ],\n  \"z\": []\n}");
  EXPECT_EQ(render("{{ 'x\x01' | tojson }} {{ (1, 2) | tojson }} {{ 1.0 | tojson }}"), "\"x\\u0001\" [1, 2] 1.0");
  EXPECT_EQ(error_of("{{ nothing | tojson }}"), "TypeError: Object of type Undefined is not JSON serializable");
}

TEST(Filters, Strings) {
  EXPECT_EQ(render("[{{ '  a \n' | trim }}] {{ 'ab' | upper }} {{ 'AB' | lower }} {{ 'hello-wORLD x' | title }} {{ 'aBC' | capitalize }}"),
            "[a] AB ab Hello-World X Abc");
  EXPECT_EQ(render("{{ 'aaa' | replace('a', 'b', 2) }} {{ 3 | string }}{{ none | string }} {{ '<a&b>' | e }}"),
            "bba 3None &lt;a&amp;b&gt;");
  EXPECT_EQ(render("{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}"), "a\n  b\n\n  c|  a\n  b");
  EXPECT_EQ(render("{{ 'one two  three' | wordcount }}"), "3");
}

TEST(Filters, Sequences) {
  EXPECT_EQ(render("{{ [1, 2] | length }} {{ 'héllo' | length }} {{ {'a': 1} | count }} {{ nothing | length }}"), "2 5 1 0");
  EXPECT_EQ(render("{{ [1, 2, 3] | join('-') }} {{ [3, 1] | first }} {{ [3, 1] | last }} {{ 'ab' | list }} {{ [1, 2] | reverse | list }}"),
            "1-2-3 3 1 ['a', 'b'] [2, 1]");
  EXPECT_EQ(render("{{ ['a', 'A', 'b'] | unique | list }} {{ [3, 1, 2] | sort }} {{ ['b', 'A'] | sort }} {{ [1, 2] | sum }}"),
            "['a', 'b'] [1, 2, 3] ['A', 'b'] 3");
  EXPECT_EQ(render("{{ {'b': 1, 'a': 2} | dictsort }} {{ [1, 2, 3] | batch(2) | list }} {{ [4, 9] | max }}"),
            "[('a', 2), ('b', 1)] [[1, 2], [3]] 9");
}

TEST(Filters, SelectRejectMap) {
  nlohmann::ordered_json msgs = {{{"role", "system"}, {"content", "s"}},
                                 {{"role", "user"}, {"content", "u"}},
                                 {{"role", "assistant"}, {"content", "a"}, {"tool_calls", {1}}}};
  nlohmann::ordered_json vars = {{"m", msgs}};
  EXPECT_EQ(render("{{ m | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }}", vars), "['u']");
  EXPECT_EQ(render("{{ m | rejectattr('role', 'equalto', 'user') | map(attribute='role') | join(',') }}", vars), "system,assistant");
  EXPECT_EQ(render("{{ m | selectattr('tool_calls', 'undefined') | list | length }}", vars), "2");
  EXPECT_EQ(render("{{ m | selectattr('tool_calls') | map(attribute='role') | first }}", vars), "assistant");
  EXPECT_EQ(render("{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3] | reject('in', [2]) | list }}"), "[1, 3] [1, 3]");
  EXPECT_EQ(render("{{ ['a', 'b'] | map('upper') | list }} {{ none | select | list }}"), "['A', 'B'] []");
}

TEST(Filters, DefaultAndNumbers) {
  EXPECT_EQ(render("{{ nothing | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }} {{ none | d('x') }}"),
            "d  d None");
  EXPECT_EQ(render("{{ '42' | int }} {{ 'x' | int }} {{ 3.9 | int }} {{ '2.5' | float }} {{ -3 | abs }} {{ 2.567 | round(2) }} {{ 2 | round }}"),
            "42 0 3 2.5 3 2.57 2.0");
  EXPECT_EQ(render("{{ x | items | list }}", {{"x", {{"a", 1}}}}), "[('a', 1)]");
  EXPECT_EQ(error_of("{{ 3 | items }}"), "TypeError: Can only get item pairs from a mapping.");
  // Unknown names fail when the template is parsed, even in a branch that never runs.
  EXPECT_EQ(error_of("{% if false %}{{ 1 | frob }}{% endif %}"), "TemplateSyntaxError: No filter named 'frob'. (line 1, column 22)");
  EXPECT_EQ(error_of("{{ 1 is frob }}"), "TemplateSyntaxError: No test named 'frob'. (line 1, column 9)");
}

TEST(Tests, BuiltinTests) {
  EXPECT_EQ(render("{{ x is defined }}{{ y is defined }}{{ y is undefined }}{{ none is none }}{{ x is not none }}", {{"x", 1}}),
            "TrueFalseTrueTrueTrue");
  EXPECT_EQ(render("{{ 'a' is string }}{{ {} is mapping }}{{ [] is iterable }}{{ 'a' is iterable }}{{ 1 is iterable }}"
                   "{{ nothing is iterable }}"),
            "TrueTrueTrueTrueFalseTrue");
  EXPECT_EQ(render("{{ 1 is number }}{{ 1.5 is float }}{{ true is number }}{{ true is integer }}{{ false is false }}"
                   "{{ 0 is false }}{{ true is boolean }}{{ [] is sequence }}"),
            "TrueTrueTrueFalseTrueFalseTrueTrue");
  EXPECT_EQ(render("{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 1 is eq 1 }}{{ 2 is in [1, 2] }}"
                   "{{ 'ab' is lower }}{{ 'AB' is upper }}{{ 2 is gt 1 }}{{ x is sameas none }}",
                   {{"x", nullptr}}),
            "TrueTrueTrueTrueTrueTrueTrueTrueTrue");
  EXPECT_EQ(render("{{ not x is defined }}", {{"x", 1}}), "False");
}

}  // namespace
}  // namespace openarc::chat
